# The scikit-learn peer of bench/ml/run.mjs: GridSearchCV over a random forest, 12 parameter
# sets x 3 folds on the same rows, with n_jobs=1 and under joblib's dask backend on a
# LocalCluster of 2 single-threaded workers; runs interleaved. Prints one JSON line.
import json, sys, time
import numpy as np
import sklearn
from joblib import parallel_backend
from distributed import Client, LocalCluster
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold

path, repeat = sys.argv[1], int(sys.argv[2])
d = json.load(open(path))
X = np.array(d["X"]).reshape(-1, d["nCols"])
y = np.array(d["y"])
grid = {"max_depth": [3, 6, 9], "max_features": [0.5, 0.8], "n_estimators": [3, 6]}
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=11)

def search(n_jobs):
    g = GridSearchCV(RandomForestClassifier(random_state=17), grid, cv=cv, scoring="accuracy", refit=False, n_jobs=n_jobs)
    g.fit(X, y)
    return g

def main():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True)
    client = Client(cluster)
    with parallel_backend("dask"):
        search(-1)  # warm-up
    seq, par = [], []
    for _ in range(repeat):
        t0 = time.perf_counter(); search(1); seq.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with parallel_backend("dask"):
            search(-1)
        par.append(time.perf_counter() - t0)
    client.close(); cluster.close()
    med = lambda xs: sorted(xs)[len(xs) // 2]
    return (json.dumps({"sklearn": sklearn.__version__, "seq": med(seq), "par": med(par), "seqRuns": seq, "parRuns": par}))


# The guard: dask's worker processes import this file again, and must not start a cluster each.
if __name__ == "__main__":
    print(main())
