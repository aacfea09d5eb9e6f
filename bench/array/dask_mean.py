"""Dask side of bench/array: da.random.normal then row means (the seed's mean(axis=1)), best wall time."""
import json
import sys
import time

import dask
import dask.array as da

ROWS, COLS, CHUNK_ROWS, REPEAT, WORKERS = (int(a) for a in sys.argv[1:6])
SCHEDULERS = sys.argv[6].split(",") if len(sys.argv) > 6 else ["threads"]


def main():
    out = {"dask": dask.__version__, "schedulers": {}}
    for name in SCHEDULERS:
        kw = {"scheduler": name}
        if name != "sync":
            kw["num_workers"] = WORKERS
        best = None
        for r in range(REPEAT + 1):
            # Built inside the loop, as tsdask does: a fresh random array each time.
            x = da.random.normal(0, 1, size=(ROWS, COLS), chunks=(CHUNK_ROWS, COLS))
            t0 = time.perf_counter()
            rs = da.mean(x, axis=1).compute(**kw)
            dt = time.perf_counter() - t0
            assert rs.shape == (ROWS,) and abs(float(rs.mean())) < 0.01
            if r > 0:  # the first run warms the pool
                best = dt if best is None else min(best, dt)
        out["schedulers"][name] = best
    print(json.dumps(out))


if __name__ == "__main__":  # the processes scheduler re-imports this file in its workers
    main()
