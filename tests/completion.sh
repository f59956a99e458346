#!/usr/bin/env bash
# tests/completion.sh — the bash completion (bindings/bash/loci), run by
# `make embed-tests` (part of `make check`): it is sourced into bash and its
# function is called as bash would, on words typed after the built programs.
TEST=completion
# shellcheck source=embed/common.sh
source "$(dirname "$0")/embed/common.sh"

# shellcheck source=../bindings/bash/loci
source bindings/bash/loci
complete -p loci-search >/dev/null || bad "loci-search has no completion"
# expect WANT WORDS...: complete the last word of WORDS; WANT is the replies, sorted, space-separated
expect() {
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _loci || bad "$*: _loci failed"
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$want" ] || bad "$* -> '$got', want '$want'"
}
expect "--exhaustive --expand --explain" bin/loci-search --ex
expect "--json" bin/loci-eval --j
expect "--stem --strict" bin/loci-index --st
expect "german" bin/loci-index --stem ger
expect "german" bin/loci-index --stem=ger
expect "german" bin/loci-search --stopwords ger
expect "none norwegian" bin/loci-search --stopwords no
expect "json" bin/loci-search --format j
expect "always auto" bin/loci-search --color = a
expect "window:" bin/loci-index --passage w
expect "doc" bin/loci-search --group d
mkdir -p "$T/myindex"
: >"$T/myfile"
expect "$T/myindex" bin/loci-search -i "$T/my"
expect "$T/myindex" bin/loci-index -o "$T/my"
expect "$T/myfile $T/myindex" bin/loci-index "$T/my"
expect "" bin/loci-search "$T/my"
# every option --help lists, and no other
COMP_WORDS=(bin/loci-search --) COMP_CWORD=1 COMPREPLY=()
_loci || bad "loci-search --: _loci failed"
want=$(bin/loci-search --help | grep -oE -- '--[a-z0-9-]+' | sort -u | wc -l)
got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | wc -l)
[ "$got" -ge 20 ] && [ "$got" = "$want" ] || bad "loci-search --: $got options, --help names $want"

passed "options, index directories, --stem and --stopwords languages, option values"
