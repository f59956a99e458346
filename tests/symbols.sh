#!/usr/bin/env bash
# tests/symbols.sh — symbol hygiene of the installed libraries (run by
# `make embed-tests`, part of `make check`, after the libraries are built):
#  - libloci.so exports exactly the functions loci.h declares LOCI_API,
#    has the soname libloci.so.MAJOR and records its dependencies;
#  - libloci.a has no global symbol outside the loci_ namespace;
#  - tests/embed/clash.c, which defines buf_append, err_set and
#    cursor_next itself, links and runs against both libraries.
TEST=symbols
# shellcheck source=embed/common.sh
source "$(dirname "$0")/embed/common.sh"
CC=${CC:-cc}
LIBS=${LIBS:--lutf8proc -lz -lstemmer -lm -pthread}

major=$(sed -n 's/^#define LOCI_VERSION_MAJOR \([0-9]*\)$/\1/p' include/loci.h)
version=$(sed -n 's/^#define LOCI_VERSION "\(.*\)"$/\1/p' include/loci.h)
so=build/libloci.so.$version

# the API: every LOCI_API function of loci.h
sed -n 's/^LOCI_API .*[ *]\(loci_[a-z0-9_]*\)(.*/\1/p' include/loci.h | sort -u >"$T/api"
[ "$(wc -l <"$T/api")" -ge 25 ] || bad "found only $(wc -l <"$T/api") LOCI_API functions in loci.h"
# a function declared without LOCI_API would be hidden, missing from libloci.so
grep -nE '^[a-z][^(]*[ *]loci_[a-z0-9_]*\(' include/loci.h >"$T/bare" || true
[ ! -s "$T/bare" ] || bad "loci.h declares functions without LOCI_API: $(cut -c1-60 "$T/bare" | tr '\n' ' ')"
nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u >"$T/exported"
if ! diff "$T/api" "$T/exported" >"$T/diff"; then
  bad "$so exports other than loci.h's API (< loci.h only, > exported only):"; cat "$T/diff" >&2
fi
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libloci.so.$major" ] || bad "$so: soname '$soname', want libloci.so.$major"
for dep in libutf8proc libz libstemmer; do
  readelf -d "$so" | grep -q "(NEEDED).*\[$dep\.so" || bad "$so does not record its dependency $dep"
done

# the static library: no global symbol outside loci_
nm -g --defined-only build/libloci.a | awk 'NF == 3 && $3 !~ /^loci_/ { print $3 }' >"$T/foreign"
if [ -s "$T/foreign" ]; then
  bad "build/libloci.a defines $(wc -l <"$T/foreign") global symbols outside loci_: $(head -5 "$T/foreign" | tr '\n' ' ')..."
fi

# an application with names of its own that the library uses inside
want=$'hits 2\napp 3 20 42'
$CC -std=c11 -Wall -Wextra -Werror -Iinclude -o "$T/clash-static" tests/embed/clash.c build/libloci.a $LIBS ||
  bad "clash.c does not link against build/libloci.a"
$CC -std=c11 -Wall -Wextra -Werror -Iinclude -o "$T/clash-shared" tests/embed/clash.c -Lbuild -lloci ||
  bad "clash.c does not link against build/libloci.so"
for kind in static shared; do
  [ -x "$T/clash-$kind" ] || continue
  got=$(LD_LIBRARY_PATH=build "$T/clash-$kind" "$T/idx-$kind" 2>&1) || bad "clash ($kind) failed: $got"
  [ "$got" = "$want" ] || bad "clash ($kind) printed '$got', want '$want'"
done
if [ -x "$T/clash-shared" ] && ! LD_LIBRARY_PATH=build ldd "$T/clash-shared" | grep -q "libloci.so.$major => build/"; then
  bad "clash-shared does not load build/libloci.so.$major"
fi

passed "libloci.so exports $(wc -l <"$T/api") loci_ functions, libloci.a no foreign globals, clash.c runs against both"
