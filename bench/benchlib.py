"""Shared by the bench/*_run.py peers: reading a queries file."""


def queries(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line:
                qid, _, text = line.partition("\t") if "\t" in line else (str(n), "", line)
                yield qid, text
