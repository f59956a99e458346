#!/usr/bin/python3
"""SQLite FTS5 peer for the loci benchmarks.

index  CORPUS.jsonl DBFILE [contentless] [ids]   fts5(id UNINDEXED, title, text,
                               tokenize='porter unicode61 remove_diacritics 2');
                               with "contentless", content='' (no text copy); with
                               "ids", also a table ids(id PRIMARY KEY, rid) mapping
                               each id to its rowid, so that it can be replaced and
                               deleted by id (an UNINDEXED column is not searchable)
replace DBFILE CORPUS.jsonl    add or replace each record by id (DELETE of the old
                               rowid, INSERT), in one transaction, COMMIT; prints
                               the seconds from connecting to the commit's return
delete DBFILE IDS              DELETE each id's row (one id a line), one
                               transaction, COMMIT; prints the seconds likewise
tree-index ROOT DBFILE         every file under ROOT a row (path, text), and a
                               table files(path PRIMARY KEY, rid, stamp) with
                               stamp = "size:mtime_ns"
tree-update ROOT DBFILE        stat every file under ROOT, look it up in files,
                               replace the rows whose stamp differs (or new), delete
                               the rows of files gone, COMMIT; prints seconds
search DBFILE QUERIES.tsv K TAG   TREC run ranked by bm25() (score = -bm25)
search-title DBFILE QUERIES.tsv K TAG W  the same ranked by bm25(d, 1, W, 1):
                               the title column weighs W, the text 1 (the
                               first weight is the UNINDEXED id's, unused)
time   DBFILE QUERIES.tsv K       per-query latency in microseconds, one per line
time-syntax DBFILE QUERIES.tsv K  the same, each query given to MATCH as it is
                                  (already in FTS5 syntax: "a b", a NOT b)

A query becomes an OR of its alphanumeric tokens, each double-quoted, since
raw text is not valid FTS5 query syntax.
"""
import json
import os
import re
import sqlite3
import sys
import time

from benchlib import queries, walk


def index(corpus, dbfile, contentless=False, ids=False):
    db = sqlite3.connect(dbfile)
    db.execute("DROP TABLE IF EXISTS d")
    opts = ", content=''" if contentless else ""
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, text, "
               f"tokenize='porter unicode61 remove_diacritics 2'{opts})")
    with open(corpus, encoding="utf-8") as f:
        rows = (json.loads(line) for line in f if line.strip())
        if not ids:
            db.executemany("INSERT INTO d(id, title, text) VALUES (?, ?, ?)",
                           ((str(r["id"]), r.get("title") or "", r.get("text") or "") for r in rows))
        else:
            db.execute("DROP TABLE IF EXISTS ids")
            db.execute("CREATE TABLE ids(id TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID")
            for rid, r in enumerate(rows, 1):
                db.execute("INSERT INTO d(rowid, id, title, text) VALUES (?, ?, ?, ?)",
                           (rid, str(r["id"]), r.get("title") or "", r.get("text") or ""))
                db.execute("INSERT INTO ids VALUES (?, ?)", (str(r["id"]), rid))
    db.commit()
    db.close()


def replace(dbfile, corpus):
    t0 = time.perf_counter()
    db = sqlite3.connect(dbfile, isolation_level=None)
    db.execute("BEGIN")
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            key, title, text = str(r["id"]), r.get("title") or "", r.get("text") or ""
            old = db.execute("SELECT rid FROM ids WHERE id = ?", (key,)).fetchone()
            if old:
                db.execute("DELETE FROM d WHERE rowid = ?", old)
                db.execute("INSERT INTO d(rowid, id, title, text) VALUES (?, ?, ?, ?)",
                           (old[0], key, title, text))
            else:
                rid = db.execute("INSERT INTO d(id, title, text) VALUES (?, ?, ?)",
                                 (key, title, text)).lastrowid
                db.execute("INSERT INTO ids VALUES (?, ?)", (key, rid))
    db.execute("COMMIT")
    db.close()
    print("%.6f" % (time.perf_counter() - t0))


def delete(dbfile, idfile):
    t0 = time.perf_counter()
    db = sqlite3.connect(dbfile, isolation_level=None)
    db.execute("BEGIN")
    with open(idfile, encoding="utf-8") as f:
        for line in f:
            key = line.rstrip("\n")
            if not key:
                continue
            old = db.execute("SELECT rid FROM ids WHERE id = ?", (key,)).fetchone()
            if old:
                db.execute("DELETE FROM d WHERE rowid = ?", old)
                db.execute("DELETE FROM ids WHERE id = ?", (key,))
    db.execute("COMMIT")
    db.close()
    print("%.6f" % (time.perf_counter() - t0))


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def tree_index(root, dbfile):
    if os.path.exists(dbfile):
        os.remove(dbfile)
    db = sqlite3.connect(dbfile)
    db.execute("CREATE VIRTUAL TABLE d USING fts5(path UNINDEXED, text, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    db.execute("CREATE TABLE files(path TEXT PRIMARY KEY, rid INTEGER NOT NULL, stamp TEXT) WITHOUT ROWID")
    for path in walk(root):
        st = os.stat(path)
        rid = db.execute("INSERT INTO d(path, text) VALUES (?, ?)", (path, read_text(path))).lastrowid
        db.execute("INSERT INTO files VALUES (?, ?, ?)", (path, rid, "%d:%d" % (st.st_size, st.st_mtime_ns)))
    db.commit()
    db.close()


def tree_update(root, dbfile):
    t0 = time.perf_counter()
    db = sqlite3.connect(dbfile, isolation_level=None)
    db.execute("BEGIN")
    seen = set()
    changed = 0
    for path in walk(root):
        st = os.stat(path)
        seen.add(path)
        stamp = "%d:%d" % (st.st_size, st.st_mtime_ns)
        old = db.execute("SELECT rid, stamp FROM files WHERE path = ?", (path,)).fetchone()
        if old and old[1] == stamp:
            continue
        if old:
            db.execute("DELETE FROM d WHERE rowid = ?", (old[0],))
            db.execute("DELETE FROM files WHERE path = ?", (path,))
        rid = db.execute("INSERT INTO d(path, text) VALUES (?, ?)", (path, read_text(path))).lastrowid
        db.execute("INSERT INTO files VALUES (?, ?, ?)", (path, rid, stamp))
        changed += 1
    gone = [(p, rid) for p, rid in db.execute("SELECT path, rid FROM files") if p not in seen]
    for p, rid in gone:
        db.execute("DELETE FROM d WHERE rowid = ?", (rid,))
        db.execute("DELETE FROM files WHERE path = ?", (p,))
    db.execute("COMMIT")
    db.close()
    print("%.6f" % (time.perf_counter() - t0))
    print(f"fts5 tree-update: {changed} replaced, {len(gone)} deleted", file=sys.stderr)


def match(text):
    toks = re.findall(r"\w+", text)
    return " OR ".join('"%s"' % t for t in toks)




SQL = "SELECT id, bm25(d) FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?"


def search(dbfile, qfile, k, tag, sql=SQL):
    db = sqlite3.connect(dbfile)
    for qid, text in queries(qfile):
        m = match(text)
        if not m:
            continue
        for rank, (doc, score) in enumerate(db.execute(sql, (m, k)), 1):
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
        index(sys.argv[2], sys.argv[3], "contentless" in sys.argv[4:], "ids" in sys.argv[4:])
    elif cmd == "replace":
        replace(sys.argv[2], sys.argv[3])
    elif cmd == "delete":
        delete(sys.argv[2], sys.argv[3])
    elif cmd == "tree-index":
        tree_index(sys.argv[2], sys.argv[3])
    elif cmd == "tree-update":
        tree_update(sys.argv[2], sys.argv[3])
    elif cmd == "search":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "search-title":
        w = float(sys.argv[6])
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5],
               SQL.replace("bm25(d)", f"bm25(d, 1.0, {w!r}, 1.0)"))
    elif cmd == "time":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "time-syntax":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]), True)
    else:
        sys.exit(__doc__)
