"""pandas peer for bench/csv: best-of-N CPU seconds of read_csv per file; prints one JSON line."""
import json
import os
import sys
import time

import pandas as pd

reps = int(sys.argv[1])
out = {"pandas": pd.__version__, "files": {}}
for path in sys.argv[2:]:
    best = float("inf")
    rows = 0
    for _ in range(reps):
        t0 = time.process_time()
        df = pd.read_csv(path)
        best = min(best, time.process_time() - t0)
        rows = len(df)
        del df
    out["files"][path] = {"seconds": best, "rows": rows, "bytes": os.path.getsize(path)}
print(json.dumps(out))
