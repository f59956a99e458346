#!/usr/bin/env python3
"""Check loci-eval against an independent computation of the same measures.

Usage: eval_check.py LOCI_EVAL DIR   (DIR holds qrels.txt and run*.txt)

Written from the measures' definitions (trec_eval conventions: relevant
means grade > 0, nDCG gains are grades with a log2(rank + 1) discount, runs
ordered by score then docid descending, first of duplicate docids kept,
means over the qrels queries with a relevant document). Exits 1 on any
difference larger than 1e-4.
"""
import glob
import json
import math
import os
import subprocess
import sys


def read_qrels(path):
    qrels = {}
    for line in open(path):
        f = line.split()
        if f:
            qrels.setdefault(f[0], {})[f[2]] = max(0.0, float(f[3]))
    return qrels


def read_run(path):
    run, seen = {}, set()
    for line in open(path):
        f = line.split()
        if not f or (f[0], f[2]) in seen:
            continue
        seen.add((f[0], f[2]))
        run.setdefault(f[0], []).append((float(f[4]), f[2]))
    for q in run:
        # score descending, then docid descending
        run[q].sort(key=lambda t: (t[0], t[1]), reverse=True)
    return run


def measures(judged, ranked):
    rel = {d for d, g in judged.items() if g > 0}
    ranked = [d for _, d in ranked]
    hits = [d in rel for d in ranked]
    ap, found = 0.0, 0
    for i, h in enumerate(hits):
        if h:
            found += 1
            ap += found / (i + 1)
    first = next((i for i, h in enumerate(hits) if h), None)
    dcg = sum(judged.get(d, 0.0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return {
        "map": ap / len(rel),
        "ndcg_cut_10": dcg / idcg if idcg else 0.0,
        "P_10": sum(hits[:10]) / 10,
        "recall_100": sum(hits[:100]) / len(rel),
        "recip_rank": 1 / (first + 1) if first is not None else 0.0,
    }


def main():
    binary, directory = sys.argv[1], sys.argv[2]
    qrels = read_qrels(os.path.join(directory, "qrels.txt"))
    bad = 0
    runs = sorted(glob.glob(os.path.join(directory, "run*.txt")))
    for run_path in runs:
        run = read_run(run_path)
        per = {q: measures(j, run.get(q, [])) for q, j in qrels.items()
               if any(g > 0 for g in j.values())}
        out = subprocess.run([binary, "--json", "-q", os.path.join(directory, "qrels.txt"),
                              run_path], capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        if got["num_q"] != len(per):
            print(f"{run_path}: num_q {got['num_q']} != {len(per)}")
            bad += 1
        for m in ("map", "ndcg_cut_10", "P_10", "recall_100", "recip_rank"):
            want = sum(p[m] for p in per.values()) / len(per)
            if abs(got[m] - want) > 1e-4:
                print(f"{run_path}: {m} {got[m]:.6f} != {want:.6f}")
                bad += 1
            for q, p in per.items():
                if abs(got["per_query"][q][m] - p[m]) > 1e-4:
                    print(f"{run_path}: query {q} {m} {got['per_query'][q][m]:.6f} != {p[m]:.6f}")
                    bad += 1
    print(f"eval_check: {len(runs)} runs compared, {bad} differences")
    return 1 if bad or not runs else 0


if __name__ == "__main__":
    sys.exit(main())
