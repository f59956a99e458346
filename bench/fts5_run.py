#!/usr/bin/python3
"""SQLite FTS5 peer for the loci benchmarks.

index  CORPUS.jsonl DBFILE [contentless]   fts5(id UNINDEXED, title, text,
                               tokenize='porter unicode61 remove_diacritics 2');
                               with "contentless", content='' (no text copy)
search DBFILE QUERIES.tsv K TAG   TREC run ranked by bm25() (score = -bm25)
time   DBFILE QUERIES.tsv K       per-query latency in microseconds, one per line
time-syntax DBFILE QUERIES.tsv K  the same, each query given to MATCH as it is
                                  (already in FTS5 syntax: "a b", a NOT b)

A query becomes an OR of its alphanumeric tokens, each double-quoted, since
raw text is not valid FTS5 query syntax.
"""
import json
import re
import sqlite3
import sys
import time

from benchlib import queries


def index(corpus, dbfile, contentless=False):
    db = sqlite3.connect(dbfile)
    db.execute("DROP TABLE IF EXISTS d")
    opts = ", content=''" if contentless else ""
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, text, "
               f"tokenize='porter unicode61 remove_diacritics 2'{opts})")
    with open(corpus, encoding="utf-8") as f:
        rows = (json.loads(line) for line in f if line.strip())
        db.executemany("INSERT INTO d(id, title, text) VALUES (?, ?, ?)",
                       ((str(r["id"]), r.get("title") or "", r.get("text") or "") for r in rows))
    db.commit()
    db.close()


def match(text):
    toks = re.findall(r"\w+", text)
    return " OR ".join('"%s"' % t for t in toks)




SQL = "SELECT id, bm25(d) FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?"


def search(dbfile, qfile, k, tag):
    db = sqlite3.connect(dbfile)
    for qid, text in queries(qfile):
        m = match(text)
        if not m:
            continue
        for rank, (doc, score) in enumerate(db.execute(SQL, (m, k)), 1):
            sys.stdout.write(f"{qid} Q0 {doc} {rank} {-score:.6f} {tag}\n")


def timing(dbfile, qfile, k, syntax=False):
    db = sqlite3.connect(dbfile)
    for _, text in queries(qfile):
        t0 = time.perf_counter()
        rows = db.execute(SQL, (text if syntax else match(text), k)).fetchall()
        print(int((time.perf_counter() - t0) * 1e6))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "index":
        index(sys.argv[2], sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "contentless")
    elif cmd == "search":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "time":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "time-syntax":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]), True)
    else:
        sys.exit(__doc__)
