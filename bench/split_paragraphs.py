#!/usr/bin/python3
"""Split enwiki-100m articles into paragraph records, for bench/build.

split_paragraphs.py CORPUS.jsonl.gz OUT.jsonl [REPEAT]

Each non-empty line of an article's text becomes one record
{"id": "<article id>-<n>", "text": line}, so every engine indexes the same
units. With REPEAT > 1, the articles (not split) are written REPEAT times
with distinct ids "<id>~<copy>", for the scaling run.
"""
import gzip
import json
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    n = 0
    with open(dst, "w", encoding="utf-8") as out:
        for copy in range(repeat):
            with gzip.open(src, "rt", encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    if repeat > 1:
                        rec["id"] = f"{rec['id']}~{copy}"
                        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                        n += 1
                        continue
                    k = 0
                    for para in rec["text"].split("\n"):
                        if para.strip():
                            k += 1
                            out.write(json.dumps({"id": f"{rec['id']}-{k}", "text": para},
                                                 ensure_ascii=False) + "\n")
                            n += 1
    print(n)


if __name__ == "__main__":
    main()
