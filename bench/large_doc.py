#!/usr/bin/env python3
"""bench/large_doc.py — one document far larger than the memory budget.

usage: large_doc.py LOCI_INDEX WORKDIR MEGABYTES txt|jsonl [MEMORY]

Writes WORKDIR/doc.txt (one line) or WORKDIR/doc.jsonl (one record whose
text is that line) of about MEGABYTES MB: random words from a 50,000-word
vocabulary plus one rare word per 1,000 (so the term count grows with the
size, as in real text). Then indexes it with `LOCI_INDEX -q --memory
MEMORY` (default 16M), and prints the size, seconds and peak RSS (of the
indexer alone: this script's own memory is not counted, since it is the
child's ru_maxrss). Removes what it wrote.
"""
import os
import random
import resource
import shutil
import subprocess
import sys
import time


def main():
    loci, work, mb, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    memory = sys.argv[5] if len(sys.argv) > 5 else "16M"
    doc = os.path.join(work, "doc." + kind)
    idx = os.path.join(work, "idx")
    random.seed(1)
    vocab = ["".join(random.choice("abcdefghijklmnopqrstuvwxyz")
                     for _ in range(random.randint(2, 10))) for _ in range(50000)]
    blocks = [" ".join(random.choices(vocab, k=999)) for _ in range(64)]
    with open(doc, "w") as f:
        if kind == "jsonl":
            f.write('{"id": "large", "title": "A large record", "text": "')
        n = i = 0
        while n < mb * 1000000:
            s = "%s rare%d " % (blocks[i % 64], i)
            f.write(s)
            n += len(s)
            i += 1
        if kind == "jsonl":
            f.write('"}\n')
    size = os.path.getsize(doc)
    cmd = [loci, "-q", "--memory", memory, "-o", idx] + (["--jsonl"] if kind == "jsonl" else []) + [doc]
    t = time.monotonic()
    subprocess.check_call(cmd)
    secs = time.monotonic() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("%-5s %4d MB at --memory %s: %6.1f s  %5.1f MB/s  peak RSS %6.1f MiB"
          % (kind, size // 1000000, memory, secs, size / secs / 1e6, rss))
    os.remove(doc)
    shutil.rmtree(idx)


if __name__ == "__main__":
    main()
