"""Execute notebooks with the tslab kernel and export each as HTML (used by run.mjs).

usage: python3 execute.py OUT_DIR TIMEOUT_SECONDS NOTEBOOK...
Writes OUT_DIR/<name>.ipynb (executed, outputs kept) and OUT_DIR/<name>.html. A cell that
fails stops that notebook: its executed copy is still written (with the error), and the exit
status is 1 after every notebook was tried.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter


def main(argv):
    out_dir, timeout, paths = argv[1], int(argv[2]), argv[3:]
    os.makedirs(out_dir, exist_ok=True)
    failed = []
    exporter = HTMLExporter()
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name="tslab", timeout=timeout,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        t0 = time.time()
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as e:
            failed.append(name)
            status = "FAILED\n" + str(e)
        nbformat.write(nb, os.path.join(out_dir, name + ".ipynb"))
        html, _ = exporter.from_notebook_node(nb)
        with open(os.path.join(out_dir, name + ".html"), "w", encoding="utf-8") as f:
            f.write(html)
        print("%s: %s (%.1f s)" % (name, status, time.time() - t0), flush=True)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
