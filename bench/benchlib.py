"""Shared by the bench/*_run.py peers: reading a queries file, walking a tree."""

import os


def queries(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line:
                qid, _, text = line.partition("\t") if "\t" in line else (str(n), "", line)
                yield qid, text


def walk(root):
    """Every file under root, directories and files in sorted order (as loci-index walks)."""
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(d, name)
