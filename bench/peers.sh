# bench/peers.sh — sourced by the benchmark scripts: locate the shared data
# and make sure the peers (Xapian's Python bindings, SQLite with FTS5) are
# installed from Debian packages.
DATA=${LOCI_BENCH_DATA:-../shared/data}
PY=/usr/bin/python3   # python3-xapian is built for Debian's interpreter

need_data() {
  if [ ! -d "$DATA" ]; then
    echo "$1: $DATA not found; skipping (benchmarks need ../shared/data)"
    exit 0
  fi
}

need_peers() {
  local missing=""
  "$PY" -c 'import xapian' 2>/dev/null || missing="$missing python3-xapian"
  command -v sqlite3 >/dev/null || missing="$missing sqlite3"
  [ -x /usr/bin/time ] || missing="$missing time"
  [ -n "$missing" ] || return 0
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "$1: missing peers; run: sudo apt-get install -y$missing" >&2
      exit 1
    fi
  fi
  echo "$1: installing$missing" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
  "$PY" -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("create virtual table t using fts5(x)")' ||
    { echo "$1: Python's sqlite3 lacks FTS5" >&2; exit 1; }
}
