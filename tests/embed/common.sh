# tests/embed/common.sh — the start every embedding test shares (symbols.sh,
# manpages.sh, completion.sh, install.sh source it after setting TEST):
# strict mode, the repository root as the working directory, a scratch
# directory $T removed at exit, bad() to note a failure, and passed() to end.
set -eu
export LC_ALL=C
unset LOCI_INDEX
cd "$(dirname "$0")/.."
T=$(mktemp -d "${TMPDIR:-/tmp}/loci-$TEST-XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $TEST: $*" >&2; }
# passed SUMMARY: print "TEST: SUMMARY" when nothing failed; exit with the status
passed() {
  if [ "$fail" = 0 ]; then echo "$TEST: $*"; fi
  exit "$fail"
}
