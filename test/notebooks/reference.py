"""Answers the notebooks must reach, from pandas and numpy on the data they generated.

usage: python3 reference.py DATA_DIR  -> one JSON object on stdout
"""
import glob
import json
import os
import sys

import numpy as np
import pandas as pd

data = sys.argv[1]
out = {}

flights = pd.concat([pd.read_csv(f) for f in sorted(glob.glob(os.path.join(data, "flights", "*.csv")))])
out["flights"] = {
    "rows": int(len(flights)),
    # Year, Month and DayofMonth become one Date column.
    "columns": int(flights.shape[1] - 2),
    "maxDepDelay": float(flights["DepDelay"].max()),
    "cancelled": {str(k): int(v) for k, v in flights["Cancelled"].value_counts().items()},
    "depDelayByOrigin": {k: float(v) for k, v in flights.groupby("Origin")["DepDelay"].mean().items()},
    "minArrDelayByDest": {k: float(v) for k, v in flights.groupby("Dest")["ArrDelay"].min().items()},
    # The ML cells' feature matrix: the flights with an arrival delay.
    "withArrival": int(flights["ArrDelay"].notna().sum()),
}

q = pd.read_csv(os.path.join(data, "stacklite", "questions.csv"))
t = pd.read_csv(os.path.join(data, "stacklite", "question_tags.csv"))
s = q["Score"]
owners = q.groupby("OwnerUserId")["Id"].count()
tag_table = q.merge(t, on="Id").groupby("Tag")["Id"].count()
out["stacklite"] = {
    "t2": {"mean": float(s.mean()), "std": float(s.std()), "median": float(s.median()), "min": float(s.min()), "max": float(s.max())},
    "t3": {k: int(v) for k, v in t["Tag"].value_counts().nlargest(5).items()},
    "t4": int((~t["Id"].isin(q["Id"])).any()),
    "t5NumQuestions": [int(v) for v in owners.nlargest(5).values],
    "t6NumQuestions": [int(v) for v in tag_table.nlargest(5).values],
}

lines = []
for f in sorted(glob.glob(os.path.join(data, "text", "*.txt"))):
    with open(f, encoding="utf-8") as fh:
        lines += fh.read().splitlines()
langs = pd.Series([line.split(" ")[0] for line in lines]).value_counts()
out["text"] = {
    "lines": len(lines),
    "python": sum(1 for line in lines if line.startswith("python ")),
    "byLanguage": {k: int(v) for k, v in langs.items()},
}

i, j = np.indices((60, 40))
a = ((7 * i + 3 * j) % 11 - 5).astype(float)
prod = a @ (a.T + 1)
out["array"] = {"rowMeans": [float(v) for v in a.mean(axis=1)[:6]], "shape": list(prod.shape), "sum": float(prod.sum()), "trace": float(np.trace(prod))}

print(json.dumps(out))
