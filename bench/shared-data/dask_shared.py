"""Dask side of bench/shared-data: the seed's §6.4 program (40M normals delayed once, 20 tasks
each taking np.mean). Prints {"cold", "warm"} compute times in seconds as JSON."""
import json
import sys
import time

import dask
import numpy as np

SCHEDULER, WORKERS = sys.argv[1], int(sys.argv[2])


def calc(x, i):
    return np.mean(x)


def main():
    rng = np.random.default_rng()
    x = dask.delayed(rng.normal(size=40_000_000))  # here we delay the data
    times = []
    for _ in range(3):
        out = [dask.delayed(calc)(x, i) for i in range(20)]
        t0 = time.perf_counter()
        (means,) = dask.compute(out, scheduler=SCHEDULER, num_workers=WORKERS)
        times.append(time.perf_counter() - t0)
        assert len(means) == 20 and all(abs(m) < 0.01 for m in means)
    print(json.dumps({"cold": times[0], "warm": min(times[1:]), "dask": dask.__version__}))


if __name__ == "__main__":
    main()
