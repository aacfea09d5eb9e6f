"""The reference side of the differential harness: one process runs every case of a test file.

Reads a JSON spec on stdin:
  {"datasets": {name: {"files": [...], "parse_dates": [...], "dtype": {...}}},
   "cases": [{"id": ..., "py": "expression" | "statements that set result"}]}
and prints one JSON object {id: encoded result}. Each case sees the datasets by name (pandas
DataFrames), pd, np, and the helpers below. A case that raises gives {"$error": "Type: msg"}.

Encoding (shared with encode.ts): a cell is a JSON number, string, bool or null, or a tagged
object for what JSON cannot hold: {"$": "nan"}, {"$": "inf"}, {"$": "-inf"}, {"$": "-0"},
{"$": "nat"}, {"$": "date", "v": epoch ms}, {"$": "int", "v": "digits"} beyond 2^53.
"""

import json
import math
import sys
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")  # pandas 1.5 FutureWarnings would only add noise to stderr

SAFE = 2**53


def cell(v):
    if v is None or v is pd.NA:
        return None
    if v is pd.NaT:
        return {"$": "nat"}
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        v = int(v)
        return v if -SAFE <= v <= SAFE else {"$": "int", "v": str(v)}
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return {"$": "nan"}
        if math.isinf(v):
            return {"$": "inf" if v > 0 else "-inf"}
        if v == 0 and math.copysign(1, v) < 0:
            return {"$": "-0"}
        return v
    if isinstance(v, pd.Timestamp):
        return {"$": "date", "v": v.value // 10**6}
    if isinstance(v, np.datetime64):
        if np.isnat(v):
            return {"$": "nat"}
        return {"$": "date", "v": int(v.astype("datetime64[ms]").astype(np.int64))}
    if isinstance(v, str):
        return v
    if isinstance(v, tuple):
        return [cell(x) for x in v]
    return {"$": "repr", "v": repr(v)}


def values(xs):
    return [cell(x) for x in xs]


def index_of(ix):
    if isinstance(ix, pd.MultiIndex):
        return [[cell(x) for x in t] for t in ix]
    return values(ix)


def encode(x):
    if isinstance(x, pd.DataFrame):
        return {
            "kind": "frame",
            "columns": [str(c) for c in x.columns],
            "index": index_of(x.index),
            "dtypes": {str(c): str(t) for c, t in x.dtypes.items()},
            "data": {str(c): values(x[c].tolist()) for c in x.columns},
        }
    if isinstance(x, pd.Series):
        return {
            "kind": "series",
            "name": None if x.name is None else str(x.name),
            "index": index_of(x.index),
            "dtype": str(x.dtype),
            "values": values(x.tolist()),
        }
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return {"kind": "scalar", "value": cell(x.item())}
        flat_values = list(x.ravel()) if x.dtype.kind == "M" else x.ravel().tolist()  # tolist() turns datetimes into ns ints
        return {"kind": "ndarray", "shape": list(x.shape), "values": values(flat_values)}
    if isinstance(x, (list, tuple)):
        return {"kind": "list", "values": [encode_item(v) for v in x]}
    if isinstance(x, dict):
        return {"kind": "dict", "entries": [[encode_item(k), encode_item(v)] for k, v in x.items()]}
    return {"kind": "scalar", "value": cell(x)}


def encode_item(v):
    """List and dict members: plain cells, or nested lists/dicts as JSON-like values."""
    if isinstance(v, (list, tuple)):
        return [encode_item(x) for x in v]
    if isinstance(v, dict):
        return {"$": "dict", "v": [[encode_item(k), encode_item(x)] for k, x in v.items()]}
    return cell(v)


# ---- helpers the cases use -------------------------------------------------------------------


def keys_first(r):
    """A groupby result with its keys as leading columns (tsdask's layout)."""
    return r.reset_index()


def flat(r, keep=(), sep="_"):
    """An agg's columns named as tsdask names them: col_fn for a list of functions (danfo's
    naming), the column's own name for the columns in `keep` (given one function), keys leading."""
    r = r.copy()
    r.columns = [c[0] if isinstance(c, tuple) and c[0] in keep else sep.join(c) if isinstance(c, tuple) else c for c in r.columns]
    return r.reset_index()


def decode(v):
    """Inputs sent with the spec use the same tags as results (NaN, inf, -0.0 do not fit in JSON)."""
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        tag = v.get("$")
        if tag == "nan":
            return float("nan")
        if tag == "inf":
            return float("inf")
        if tag == "-inf":
            return float("-inf")
        if tag == "-0":
            return -0.0
        if tag == "int":
            return int(v["v"])
        return {k: decode(x) for k, x in v.items()}
    return v


def load(spec):
    frames = []
    for f in spec["files"]:
        # round_trip: correctly rounded floats, as JavaScript's parser (pandas' default parser may be off by an ulp).
        part = pd.read_csv(f, parse_dates=spec.get("parse_dates") or False, dtype=spec.get("dtype"), float_precision="round_trip")
        if len(part):
            frames.append(part)
    if not frames:
        return pd.read_csv(spec["files"][0])
    return pd.concat(frames, ignore_index=True)


def main():
    spec = json.load(sys.stdin)
    env = {"pd": pd, "np": np, "math": math, "keys_first": keys_first, "flat": flat}
    env.update({k: decode(v) for k, v in (spec.get("vars") or {}).items()})
    for name, d in spec["datasets"].items():
        env[name] = load(d)
    out = {}
    for case in spec["cases"]:
        code = case["py"]
        scope = dict(env)
        try:
            if code.lstrip().startswith("result") or "\n" in code:
                exec(code, scope)
                r = scope["result"]
            else:
                r = eval(code, scope)
            out[case["id"]] = encode(r)
        except Exception as e:  # the case's expected outcome is this error
            out[case["id"]] = {"$error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
