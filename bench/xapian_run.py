#!/usr/bin/python3
"""Xapian peer for the loci benchmarks (run with Debian's /usr/bin/python3).

index  CORPUS.jsonl DBDIR      index {id,title,text} records: TermGenerator with
                               the English stemmer, title then text (positions on)
search DBDIR QUERIES.tsv K TAG print a TREC run: QueryParser (English stemmer,
                               STEM_SOME, default OR), BM25Weight() defaults
time   DBDIR QUERIES.tsv K     per-query latency in microseconds, one per line
time-syntax DBDIR QUERIES.tsv K  the same, the queries parsed with
                               FLAG_PHRASE | FLAG_BOOLEAN | FLAG_LOVEHATE
                               ("a b" phrases, AND/OR/NOT, +a -b)

Queries go through QueryParser with its default flags; if one raises
QueryParserError (stray syntax characters), it is parsed again with no
flags, which treats every word as a plain term.
"""
import json
import sys
import time

import xapian

from benchlib import queries


def index(corpus, dbdir):
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(rec.get("title") or "")
            tg.increase_termpos()
            tg.index_text(rec.get("text") or "")
            doc.set_data(str(rec["id"]))
            db.add_document(doc)
    db.commit()


def open_searcher(dbdir):
    db = xapian.Database(dbdir)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_OR)
    qp.set_database(db)
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    return qp, enq


def parse(qp, text):
    try:
        return qp.parse_query(text)
    except xapian.QueryParserError:
        return qp.parse_query(text, 0)




def search(dbdir, qfile, k, tag):
    qp, enq = open_searcher(dbdir)
    out = sys.stdout
    for qid, text in queries(qfile):
        enq.set_query(parse(qp, text))
        for rank, m in enumerate(enq.get_mset(0, k), 1):
            out.write(f"{qid} Q0 {m.document.get_data().decode()} {rank} {m.weight:.6f} {tag}\n")


SYNTAX = xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN | \
    xapian.QueryParser.FLAG_LOVEHATE


def timing(dbdir, qfile, k, syntax=False):
    qp, enq = open_searcher(dbdir)
    for _, text in queries(qfile):
        t0 = time.perf_counter()
        enq.set_query(qp.parse_query(text, SYNTAX) if syntax else parse(qp, text))
        mset = enq.get_mset(0, k)
        for m in mset:
            m.docid
        print(int((time.perf_counter() - t0) * 1e6))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "index":
        index(sys.argv[2], sys.argv[3])
    elif cmd == "search":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "time":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "time-syntax":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]), True)
    else:
        sys.exit(__doc__)
