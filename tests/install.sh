#!/usr/bin/env bash
# tests/install.sh — the install test (run by `make embed-tests`, part of
# `make check`): `make install` into a DESTDIR, then, against that install
# only, as README.md "Embedding" says:
#  - its C example compiles with the documented pkg-config lines, against
#    libloci.so and (pkg-config --static, cc -static) against libloci.a,
#    and both binaries print the same hits as loci-search;
#  - its Python example runs with the installed module and prints JSON;
#  - man finds the pages; loci.pc names the PREFIX of this install;
#  - `make uninstall` leaves no file behind.
TEST=install
# shellcheck source=embed/common.sh
source "$(dirname "$0")/embed/common.sh"
MAKE=${MAKE:-make}
CC=${CC:-cc}
D=$T/dest
PREFIX=/opt/loci-install-test
P=$D$PREFIX

# example NAME: the README's code block after the line "<!-- example: NAME -->"
example() {
  awk -v m="<!-- example: $1 -->" '$0 == m { on = 1; next }
    on == 1 && /^```/ { on = 2; next } on == 2 && /^```/ { exit } on == 2 { print }' README.md
}

# an install for another prefix first: the next must not keep its loci.pc
$MAKE --no-print-directory -s install DESTDIR="$T/first" PREFIX="$PREFIX-first" >/dev/null 2>&1 ||
  bad "make install PREFIX=$PREFIX-first failed"
grep -qx "prefix=$PREFIX-first" "$T/first$PREFIX-first/lib/pkgconfig/loci.pc" ||
  bad "loci.pc of PREFIX=$PREFIX-first: $(head -1 "$T/first$PREFIX-first/lib/pkgconfig/loci.pc")"
$MAKE --no-print-directory -s install DESTDIR="$D" PREFIX="$PREFIX" >"$T/make.log" 2>&1 ||
  { cat "$T/make.log" >&2; bad "make install failed"; exit 1; }
for f in bin/loci-index bin/loci-search bin/loci-eval lib/libloci.a lib/libloci.so lib/libloci.so.0 \
         include/loci.h lib/pkgconfig/loci.pc share/man/man1/loci-index.1 share/man/man1/loci-search.1 \
         share/man/man1/loci-eval.1 share/man/man3/libloci.3 lib/python3/dist-packages/loci/__init__.py \
         lib/python3/dist-packages/loci/_library.py share/bash-completion/completions/loci-search; do
  [ -e "$P/$f" ] || bad "$PREFIX/$f not installed"
done
grep -qx "prefix=$PREFIX" "$P/lib/pkgconfig/loci.pc" || bad "loci.pc: $(head -1 "$P/lib/pkgconfig/loci.pc"), want prefix=$PREFIX"
grep -q "\"$PREFIX/lib/libloci.so.0\"" "$P/lib/python3/dist-packages/loci/_library.py" ||
  bad "the Python module does not name $PREFIX/lib/libloci.so.0"

# the Python module's directory is one Debian's python3 searches, for /usr and /usr/local
for prefix in /usr /usr/local; do
  pydir=$(printf 'show-pydir:\n\t@echo $(PYDIR)\n' |
          $MAKE --no-print-directory -s -f Makefile -f - show-pydir PREFIX=$prefix)
  /usr/bin/python3 -c 'import os, site, sys; sys.exit(os.path.dirname(sys.argv[1]) not in site.getsitepackages())' \
    "$pydir" || bad "PREFIX=$prefix installs the Python module in $pydir, which python3 does not search"
done

# the C example, both ways; pkg-config is pointed at the DESTDIR install
# (PKG_CONFIG_SYSROOT_DIR puts $D before its -I and -L paths)
example search.c >"$T/search.c"
[ -s "$T/search.c" ] || bad "no C example (<!-- example: search.c -->) in README.md"
export PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
"$P/bin/loci-index" -q -o "$T/idx" corpus/
"$P/bin/loci-search" -i "$T/idx" --json "cybersecurity CCDCOE" |
  /usr/bin/python3 -c 'import json, sys
for l in sys.stdin:
    h = json.loads(l); print("%.4f %s:%d" % (h["score"], h["doc"], h["line"]))' >"$T/want"
[ -s "$T/want" ] || bad "loci-search found nothing"
# shellcheck disable=SC2046  # pkg-config's output is meant to be split
$CC -o "$T/search-shared" "$T/search.c" $(pkg-config --cflags --libs loci) ||
  bad "cc search.c \$(pkg-config --cflags --libs loci) failed"
# shellcheck disable=SC2046
$CC -static -o "$T/search-static" "$T/search.c" $(pkg-config --static --cflags --libs loci) ||
  bad "cc -static search.c \$(pkg-config --static --cflags --libs loci) failed"
if [ -x "$T/search-shared" ]; then
  LD_LIBRARY_PATH=$P/lib ldd "$T/search-shared" | grep -q "libloci.so.0 => $P/lib/libloci.so.0" ||
    bad "search-shared does not load the installed libloci.so.0"
  LD_LIBRARY_PATH=$P/lib "$T/search-shared" "$T/idx" "cybersecurity CCDCOE" >"$T/got-shared" ||
    bad "search-shared failed"
  cmp -s "$T/want" "$T/got-shared" || bad "search-shared: $(head -1 "$T/got-shared"), want $(head -1 "$T/want")"
fi
if [ -x "$T/search-static" ]; then
  if readelf -d "$T/search-static" 2>/dev/null | grep -q 'NEEDED.*libloci'; then bad "search-static needs libloci.so"; fi
  "$T/search-static" "$T/idx" "cybersecurity CCDCOE" >"$T/got-static" || bad "search-static failed"
  cmp -s "$T/want" "$T/got-static" || bad "search-static: $(head -1 "$T/got-static"), want $(head -1 "$T/want")"
fi

# the Python example, with the installed module (its library path names
# $PREFIX, which is under $D here: LOCI_LIBRARY says where it is)
example index_and_search.py >"$T/example.py"
[ -s "$T/example.py" ] || bad "no Python example (<!-- example: index_and_search.py -->) in README.md"
[ "$(grep -c . "$T/example.py")" -le 10 ] || bad "the Python example is longer than ten lines"
(cd "$T" && PYTHONPATH=$P/lib/python3/dist-packages LOCI_LIBRARY=$P/lib/libloci.so.0 \
  /usr/bin/python3 example.py "$OLDPWD/corpus" cybersecurity CCDCOE) >"$T/py.out" 2>"$T/py.err" ||
  bad "the Python example failed: $(head -c 300 "$T/py.err")"
/usr/bin/python3 -c 'import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
assert hits and hits[0]["line"] == 23 and "CCDCOE" in hits[0]["text"], hits[:1]' "$T/py.out" ||
  bad "the Python example's output: $(head -c 300 "$T/py.out")"

# man finds the installed pages
if command -v man >/dev/null; then
  MANPATH=$P/share/man man -P cat loci-search 2>/dev/null | grep -q -- '--snippet' ||
    bad "MANPATH=$PREFIX/share/man man loci-search does not show the page"
fi

$MAKE --no-print-directory -s uninstall DESTDIR="$D" PREFIX="$PREFIX" >"$T/make.log" 2>&1 ||
  { cat "$T/make.log" >&2; bad "make uninstall failed"; }
left=$(find "$D" ! -type d)
[ -z "$left" ] || bad "make uninstall left: $left"

passed "DESTDIR install, C example via pkg-config (shared and static), Python example, man, uninstall"
