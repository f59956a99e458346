# tests/common.sh — sourced by the end-to-end test scripts (tests/cli.sh,
# tests/shards.sh): the repository root, the programs, a temporary
# directory $T removed at exit (named after $TEST_NAME), and the check
# helpers that count passes and failures.
set -eu
export LC_ALL=C
unset LOCI_INDEX NO_COLOR
cd "$(dirname "$0")/.."
BIN=$PWD/bin
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d "${TMPDIR:-/tmp}/loci-${TEST_NAME:-test}-XXXXXX")
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
