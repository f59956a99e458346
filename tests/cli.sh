#!/usr/bin/env bash
# tests/cli.sh — end-to-end tests of the built programs (bin/loci-index,
# bin/loci-search, bin/loci-eval): the README's promises, exit codes and
# error messages. Run from the repository root by `make cli-tests`.
set -eu
export LC_ALL=C
unset LOCI_INDEX NO_COLOR
cd "$(dirname "$0")/.."
BIN=$PWD/bin
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d "${TMPDIR:-/tmp}/loci-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# check NAME WANT_STATUS CMD...: run CMD, compare its exit status
check() {
  local name=$1 want=$2 st=0
  shift 2
  "$@" >"$T/out" 2>"$T/err" || st=$?
  if [ "$st" = "$want" ]; then ok; else bad "$name: exit $st, want $want ($(head -c 300 "$T/err"))"; fi
}
# one_line NAME: stderr of the last check is exactly one line naming something
one_line() {
  if [ "$(wc -l <"$T/err")" = 1 ]; then ok; else bad "$1: stderr is not one line: $(cat "$T/err")"; fi
}
has() { if grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' not in $(head -c 300 "$3")"; fi; }

# --- the main job -------------------------------------------------------------
check "index corpus" 0 "$BIN/loci-index" -o "$T/idx" corpus/
has "summary line" "passages" "$T/err"
check "search CCDCOE" 0 "$BIN/loci-search" -i "$T/idx" "cybersecurity CCDCOE"
if head -1 "$T/out" | grep -q '^1\. .*  corpus/nato-rok-ap4-indo-pacific.txt:23$'; then ok; else
  bad "rank 1 is not corpus line 23: $(head -1 "$T/out")"; fi
has "rank 1 text" "Centre of Excellence (CCDCOE)" "$T/out"
if grep -q $'\033' "$T/out"; then bad "colour when stdout is not a terminal"; else ok; fi
check "forced colour" 0 "$BIN/loci-search" -i "$T/idx" --color=always CCDCOE
has "highlight escape" $'\033\[1;31mCCDCOE' "$T/out"
check "NO_COLOR with auto" 0 env NO_COLOR=1 "$BIN/loci-search" -i "$T/idx" CCDCOE
if grep -q $'\033' "$T/out"; then bad "NO_COLOR ignored"; else ok; fi
check "LOCI_INDEX" 0 env LOCI_INDEX="$T/idx" "$BIN/loci-search" CCDCOE

# --- JSON Lines -----------------------------------------------------------------
check "json" 0 "$BIN/loci-search" -i "$T/idx" --json -k 3 "cybersecurity CCDCOE"
if "$PY" - "$T/out" <<'EOF'; then ok; else bad "json fields"; fi
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
types = {"qid": str, "query": str, "rank": int, "score": float, "doc": str, "doc_id": int,
         "passage": int, "ordinal": int, "line": int, "byte_start": int, "byte_end": int,
         "text": str, "highlights": list}
for i, l in enumerate(lines):
    o = json.loads(l)
    assert list(o) == list(types), list(o)
    for k, t in types.items():
        assert isinstance(o[k], t), (k, o[k])
    assert o["rank"] == i + 1
    b = o["text"].encode()
    assert len(b) == o["byte_end"] - o["byte_start"]
    assert o["highlights"], o
    for s, e in o["highlights"]:
        assert b[s:e].decode().lower() in ("cybersecurity", "ccdcoe"), b[s:e]
first = json.loads(lines[0])
assert first["line"] == 23 and first["doc"] == "corpus/nato-rok-ap4-indo-pacific.txt"
raw = open("corpus/nato-rok-ap4-indo-pacific.txt", "rb").read()
assert raw[first["byte_start"]:first["byte_end"]] == first["text"].encode()
EOF

# --- TREC and batches -------------------------------------------------------------
check "trec" 0 "$BIN/loci-search" -i "$T/idx" --format trec --run-tag t1 -k 5 "Korea NATO"
if awk 'NF != 6 || $2 != "Q0" || $6 != "t1" { exit 1 }' "$T/out" && [ "$(wc -l <"$T/out")" = 5 ]; then ok; else
  bad "trec lines: $(head -2 "$T/out")"; fi
printf 'q7\tCCDCOE\n\nq8\tJapan Australia\n' >"$T/queries"
check "queries file" 0 "$BIN/loci-search" -i "$T/idx" --format trec --queries "$T/queries"
if cut -d' ' -f1 "$T/out" | sort -u | tr '\n' ' ' | grep -qx 'q7 q8 '; then ok; else bad "qids: $(cut -d' ' -f1 "$T/out" | sort -u)"; fi
check "queries stdin" 0 sh -c "printf 'CCDCOE\n' | '$BIN/loci-search' -i '$T/idx' --json --queries -"
has "stdin qid is the line number" '"qid": "1"' "$T/out"
check "queries without a match" 1 sh -c "printf 'zzzzqqq\n' | '$BIN/loci-search' -i '$T/idx' --queries -"

# --- exit codes and errors ------------------------------------------------------------
check "no match" 1 "$BIN/loci-search" -i "$T/idx" zzzzqqqxxx
check "missing index" 2 "$BIN/loci-search" -i "$T/none" CCDCOE
one_line "missing index"; has "missing index names it" "$T/none" "$T/err"
check "empty query" 2 "$BIN/loci-search" -i "$T/idx" ""
one_line "empty query"
check "punctuation query" 2 "$BIN/loci-search" -i "$T/idx" "--" "?!"
check "invalid UTF-8 query" 2 "$BIN/loci-search" -i "$T/idx" $'\xff'
check "bad option" 2 "$BIN/loci-search" -i "$T/idx" --frobnicate x
check "bad -k" 2 "$BIN/loci-search" -i "$T/idx" -k 0 x
check "bad -k text" 2 "$BIN/loci-search" -i "$T/idx" -k ten x
check "bad --b" 2 "$BIN/loci-search" -i "$T/idx" --b 2 x
check "no query" 2 "$BIN/loci-search" -i "$T/idx"
check "check ok" 0 "$BIN/loci-search" -i "$T/idx" --check
has "check message" "index OK" "$T/out"
cp -r "$T/idx" "$T/bad"
"$PY" -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[100]^=0x40; open(p,'wb').write(b)" "$T/bad/postings"
check "corrupt index --check" 2 "$BIN/loci-search" -i "$T/bad" --check
one_line "corrupt index"; has "corrupt names the file" "postings: checksum mismatch" "$T/err"
cp "$T/idx/meta" "$T/meta.good"; printf 'LOCIxxxx' | dd of="$T/bad/meta" conv=notrunc status=none
check "bad magic" 2 "$BIN/loci-search" -i "$T/bad" CCDCOE
one_line "bad magic"

# --- loci-index inputs and errors --------------------------------------------------------
check "index missing input" 2 "$BIN/loci-index" -o "$T/x" "$T/nope.txt"
one_line "missing input"; has "names the input" "nope.txt" "$T/err"
: >"$T/empty.txt"
check "empty corpus" 2 "$BIN/loci-index" -o "$T/x" "$T/empty.txt"
one_line "empty corpus"
[ ! -e "$T/x" ] && ok || bad "failed build left $T/x"
printf 'ok\n\xff\xfe abc\n' >"$T/latin.txt"
# invalid UTF-8 is indexed as U+FFFD with one warning per file, and counted
check "invalid UTF-8 input" 0 "$BIN/loci-index" -o "$T/x" "$T/latin.txt"
has "invalid UTF-8 warning names file:line" "warning: .*latin.txt:2: 2 invalid UTF-8 sequences replaced by U+FFFD" "$T/err"
has "replacement counted" "; 2 invalid UTF-8 sequences replaced" "$T/err"
if [ "$(wc -l <"$T/err")" = 2 ]; then ok; else bad "invalid UTF-8: not one warning and the summary: $(cat "$T/err")"; fi
check "invalid UTF-8 searchable" 0 "$BIN/loci-search" -i "$T/x" abc
check "--replace-invalid-utf8 still accepted" 0 "$BIN/loci-index" -o "$T/x" --replace-invalid-utf8 "$T/latin.txt"
has "replacement counted" "invalid UTF-8 sequence" "$T/err"
check "invalid UTF-8 --strict" 2 "$BIN/loci-index" -o "$T/x2" --strict "$T/latin.txt"
one_line "invalid UTF-8 --strict"
has "strict invalid UTF-8 names file:line" "latin.txt:2: invalid UTF-8 (byte 0xff); drop --strict" "$T/err"
printf '{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "fine"}\n{"text": "\xff x \xfe"}\n' >"$T/latin.jsonl"
check "invalid UTF-8 jsonl" 0 "$BIN/loci-index" -o "$T/x" --jsonl "$T/latin.jsonl"
has "jsonl: one warning per file, first record's line" "latin.jsonl:2: 3 invalid UTF-8 sequences replaced by U+FFFD" "$T/err"
if [ "$(grep -c warning "$T/err")" = 1 ]; then ok; else bad "jsonl: more than one warning: $(cat "$T/err")"; fi
check "bad --passage" 2 "$BIN/loci-index" -o "$T/x" --passage window:5:9 corpus/
check "bad --stem" 2 "$BIN/loci-index" -o "$T/x" --stem klingon corpus/
check "no input" 2 "$BIN/loci-index" -o "$T/x"
# a failed build leaves the previous index whole and no temporary directory
check "failed rebuild" 2 "$BIN/loci-index" -o "$T/idx" "$T/empty.txt"
check "old index still works" 0 "$BIN/loci-search" -i "$T/idx" CCDCOE
if ls -a "$T" | grep -q '\.tmp-'; then bad "temporary directory left: $(ls -a "$T")"; else ok; fi
# a killed build never replaces the old index; the next build removes its leftovers
"$PY" -c "
import random, sys
random.seed(1)
words = ['w%d' % i for i in range(20000)]
with open(sys.argv[1], 'w') as f:
    for _ in range(20000):
        f.write(' '.join(random.choices(words, k=150)) + '\\n\\n')" "$T/big.txt"
"$BIN/loci-index" -q --threads 1 -o "$T/idx" "$T/big.txt" & kpid=$!
sleep 0.4; kill -9 $kpid 2>/dev/null || true; wait $kpid 2>/dev/null || true
check "index after a killed build" 0 "$BIN/loci-search" -i "$T/idx" CCDCOE
if ls -a "$T" | grep -q '^\.idx\.tmp-'; then ok; else bad "the killed build left no temporary directory (finished too fast?)"; fi
check "rebuild after a killed build" 0 "$BIN/loci-index" -q -o "$T/idx" corpus/
if ls -a "$T" | grep -q '\.tmp-'; then bad "leftovers after the next build: $(ls -a "$T")"; else ok; fi
rm -f "$T/big.txt"
# an unreadable file is reported, skipped and counted; --strict makes it fatal
mkdir "$T/mixed" && cp corpus/nato-rok-ap4-indo-pacific.txt "$T/mixed/a.txt"
printf '\037\213\010\000\000\000\000\000\000\003not gzip data' >"$T/mixed/b.txt.gz"
check "unreadable file skipped" 0 "$BIN/loci-index" -o "$T/mx" "$T/mixed"
has "skip warning" "b.txt.gz: gzip" "$T/err"
has "skip counted" "1 file skipped" "$T/err"
check "--strict" 2 "$BIN/loci-index" --strict -o "$T/mx2" "$T/mixed"
one_line "--strict"
# so is a dangling symbolic link or a symlink loop met in a walk
mkdir "$T/links" && cp corpus/nato-rok-ap4-indo-pacific.txt "$T/links/a.txt"
ln -s nowhere "$T/links/b-dangling" && ln -s c-loop "$T/links/c-loop"
check "bad symlinks skipped" 0 "$BIN/loci-index" -o "$T/lk" "$T/links"
has "dangling link warning" "b-dangling: dangling symbolic link; skipped" "$T/err"
has "symlink loop warning" "c-loop: too many levels of symbolic links; skipped" "$T/err"
has "bad symlinks counted" "2 files skipped" "$T/err"
check "bad symlinks --strict" 2 "$BIN/loci-index" --strict -o "$T/lk2" "$T/links"
one_line "bad symlinks --strict"; has "strict names the link" "b-dangling: dangling symbolic link" "$T/err"
check "bad --memory" 2 "$BIN/loci-index" --memory 1K -o "$T/x" corpus/
check "bad --threads" 2 "$BIN/loci-index" --threads 0 -o "$T/x" corpus/
check "memory and threads" 0 "$BIN/loci-index" -q --memory 16M --threads 3 -o "$T/mt" corpus/
cmp -s "$T/mt/postings" "$T/idx/postings" && cmp -s "$T/mt/text" "$T/idx/text" && ok || bad "--threads 3 index differs from the default build"
# one document much larger than --memory is streamed: peak RSS stays near
# the budget, and the index is the one the default budget builds
"$PY" -c "
import random, sys
random.seed(4)
w = [''.join(random.choice('abcdefghij') for _ in range(random.randint(2, 9))) for _ in range(20000)]
open(sys.argv[1], 'w').write(' '.join(random.choice(w) for _ in range(4000000))[:24000000])" "$T/line.txt"
rss() { # rss OUT CMD...: run CMD, print its peak RSS in KiB to OUT
  "$PY" -c "
import resource, subprocess, sys
st = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(st)" "$@"
}
check "24 MB line at --memory 16M" 0 rss "$T/rss" "$BIN/loci-index" -q --memory 16M -o "$T/line16" "$T/line.txt"
if [ "$(cat "$T/rss")" -lt $((64 * 1024)) ]; then ok; else bad "24 MB line at --memory 16M peaked at $(cat "$T/rss") KiB"; fi
check "24 MB line at the default budget" 0 "$BIN/loci-index" -q -o "$T/line512" "$T/line.txt"
for f in meta lexicon postings positions lengths passages docs text; do
  cmp -s "$T/line16/$f" "$T/line512/$f" && ok || bad "streamed $f differs from the default build's"
done
# the same for one 24 MB JSON Lines record (its text spills to a temporary file)
"$PY" -c "
import json, sys
text = open(sys.argv[1]).read()
with open(sys.argv[2], 'w') as f:
    f.write(json.dumps({'id': 'small', 'text': 'a small record'}) + '\\n')
    f.write(json.dumps({'id': 'huge', 'title': 'The huge one', 'text': text}) + '\\n')" "$T/line.txt" "$T/rec.jsonl"
check "24 MB JSONL record at --memory 16M" 0 rss "$T/rss" "$BIN/loci-index" -q --jsonl --memory 16M -o "$T/rec16" "$T/rec.jsonl"
if [ "$(cat "$T/rss")" -lt $((64 * 1024)) ]; then ok; else bad "24 MB JSONL record at --memory 16M peaked at $(cat "$T/rss") KiB"; fi
check "24 MB JSONL record at the default budget" 0 "$BIN/loci-index" -q --jsonl -o "$T/rec512" "$T/rec.jsonl"
for f in meta lexicon postings positions lengths passages docs text; do
  cmp -s "$T/rec16/$f" "$T/rec512/$f" && ok || bad "streamed JSONL $f differs from the default build's"
done
if ls "$T"/.rec16.tmp-* >/dev/null 2>&1; then bad "temporary files left"; else ok; fi
rm -rf "$T/line.txt" "$T/line16" "$T/line512" "$T/rec.jsonl" "$T/rec16" "$T/rec512"
mkdir "$T/docs" && echo precious >"$T/docs/keep.txt"
check "refuse non-index dir" 2 "$BIN/loci-index" -o "$T/docs" corpus/
[ -f "$T/docs/keep.txt" ] && ok || bad "non-index directory damaged"
check "quiet" 0 "$BIN/loci-index" -q -o "$T/q" corpus/
[ ! -s "$T/err" ] && ok || bad "--quiet printed: $(cat "$T/err")"
check "stem none" 0 "$BIN/loci-index" -q --stem none -o "$T/nostem" corpus/
check "stem none search" 0 "$BIN/loci-search" -i "$T/nostem" cybersecurity
check "document passages" 0 "$BIN/loci-index" -q --passage document -o "$T/doc" corpus/
check "window passages" 0 "$BIN/loci-index" -q --passage window:50:25 -o "$T/win" corpus/
printf 'Gzipped words about submarines.\n' | gzip >"$T/sub.txt.gz"
printf 'From standard input: zeppelins.\n' >"$T/stdin.txt"
check "gz and stdin" 0 sh -c "'$BIN/loci-index' -q -o '$T/gz' '$T/sub.txt.gz' - <'$T/stdin.txt'"
check "gz searchable" 0 "$BIN/loci-search" -i "$T/gz" submarines
check "stdin searchable" 0 "$BIN/loci-search" -i "$T/gz" zeppelin
has "stdin named -" " -:1" "$T/out"
cat >"$T/c.jsonl" <<'EOF'
{"id": "A-1", "title": "Walruses", "text": "Large flippered marine mammals."}
{"id": "B-2", "title": "Penguins", "text": "Flightless birds.\n\nThey swim; walruses do too."}
EOF
check "jsonl index" 0 "$BIN/loci-index" -q --jsonl -o "$T/j" "$T/c.jsonl"
check "jsonl group doc" 0 "$BIN/loci-search" -i "$T/j" --group doc --format trec walrus
if [ "$(cut -d' ' -f3 "$T/out" | tr '\n' ' ')" = "A-1 B-2 " ]; then ok; else bad "jsonl ids: $(cat "$T/out")"; fi
check "jsonl title searchable" 0 "$BIN/loci-search" -i "$T/j" --json penguins
has "title in first passage" '"line": 2' "$T/out"
printf '{"id": 1, "text": "x"}\n{"id": 2 "text": "y"}\n' >"$T/bad.jsonl"
check "bad jsonl" 2 "$BIN/loci-index" -q --jsonl -o "$T/bj" "$T/bad.jsonl"
one_line "bad jsonl"; has "bad jsonl line" "bad.jsonl:2: invalid JSON" "$T/err"

# --- help and version -------------------------------------------------------------------
for p in loci-index loci-search loci-eval; do
  check "$p --help" 0 "$BIN/$p" --help
  has "$p usage" "usage" "$T/out"
  check "$p --version" 0 "$BIN/$p" --version
done

# --- loci-eval ------------------------------------------------------------------------------
check "eval agrees with an independent computation" 0 "$PY" tests/eval_check.py "$BIN/loci-eval" tests/data/eval
check "eval bad run" 2 "$BIN/loci-eval" tests/data/eval/qrels.txt tests/data/eval/qrels.txt
one_line "eval bad run"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
