#!/usr/bin/env bash
# tests/shards.sh — shards (README.md, "Shards"): random corpora split with
# loci-index --shard I/N into 1 to 8 shards; every query (plain words and
# the query language's operators, with many tied scores) must give exactly
# the results of one index of everything — document names, passage
# ordinals, order, scores, text and highlights — through an -i set (the
# whole JSON, ids included), the two-phase path (--query-stats,
# --global-stats, --merge; JSON, TREC and text) and an index combined with
# --merge-indexes (byte for byte the single build). Then the errors: shards
# built differently, damaged statistics and runs, a missing shard.
# Run from the repository root by `make shard-tests` (part of make check).
TEST_NAME=shards
. "$(dirname "$0")/common.sh"
same() { # same NAME A B: identical files
  if cmp -s "$2" "$3"; then ok; else bad "$1: $(diff "$2" "$3" | head -5)"; fi
}
# the JSON hits of B equal A's but for the ids ("passage", "doc_id"),
# which a shard's run gives in its own numbering; scores compared as printed
same_hits() {
  if "$PY" - "$2" "$3" <<'EOF'; then ok; else bad "$1"; fi
import json, sys
def load(p):
    out = []
    for line in open(p, encoding='utf-8'):
        h = json.loads(line, parse_float=str)
        h.pop('passage', None); h.pop('doc_id', None)
        out.append(h)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print('line', i + 1, x, '!=', y, file=sys.stderr); break
    else:
        print(len(a), 'hits against', len(b), file=sys.stderr)
    sys.exit(1)
EOF
}

# random corpora: a small vocabulary, repeated words and passages of equal
# length, so that many scores tie and the order of ties is tested
"$PY" - "$T" <<'EOF'
import json, os, random, sys
root = sys.argv[1]
words = 'alpha beta gamma delta eps zeta eta theta iota kappa lam mu nu xi omicron pi'.split()
for trial in range(6):
    rnd = random.Random(trial * 7919 + 1)
    d = os.path.join(root, 'c%d' % trial)
    os.makedirs(d)
    vocab = words[:rnd.randint(5, len(words))]
    ndocs = rnd.randint(8, 60)
    if trial == 5:  # JSON Lines, records of one file split across shards
        with open(os.path.join(d, 'docs.jsonl'), 'w') as f:
            for i in range(ndocs):
                paras = ['\n'.join([' '.join(rnd.choice(vocab) for _ in range(4))])
                         for _ in range(rnd.randint(1, 3))]
                f.write(json.dumps({'id': 'r%03d' % i, 'title': rnd.choice(vocab),
                                    'text': '\n\n'.join(paras)}) + '\n')
    else:
        # no text twice: a build stores a repeated text once, which shards
        # built apart cannot do across each other (README: Shards)
        seen = set()
        for i in range(ndocs):
            while True:
                text = ''
                for p in range(rnd.randint(1, 4)):
                    n = rnd.choice([3, 3, 3, 5, rnd.randint(1, 12)])
                    text += ' '.join(rnd.choice(vocab) for _ in range(n)) + '\n\n'
                if text not in seen:
                    break
            seen.add(text)
            with open(os.path.join(d, 'd%03d.txt' % i), 'w') as f:
                f.write(text)
    qs = []
    for q in range(40):
        a, b, c = (rnd.choice(vocab) for _ in range(3))
        qs.append(rnd.choice([
            a, a + ' ' + b, a + ' ' + b + ' ' + c, a + ' ' + a + ' ' + b,
            '"%s %s"' % (a, b), '"%s %s"~3 %s' % (a, b, c), '+%s %s' % (a, b),
            '%s -%s' % (a, b), '%s OR %s' % (a, b), '(%s OR %s) AND %s' % (a, b, c),
            '%s NOT %s' % (a, b), a[:2] + '*', a[:1] + '* ' + b, '+' + a[:2] + '* -' + c,
            'doc:*1* ' + a, 'doc:*0?.txt ' + a + ' ' + b]))
    with open(os.path.join(root, 'q%d' % trial), 'w') as f:
        for i, q in enumerate(qs):
            f.write('q%d\t%s\n' % (i, q))
    with open(os.path.join(root, 'n%d' % trial), 'w') as f:
        f.write('%d\n' % rnd.randint(1, 8))
EOF

for trial in 0 1 2 3 4 5; do
  c=$T/c$trial q=$T/q$trial n=$(cat "$T/n$trial") in=("$c"/*) fmt=()
  [ "$trial" = 5 ] && fmt=(--jsonl)
  "$BIN/loci-index" -q ${fmt[@]+"${fmt[@]}"} -o "$T/all$trial" "${in[@]}"
  set_args=()
  for ((i = 0; i < n; i++)); do
    "$BIN/loci-index" -q ${fmt[@]+"${fmt[@]}"} -o "$T/s$trial.$i" --shard "$i/$n" "${in[@]}" 2>"$T/err" ||
      bad "trial $trial: shard $i/$n: $(cat "$T/err")"
    set_args+=(-i "$T/s$trial.$i")
  done
  shards=()
  for ((i = 0; i < n; i++)); do shards+=("$T/s$trial.$i"); done
  "$BIN/loci-index" -q -o "$T/m$trial" --merge-indexes "${shards[@]}"
  # the combined index is the single build, file for file
  for f in "$T/all$trial"/seg-*/*; do same "trial $trial: merged index ${f##*/}" "$f" "$T/m$trial/${f#"$T/all$trial"/}"; done
  for opts in "-k 7" "-k 30 --offset 2" "-k 5 --group doc" "-k 9 --exhaustive" \
    "-k 6 --offset 1 --group doc --proximity=1"; do
    # shellcheck disable=SC2086
    "$BIN/loci-search" -i "$T/all$trial" --queries "$q" --json $opts >"$T/a.json" 2>"$T/a.err" || true
    # shellcheck disable=SC2086
    "$BIN/loci-search" "${set_args[@]}" --queries "$q" --json $opts >"$T/b.json" 2>"$T/b.err" || true
    same "trial $trial ($n shards, $opts): -i set" "$T/a.json" "$T/b.json"
    # shellcheck disable=SC2086
    "$BIN/loci-search" -i "$T/m$trial" --queries "$q" --json $opts >"$T/d.json" 2>/dev/null || true
    same "trial $trial ($opts): merged index" "$T/a.json" "$T/d.json"
    # --expand: the feedback passages, the model and the terms' df are the
    # whole set's, so the expanded results are the single index's too
    # shellcheck disable=SC2086
    "$BIN/loci-search" -i "$T/all$trial" --queries "$q" --json --expand=3,5,0.6 $opts >"$T/e.json" 2>/dev/null || true
    # shellcheck disable=SC2086
    "$BIN/loci-search" "${set_args[@]}" --queries "$q" --json --expand=3,5,0.6 $opts >"$T/f.json" 2>/dev/null || true
    same "trial $trial ($n shards, $opts): --expand through the -i set" "$T/e.json" "$T/f.json"
    # the two phases
    : >"$T/stats"
    for s in "${shards[@]}"; do
      "$BIN/loci-search" -i "$s" --queries "$q" --query-stats >>"$T/stats" 2>/dev/null || true
    done
    runs=() truns=()
    for ((i = 0; i < n; i++)); do
      # shellcheck disable=SC2086
      "$BIN/loci-search" -i "${shards[$i]}" --queries "$q" --global-stats "$T/stats" --json $opts \
        >"$T/run$i.json" 2>/dev/null || true
      # shellcheck disable=SC2086
      "$BIN/loci-search" -i "${shards[$i]}" --queries "$q" --global-stats "$T/stats" --format trec $opts \
        >"$T/run$i.trec" 2>/dev/null || true
      runs+=("$T/run$i.json") truns+=("$T/run$i.trec")
    done
    mopts=${opts/--exhaustive/}
    # shellcheck disable=SC2086
    "$BIN/loci-search" --merge --queries "$q" --json $mopts "${runs[@]}" >"$T/c.json" 2>"$T/c.err" || true
    same_hits "trial $trial ($n shards, $opts): two phases, JSON" "$T/a.json" "$T/c.json"
    # shellcheck disable=SC2086
    "$BIN/loci-search" -i "$T/all$trial" --queries "$q" --format trec $opts >"$T/a.trec" 2>/dev/null || true
    # shellcheck disable=SC2086
    "$BIN/loci-search" --merge --queries "$q" --format trec $mopts "${truns[@]}" >"$T/c.trec" 2>/dev/null || true
    same "trial $trial ($opts): two phases, TREC" "$T/a.trec" "$T/c.trec"
    # shellcheck disable=SC2086
    "$BIN/loci-search" -i "$T/all$trial" --queries "$q" $opts >"$T/a.txt" 2>/dev/null || true
    # shellcheck disable=SC2086
    "$BIN/loci-search" --merge --queries "$q" $mopts "${runs[@]}" >"$T/c.txt" 2>/dev/null || true
    same "trial $trial ($opts): two phases, text" "$T/a.txt" "$T/c.txt"
  done
  [ -s "$T/a.json" ] && ok || bad "trial $trial: no hits at all"
done

# a query given on the command line, and a shard split by hand (any
# contiguous split is as good as --shard's)
d=$T/c0
files=("$d"/*)
half=$(( ${#files[@]} / 2 ))
"$BIN/loci-index" -q -o "$T/h1" "${files[@]:0:$half}"
"$BIN/loci-index" -q -o "$T/h2" "${files[@]:$half}"
"$BIN/loci-search" -i "$T/all0" -k 20 --json alpha beta >"$T/a.json"
check "hand split" 0 "$BIN/loci-search" -i "$T/h1" -i "$T/h2" -k 20 --json alpha beta
same "hand split: results" "$T/a.json" "$T/out"
"$BIN/loci-search" -i "$T/h1" --query-stats alpha beta >"$T/st"
"$BIN/loci-search" -i "$T/h2" --query-stats alpha beta >>"$T/st"
has "stats line" '"df": {"alpha": ' "$T/st"
"$BIN/loci-search" -i "$T/h1" --global-stats "$T/st" -k 20 --json alpha beta >"$T/r1"
"$BIN/loci-search" -i "$T/h2" --global-stats "$T/st" -k 20 --json alpha beta >"$T/r2"
check "merge two runs" 0 "$BIN/loci-search" --merge -k 20 --json "$T/r1" "$T/r2"
same_hits "command-line query, two phases" "$T/a.json" "$T/out"

check "shard summary" 0 "$BIN/loci-index" -o "$T/sum" --shard 1/3 "${files[@]}"
has "shard summary: its range" "shard 1/3: documents [0-9]* to [0-9]* of the input's ${#files[@]}" "$T/err"

# --- errors -----------------------------------------------------------------------
"$BIN/loci-index" -q -o "$T/german" --stem german "${files[@]:0:3}"
check "shards built differently" 2 "$BIN/loci-search" -i "$T/h1" -i "$T/german" alpha
one_line "differently"
has "differently: names it" "german: stemming language or passage settings differ" "$T/err"
check "missing shard" 2 "$BIN/loci-search" -i "$T/h1" -i "$T/nothing" alpha
one_line "missing shard"
check "missing shard, --partial" 0 "$BIN/loci-search" --partial -i "$T/h1" -i "$T/nothing" alpha
has "partial: said" "partial results: 1 of 2 indexes searched" "$T/err"
has "partial: said in the output" "^# partial results: 1 of 2 indexes searched" "$T/out"
check "missing run" 2 "$BIN/loci-search" --merge "$T/r1" "$T/nothing"
check "missing run, --partial" 0 "$BIN/loci-search" --merge --partial "$T/r1" "$T/nothing"
has "partial run: said" "partial results: 1 of 2 runs merged" "$T/err"
echo '{"qid": "1", "passages": 3, "tokens": 9, "df": {"alpha": -1}}' >"$T/badst"
check "bad statistics" 2 "$BIN/loci-search" -i "$T/h1" --global-stats "$T/badst" alpha
one_line "bad statistics"
has "bad statistics: where" "badst:1: byte" "$T/err"
check "statistics of another query" 2 "$BIN/loci-search" -i "$T/h1" --global-stats "$T/st" gamma
has "another query" "other statistics" "$T/err"
head -1 "$T/st" >"$T/half"
check "statistics of one shard of two" 2 "$BIN/loci-search" -i "$T/h2" --global-stats "$T/half" -k 20 alpha beta
has "one shard: said" "not the sum over a set of shards\|fewer than" "$T/err"
echo 'not a run line' >"$T/badrun"
check "bad run" 2 "$BIN/loci-search" --merge "$T/r1" "$T/badrun"
one_line "bad run"
has "bad run: where" "badrun:1:" "$T/err"
check "--merge --explain" 2 "$BIN/loci-search" --merge --explain "$T/r1"
one_line "--merge --explain"
check "TREC run to text" 2 "$BIN/loci-search" --merge "$T/run0.trec"
check "--shard bad" 2 "$BIN/loci-index" -o "$T/x" --shard 3/3 "$d"
one_line "--shard bad"
check "--shard stdin" 2 "$BIN/loci-index" -o "$T/x" --shard 0/2 - </dev/null
one_line "--shard stdin"
check "--merge-indexes of different ones" 2 "$BIN/loci-index" -o "$T/x" --merge-indexes "$T/h1" "$T/german"
one_line "--merge-indexes different"
[ ! -e "$T/x" ] && ok || bad "a failed merge left $T/x"

echo "tests/shards.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
