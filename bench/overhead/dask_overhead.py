"""Dask side of bench/overhead: the same 40,000-task graph, µs per task per local scheduler."""
import json
import sys
import time

import dask
from dask import delayed

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SCHEDULERS = sys.argv[3].split(",") if len(sys.argv) > 3 else ["sync", "threads", "processes"]


def inc(x):
    return x + 1


def add(x, y):
    return x + y


def build():
    xs = [delayed(inc, pure=True)(i) for i in range(N)]
    while len(xs) > 1:
        xs = [delayed(add, pure=True)(xs[i], xs[i + 1]) if i + 1 < len(xs) else xs[i] for i in range(0, len(xs), 2)]
    return xs[0]


def main():
    t0 = time.perf_counter()
    total = build()
    build_s = time.perf_counter() - t0
    ntasks = len(dict(total.__dask_graph__()))
    out = {"ntasks": ntasks, "build_us": build_s / ntasks * 1e6, "schedulers": {}}
    for name in SCHEDULERS:
        kw = {"scheduler": name}
        if name != "sync":
            kw["num_workers"] = 2
        best = None
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            value = total.compute(**kw)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        assert value == sum(range(1, N + 1)), value
        out["schedulers"][name] = best / ntasks * 1e6
    print(json.dumps(out))


if __name__ == "__main__":
    main()
