"""Dask side of bench/distributed: the 40,000-task graph and client.map + gather on a
LocalCluster of 2 worker processes x 1 thread, µs per task (best of REPEAT)."""
import json
import sys
import time

from dask import delayed
from dask.distributed import Client, LocalCluster

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def inc(x):
    return x + 1


def add(x, y):
    return x + y


def build(n):
    xs = [delayed(inc, pure=True)(i) for i in range(n)]
    while len(xs) > 1:
        xs = [delayed(add, pure=True)(xs[i], xs[i + 1]) if i + 1 < len(xs) else xs[i] for i in range(0, len(xs), 2)]
    return xs[0]


def main():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    total = build(N)
    ntasks = len(dict(total.__dask_graph__()))
    best_graph = None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        value = total.compute()
        dt = time.perf_counter() - t0
        assert value == sum(range(1, N + 1)), value
        best_graph = dt if best_graph is None else min(best_graph, dt)
    best_map = None
    for r in range(REPEAT):
        t0 = time.perf_counter()
        futures = client.map(inc, range(r * N, (r + 1) * N))
        values = client.gather(futures)
        dt = time.perf_counter() - t0
        assert values[5] == r * N + 6
        del futures
        best_map = dt if best_map is None else min(best_map, dt)
    client.close()
    cluster.close()
    print(json.dumps({"ntasks": ntasks, "graph_us": best_graph / ntasks * 1e6, "map_us": best_map / N * 1e6}))


if __name__ == "__main__":
    main()
