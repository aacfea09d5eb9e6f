"""Python peers of bench/stackoverflow: the six StackLite tasks as the seed assignment writes
them, with Dask on a LocalCluster (2 workers x 1 thread) or with pandas in one process.
Prints one JSON line: per-task seconds, answers (for cross-checking) and peak memory (MB)."""
import json
import resource
import sys
import time

MODE = sys.argv[1]  # "dask" or "pandas"
DIR = sys.argv[2]
WORKERS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
# As students do after read_csv's sample-based inference fails on columns whose NA come late.
DTYPE = {"ClosedDate": "object", "DeletionDate": "object", "OwnerUserId": "float64", "AnswerCount": "float64"}


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(out, name, fn):
    t0 = time.perf_counter()
    value = fn()
    out["seconds"][name] = time.perf_counter() - t0
    return value


def top(df, col, n=5):
    return [[str(k), float(v)] for k, v in zip(df.index.tolist(), df[col].tolist())][:n]


def run_pandas(out):
    import pandas as pd

    def read():
        return pd.read_csv(f"{DIR}/questions.csv", dtype=DTYPE), pd.read_csv(f"{DIR}/question_tags.csv")

    def t1():
        q, t = read()
        return {**(q.isnull().mean() * 100).to_dict(), **(t.isnull().mean() * 100).add_prefix("tags.").to_dict()}

    def t2():
        s = pd.read_csv(f"{DIR}/questions.csv", dtype=DTYPE).Score
        return [s.mean(), s.std(), s.median(), s.min(), s.max()]

    def t3():
        t = pd.read_csv(f"{DIR}/question_tags.csv")
        vc = t.Tag.value_counts().nlargest(5)
        return [[k, int(v)] for k, v in vc.items()]

    def t4():
        q, t = read()
        return int((~t.Id.isin(q.Id)).any())

    def owners(q):
        return q.groupby("OwnerUserId").agg({"Score": "mean", "Id": "count", "AnswerCount": "sum"}).rename(
            columns={"Score": "AverageScore", "Id": "NumQuestions", "AnswerCount": "NumAnswers"})

    def t5():
        q = pd.read_csv(f"{DIR}/questions.csv", dtype=DTYPE)
        return top(owners(q).nlargest(5, "NumQuestions"), "NumQuestions")

    def tag_table(q, t):
        m = q.merge(t, on="Id")
        return m.groupby("Tag").agg({"Score": "mean", "AnswerCount": "sum", "Id": "count", "OwnerUserId": "count"}).rename(
            columns={"Score": "AverageScore", "AnswerCount": "NumAnswers", "Id": "NumQuestions", "OwnerUserId": "NumOwners"})

    def t6():
        q, t = read()
        tt = tag_table(q, t)
        return [top(tt.nlargest(5, "NumQuestions"), "NumQuestions"), top(tt.nlargest(5, "NumAnswers"), "NumAnswers")]

    for name, fn in [("t1", t1), ("t2", t2), ("t3", t3), ("t4", t4), ("t5", t5), ("t6", t6)]:
        out["answers"][name] = timed(out, name, fn)
    out["peak_mb"] = {"process": peak_mb()}


def run_dask(out):
    import dask
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    import pandas as pd

    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, dashboard_address=None)
    client = Client(cluster)
    # Warm-up outside the timings (workers import pandas and dask.dataframe), as tsdask's run does.
    tiny = dd.from_pandas(pd.DataFrame({"k": [1, 2, 1], "v": [1.0, 2.0, 3.0]}), npartitions=2)
    tiny.groupby("k").v.sum().compute()
    questions = dd.read_csv(f"{DIR}/questions.csv", dtype=DTYPE)
    tags = dd.read_csv(f"{DIR}/question_tags.csv")

    def t1():
        a, b = dask.compute(questions.isnull().mean() * 100, tags.isnull().mean() * 100)
        return {**a.to_dict(), **b.add_prefix("tags.").to_dict()}

    def t2():
        s = questions.Score
        return list(dask.compute(s.mean(), s.std(), s.quantile(0.5), s.min(), s.max()))

    def t3():
        vc = tags.Tag.value_counts().nlargest(5).compute()
        return [[k, int(v)] for k, v in vc.items()]

    def t4():
        ids = questions.Id.compute()
        return int((~tags.Id.isin(ids)).any().compute())

    def t5():
        owner = questions.groupby("OwnerUserId").agg({"Score": "mean", "Id": "count", "AnswerCount": "sum"}).rename(
            columns={"Score": "AverageScore", "Id": "NumQuestions", "AnswerCount": "NumAnswers"})
        return top(owner.nlargest(5, "NumQuestions").compute(), "NumQuestions")

    def t6():
        merged = questions.merge(tags, on="Id")
        tt = merged.groupby("Tag").agg({"Score": "mean", "AnswerCount": "sum", "Id": "count", "OwnerUserId": "count"}).rename(
            columns={"Score": "AverageScore", "AnswerCount": "NumAnswers", "Id": "NumQuestions", "OwnerUserId": "NumOwners"})
        a, b = dask.compute(tt.nlargest(5, "NumQuestions"), tt.nlargest(5, "NumAnswers"))
        return [top(a, "NumQuestions"), top(b, "NumAnswers")]

    for name, fn in [("t1", t1), ("t2", t2), ("t3", t3), ("t4", t4), ("t5", t5), ("t6", t6)]:
        out["answers"][name] = timed(out, name, fn)
    workers = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["peak_mb"] = {"client": peak_mb(), **{f"worker{i}": v for i, v in enumerate(workers.values())}}
    client.close()
    cluster.close()


if __name__ == "__main__":
    result = {"mode": MODE, "seconds": {}, "answers": {}}
    t0 = time.perf_counter()
    run_pandas(result) if MODE == "pandas" else run_dask(result)
    result["total"] = sum(result["seconds"].values())
    print(json.dumps(result, default=float))
