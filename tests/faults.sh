#!/usr/bin/env bash
# tests/faults.sh — loci-index under failing writes, fsyncs, renames, a disk
# filling up and kill -9: every failed or killed build must leave the old
# index whole (or, for a first build, nothing) and say why in one line.
# The failures come from build/faultfs.so (tests/faultfs.c, an LD_PRELOAD
# shim). Run from the repository root by `make fault-tests`.
set -eu
export LC_ALL=C
unset LOCI_INDEX NO_COLOR FAULT_PATH FAULT_OP FAULT_AT FAULT_ERRNO FAULT_ALWAYS FAULT_QUOTA \
  FAULT_COUNT_FILE
cd "$(dirname "$0")/.."
BIN=$PWD/bin
SHIM=$PWD/build/faultfs.so
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# The failures are injected, so the file system only costs time: each build
# fsyncs its files, slow on a disk, so a RAM file system is used when there
# is one (FAULTS_TMPDIR overrides).
tmp=${FAULTS_TMPDIR:-}
if [ -z "$tmp" ]; then
  tmp=${TMPDIR:-/tmp}
  [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
fi
T=$(mktemp -d "$tmp/loci-faults-XXXXXX")
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
one_line() {
  if [ "$(wc -l <"$T/err")" = 1 ]; then ok; else bad "$1: stderr is not one line: $(head -c 600 "$T/err")"; fi
}
has() { if grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' not in $(head -c 300 "$3")"; fi; }
strerror() { case $1 in ENOSPC) echo "No space left on device" ;; EIO) echo "Input/output error" ;;
  EINVAL) echo "Invalid argument" ;; *) echo "$1" ;; esac; }
# count FILE KIND: candidate calls of KIND in a FAULT_COUNT_FILE
count() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# --- the indexes ---------------------------------------------------------------
# The old index: corpus/. The new input: a tiny file, built with one thread,
# so that a build makes few calls and each of them can fail in turn.
W=$T/w                          # holds the index and nothing else: FAULT_PATH
mkdir "$W"
"$BIN/loci-index" -q --threads 1 -o "$W/idx" corpus/
cp -a "$W/idx" "$T/pristine"
printf 'CCDCOE\nKorea NATO\ncybersecurity\nzeppelins\n' >"$T/queries"
query() { "$BIN/loci-search" -i "$1" --json -k 3 --queries "$T/queries"; }
query "$W/idx" >"$T/old.json" || true
[ -s "$T/old.json" ] && ok || bad "old index answers nothing"
printf 'Zeppelins over Korea.\n\nA second paragraph about zeppelins and NATO.\n' >"$T/new.txt"
NEW=(--threads 1 -q "$T/new.txt")

# intact NAME DIR: the index in DIR is the old one, whole, and nothing is left
# beside it; otherwise say so and put the old index back for the next case.
intact() {
  local name=$1 fine=1 st=0
  query "$W/idx" >"$T/now.json" 2>"$T/now.err" || st=$?
  if [ "$st" -gt 1 ] || ! cmp -s "$T/now.json" "$T/old.json"; then
    bad "$name: old index answers differently (exit $st: $(head -c 200 "$T/now.err"))"; fine=0
  else ok; fi
  if "$BIN/loci-search" -i "$W/idx" --check >/dev/null 2>"$T/now.err"; then ok; else
    bad "$name: old index fails --check: $(head -c 200 "$T/now.err")"; fine=0; fi
  if [ "$(ls -A "$W")" = idx ]; then ok; else
    bad "$name: left beside the index: $(ls -A "$W" | grep -vx idx | tr '\n' ' ')"; fine=0; fi
  if [ "$fine" = 0 ]; then
    rm -rf "$W" && mkdir "$W" && cp -a "$T/pristine" "$W/idx"
  fi
}
# failed NAME REASON: the last check's stderr is one line giving REASON
failed() {
  one_line "$1"
  has "$1: reason" "$2" "$T/err"
}
# shim DIR VAR=VALUE... CMD...: CMD with the shim failing calls under DIR (the
# index's parent, itself included: a build may fsync it)
shim() { env LD_PRELOAD="$SHIM" FAULT_PATH="$1" "${@:2}"; }

# --- a. every write, fsync, close, create, mkdir and rename failing in turn ---
shim "$W" FAULT_COUNT_FILE="$T/counts" "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
# the counted build replaced an old index as every case below does
[ "$(count "$T/counts" renameat2)" -ge 1 ] && ok || bad "the counted build swapped nothing"
[ "$(count "$T/counts" write)" -ge 8 ] && ok || bad "the counted build wrote little: $(cat "$T/counts")"
cases_a=0
for op in write fsync close open mkdir rename renameat2; do
  n=$(count "$T/counts" "$op")
  for e in ENOSPC EIO; do
    for ((i = 1; i <= n; i++)); do
      name="rebuild, $op #$i of $n fails with $e"
      check "$name" 2 shim "$W" FAULT_OP="$op" FAULT_AT="$i" FAULT_ERRNO="$e" \
        "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
      failed "$name" "$(strerror "$e")"
      intact "$name"
      cases_a=$((cases_a + 1))
    done
  done
done

# A file system without atomic exchange (renameat2 fails with EINVAL): the
# build still succeeds, by moving the old index aside; no leftovers.
check "no RENAME_EXCHANGE" 0 shim "$W" FAULT_ALWAYS=renameat2:EINVAL \
  "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
check "no RENAME_EXCHANGE: new index in place" 0 "$BIN/loci-search" -i "$W/idx" zeppelins
if [ "$(ls -A "$W")" = idx ]; then ok; else bad "no RENAME_EXCHANGE: left $(ls -A "$W" | tr '\n' ' ')"; fi
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
# ... and then each rename of that fallback failing in turn
shim "$W" FAULT_ALWAYS=renameat2:EINVAL FAULT_COUNT_FILE="$T/counts-x" \
  "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
n=$(count "$T/counts-x" rename)
[ "$n" -ge 2 ] && ok || bad "no RENAME_EXCHANGE: only $n renames"
for e in ENOSPC EIO; do
  for ((i = 1; i <= n; i++)); do
    name="no RENAME_EXCHANGE, rename #$i of $n fails with $e"
    check "$name" 2 shim "$W" FAULT_ALWAYS=renameat2:EINVAL FAULT_OP=rename FAULT_AT="$i" \
      FAULT_ERRNO="$e" "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
    failed "$name" "$(strerror "$e")"
    intact "$name"
    cases_a=$((cases_a + 1))
  done
done

echo "faults: a. $cases_a rebuilds with a failing call ($SECONDS s)"
t=$SECONDS
# --- b. the disk fills up mid-build ---------------------------------------------
# A larger input (2 MB in 20 files: three batches, so three runs; two
# threads) so that the quota lands in the middle of every file in turn.
mkdir "$T/mid"
"$PY" -c "
import random, sys
random.seed(7)
words = ['v%d' % i for i in range(5000)]
for n in range(20):
    with open(sys.argv[1] + '/%02d.txt' % n, 'w') as f:
        for _ in range(420):
            f.write(' '.join(random.choices(words, k=40)) + '\n\n')" "$T/mid"
MID=(--threads 2 -q "$T/mid")
shim "$W" FAULT_COUNT_FILE="$T/counts-q" "$BIN/loci-index" -o "$W/idx" "${MID[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
total=$(count "$T/counts-q" bytes)
[ "$(count "$T/counts-q" open)" -ge 11 ] && ok || bad "the quota build writes fewer than 3 runs"
[ "$total" -gt 65536 ] && ok || bad "the quota build writes only $total bytes"
cases_b=0
for q in 0 1 1024 4096 65536 $((total / 4)) $((total / 2)) $((total * 3 / 4)) $((total - 4096)) \
  $((total - 100)) $((total - 1)); do
  name="disk full after $q of $total bytes"
  check "$name" 2 shim "$W" FAULT_QUOTA="$q" "$BIN/loci-index" -o "$W/idx" "${MID[@]}"
  failed "$name" "No space left on device"
  intact "$name"
  cases_b=$((cases_b + 1))
done
check "disk with just enough room" 0 shim "$W" FAULT_QUOTA="$total" \
  "$BIN/loci-index" -o "$W/idx" "${MID[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"

echo "faults: b. $cases_b rebuilds on a filling disk ($((SECONDS - t)) s)"
t=$SECONDS
# --- d. a first build failing at each call leaves nothing -----------------------
# (each call fails once, with ENOSPC and EIO in turn: what is left behind
# does not depend on the errno)
F=$T/first
mkdir "$F"
shim "$F" FAULT_COUNT_FILE="$T/counts-f" "$BIN/loci-index" -o "$F/idx" "${NEW[@]}"
rm -rf "$F/idx"
cases_d=0
for op in write fsync close open mkdir rename; do
  n=$(count "$T/counts-f" "$op")
  for ((i = 1; i <= n; i++)); do
    e=ENOSPC
    [ $((i % 2)) = 0 ] && e=EIO
    name="first build, $op #$i of $n fails with $e"
    check "$name" 2 shim "$F" FAULT_OP="$op" FAULT_AT="$i" FAULT_ERRNO="$e" \
      "$BIN/loci-index" -o "$F/idx" "${NEW[@]}"
    failed "$name" "$(strerror "$e")"
    if [ -z "$(ls -A "$F")" ]; then ok; else bad "$name: left $(ls -A "$F" | tr '\n' ' ')"; fi
    rm -rf "$F" && mkdir "$F"
    cases_d=$((cases_d + 1))
  done
done
for q in 0 1024 $((total / 2)) $((total - 1)); do
  name="first build, disk full after $q of $total bytes"
  check "$name" 2 shim "$F" FAULT_QUOTA="$q" "$BIN/loci-index" -o "$F/idx" "${MID[@]}"
  failed "$name" "No space left on device"
  if [ -z "$(ls -A "$F")" ]; then ok; else bad "$name: left $(ls -A "$F" | tr '\n' ' ')"; fi
  rm -rf "$F" && mkdir "$F"
  cases_d=$((cases_d + 1))
done

echo "faults: d. $cases_d first builds with a failing call or a filling disk ($((SECONDS - t)) s)"
t=$SECONDS
# --- c. kill -9 at random moments ---------------------------------------------------
# Two inputs whose indexes answer the same query differently; a build of one
# over the other is killed at a random moment, and the index must then be
# one or the other, whole. Each round builds the other input than the one in
# place, so both directions are exercised.
for s in A B; do
  "$PY" -c "
import random, sys
random.seed(sys.argv[2])
words = ['w%d' % i for i in range(20000)]
with open(sys.argv[1], 'w') as f:
    for _ in range(6000):
        f.write(' '.join(random.choices(words, k=120)) + '\n\n')" "$T/in$s.txt" "$s"
done
K=$T/k
mkdir "$K"
printf 'w1 w2 w3\nw42\n' >"$T/kq"
kquery() { "$BIN/loci-search" -i "$1" --json -k 5 --queries "$T/kq" 2>&1; }
now_ms() { date +%s%3N; }
t0=$(now_ms)
"$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inB.txt"
dur=$(($(now_ms) - t0))
kquery "$K/idx" >"$T/k-B.json" || true
"$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inA.txt"
kquery "$K/idx" >"$T/k-A.json" || true
if [ -s "$T/k-A.json" ] && ! cmp -s "$T/k-A.json" "$T/k-B.json"; then ok; else
  bad "kill loop: the two indexes do not answer differently"; fi
cur=A rounds=0 old=0 new=0
RANDOM=$$
deadline=$(($(now_ms) + 20000))
while [ "$rounds" -lt 30 ] && [ "$(now_ms)" -lt "$deadline" ]; do
  if [ "$rounds" = 15 ] && [ "$new" = 0 ]; then
    # no kill came after a swap yet: turn the direction by a whole build
    "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inB.txt"; cur=B
  fi
  if [ "$cur" = A ]; then target=B; else target=A; fi
  ms=$((RANDOM % (dur * 12 / 10 + 1)))
  "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/in$target.txt" & kpid=$!
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  kill -9 "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  rounds=$((rounds + 1))
  kquery "$K/idx" >"$T/k-now.json" || true
  if cmp -s "$T/k-now.json" "$T/k-$target.json"; then
    new=$((new + 1)); cur=$target; ok
  elif cmp -s "$T/k-now.json" "$T/k-$cur.json"; then
    old=$((old + 1)); ok
  else
    bad "kill -9 after ${ms} ms building $target over $cur: the index is neither: $(head -c 300 "$T/k-now.json")"
    rm -rf "$K/idx"; "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/in$cur.txt"
  fi
  if "$BIN/loci-search" -i "$K/idx" --check >/dev/null 2>"$T/err"; then ok; else
    bad "kill -9 after ${ms} ms: --check: $(head -c 300 "$T/err")"; fi
done
[ "$old" -gt 0 ] && ok || bad "kill loop: no build was killed before its swap ($rounds rounds)"
check "build after the kills" 0 "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inA.txt"
if [ "$(ls -A "$K")" = idx ]; then ok; else bad "after the kill loop, left: $(ls -A "$K" | tr '\n' ' ')"; fi

echo "faults: c. $rounds builds killed, $old before their swap and $new after (a build takes $dur ms; $((SECONDS - t)) s)"
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
