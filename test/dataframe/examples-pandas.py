"""pandas' answers to the seed workloads on the same files as examples/*.ts, for
test/dataframe/examples.test.ts. Usage: examples-pandas.py stackoverflow|nycflights DIR"""
import json
import math
import sys

import pandas as pd

MODE, DIR = sys.argv[1], sys.argv[2]


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


def stackoverflow():
    dtype = {"ClosedDate": "object", "DeletionDate": "object", "OwnerUserId": "float64", "AnswerCount": "float64"}
    q = pd.read_csv(f"{DIR}/questions.csv", dtype=dtype)
    t = pd.read_csv(f"{DIR}/question_tags.csv")
    s = q.Score
    owners = q.groupby("OwnerUserId").agg({"Score": "mean", "Id": "count", "AnswerCount": "sum"}).rename(
        columns={"Score": "AverageScore", "Id": "NumQuestions", "AnswerCount": "NumAnswers"})
    m = q.merge(t, on="Id")
    tags = m.groupby("Tag").agg({"Score": "mean", "AnswerCount": "sum", "Id": "count", "OwnerUserId": "count"}).rename(
        columns={"Score": "AverageScore", "AnswerCount": "NumAnswers", "Id": "NumQuestions", "OwnerUserId": "NumOwners"})
    vc = t.Tag.value_counts()
    return {
        "t1": {"questions": {k: num(v) for k, v in (q.isnull().mean() * 100).items()},
               "tags": {k: num(v) for k, v in (t.isnull().mean() * 100).items()}},
        "t2": {"mean": num(s.mean()), "std": num(s.std()), "median": num(s.median()), "min": num(s.min()), "max": num(s.max())},
        "t3": [int(v) for v in vc.nlargest(5).values],
        "tagCounts": {k: int(v) for k, v in vc.items()},
        "t4": int((~t.Id.isin(q.Id)).any()),
        "t5": [int(v) for v in owners.nlargest(5, "NumQuestions").NumQuestions.values],
        "owners": {str(num(k)): [num(r.AverageScore), num(r.NumQuestions), num(r.NumAnswers)] for k, r in owners.iterrows()},
        "t6": {"byQuestions": [int(v) for v in tags.nlargest(5, "NumQuestions").NumQuestions.values],
               "byAnswers": [num(v) for v in tags.nlargest(5, "NumAnswers").NumAnswers.values]},
        "tags": {k: [num(r.AverageScore), num(r.NumAnswers), num(r.NumQuestions), num(r.NumOwners)] for k, r in tags.iterrows()},
    }


def nycflights():
    import glob
    files = sorted(glob.glob(f"{DIR}/*.csv"))
    df = pd.concat([pd.read_csv(f, parse_dates={"Date": [0, 1, 2]}, dtype={"CRSElapsedTime": "float64", "TailNum": "object"}) for f in files])
    cancelled = df[df.Cancelled == 1]
    flown = df[df.Cancelled == 0].groupby("Origin").Origin.count()
    total = df.groupby("Origin").Origin.count()
    numcols = df.select_dtypes(include="number").columns
    nyc = df[df.Dest.isin(["JFK", "EWR", "LGA"])].groupby("Dest")[numcols].mean()
    years = df.groupby(df.Date.dt.year)[["ActualElapsedTime", "Distance"]].max()
    return {
        "length": len(df),
        "arrTimeBelowMean": int((df.ArrTime < df.ArrTime.mean()).sum()),
        "count": {k: int(v) for k, v in df.count().items()},
        "cancelledCounts": {str(k): int(v) for k, v in df.Cancelled.value_counts().items()},
        "maxDepDelay": num(df.DepDelay.max()),
        "cancelled": {"rows": len(cancelled), "flightNumSum": int(cancelled.FlightNum.sum())},
        "mondays": int((df.DayOfWeek == 1).sum()),
        "flownByOrigin": {k: int(v) for k, v in flown.items()},
        "flownRatio": {k: num(v) for k, v in (flown / total).items()},
        "depDelayByOriginDay": {f"({o}, {d})": num(v) for (o, d), v in df.groupby(["Origin", "DayOfWeek"]).DepDelay.mean().items()},
        "nycMeans": [{"Dest": k, **{c: num(r[c]) for c in numcols}} for k, r in nyc.iterrows()],
        "yearMax": [{"Date": int(k), "ActualElapsedTime": num(r.ActualElapsedTime), "Distance": num(r.Distance)} for k, r in years.iterrows()],
        "query": {k: num(v) for k, v in df.groupby("Dest").ArrDelay.min().items()},
    }


print(json.dumps(stackoverflow() if MODE == "stackoverflow" else nycflights()))
