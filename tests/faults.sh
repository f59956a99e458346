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

# Several hundred builds: the helpers use shell builtins where they can, as
# each fork costs about as much as a small build.
shopt -s dotglob nullglob
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# snip FILE: its first 300 bytes on one line; flat STRING: the same for a string
snip() { head -c 300 "$1" | tr '\n' '|'; }
flat() { local s=${1//$'\n'/|}; echo "${s:0:300}"; }
# check NAME WANT_STATUS CMD...: run CMD, compare its exit status
check() {
  local name=$1 want=$2 st=0
  shift 2
  "$@" >"$T/out" 2>"$T/err" || st=$?
  if [ "$st" = "$want" ]; then ok; else bad "$name: exit $st, want $want ($(snip "$T/err"))"; fi
}
# reason_of ERRNO: sets `reason` to its strerror text
reason_of() {
  case $1 in
    ENOSPC) reason="No space left on device" ;; EIO) reason="Input/output error" ;; *) reason=$1 ;;
  esac
}
# count FILE KIND: candidate calls of KIND in a FAULT_COUNT_FILE
count() { local k v; while read -r k v; do [ "$k" = "$2" ] && echo "$v"; done <"$1"; return 0; }
# listing DIR: sets `left` to the names in DIR, dot files too, space-separated
listing() { local f; left=""; for f in "$1"/*; do left="$left${left:+ }${f##*/}"; done; }

# --- the indexes ---------------------------------------------------------------
# The old index: corpus/. The new input: a tiny file, built with one thread,
# so that a build makes few calls and each of them can fail in turn.
W=$T/w                          # holds the index and nothing else: FAULT_PATH
mkdir "$W"
"$BIN/loci-index" -q --threads 1 -o "$W/idx" corpus/
cp -a "$W/idx" "$T/pristine"
printf 'CCDCOE\nKorea NATO\ncybersecurity\nzeppelins\nv17 v4242\n' >"$T/queries"
query() { "$BIN/loci-search" -i "$1" --json -k 3 --queries "$T/queries" 2>&1; }
old_json=$(query "$W/idx") || true
[ -n "$old_json" ] && ok || bad "old index answers nothing"
printf 'Zeppelins over Korea.\n\nA second paragraph about zeppelins and NATO.\n' >"$T/new.txt"
NEW=(--threads 1 -q "$T/new.txt")
# A larger input for the filling disk (2 MB in 20 files: three batches, so
# three runs; two threads) so that the quota lands in every file in turn.
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

# counted DIR NAME: a build of ARGS into DIR/idx under the shim with
# no failure, counting the calls into $T/counts-NAME; its answers go to
# $NAME_json; DIR/idx is removed again.
counted() {
  local dir=$1 name=$2
  check "counted build $name" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$dir" \
    FAULT_COUNT_FILE="$T/counts-$name" "$BIN/loci-index" -o "$dir/idx" "${ARGS[@]}"
  printf -v "${name}_json" '%s' "$(query "$dir/idx")"
  rm -rf "$dir/idx"
}

# attempt DIR REASON VAR=VALUE...: build ARGS into DIR/idx with the shim
# failing calls under DIR (the index's parent, itself included: a build may
# fsync it), configured by the VARs. It must exit 2 with one line on stderr
# giving REASON -- or, when the failure came after the new index was renamed
# into place (late=1: say, an fsync of the parent directory), it may also
# exit 0, silently or with one line (a warning) giving REASON. Sets `late`.
attempt() {
  local dir=$1 reason=$2 st=0
  shift 2
  : >"$T/c1"
  env LD_PRELOAD="$SHIM" FAULT_PATH="$dir" FAULT_COUNT_FILE="$T/c1" "$@" \
    "$BIN/loci-index" -o "$dir/idx" "${ARGS[@]}" >"$T/out" 2>"$T/err" || st=$?
  local k v lines=()
  late=0
  while read -r k v; do [ "$k" = late ] && late=$v; done <"$T/c1"
  mapfile -t lines <"$T/err"
  if [ "$st" = 2 ] || { [ "$st" = 0 ] && [ "$late" = 1 ] && [ -s "$T/err" ]; }; then
    ok
    if [ "${#lines[@]}" = 1 ]; then ok; else bad "$name: stderr is not one line: $(snip "$T/err")"; fi
    if [[ ${lines[0]-} == *"$reason"* ]]; then ok; else bad "$name: '$reason' not in: $(snip "$T/err")"; fi
  elif [ "$st" = 0 ] && [ "$late" = 1 ]; then
    ok
  else
    bad "$name: exit $st, want 2 ($(snip "$T/err"))"
  fi
}

# whole DIR WANT...: the index DIR/idx answers as one of the WANT answers
# (strings) and passes --check; sets `which` to the position of that one,
# or to "" (and `now` to the answers)
whole() {
  local dir=$1 i=0 w
  shift
  which=""
  now=$("$BIN/loci-search" -i "$dir/idx" --json -k 3 --queries "$T/queries" 2>&1) || true
  for w in "$@"; do
    i=$((i + 1))
    if [ "$now" = "$w" ]; then
      "$BIN/loci-search" -i "$dir/idx" --check >/dev/null 2>&1 && which=$i
      return 0
    fi
  done
}

# intact NEWJSON: after `attempt` on $W, the old index is at $W/idx, whole
# (the new one, also whole, when the failure was late), and nothing is left
# beside it; otherwise say so and put the old index back for the next case.
intact() {
  local fine=1
  if [ "$late" = 1 ]; then whole "$W" "$old_json" "$1"; else whole "$W" "$old_json"; fi
  if [ -n "$which" ]; then ok; else
    bad "$name: the old index is not whole: $(flat "$now")"; fine=0; fi
  listing "$W"
  if [ "$left" = idx ]; then ok; else
    bad "$name: left beside the index: $left (stderr: $(snip "$T/err"))"; fine=0; fi
  if [ "$fine" = 0 ] || [ "$which" = 2 ]; then
    rm -rf "$W" && mkdir "$W" && cp -a "$T/pristine" "$W/idx"
  fi
}

# nothing NEWJSON: after `attempt` on $F, a first build: nothing is left in
# $F (or, when the failure was late, the new index, whole, and nothing else)
nothing() {
  listing "$F"
  if [ -z "$left" ]; then ok; return; fi
  if [ "$late" = 1 ] && [ "$left" = idx ]; then whole "$F" "$1"; else which=""; fi
  if [ -n "$which" ]; then ok; else bad "$name: left $left (stderr: $(snip "$T/err"))"; fi
  rm -rf "$F" && mkdir "$F"
}

# --- a. every write, fsync, close, create, mkdir and rename failing in turn ---
ARGS=("${NEW[@]}")
counted "$W" new
cp -a "$T/pristine" "$W/idx"
# the counted build replaced an old index as every case below does
[ "$(count "$T/counts-new" renameat2)" -ge 1 ] && ok || bad "the counted build swapped nothing"
[ "$(count "$T/counts-new" write)" -ge 8 ] && ok || bad "the counted build wrote little: $(cat "$T/counts-new")"
cases_a=0
for op in write fsync close open mkdir rename renameat2; do
  n=$(count "$T/counts-new" "$op")
  for e in ENOSPC EIO; do
    for ((i = 1; i <= n; i++)); do
      name="rebuild, $op #$i of $n fails with $e"
      reason_of "$e"
      attempt "$W" "$reason" FAULT_OP="$op" FAULT_AT="$i" FAULT_ERRNO="$e"
      intact "$new_json"
      cases_a=$((cases_a + 1))
    done
  done
done
# the counts are exact: failing the call after the last one changes nothing
all=$(awk '$1 != "bytes" && $1 != "late" { n += $2 } END { print n }' "$T/counts-new")
check "call $((all + 1)) of $all fails" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$W" FAULT_OP=any \
  FAULT_AT=$((all + 1)) "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"

# A file system without atomic exchange (renameat2 fails with EINVAL): the
# build still succeeds, by moving the old index aside; no leftovers.
name="no RENAME_EXCHANGE"
check "$name" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$W" FAULT_ALWAYS=renameat2:EINVAL \
  FAULT_COUNT_FILE="$T/counts-x" "$BIN/loci-index" -o "$W/idx" "${NEW[@]}"
whole "$W" "$new_json"
[ -n "$which" ] && ok || bad "$name: the new index is not in place: $(flat "$now")"
listing "$W"
if [ "$left" = idx ]; then ok; else bad "$name: left $left"; fi
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
# ... and then each rename of that fallback failing in turn
n=$(count "$T/counts-x" rename)
[ "$n" -ge 2 ] && ok || bad "no RENAME_EXCHANGE: only $n renames"
for e in ENOSPC EIO; do
  for ((i = 1; i <= n; i++)); do
    name="no RENAME_EXCHANGE, rename #$i of $n fails with $e"
    reason_of "$e"
    attempt "$W" "$reason" FAULT_ALWAYS=renameat2:EINVAL FAULT_OP=rename FAULT_AT="$i" \
      FAULT_ERRNO="$e"
    intact "$new_json"
    cases_a=$((cases_a + 1))
  done
done
# Both the rename of the new index into place and the one putting the old
# index back fail: the old index cannot be at its path, but it must be whole
# and the message must say where it is.
name="no RENAME_EXCHANGE, renames #$n and #$((n + 1)) fail with EIO"
attempt "$W" "Input/output error" FAULT_ALWAYS=renameat2:EINVAL FAULT_OP=rename \
  FAULT_AT="$n,$((n + 1))" FAULT_ERRNO=EIO
kept=""
[[ $(<"$T/err") =~ index\ is\ in\ (/[^ ]*[^ .,;:]) ]] && kept=${BASH_REMATCH[1]}
if [ -n "$kept" ] && [ -d "$kept" ]; then
  mv "$kept" "$T/kept" && mkdir "$T/kept-in" && mv "$T/kept" "$T/kept-in/idx"
  whole "$T/kept-in" "$old_json"
  [ -n "$which" ] && ok || bad "$name: the old index set aside is not whole: $(flat "$now")"
  rm -rf "$T/kept-in"
else
  bad "$name: the message does not say where the old index is: $(snip "$T/err")"
fi
rm -rf "$W" && mkdir "$W" && cp -a "$T/pristine" "$W/idx"
cases_a=$((cases_a + 1))
echo "faults: a. $cases_a rebuilds with a failing call ($SECONDS s)"

# --- b. the disk fills up mid-build ---------------------------------------------
t=$SECONDS
ARGS=("${MID[@]}")
counted "$W" mid
cp -a "$T/pristine" "$W/idx"
total=$(count "$T/counts-mid" bytes)
[ "$total" -gt 65536 ] && ok || bad "the quota build writes only $total bytes"
[ "$(count "$T/counts-mid" open)" -ge 11 ] && ok || bad "the quota build writes fewer than 3 runs"
cases_b=0
for q in 0 1 1024 4096 65536 $((total / 4)) $((total / 2)) $((total * 3 / 4)) $((total - 4096)) \
  $((total - 100)) $((total - 1)); do
  name="disk full after $q of $total bytes"
  attempt "$W" "No space left on device" FAULT_QUOTA="$q"
  intact "$mid_json"
  cases_b=$((cases_b + 1))
done
check "disk with just enough room" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$W" FAULT_QUOTA="$total" \
  "$BIN/loci-index" -o "$W/idx" "${MID[@]}"
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
echo "faults: b. $cases_b rebuilds on a filling disk ($((SECONDS - t)) s)"

# --- d. a first build failing at each call leaves nothing -----------------------
# (each call fails once, with ENOSPC and EIO in turn: what is left behind
# does not depend on the errno)
t=$SECONDS
F=$T/first
mkdir "$F"
ARGS=("${NEW[@]}")
counted "$F" first
cases_d=0
for op in write fsync close open mkdir rename; do
  n=$(count "$T/counts-first" "$op")
  for ((i = 1; i <= n; i++)); do
    e=ENOSPC
    [ $((i % 2)) = 0 ] && e=EIO
    name="first build, $op #$i of $n fails with $e"
    reason_of "$e"
    attempt "$F" "$reason" FAULT_OP="$op" FAULT_AT="$i" FAULT_ERRNO="$e"
    nothing "$first_json"
    cases_d=$((cases_d + 1))
  done
done
ARGS=("${MID[@]}")
for q in 0 1024 $((total / 2)) $((total - 1)); do
  name="first build, disk full after $q of $total bytes"
  attempt "$F" "No space left on device" FAULT_QUOTA="$q"
  nothing "$mid_json"
  cases_d=$((cases_d + 1))
done
echo "faults: d. $cases_d first builds with a failing call or a filling disk ($((SECONDS - t)) s)"
t=$SECONDS
# --- c. kill -9 at random moments ---------------------------------------------------
# Two inputs whose indexes answer the same query differently; a build of one
# over the other is killed at a random moment, and the index must then be
# one or the other, whole. Each round builds the other input than the one in
# place, so both directions are exercised.
t=$SECONDS
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
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
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
  printf -v delay '%d.%03d' $((ms / 1000)) $((ms % 1000))
  sleep "$delay"
  kill -9 "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  rounds=$((rounds + 1))
  kquery "$K/idx" >"$T/k-now.json" || true
  if cmp -s "$T/k-now.json" "$T/k-$target.json"; then
    new=$((new + 1)); cur=$target; ok
  elif cmp -s "$T/k-now.json" "$T/k-$cur.json"; then
    old=$((old + 1)); ok
  else
    bad "kill -9 after ${ms} ms building $target over $cur: the index is neither: $(snip "$T/k-now.json")"
    rm -rf "$K/idx"; "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/in$cur.txt"
  fi
  if "$BIN/loci-search" -i "$K/idx" --check >/dev/null 2>"$T/err"; then ok; else
    bad "kill -9 after ${ms} ms: --check: $(snip "$T/err")"; fi
done
[ "$old" -gt 0 ] && ok || bad "kill loop: no build was killed before its swap ($rounds rounds)"
check "build after the kills" 0 "$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inA.txt"
listing "$K"
if [ "$left" = idx ]; then ok; else bad "after the kill loop, left: $left"; fi

echo "faults: c. $rounds builds killed, $old before their swap and $new after (a build takes $dur ms; $((SECONDS - t)) s)"

# ... and commits: --add of B over a whole build of A, killed at a random
# moment, leaves A or A+B, whole; the next commit removes what it left
t=$SECONDS
"$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inA.txt"
t0=$(now_ms)
"$BIN/loci-index" -q --threads 2 -o "$K/idx" --add --no-merge "$T/inB.txt"
cdur=$(($(now_ms) - t0))
kquery "$K/idx" >"$T/k-AB.json" || true
if ! cmp -s "$T/k-AB.json" "$T/k-A.json"; then ok; else bad "commit kill loop: A+B answers as A"; fi
"$BIN/loci-index" -q --threads 2 -o "$K/idx" "$T/inA.txt"
crounds=0 cold=0 cnew=0
deadline=$(($(now_ms) + 20000))
while [ "$crounds" -lt 20 ] && [ "$(now_ms)" -lt "$deadline" ]; do
  ms=$((RANDOM % (cdur * 12 / 10 + 1)))
  "$BIN/loci-index" -q --threads 2 -o "$K/idx" --add --no-merge "$T/inB.txt" & kpid=$!
  printf -v delay '%d.%03d' $((ms / 1000)) $((ms % 1000))
  sleep "$delay"
  kill -9 "$kpid" 2>/dev/null || true
  wait "$kpid" 2>/dev/null || true
  crounds=$((crounds + 1))
  kquery "$K/idx" >"$T/k-now.json" || true
  if cmp -s "$T/k-now.json" "$T/k-A.json"; then cold=$((cold + 1)); ok
  elif cmp -s "$T/k-now.json" "$T/k-AB.json"; then cnew=$((cnew + 1)); ok
  else bad "commit killed after ${ms} ms: the index is neither A nor A+B: $(snip "$T/k-now.json")"; fi
  if "$BIN/loci-search" -i "$K/idx" --check >/dev/null 2>"$T/err"; then ok; else
    bad "commit killed after ${ms} ms: --check: $(snip "$T/err")"; fi
  # the next writer cleans up after the killed one
  check "delete after a killed commit" 0 "$BIN/loci-index" -q -o "$K/idx" --delete "$T/inB.txt"
  left=$(ls -a "$K/idx" | grep -e '^\.seg-tmp-' -e '^\.manifest\.tmp-' || true)
  [ -z "$left" ] && ok || bad "after a killed commit and a delete: left $left"
  kquery "$K/idx" >"$T/k-now.json" || true
  cmp -s "$T/k-now.json" "$T/k-A.json" && ok || bad "after deleting B again the index is not A"
done
[ "$cold" -gt 0 ] && ok || bad "commit kill loop: no commit was killed before its manifest ($crounds rounds)"
echo "faults: c. $crounds commits killed, $cold before their manifest and $cnew after ($((SECONDS - t)) s)"

# --- f. commits (--add, --delete) with every call failing in turn -------------------
# Before the new manifest is renamed into place a failed commit leaves the
# previous commit whole; after it, the new one. The index answers as one
# of the two and passes --check; the next commit goes through and leaves
# no temporaries.
t=$SECONDS
rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
for kind in add delete; do
  if [ $kind = add ]; then ARGS=(--add --no-merge "${NEW[@]}"); else ARGS=(--delete --no-merge -q corpus/README.md); fi
  counted "$W" "c$kind"
  cp -a "$T/pristine" "$W/idx"
  counts=$T/counts-c$kind
  want_json=c${kind}_json
  [ "$(count "$counts" rename)" -ge 1 ] && ok || bad "the counted $kind renamed nothing"
  cases_f=0
  for op in write fsync close open mkdir rename; do
    n=$(count "$counts" "$op")
    for ((i = 1; i <= n; i++)); do
      name="$kind, $op #$i of $n fails with EIO"
      attempt "$W" "Input/output error" FAULT_OP="$op" FAULT_AT="$i" FAULT_ERRNO=EIO
      whole "$W" "$old_json" "${!want_json}"
      if [ -n "$which" ]; then ok; else bad "$name: the index is not whole: $(flat "$now")"; fi
      # the next commit goes through and leaves no temporary behind
      check "$name, then again" 0 "$BIN/loci-index" -o "$W/idx" "${ARGS[@]}"
      left=$(ls -a "$W/idx" | grep -e '^\.seg-tmp-' -e '^\.manifest\.tmp-' || true)
      [ -z "$left" ] && ok || bad "$name: left $left"
      rm -rf "$W/idx" && cp -a "$T/pristine" "$W/idx"
      cases_f=$((cases_f + 1))
    done
  done
  echo "faults: f. $cases_f ${kind}s with a failing call ($((SECONDS - t)) s)"
done

# --update of an unchanged tree opens no input file (stat only); a touched
# file is opened once, found unchanged by its hash, and nothing is written
rm -rf "$W/up"
check "build for update" 0 "$BIN/loci-index" -q --threads 2 -o "$W/up" "$T/mid"
: >"$T/c-up"
check "unchanged update" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$T/mid" FAULT_COUNT_FILE="$T/c-up" \
  "$BIN/loci-index" -o "$W/up" --update "$T/mid"
[ "$(count "$T/c-up" openread)" = 0 ] && ok || bad "an unchanged update opened inputs: $(cat "$T/c-up")"
grep -q "20 unchanged" "$T/err" && ok || bad "unchanged update: $(snip "$T/err")"
touch "$T/mid/03.txt"
: >"$T/c-up"
check "touched update" 0 env LD_PRELOAD="$SHIM" FAULT_PATH="$T/mid" FAULT_COUNT_FILE="$T/c-up" \
  "$BIN/loci-index" -o "$W/up" --update "$T/mid"
[ "$(count "$T/c-up" openread)" = 1 ] && ok || bad "a touched file was not read once: $(cat "$T/c-up")"
grep -q "nothing changed, nothing written" "$T/err" && ok || bad "touched update: $(snip "$T/err")"
rm -rf "$W/up"

# --- e. permission denied is said as such ------------------------------------------
# (root reads everything, so the shim denies instead of chmod)
t=$SECONDS
check "index over an unreadable index" 2 env LD_PRELOAD="$SHIM" FAULT_PATH="$W/idx" FAULT_OP=opendir \
  FAULT_AT=1 FAULT_ERRNO=EACCES "$BIN/loci-index" -q -o "$W/idx" "$T/new.txt"
if [ "$(wc -l <"$T/err")" = 1 ] && grep -q "idx: permission denied" "$T/err"; then ok; else
  bad "unreadable index, loci-index: $(snip "$T/err")"; fi
check "search an unreadable index" 2 env LD_PRELOAD="$SHIM" FAULT_PATH="$W/idx" FAULT_OP=openread \
  FAULT_AT=1 FAULT_ERRNO=EACCES "$BIN/loci-search" -i "$W/idx" CCDCOE
if [ "$(wc -l <"$T/err")" = 1 ] && grep -q "idx: permission denied" "$T/err"; then ok; else
  bad "unreadable index, loci-search: $(snip "$T/err")"; fi
[ "$(query "$W/idx")" = "$old_json" ] && ok || bad "the index changed after permission errors"
echo "faults: e. permission denied ($((SECONDS - t)) s)"
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
