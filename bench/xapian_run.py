#!/usr/bin/python3
"""Xapian peer for the loci benchmarks (run with Debian's /usr/bin/python3).

index  CORPUS.jsonl DBDIR [ids]  index {id,title,text} records: TermGenerator
                               with the English stemmer, title then text (positions
                               on); with "ids", each document also gets the unique
                               boolean term "Q" + id (omindex's convention), so that
                               it can be replaced and deleted by id
replace DBDIR CORPUS.jsonl     add or replace each record by its id term
                               (replace_document), then commit(); prints the
                               seconds from opening DBDIR to the commit's return
delete DBDIR IDS               delete_document of each id's term (one id a line),
                               then commit(); prints the seconds likewise
tree-index ROOT DBDIR          index every file under ROOT as a document: its text,
                               the term "Q" + path and value 0 = "size:mtime_ns"
tree-update ROOT DBDIR         what omindex does on a rerun: stat every file under
                               ROOT, look its Q term up, re-index and replace the
                               ones whose value differs (or new), delete the
                               documents of files gone, commit(); prints seconds
search DBDIR QUERIES.tsv K TAG print a TREC run: QueryParser (English stemmer,
                               STEM_SOME, default OR), BM25Weight() defaults
index-title CORPUS.jsonl DBDIR W  as index, the title's words given wdf W
                               (TermGenerator.index_text(title, W)): title weighting
search-expand DBDIR QUERIES.tsv K TAG  as search, then query expansion: RSet of
                               the top 10 documents, get_eset(10, rset), and the
                               query again as the original OR the ESet terms,
                               each scaled (OP_SCALE_WEIGHT) by its ESet weight
                               over the top ESet weight
time   DBDIR QUERIES.tsv K     per-query latency in microseconds, one per line
time-syntax DBDIR QUERIES.tsv K  the same, the queries parsed with
                               FLAG_PHRASE | FLAG_BOOLEAN | FLAG_LOVEHATE
                               ("a b" phrases, AND/OR/NOT, +a -b)

Queries go through QueryParser with its default flags; if one raises
QueryParserError (stray syntax characters), it is parsed again with no
flags, which treats every word as a plain term.
"""
import json
import os
import sys
import time

import xapian

from benchlib import queries, walk


def generator():
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("english"))
    return tg


def make_doc(tg, rec, ids=False, title_wdf=1):
    doc = xapian.Document()
    tg.set_document(doc)
    tg.index_text(rec.get("title") or "", title_wdf)
    tg.increase_termpos()
    tg.index_text(rec.get("text") or "")
    doc.set_data(str(rec["id"]))
    if ids:
        doc.add_boolean_term("Q" + str(rec["id"]))
    return doc


def records(corpus):
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def index(corpus, dbdir, ids=False, title_wdf=1):
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = generator()
    for rec in records(corpus):
        db.add_document(make_doc(tg, rec, ids, title_wdf))
    db.commit()


def replace(dbdir, corpus):
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(dbdir, xapian.DB_OPEN)
    tg = generator()
    for rec in records(corpus):
        db.replace_document("Q" + str(rec["id"]), make_doc(tg, rec, True))
    db.commit()
    db.close()
    print("%.6f" % (time.perf_counter() - t0))


def delete(dbdir, idfile):
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(dbdir, xapian.DB_OPEN)
    with open(idfile, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                db.delete_document("Q" + line.rstrip("\n"))
    db.commit()
    db.close()
    print("%.6f" % (time.perf_counter() - t0))


def file_doc(tg, path, st):
    with open(path, encoding="utf-8", errors="replace") as f:
        doc = make_doc(tg, {"id": path, "text": f.read()}, True)
    doc.add_value(0, "%d:%d" % (st.st_size, st.st_mtime_ns))
    return doc


def tree_index(root, dbdir):
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = generator()
    for path in walk(root):
        db.add_document(file_doc(tg, path, os.stat(path)))
    db.commit()


def tree_update(root, dbdir):
    t0 = time.perf_counter()
    db = xapian.WritableDatabase(dbdir, xapian.DB_OPEN)
    tg = generator()
    seen = set()
    changed = 0
    for path in walk(root):
        st = os.stat(path)
        term = "Q" + path
        seen.add(term)
        stamp = ("%d:%d" % (st.st_size, st.st_mtime_ns)).encode()
        docid = next((p.docid for p in db.postlist(term)), 0)
        if docid and db.get_document(docid).get_value(0) == stamp:
            continue
        db.replace_document(term, file_doc(tg, path, st))
        changed += 1
    gone = [t.term for t in db.allterms("Q") if t.term.decode() not in seen]
    for term in gone:
        db.delete_document(term)
    db.commit()
    db.close()
    print("%.6f" % (time.perf_counter() - t0))
    print(f"xapian tree-update: {changed} replaced, {len(gone)} deleted", file=sys.stderr)


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




FEEDBACK_DOCS = 10   # as loci-search --expand: 10 passages, 10 terms
FEEDBACK_TERMS = 10


def expand(enq, query):
    """The query OR'ed with the ESet of its top documents (Xapian's own
    expansion, the ESet leaving out the query's terms), each ESet term
    scaled by its weight relative to the first one's."""
    enq.set_query(query)
    rset = xapian.RSet()
    for m in enq.get_mset(0, FEEDBACK_DOCS):
        rset.add_document(m.docid)
    if rset.empty():
        return query
    eset = enq.get_eset(FEEDBACK_TERMS, rset)
    terms = [(e.term, e.weight) for e in eset]
    if not terms or terms[0][1] <= 0:
        return query
    top = terms[0][1]
    extra = [xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(t), w / top) for t, w in terms]
    return xapian.Query(xapian.Query.OP_OR, [query] + extra)


def search(dbdir, qfile, k, tag, expanded=False):
    qp, enq = open_searcher(dbdir)
    out = sys.stdout
    for qid, text in queries(qfile):
        query = parse(qp, text)
        enq.set_query(expand(enq, query) if expanded else query)
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
        index(sys.argv[2], sys.argv[3], "ids" in sys.argv[4:])
    elif cmd == "replace":
        replace(sys.argv[2], sys.argv[3])
    elif cmd == "delete":
        delete(sys.argv[2], sys.argv[3])
    elif cmd == "tree-index":
        tree_index(sys.argv[2], sys.argv[3])
    elif cmd == "tree-update":
        tree_update(sys.argv[2], sys.argv[3])
    elif cmd == "index-title":
        index(sys.argv[2], sys.argv[3], title_wdf=int(sys.argv[4]))
    elif cmd == "search":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "search-expand":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], True)
    elif cmd == "time":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "time-syntax":
        timing(sys.argv[2], sys.argv[3], int(sys.argv[4]), True)
    else:
        sys.exit(__doc__)
