# bench/peers.sh — sourced by the benchmark scripts: locate the shared data,
# make sure the peers (Xapian's Python bindings, SQLite with FTS5, Lucene 8
# with a JDK) are installed from Debian packages, and compile the Lucene
# harness (bench/LuceneRun.java).
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
  command -v javac >/dev/null || missing="$missing default-jdk-headless"
  lucene_jars >/dev/null || missing="$missing liblucene8-java"
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

# lucene_jars: the class path of the Lucene jars the harness needs (Debian
# names them by version: lucene-core-8.7.0.jar in liblucene8-java 8.8.1).
lucene_jars() {
  local cp="" m j
  for m in core analyzers-common queryparser; do
    j=$(ls /usr/share/java/lucene-$m-[0-9]*.jar 2>/dev/null | sort -V | tail -n 1)
    [ -n "$j" ] || return 1
    cp="$cp${cp:+:}$j"
  done
  echo "$cp"
}

# lucene_setup: compile bench/LuceneRun.java into build/lucene when it is
# newer than its class, and set LUCENE to the command that runs it (as an
# array: "${LUCENE[@]}" index|search|time ...).
lucene_setup() {
  local cp
  cp=$(lucene_jars) || { echo "$1: Lucene jars not found in /usr/share/java" >&2; exit 1; }
  if [ ! build/lucene/LuceneRun.class -nt bench/LuceneRun.java ]; then
    mkdir -p build/lucene
    javac -nowarn -d build/lucene -cp "$cp" bench/LuceneRun.java ||
      { echo "$1: javac bench/LuceneRun.java failed" >&2; exit 1; }
  fi
  LUCENE=(java -cp "build/lucene:$cp" LuceneRun)
}
