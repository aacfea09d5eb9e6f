"""Dask side of bench/cpu-scaling: TASKS tasks of ~MS ms CPU each, sync vs threads vs processes.

Two task bodies: the seed's calc_mean (numpy default_rng normals) and the same Box-Muller loop
as the JavaScript side written in pure Python (which the GIL serializes on threads)."""
import json
import math
import sys
import time

import dask
from dask import delayed

TASKS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
WORKERS = int(sys.argv[2]) if len(sys.argv) > 2 else 2
MS = float(sys.argv[3]) if len(sys.argv) > 3 else 250.0
REPEAT = int(sys.argv[4]) if len(sys.argv) > 4 else 2


def calc_mean(i, n):
    import numpy as np

    rng = np.random.default_rng(i)
    data = rng.normal(size=n)
    return [float(np.mean(data)), float(np.std(data))]


def calc_mean_python(i, n):
    state = ((i + 1) * 2654435761) % 4294967296
    s = s2 = 0.0
    for _ in range(n):
        state = (state * 1664525 + 1013904223) % 4294967296
        u1 = (state + 0.5) / 4294967296
        state = (state * 1664525 + 1013904223) % 4294967296
        u2 = (state + 0.5) / 4294967296
        z = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
        s += z
        s2 += z * z
    mean = s / n
    return [mean, math.sqrt(s2 / n - mean * mean)]


def calibrate(fn, n0):
    """n such that one call takes about MS milliseconds."""
    fn(0, n0)  # imports and caches first
    n = n0
    while True:
        t0 = time.perf_counter()
        fn(0, n)
        dt = (time.perf_counter() - t0) * 1000
        if dt > 50:
            break
        n *= 4
    # Scale to MS using the best of three timings, so one noisy moment does not skew n.
    for _ in range(2):
        n = max(1, int(n * MS / best_of_3(fn, n)))
    return n


def best_of_3(fn, n):
    best = float("inf")
    for r in range(3):
        t0 = time.perf_counter()
        fn(r, n)
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def timed(fn, n, scheduler):
    tasks = [delayed(fn, pure=False)(i, n) for i in range(TASKS)]
    kw = {"scheduler": scheduler}
    if scheduler != "sync":
        kw["num_workers"] = WORKERS
    t0 = time.perf_counter()
    dask.compute(tasks, **kw)
    return time.perf_counter() - t0


def main():
    out = {}
    for label, fn, n0 in [("numpy", calc_mean, 100_000), ("python", calc_mean_python, 10_000)]:
        n = calibrate(fn, n0)
        row = {"n": n}
        schedulers = ["sync", "threads", "processes"]
        for s in schedulers:
            timed(fn, max(1, n // 100), s)  # warm pools and imports
        for _ in range(REPEAT):  # interleaved, like the tsdask side
            for s in schedulers:
                row[s] = min(row.get(s, float("inf")), timed(fn, n, s))
        out[label] = row
    print(json.dumps(out))


if __name__ == "__main__":
    main()
