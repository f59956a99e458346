#!/usr/bin/env bash
# tests/manpages.sh — the man pages in docs/man (run by `make embed-tests`,
# part of `make check`):
#  - each names the version of loci.h in its .TH line;
#  - each passes `mandoc -T lint` without a warning (and `man --warnings`
#    when man-db is installed);
#  - each program's page lists exactly the options its --help lists: the
#    option names in the page's .TP tags against those at the start of the
#    --help lines.
TEST=man
# shellcheck source=embed/common.sh
source "$(dirname "$0")/embed/common.sh"

pages=$(ls docs/man/*.[0-9])
for p in $pages; do
  mandoc -T lint -W warning "$p" >"$T/lint" 2>&1 || bad "$p: mandoc -T lint: $(cat "$T/lint")"
  if command -v man >/dev/null && command -v groff >/dev/null; then
    MANWIDTH=80 man --warnings -l "$p" 2>"$T/warn" >/dev/null || bad "$p: man -l failed"
    [ ! -s "$T/warn" ] || bad "$p: man --warnings: $(head -3 "$T/warn")"
  fi
done

# each page names the version of loci.h
version=$(sed -n 's/^#define LOCI_VERSION "\(.*\)"$/\1/p' include/loci.h)
for p in $pages; do
  grep -q "^\.TH .* \"loci $version\"" "$p" || bad "$p: .TH does not say \"loci $version\""
done

# options of --help: from the lines that start (after spaces) with an
# option, the names before the description (two spaces end them)
help_options() {
  "bin/$1" --help | grep -E '^ +-' | sed -E 's/^ +//; s/  .*//' | option_names
}
# options of the page: the names in the .TP tags of its OPTIONS section
man_options() {
  awk '/^\.SH /{ opts = ($0 ~ /^\.SH OPTIONS/) } opts && tag { print; tag = 0 } opts && /^\.TP/ { tag = 1 }' \
      "docs/man/$1.1" | sed -E 's/\\f[BIRP]//g; s/\\-/-/g' | option_names
}
# the option names in lines of option text: -x and --long-name words
option_names() {
  grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed -E 's/^[ ,]//' | sort -u
}
for prog in loci-index loci-search loci-eval; do
  help_options "$prog" >"$T/help"
  man_options "$prog" >"$T/man"
  [ "$(wc -l <"$T/help")" -ge 4 ] || bad "$prog --help: found only $(wc -l <"$T/help") options"
  if ! diff "$T/help" "$T/man" >"$T/diff"; then
    bad "$prog: --help and docs/man/$prog.1 list different options (< --help only, > man only): $(grep '^[<>]' "$T/diff" | tr '\n' ' ')"
  fi
done

passed "$(echo "$pages" | wc -w) pages lint clean, options as in --help"
