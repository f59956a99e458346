#!/usr/bin/env bash
# tests/cli.sh — end-to-end tests of the built programs (bin/loci-index,
# bin/loci-search, bin/loci-eval): the README's promises, exit codes and
# error messages. Run from the repository root by `make cli-tests`.
TEST_NAME=cli
. "$(dirname "$0")/common.sh"

# --- the main job -------------------------------------------------------------
check "index corpus" 0 "$BIN/loci-index" -o "$T/idx" corpus/
has "summary line" "passages" "$T/err"
check "search CCDCOE" 0 "$BIN/loci-search" -i "$T/idx" "cybersecurity CCDCOE"
if head -1 "$T/out" | grep -q '^1\. .*  corpus/nato-rok-ap4-indo-pacific.txt:23$'; then ok; else
  bad "rank 1 is not corpus line 23: $(head -1 "$T/out")"; fi
has "rank 1 text" "Centre of Excellence (CCDCOE)" "$T/out"
if grep -q $'\033' "$T/out"; then bad "colour when stdout is not a terminal"; else ok; fi
check "forced colour" 0 "$BIN/loci-search" -i "$T/idx" --color=always CCDCOE
has "highlight escape" $'\033\[1;31mCCDCOE' "$T/out"
check "NO_COLOR with auto" 0 env NO_COLOR=1 "$BIN/loci-search" -i "$T/idx" CCDCOE
if grep -q $'\033' "$T/out"; then bad "NO_COLOR ignored"; else ok; fi
check "LOCI_INDEX" 0 env LOCI_INDEX="$T/idx" "$BIN/loci-search" CCDCOE
# a word in half of the passages or more still weighs something: scores are
# not all 0.0000, and they differ
check "common word" 0 "$BIN/loci-search" -i "$T/idx" -k 3 NATO
if grep '^[0-9]*\. ' "$T/out" | grep -q ' 0\.0000 '; then bad "common word scores 0.0000: $(grep '^[0-9]*\. ' "$T/out")"; else ok; fi
[ "$(grep '^[0-9]*\. ' "$T/out" | awk '{print $2}' | sort -u | wc -l)" = 3 ] && ok || bad "common word: equal scores shown"

# on a terminal, escape sequences from a document are shown, not run, and text
# wraps to the terminal's width (script(1) gives loci-search a terminal)
printf 'Alarm \033[31mred\033[0m and \033]0;pwned\a there, quokka %s.\n' "$(printf 'word %.0s' $(seq 40))" >"$T/ctl.txt"
"$BIN/loci-index" -q -o "$T/ctl" "$T/ctl.txt"
if command -v script >/dev/null; then
  script -qec "stty cols 50; '$BIN/loci-search' -i '$T/ctl' --color=never quokka" /dev/null >"$T/tty" </dev/null || true
  tr -d '\r' <"$T/tty" >"$T/tty2"
  if grep -q $'\033' "$T/tty2"; then bad "escape sequence reached the terminal: $(cat -A "$T/tty2" | head -3)"; else ok; fi
  has "escape shown" 'Alarm \\x1b\[31mred' "$T/tty2"
  [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/tty2")" -le 50 ] &&
    [ "$(wc -l <"$T/tty2")" -gt 4 ] && ok || bad "not wrapped to 50 columns: $(cat "$T/tty2")"
else
  bad "script(1) is missing (Debian package bsdutils)"
fi
check "piped output is not escaped" 0 "$BIN/loci-search" -i "$T/ctl" quokka
if grep -q $'\033\[31m' "$T/out"; then ok; else bad "piped output changed the document's bytes"; fi

# make search passes the query as typed: quotes do not break the shell and
# backticks are not run
rm -f "$T/pwned"
make -s search INDEX="$T/mk" Q="Korea\"s \`touch $T/pwned\` \$(touch $T/pwned)" >"$T/out" 2>"$T/err" && ok ||
  bad "make search with quotes: $(cat "$T/err")"
[ ! -e "$T/pwned" ] && ok || bad "make search ran a command from Q"

# on a terminal, the progress line is cleared before a warning is printed
mkdir "$T/pg"
"$PY" -c "
import random, sys
random.seed(3)
w = ['w%d' % i for i in range(3000)]
open(sys.argv[1] + '/a.txt', 'w').write('\n\n'.join(' '.join(random.choices(w, k=100)) for _ in range(6000)))
open(sys.argv[1] + '/b.bin', 'wb').write(b'abc\0def')" "$T/pg"
if command -v script >/dev/null; then
  script -qec "'$BIN/loci-index' -o '$T/pgidx' '$T/pg'" /dev/null >"$T/tty" </dev/null || true
  if grep -q 'MB/s' "$T/tty" && grep -q $'\r\033\[Kloci-index: warning: .*b.bin: binary file skipped' "$T/tty"; then ok; else
    bad "progress line not cleared before the warning: $(cat -A "$T/tty" | head -3)"; fi
fi
rm -rf "$T/pg" "$T/pgidx"

# --- JSON Lines -----------------------------------------------------------------
check "json" 0 "$BIN/loci-search" -i "$T/idx" --json -k 3 "cybersecurity CCDCOE"
if "$PY" - "$T/out" <<'EOF'; then ok; else bad "json fields"; fi
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
types = {"qid": str, "query": str, "rank": int, "score": float, "doc": str, "doc_id": int,
         "passage": int, "ordinal": int, "line": int, "byte_start": int, "byte_end": int,
         "text": str, "highlights": list}
for i, l in enumerate(lines):
    o = json.loads(l)
    assert list(o) == list(types), list(o)
    for k, t in types.items():
        assert isinstance(o[k], t), (k, o[k])
    assert o["rank"] == i + 1
    b = o["text"].encode()
    assert len(b) == o["byte_end"] - o["byte_start"]
    assert o["highlights"], o
    for s, e in o["highlights"]:
        assert b[s:e].decode().lower() in ("cybersecurity", "ccdcoe"), b[s:e]
first = json.loads(lines[0])
assert first["line"] == 23 and first["doc"] == "corpus/nato-rok-ap4-indo-pacific.txt"
raw = open("corpus/nato-rok-ap4-indo-pacific.txt", "rb").read()
assert raw[first["byte_start"]:first["byte_end"]] == first["text"].encode()
EOF

# --- documents as /usr/share/doc and /usr/share/man hold them (issue 15) ---------
# tests/data/share: HTML, a man page in troff .gz and one in mdoc, Markdown, a
# changelog twice (byte-identical .gz files) and a symlink to it
SH=tests/data/share
check "doc tree" 0 "$BIN/loci-index" -o "$T/dt" "$SH/doc" "$SH/man"
has "doc tree duplicates" "1 duplicate stored once" "$T/err"
has "doc tree symlink" "1 symbolic link not followed" "$T/err"
check "doc tree update" 0 "$BIN/loci-index" -o "$T/dt" --update "$SH/doc" "$SH/man"
has "doc tree unchanged" "0 added, 0 replaced, 0 deleted, 6 unchanged" "$T/err"
has "update counts the link" "1 symbolic link not followed" "$T/err"
# no markup is left to find or to show
check "no troff left" 1 "$BIN/loci-search" -i "$T/dt" 'fB IX'
check "no html left" 1 "$BIN/loci-search" -i "$T/dt" 'nbsp OR kbd OR "font weight" OR ndash'
check "man snippet" 0 "$BIN/loci-search" -i "$T/dt" -k 1 'gadget algorithm'
has "man snippet clean" 'foo reads each widget FILE and prints its checksum, using the “gadget”' "$T/out"
has "man line" 'man/man1/foo.1.gz:10$' "$T/out"
zcat "$SH/man/man1/foo.1.gz" | sed -n 10p | grep -q 'reads each widget' && ok || bad "man line 10 is not the source line"
check "html snippet" 0 "$BIN/loci-search" -i "$T/dt" -k 1 'every widget'
has "html entities decoded" 'widget files & prints their checksums.' "$T/out"
has "html line" 'html/index.html:15$' "$T/out"
if grep -Eq '<(p|code|kbd)>|&(amp|lt|nbsp);' "$T/out"; then bad "html markup in a snippet: $(cat "$T/out")"; else ok; fi
check "html title" 0 "$BIN/loci-search" -i "$T/dt" -k 1 'user guide'
has "html title is a passage" 'index.html:5$' "$T/out"
check "markdown heading" 0 "$BIN/loci-search" -i "$T/dt" -k 1 --json 'installing'
has "markdown heading alone" '"text": "## Installing"' "$T/out"
# the changelog: one hit, its other name shown
check "duplicates once" 0 "$BIN/loci-search" -i "$T/dt" -k 10 frobnicator
[ "$(grep -c '^[0-9]*\. ' "$T/out")" = 1 ] && ok || bad "duplicates: $(cat "$T/out")"
has "also shown" "^    also: $SH/doc/libfoo1/changelog.Debian.gz$" "$T/out"
check "duplicates json" 0 "$BIN/loci-search" -i "$T/dt" --json frobnicator
has "also array" "\"also\": \[\"$SH/doc/libfoo1/changelog.Debian.gz\"\]" "$T/out"
# -L follows the link: a third name of the same text, still one hit
check "doc tree -L" 0 "$BIN/loci-index" -L -o "$T/dtl" "$SH/doc" "$SH/man"
has "doc tree -L duplicates" "2 duplicates stored once" "$T/err"
check "duplicates -L" 0 "$BIN/loci-search" -i "$T/dtl" -k 10 frobnicator
[ "$(grep -c '^[0-9]*\. ' "$T/out")" = 1 ] && ok || bad "duplicates -L: $(cat "$T/out")"
has "also -L" "also: $SH/doc/libfoo1/NEWS.Debian.gz, $SH/doc/libfoo1/changelog.Debian.gz" "$T/out"
# deleting the first name keeps the text under the others (living index)
check "delete a first name" 0 "$BIN/loci-index" -o "$T/dtl" --delete "$SH/doc/libfoo-dev/changelog.Debian.gz"
check "text kept" 0 "$BIN/loci-search" -i "$T/dtl" -k 10 frobnicator
has "next name first" "libfoo1/NEWS.Debian.gz:3" "$T/out"
has "other name also" "also: $SH/doc/libfoo1/changelog.Debian.gz" "$T/out"
# --format overrides detection: text keeps the markup
check "format text" 0 "$BIN/loci-index" -q --format text -o "$T/dtt" "$SH/doc/foo-tools/html"
check "markup as text" 0 "$BIN/loci-search" -i "$T/dtt" -k 1 'class term'

# --- result-list controls ---------------------------------------------------------
# --count: every matching passage (document), whatever -k
check "count" 0 "$BIN/loci-search" -i "$T/idx" --count Japan
n_all=$("$BIN/loci-search" -i "$T/idx" -k 100000 --format trec Japan | wc -l)
[ "$(cat "$T/out")" = "$n_all" ] && [ "$n_all" -gt 3 ] && ok || bad "--count $(cat "$T/out") != $n_all hits"
check "count documents" 0 "$BIN/loci-search" -i "$T/idx" --count --group doc Japan
[ "$(cat "$T/out")" = "$("$BIN/loci-search" -i "$T/idx" -k 100000 --group doc --format trec Japan | wc -l)" ] &&
  ok || bad "--count --group doc: $(cat "$T/out")"
check "count no match" 1 "$BIN/loci-search" -i "$T/idx" --count zzzzqqq
[ "$(cat "$T/out")" = 0 ] && ok || bad "--count of nothing: $(cat "$T/out")"
# --offset: the same as the corresponding slice of a larger -k
"$BIN/loci-search" -i "$T/idx" -k 9 --format trec Japan | cut -d' ' -f3,5 | sed -n '4,6p' >"$T/slice"
check "offset" 0 "$BIN/loci-search" -i "$T/idx" -k 3 --offset 3 --format trec Japan
cut -d' ' -f3,5 "$T/out" | cmp -s - "$T/slice" && ok || bad "--offset 3 -k 3 is not ranks 4-6: $(cat "$T/out")"
check "offset past the end" 1 "$BIN/loci-search" -i "$T/idx" --offset 100000 Japan
check "bad offset" 2 "$BIN/loci-search" -i "$T/idx" --offset -1 Japan
# -l: matching documents' names in rank order, one per line
check "files with matches" 0 "$BIN/loci-search" -i "$T/idx" -l NATO
[ "$(cat "$T/out")" = "$("$BIN/loci-search" -i "$T/idx" --group doc --format trec NATO | cut -d' ' -f3)" ] &&
  [ "$(wc -l <"$T/out")" = 2 ] && ok || bad "-l: $(cat "$T/out")"
check "files with matches, json" 0 "$BIN/loci-search" -i "$T/idx" -l --json NATO
if "$PY" - "$T/out" <<'EOF'; then ok; else bad "-l --json: $(cat "$T/out")"; fi
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["rank"] for r in recs] == [1, 2] and all(list(r) == ["qid", "query", "rank", "doc", "doc_id"] for r in recs), recs
EOF
# --end-record: every query of a --queries run ends with a record, so a
# client can tell no hits from slow
printf 'q1\tzzzzqqq\nq2\tJapan\n' >"$T/endq"
check "end records" 0 "$BIN/loci-search" -i "$T/idx" --json -k 2 --end-record --queries "$T/endq"
if "$PY" - "$T/out" "$n_all" <<'EOF'; then ok; else bad "end records: $(cat "$T/out")"; fi
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["qid"] for r in recs] == ["q1", "q2", "q2", "q2"], recs
assert recs[0] == {"qid": "q1", "query": "zzzzqqq", "end": True, "hits": 0, "total": 0}, recs[0]
assert "end" not in recs[1] and "end" not in recs[2]
assert recs[3] == {"qid": "q2", "query": "Japan", "end": True, "hits": 2, "total": int(sys.argv[2])}, recs[3]
EOF

# --snippet: about N characters around the matches, "…" where text is left out
check "snippet" 0 "$BIN/loci-search" -i "$T/idx" -k 1 --snippet 80 "cybersecurity CCDCOE"
has "snippet marks" "…" "$T/out"
[ "$(sed -n 2p "$T/out" | wc -m)" -le 92 ] && ok || bad "snippet too long: $(sed -n 2p "$T/out")"
has "snippet keeps the match" "CCDCOE" "$T/out"
check "snippet json" 0 "$BIN/loci-search" -i "$T/idx" -k 1 --snippet 60 --json "cybersecurity CCDCOE"
if "$PY" - "$T/out" <<'EOF'; then ok; else bad "snippet json: $(cat "$T/out")"; fi
import json, sys
o = json.loads(open(sys.argv[1]).read())
s, e = o["snippet"]
b = o["text"].encode()
assert 0 <= s < e <= len(b) and len(b[s:e].decode()) <= 60 and (s, e) != (0, len(b)), (s, e)
assert any(s <= hs and he <= e for hs, he in o["highlights"])
EOF
check "bad snippet" 2 "$BIN/loci-search" -i "$T/idx" --snippet 3 x

# --stats: what the index holds and how it was built
check "stats" 0 "$BIN/loci-search" -i "$T/idx" --stats
has "stats format" "^format      4\.3$" "$T/out"
has "stats documents" "^documents   2 (0 deleted" "$T/out"
has "stats segments" "^segments    1$" "$T/out"
has "stats stemming" "^stemming    english$" "$T/out"
check "stats json" 0 "$BIN/loci-search" -i "$T/idx" --stats --json
if "$PY" - "$T/out" "$T/idx" <<'EOF'; then ok; else bad "stats json: $(cat "$T/out")"; fi
import json, os, sys
st = json.load(open(sys.argv[1]))
d = sys.argv[2]
assert st["documents"] == 2 and st["passage_mode"] == "paragraph" and st["stem"] == "english", st
s = os.path.join(d, "seg-000001")
want = {f: os.path.getsize(os.path.join(s, f)) for f in os.listdir(s)}
want["manifest"] = os.path.getsize(os.path.join(d, "manifest"))
assert st["files"] == want, st["files"]
assert st["bytes"] == sum(st["files"].values())
assert st["built"].endswith("Z") and st["format"] == "4.3"
assert st["segments"] == 1 and st["deleted_documents"] == 0
EOF

# a passage is its paragraph as written, brackets and footnote marks included
printf '3\tOfficial Website Prime Minister Cabinet\n9\trapprochement\n23\tcybersecurity CCDCOE\n66\tPalgrave\n' >"$T/asw"
check "paragraphs as written" 0 "$BIN/loci-search" -i "$T/idx" --json -k 1 --queries "$T/asw"
if "$PY" - "$T/out" <<'EOF'; then ok; else bad "paragraphs as written: $(cut -c1-300 "$T/out")"; fi
import json, sys
raw = open("corpus/nato-rok-ap4-indo-pacific.txt", "rb").read()
lines = raw.split(b"\n")
for l in open(sys.argv[1]):
    o = json.loads(l)
    n = int(o["qid"])
    assert o["line"] == n, (n, o["line"])
    assert o["text"].encode() == lines[n - 1].strip(), (n, o["text"][-40:])
    assert raw[o["byte_start"]:o["byte_end"]] == o["text"].encode()
EOF

# --- TREC and batches -------------------------------------------------------------
check "trec" 0 "$BIN/loci-search" -i "$T/idx" --format trec --run-tag t1 -k 5 "Korea NATO"
if awk 'NF != 6 || $2 != "Q0" || $6 != "t1" { exit 1 }' "$T/out" && [ "$(wc -l <"$T/out")" = 5 ]; then ok; else
  bad "trec lines: $(head -2 "$T/out")"; fi
printf 'q7\tCCDCOE\n\nq8\tJapan Australia\n' >"$T/queries"
check "queries file" 0 "$BIN/loci-search" -i "$T/idx" --format trec --queries "$T/queries"
if cut -d' ' -f1 "$T/out" | sort -u | tr '\n' ' ' | grep -qx 'q7 q8 '; then ok; else bad "qids: $(cut -d' ' -f1 "$T/out" | sort -u)"; fi
check "queries stdin" 0 sh -c "printf 'CCDCOE\n' | '$BIN/loci-search' -i '$T/idx' --json --queries -"
has "stdin qid is the line number" '"qid": "1"' "$T/out"
check "queries without a match" 1 sh -c "printf 'zzzzqqq\n' | '$BIN/loci-search' -i '$T/idx' --queries -"
# one bad line does not end a --queries run: it is reported with its line
# number, the rest are answered, and the exit status says something failed
printf 'q1\tCCDCOE\nq2\t\377\376 bad\n\nq3\tJapan\n' >"$T/badq"
check "queries: a bad line" 2 "$BIN/loci-search" -i "$T/idx" --format trec -k 1 --queries "$T/badq"
one_line "queries: a bad line"; has "bad line number" "badq:2: query: invalid UTF-8" "$T/err"
if [ "$(cut -d' ' -f1 "$T/out" | tr '\n' ' ')" = "q1 q3 " ]; then ok; else bad "queries after a bad line: $(cat "$T/out")"; fi
# a line without end is cut at the cap, not buffered without limit
"$PY" -c "import sys; sys.stdout.write('a' * 100000 + '\nq9\tKorea\n')" >"$T/longq"
check "queries: a line over the cap" 2 "$BIN/loci-search" -i "$T/idx" --format trec -k 1 --queries "$T/longq"
one_line "queries: over the cap"; has "cap line number" "longq:1: query longer than 65536 bytes" "$T/err"
has "answered after the long line" "^q9 " "$T/out"
check "queries: a NUL byte" 2 sh -c "printf 'a\\000b\\nKorea\\n' | '$BIN/loci-search' -i '$T/idx' -k 1 --queries -"
has "NUL byte line" "(stdin):1: the query contains a NUL byte" "$T/err"
# /dev/zero: one endless line; memory stays bounded (ulimit -v) while it is read
st=0; (ulimit -v 200000; timeout 2 "$BIN/loci-search" -i "$T/idx" --queries /dev/zero) 2>"$T/err" || st=$?
if [ "$st" = 124 ]; then ok; else bad "--queries /dev/zero: exit $st (want the timeout's 124): $(cat "$T/err")"; fi
has "/dev/zero reported at once" "/dev/zero:1: query longer than" "$T/err"

# --- exit codes and errors ------------------------------------------------------------
check "no match" 1 "$BIN/loci-search" -i "$T/idx" zzzzqqqxxx
check "missing index" 2 "$BIN/loci-search" -i "$T/none" CCDCOE
one_line "missing index"; has "missing index names it" "$T/none" "$T/err"
check "empty query" 2 "$BIN/loci-search" -i "$T/idx" ""
one_line "empty query"
check "punctuation query" 2 "$BIN/loci-search" -i "$T/idx" "--" "?!"
check "invalid UTF-8 query" 2 "$BIN/loci-search" -i "$T/idx" $'\xff'
check "bad option" 2 "$BIN/loci-search" -i "$T/idx" --frobnicate x
one_line "bad option"; has "bad option named" "unknown option: --frobnicate" "$T/err"
check "option without its value" 2 "$BIN/loci-search" -i "$T/idx" x -k
one_line "option without value"; has "missing value named" "needs a value: -k" "$T/err"
check "bad option (index)" 2 "$BIN/loci-index" --frobnicate corpus/
one_line "bad option (index)"
check "bad option (eval)" 2 "$BIN/loci-eval" --frobnicate
one_line "bad option (eval)"
check "quiet match" 0 "$BIN/loci-search" -i "$T/idx" -q CCDCOE
[ ! -s "$T/out" ] && ok || bad "-q printed: $(head -3 "$T/out")"
check "quiet no match" 1 "$BIN/loci-search" -i "$T/idx" -q zzzzqqqxxx
check "bad -k" 2 "$BIN/loci-search" -i "$T/idx" -k 0 x
has "-k error says the range" "from 1 to 100000000" "$T/err"
check "bad -k text" 2 "$BIN/loci-search" -i "$T/idx" -k ten x
check "bad --b" 2 "$BIN/loci-search" -i "$T/idx" --b 2 x
check "no query" 2 "$BIN/loci-search" -i "$T/idx"
check "check ok" 0 "$BIN/loci-search" -i "$T/idx" --check
has "check message" "index OK" "$T/out"
cp -r "$T/idx" "$T/bad"
"$PY" -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[100]^=0x40; open(p,'wb').write(b)" "$T/bad/seg-000001/postings"
check "corrupt index --check" 2 "$BIN/loci-search" -i "$T/bad" --check
one_line "corrupt index"; has "corrupt names the file" "postings: checksum mismatch" "$T/err"
cp "$T/idx/seg-000001/meta" "$T/meta.good"; printf 'LOCIxxxx' | dd of="$T/bad/seg-000001/meta" conv=notrunc status=none
check "bad magic" 2 "$BIN/loci-search" -i "$T/bad" CCDCOE
one_line "bad magic"

# --- loci-index inputs and errors --------------------------------------------------------
check "index missing input" 2 "$BIN/loci-index" -o "$T/x" "$T/nope.txt"
one_line "missing input"; has "names the input" "nope.txt" "$T/err"
: >"$T/empty.txt"
check "empty corpus" 2 "$BIN/loci-index" -o "$T/x" "$T/empty.txt"
one_line "empty corpus"
[ ! -e "$T/x" ] && ok || bad "failed build left $T/x"
printf 'ok\n\xff\xfe abc\n' >"$T/latin.txt"
# invalid UTF-8 is indexed as U+FFFD with one warning per file, and counted
check "invalid UTF-8 input" 0 "$BIN/loci-index" -o "$T/x" "$T/latin.txt"
has "invalid UTF-8 warning names file:line" "warning: .*latin.txt:2: 2 invalid UTF-8 sequences replaced by U+FFFD" "$T/err"
has "replacement counted" "; 2 invalid UTF-8 sequences replaced" "$T/err"
if [ "$(wc -l <"$T/err")" = 2 ]; then ok; else bad "invalid UTF-8: not one warning and the summary: $(cat "$T/err")"; fi
check "invalid UTF-8 searchable" 0 "$BIN/loci-search" -i "$T/x" abc
check "--replace-invalid-utf8 still accepted" 0 "$BIN/loci-index" -o "$T/x" --replace-invalid-utf8 "$T/latin.txt"
has "replacement counted" "invalid UTF-8 sequence" "$T/err"
check "invalid UTF-8 --strict" 2 "$BIN/loci-index" -o "$T/x2" --strict "$T/latin.txt"
one_line "invalid UTF-8 --strict"
has "strict invalid UTF-8 names file:line" "latin.txt:2: invalid UTF-8 (byte 0xff); drop --strict" "$T/err"
printf '{"text": "ok"}\n{"text": "caf\xe9"}\n{"text": "fine"}\n{"text": "\xff x \xfe"}\n' >"$T/latin.jsonl"
check "invalid UTF-8 jsonl" 0 "$BIN/loci-index" -o "$T/x" --jsonl "$T/latin.jsonl"
has "jsonl: one warning per file, first record's line" "latin.jsonl:2: 3 invalid UTF-8 sequences replaced by U+FFFD" "$T/err"
if [ "$(grep -c warning "$T/err")" = 1 ]; then ok; else bad "jsonl: more than one warning: $(cat "$T/err")"; fi
check "bad --passage" 2 "$BIN/loci-index" -o "$T/x" --passage window:5:9 corpus/
check "bad --stem" 2 "$BIN/loci-index" -o "$T/x" --stem klingon corpus/
check "no input" 2 "$BIN/loci-index" -o "$T/x"
# a failed build leaves the previous index whole and no temporary directory
check "failed rebuild" 2 "$BIN/loci-index" -o "$T/idx" "$T/empty.txt"
check "old index still works" 0 "$BIN/loci-search" -i "$T/idx" CCDCOE
if ls -a "$T" | grep -q '\.tmp-'; then bad "temporary directory left: $(ls -a "$T")"; else ok; fi
# a killed build never replaces the old index; the next build removes its leftovers
"$PY" -c "
import random, sys
random.seed(1)
words = ['w%d' % i for i in range(20000)]
with open(sys.argv[1], 'w') as f:
    for _ in range(20000):
        f.write(' '.join(random.choices(words, k=150)) + '\\n\\n')" "$T/big.txt"
"$BIN/loci-index" -q --threads 1 -o "$T/idx" "$T/big.txt" & kpid=$!
sleep 0.4; kill -9 $kpid 2>/dev/null || true; wait $kpid 2>/dev/null || true
check "index after a killed build" 0 "$BIN/loci-search" -i "$T/idx" CCDCOE
if ls -a "$T" | grep -q '^\.idx\.tmp-'; then ok; else bad "the killed build left no temporary directory (finished too fast?)"; fi
check "rebuild after a killed build" 0 "$BIN/loci-index" -q -o "$T/idx" corpus/
if ls -a "$T" | grep -q '\.tmp-'; then bad "leftovers after the next build: $(ls -a "$T")"; else ok; fi
# Ctrl-C, SIGTERM and SIGHUP cancel a build: its temporary files go at once,
# the old index stays, one line says so, and the exit status is the signal's
# (SIGINT is reset to its default first: a background job starts with it ignored)
for sig in INT TERM HUP; do
  "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
    "$BIN/loci-index" -q --threads 1 -o "$T/idx" "$T/big.txt" 2>"$T/sigerr" & kpid=$!
  # signalled once the build has begun (its handlers are set before its
  # temporary directory is made), not after a fixed time: a loaded machine
  # may not have started it in 0.4 s
  for _ in $(seq 100); do ls -a "$T" | grep -q '^\.idx\.tmp-' && break; sleep 0.05; done
  kill -s $sig $kpid 2>/dev/null || true; st=0; wait $kpid 2>/dev/null || st=$?
  want=$((128 + $(kill -l $sig)))
  if [ "$st" = "$want" ]; then ok; else bad "SIG$sig: exit $st, want $want ($(cat "$T/sigerr"))"; fi
  if [ "$(wc -l <"$T/sigerr")" = 1 ] && grep -q "interrupted by SIG$sig" "$T/sigerr"; then ok; else
    bad "SIG$sig message: $(cat "$T/sigerr")"; fi
  if ls -a "$T" | grep -q '\.tmp-'; then bad "SIG$sig left temporaries: $(ls -a "$T")"; else ok; fi
  check "index after SIG$sig" 0 "$BIN/loci-search" -i "$T/idx" CCDCOE
done
# any build removes the temporaries of dead builds beside it, of any name
mkdir "$T/.other.tmp-2147483000-abcdef" && : >"$T/.other.tmp-2147483000-abcdef/run-00000001"
check "build beside a stale temporary" 0 "$BIN/loci-index" -q -o "$T/idx2" corpus/
[ ! -e "$T/.other.tmp-2147483000-abcdef" ] && ok || bad "stale temporary of another index kept"
rm -rf "$T/idx2"
rm -f "$T/big.txt"
# an unreadable file is reported, skipped and counted; --strict makes it fatal
mkdir "$T/mixed" && cp corpus/nato-rok-ap4-indo-pacific.txt "$T/mixed/a.txt"
printf '\037\213\010\000\000\000\000\000\000\003not gzip data' >"$T/mixed/b.txt.gz"
check "unreadable file skipped" 0 "$BIN/loci-index" -o "$T/mx" "$T/mixed"
has "skip warning" "b.txt.gz: gzip" "$T/err"
has "skip counted" "1 file skipped" "$T/err"
check "--strict" 2 "$BIN/loci-index" --strict -o "$T/mx2" "$T/mixed"
one_line "--strict"
# so is a dangling symbolic link or a symlink loop met in a walk
mkdir "$T/links" && cp corpus/nato-rok-ap4-indo-pacific.txt "$T/links/a.txt"
ln -s nowhere "$T/links/b-dangling" && ln -s c-loop "$T/links/c-loop"
# (links in a walk are not followed unless -L: then they are only counted)
check "symlinks not followed" 0 "$BIN/loci-index" --strict -o "$T/lk" "$T/links"
has "symlinks counted" "2 symbolic links not followed (-L follows)" "$T/err"
check "bad symlinks skipped" 0 "$BIN/loci-index" -L -o "$T/lk" "$T/links"
has "dangling link warning" "b-dangling: dangling symbolic link; skipped" "$T/err"
has "symlink loop warning" "c-loop: too many levels of symbolic links; skipped" "$T/err"
has "bad symlinks counted" "2 files skipped" "$T/err"
check "bad symlinks --strict" 2 "$BIN/loci-index" --follow --strict -o "$T/lk2" "$T/links"
one_line "bad symlinks --strict"; has "strict names the link" "b-dangling: dangling symbolic link" "$T/err"
check "bad --format" 2 "$BIN/loci-index" --format pdf -o "$T/x" corpus/
one_line "bad --format"; has "--format names the choices" "auto, text, html, man or markdown" "$T/err"
check "bad --memory" 2 "$BIN/loci-index" --memory 1K -o "$T/x" corpus/
check "bad --threads" 2 "$BIN/loci-index" --threads 65 -o "$T/x" corpus/
check "--threads 0 is one per core" 0 "$BIN/loci-index" -q --threads 0 -o "$T/t0" corpus/
cmp -s "$T/t0/seg-000001/postings" "$T/idx/seg-000001/postings" && ok || bad "--threads 0 index differs"
rm -rf "$T/t0"
check "--stem list" 0 "$BIN/loci-index" --stem list
has "--stem list names german" "^german$" "$T/out"
has "--stem list names none" "^none$" "$T/out"
check "--stem German" 0 "$BIN/loci-index" -q --stem German -o "$T/de" corpus/
check "German index says german" 0 "$BIN/loci-search" -i "$T/de" --stats
has "stem stored lower case" "^stemming    german$" "$T/out"
rm -rf "$T/de"
printf 'one\n' >"$T/one.txt"
check "one passage, one term" 0 "$BIN/loci-index" -o "$T/one" "$T/one.txt"
has "singular counts" "1 document, 1 passage, 1 term from" "$T/err"
rm -rf "$T/one"
check "memory and threads" 0 "$BIN/loci-index" -q --memory 16M --threads 3 -o "$T/mt" corpus/
cmp -s "$T/mt/seg-000001/postings" "$T/idx/seg-000001/postings" && cmp -s "$T/mt/seg-000001/text" "$T/idx/seg-000001/text" && ok || bad "--threads 3 index differs from the default build"
# one document much larger than --memory is streamed: peak RSS stays near
# the budget, and the index is the one the default budget builds
"$PY" -c "
import random, sys
random.seed(4)
w = [''.join(random.choice('abcdefghij') for _ in range(random.randint(2, 9))) for _ in range(20000)]
open(sys.argv[1], 'w').write(' '.join(random.choice(w) for _ in range(4000000))[:24000000])" "$T/line.txt"
rss() { # rss OUT CMD...: run CMD, print its peak RSS in KiB to OUT
  "$PY" -c "
import resource, subprocess, sys
st = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(st)" "$@"
}
check "24 MB line at --memory 16M" 0 rss "$T/rss" "$BIN/loci-index" -q --memory 16M -o "$T/line16" "$T/line.txt"
if [ "$(cat "$T/rss")" -lt $((64 * 1024)) ]; then ok; else bad "24 MB line at --memory 16M peaked at $(cat "$T/rss") KiB"; fi
check "24 MB line at the default budget" 0 "$BIN/loci-index" -q -o "$T/line512" "$T/line.txt"
for f in manifest seg-000001/meta seg-000001/lexicon seg-000001/postings seg-000001/positions seg-000001/lengths seg-000001/passages seg-000001/docs seg-000001/text; do
  cmp -s "$T/line16/$f" "$T/line512/$f" && ok || bad "streamed $f differs from the default build's"
done
# the same for one 24 MB JSON Lines record (its text spills to a temporary file)
"$PY" -c "
import json, sys
text = open(sys.argv[1]).read()
with open(sys.argv[2], 'w') as f:
    f.write(json.dumps({'id': 'small', 'text': 'a small record'}) + '\\n')
    f.write(json.dumps({'id': 'huge', 'title': 'The huge one', 'text': text}) + '\\n')" "$T/line.txt" "$T/rec.jsonl"
check "24 MB JSONL record at --memory 16M" 0 rss "$T/rss" "$BIN/loci-index" -q --jsonl --memory 16M -o "$T/rec16" "$T/rec.jsonl"
if [ "$(cat "$T/rss")" -lt $((64 * 1024)) ]; then ok; else bad "24 MB JSONL record at --memory 16M peaked at $(cat "$T/rss") KiB"; fi
check "24 MB JSONL record at the default budget" 0 "$BIN/loci-index" -q --jsonl -o "$T/rec512" "$T/rec.jsonl"
for f in manifest seg-000001/meta seg-000001/lexicon seg-000001/postings seg-000001/positions seg-000001/lengths seg-000001/passages seg-000001/docs seg-000001/text; do
  cmp -s "$T/rec16/$f" "$T/rec512/$f" && ok || bad "streamed JSONL $f differs from the default build's"
done
if ls "$T"/.rec16.tmp-* >/dev/null 2>&1; then bad "temporary files left"; else ok; fi
rm -rf "$T/line.txt" "$T/line16" "$T/line512" "$T/rec.jsonl" "$T/rec16" "$T/rec512"
mkdir "$T/docs" && echo precious >"$T/docs/keep.txt"
check "refuse non-index dir" 2 "$BIN/loci-index" -o "$T/docs" corpus/
[ -f "$T/docs/keep.txt" ] && ok || bad "non-index directory damaged"
one_line "refuse non-index dir"; has "names what is in the way" "holds 'keep.txt'" "$T/err"
# a damaged index does not block its own rebuild: meta missing, empty or bad
for damage in missing empty bad; do
  cp -r "$T/idx" "$T/dmg"
  case $damage in
    missing) rm "$T/dmg/seg-000001/meta" ;;
    empty) : >"$T/dmg/seg-000001/meta" ;;
    bad) printf 'garbage' >"$T/dmg/seg-000001/meta" ;;
  esac
  check "search a damaged index ($damage meta)" 2 "$BIN/loci-search" -i "$T/dmg" CCDCOE
  one_line "damaged index ($damage meta)"; has "damaged index names meta" "meta" "$T/err"
  check "rebuild a damaged index ($damage meta)" 0 "$BIN/loci-index" -q -o "$T/dmg" corpus/
  check "search the rebuilt index" 0 "$BIN/loci-search" -i "$T/dmg" CCDCOE
  rm -rf "$T/dmg"
done
# the index directory and its files get the umask's permissions
(umask 022 && "$BIN/loci-index" -q -o "$T/u755" corpus/) && [ "$(stat -c %a "$T/u755")" = 755 ] &&
  [ "$(stat -c %a "$T/u755/seg-000001/postings")" = 644 ] && ok || bad "umask 022: $(stat -c %a "$T/u755" "$T/u755/seg-000001/postings" 2>&1)"
(umask 077 && "$BIN/loci-index" -q -o "$T/u755" corpus/) && [ "$(stat -c %a "$T/u755")" = 700 ] &&
  [ "$(stat -c %a "$T/u755/seg-000001/postings")" = 600 ] && ok || bad "umask 077: $(stat -c %a "$T/u755" "$T/u755/seg-000001/postings" 2>&1)"
rm -rf "$T/u755"
check "quiet" 0 "$BIN/loci-index" -q -o "$T/q" corpus/
[ ! -s "$T/err" ] && ok || bad "--quiet printed: $(cat "$T/err")"
check "stem none" 0 "$BIN/loci-index" -q --stem none -o "$T/nostem" corpus/
check "stem none search" 0 "$BIN/loci-search" -i "$T/nostem" cybersecurity
check "document passages" 0 "$BIN/loci-index" -q --passage document -o "$T/doc" corpus/
check "window passages" 0 "$BIN/loci-index" -q --passage window:50:25 -o "$T/win" corpus/
printf 'Gzipped words about submarines.\n' | gzip >"$T/sub.txt.gz"
printf 'From standard input: zeppelins.\n' >"$T/stdin.txt"
check "gz and stdin" 0 sh -c "'$BIN/loci-index' -q -o '$T/gz' '$T/sub.txt.gz' - <'$T/stdin.txt'"
check "gz searchable" 0 "$BIN/loci-search" -i "$T/gz" submarines
check "stdin searchable" 0 "$BIN/loci-search" -i "$T/gz" zeppelin
has "stdin named -" " -:1" "$T/out"
cat >"$T/c.jsonl" <<'EOF'
{"id": "A-1", "title": "Walruses", "text": "Large flippered marine mammals."}
{"id": "B-2", "title": "Penguins", "text": "Flightless birds.\n\nThey swim; walruses do too."}
EOF
check "jsonl index" 0 "$BIN/loci-index" -q --jsonl -o "$T/j" "$T/c.jsonl"
check "jsonl group doc" 0 "$BIN/loci-search" -i "$T/j" --group doc --format trec walrus
if [ "$(cut -d' ' -f3 "$T/out" | tr '\n' ' ')" = "A-1 B-2 " ]; then ok; else bad "jsonl ids: $(cat "$T/out")"; fi
check "jsonl title searchable" 0 "$BIN/loci-search" -i "$T/j" --json penguins
has "title in first passage" '"line": 2' "$T/out"
# --title-weight: BM25F; "apple" twice in a's text, once in b's title:
# a first at weight 1, b from 2 on (tests/test_titles.c has the numbers)
cat >"$T/tw.jsonl" <<'EOF'
{"id": "a", "title": "zebra crossing", "text": "an apple and another apple here"}
{"id": "b", "title": "apple orchards", "text": "zebra herds graze here today"}
{"id": "c", "text": "no title at all but apple"}
{"id": "d", "title": "zebra", "text": "filler words only in this one"}
EOF
check "title weight index" 0 "$BIN/loci-index" -q --jsonl --stem none -o "$T/tw" "$T/tw.jsonl"
check "title weight 1" 0 "$BIN/loci-search" -i "$T/tw" --format trec apple
if [ "$(cut -d' ' -f3 "$T/out" | tr '\n' ' ')" = "a#0 c#0 b#0 " ]; then ok; else bad "title weight 1: $(cat "$T/out")"; fi
check "title weight 2" 0 "$BIN/loci-search" -i "$T/tw" --format trec --title-weight 2 apple
if [ "$(cut -d' ' -f3 "$T/out" | tr '\n' ' ')" = "b#0 a#0 c#0 " ]; then ok; else bad "title weight 2: $(cat "$T/out")"; fi
check "title weight exhaustive" 0 "$BIN/loci-search" -i "$T/tw" --format trec --title-weight 2 --exhaustive apple
if [ "$(cut -d' ' -f3 "$T/out" | tr '\n' ' ')" = "b#0 a#0 c#0 " ]; then ok; else bad "title weight exhaustive: $(cat "$T/out")"; fi
check "title weight: phrase highlighted" 0 "$BIN/loci-search" -i "$T/tw" --title-weight 3 --color=always '"zebra crossing"'
has "title weight: title words highlighted" $'\e\\[1;31mzebra crossing\e\\[0m an apple' "$T/out"
check "title weight: explain" 0 "$BIN/loci-search" -i "$T/tw" --title-weight 2 --explain apple
has "title weight: explain's BM25F" "apple: tf 1, idf" "$T/out"
for w in 0 -1 101 x ''; do
  check "title weight '$w' refused" 2 "$BIN/loci-search" -i "$T/tw" --title-weight "$w" apple
  one_line "title weight '$w' refused"; has "title weight '$w': says why" "title-weight" "$T/err"
done
# titles survive segments, a merge and --merge-indexes: the same BM25F
# answers as the whole build
head -2 "$T/tw.jsonl" >"$T/tw1.jsonl"; tail -n +3 "$T/tw.jsonl" >"$T/tw2.jsonl"
check "title weight: whole" 0 "$BIN/loci-search" -i "$T/tw" --format trec --title-weight 2.5 'apple zebra'
cp "$T/out" "$T/tw-whole"
check "title weight: first segment" 0 "$BIN/loci-index" -q --jsonl --stem none -o "$T/tws" --add "$T/tw1.jsonl"
check "title weight: second segment" 0 "$BIN/loci-index" -q --jsonl --stem none -o "$T/tws" --add --no-merge "$T/tw2.jsonl"
check "title weight: segments" 0 "$BIN/loci-search" -i "$T/tws" --format trec --title-weight 2.5 'apple zebra'
if cmp -s "$T/out" "$T/tw-whole"; then ok; else bad "title weight: segments differ: $(cat "$T/out")"; fi
check "title weight: merge" 0 "$BIN/loci-index" -q -o "$T/tws" --merge
check "title weight: merged" 0 "$BIN/loci-search" -i "$T/tws" --format trec --title-weight 2.5 'apple zebra'
if cmp -s "$T/out" "$T/tw-whole"; then ok; else bad "title weight: merged differs: $(cat "$T/out")"; fi
check "title weight: shard 1" 0 "$BIN/loci-index" -q --jsonl --stem none -o "$T/tw1" "$T/tw1.jsonl"
check "title weight: shard 2" 0 "$BIN/loci-index" -q --jsonl --stem none -o "$T/tw2" "$T/tw2.jsonl"
check "title weight: --merge-indexes" 0 "$BIN/loci-index" -q -o "$T/twm" --merge-indexes "$T/tw1" "$T/tw2"
check "title weight: combined" 0 "$BIN/loci-search" -i "$T/twm" --format trec --title-weight 2.5 'apple zebra'
if cmp -s "$T/out" "$T/tw-whole"; then ok; else bad "title weight: combined differs: $(cat "$T/out")"; fi
# a 4.2 index (tests/data/index42, by the 4.2 indexer) has no record of
# its titles: every weight scores as 1
check "4.2 index, weight 1" 0 "$BIN/loci-search" -i tests/data/index42 --format trec apple
cp "$T/out" "$T/w1"
check "4.2 index, weight 3" 0 "$BIN/loci-search" -i tests/data/index42 --format trec --title-weight 3 apple
if cmp -s "$T/out" "$T/w1"; then ok; else bad "4.2 index: weight 3 changed the scores"; fi
printf '{"id": 1, "text": "x"}\n{"id": 2 "text": "y"}\n' >"$T/bad.jsonl"
check "bad jsonl" 2 "$BIN/loci-index" -q --jsonl -o "$T/bj" "$T/bad.jsonl"
one_line "bad jsonl"; has "bad jsonl line" "bad.jsonl:2: invalid JSON" "$T/err"

# --- help and version -------------------------------------------------------------------
for p in loci-index loci-search loci-eval; do
  check "$p --help" 0 "$BIN/$p" --help
  has "$p usage" "usage" "$T/out"
  check "$p --version" 0 "$BIN/$p" --version
  cp "$T/out" "$T/version.$p"
done
cmp -s "$T/version.loci-eval" "$T/version.loci-search" && cmp -s "$T/version.loci-index" "$T/version.loci-search" &&
  ok || bad "the programs' --version lines differ: $(cat "$T"/version.*)"

# --- query language (README: Query language) ------------------------------------------------
check "phrase" 0 "$BIN/loci-search" -i "$T/idx" -k 100 --json '"Cyber Defence"'
if grep -v -i 'cyber defence' "$T/out" | grep -q .; then bad "a phrase hit without the phrase"; else ok; fi
check "NATO -Korea" 0 "$BIN/loci-search" -i "$T/idx" -k 100 --json 'NATO -Korea'
# (the JSON holds the query too: look at the texts, for the word itself — "Korean" is another)
no_word() { if "$PY" -c 'import json, re, sys
sys.exit(any(re.search(r"\b" + sys.argv[2] + r"\b", json.loads(l)["text"], re.I) for l in open(sys.argv[1])))' "$T/out" "$2"
  then ok; else bad "$1"; fi; }
no_word "an excluded word in a hit" korea
check "cyber NOT defence" 0 "$BIN/loci-search" -i "$T/idx" -k 100 --json 'cyber NOT defence'
no_word "NOT let a hit through" defence
check "prefix" 0 "$BIN/loci-search" -i "$T/idx" -k 100 --json 'sanction*'
has "prefix expands" '[Ss]anctions' "$T/out"
check "boolean" 0 "$BIN/loci-search" -i "$T/idx" -k 100 --json '(Japan OR Australia) AND partners'
if "$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)["text"].lower()
    assert ("japan" in t or "australia" in t) and "partner" in t, t
' "$T/out"; then ok; else bad "a boolean hit that does not match"; fi
check "doc filter" 0 "$BIN/loci-search" -i "$T/idx" -k 100 -l 'doc:*.md NATO'
if grep -v '\.md$' "$T/out" | grep -q .; then bad "doc: let another document through"; else ok; fi
check "pruned equals exhaustive" 0 "$BIN/loci-search" -i "$T/idx" -k 5 --format trec '+NATO "Indo-Pacific" -China sanction*'
cp "$T/out" "$T/pruned"
check "exhaustive" 0 "$BIN/loci-search" -i "$T/idx" -k 5 --format trec --exhaustive '+NATO "Indo-Pacific" -China sanction*'
cmp -s "$T/out" "$T/pruned" && ok || bad "pruned and exhaustive differ"
for g in "passage --offset 2" doc; do
  # shellcheck disable=SC2086
  check "--proximity pruned ($g)" 0 "$BIN/loci-search" -i "$T/idx" -k 7 --group $g --format trec --proximity 'NATO partners Indo-Pacific cyber'
  cp "$T/out" "$T/pruned"
  # shellcheck disable=SC2086
  check "--proximity exhaustive ($g)" 0 "$BIN/loci-search" -i "$T/idx" -k 7 --group $g --format trec --proximity --exhaustive 'NATO partners Indo-Pacific cyber'
  cmp -s "$T/out" "$T/pruned" && ok || bad "--proximity: pruned and exhaustive differ ($g)"
done
check "--proximity=0 is BM25" 0 "$BIN/loci-search" -i "$T/idx" --format trec --proximity=0 'NATO partners'
cp "$T/out" "$T/p0"
check "no --proximity" 0 "$BIN/loci-search" -i "$T/idx" --format trec 'NATO partners'
cmp -s "$T/out" "$T/p0" && ok || bad "--proximity=0 differs from BM25 alone"
check "--proximity --explain" 0 "$BIN/loci-search" -i "$T/idx" -k 1 --proximity=1 --explain 'NATO partners'
has "--explain shows the bonus" "(proximity): tf 2" "$T/out"
check "bad --proximity" 2 "$BIN/loci-search" -i "$T/idx" --proximity=101 NATO
one_line "bad --proximity"
check "bad --proximity word" 2 "$BIN/loci-search" -i "$T/idx" --proximity=near NATO
check "plain query unchanged" 0 "$BIN/loci-search" -i "$T/idx" --format trec 'cyber Indo-Pacific defence'
cp "$T/out" "$T/syn"
check "--plain" 0 "$BIN/loci-search" -i "$T/idx" --format trec --plain 'cyber Indo-Pacific defence'
cmp -s "$T/out" "$T/syn" && ok || bad "a words-only query differs from --plain"
check "--plain ignores syntax" 0 "$BIN/loci-search" -i "$T/idx" --plain '(NATO'
# query stopwords: left out of a longer query, by default and by name; kept
# when the query is nothing else; a bad list is one line, before any query
check "stopwords left out" 0 "$BIN/loci-search" -i "$T/idx" --format trec 'what is the cyber defence of the NATO'
cp "$T/out" "$T/sw"
check "without stopwords" 0 "$BIN/loci-search" -i "$T/idx" --format trec 'cyber defence NATO'
cmp -s "$T/out" "$T/sw" && ok || bad "the stopwords of a query changed its results"
check "--stopwords english" 0 "$BIN/loci-search" -i "$T/idx" --format trec --stopwords english 'what is the cyber defence of the NATO'
cmp -s "$T/out" "$T/sw" && ok || bad "--stopwords english is not the default here"
check "--stopwords none" 0 "$BIN/loci-search" -i "$T/idx" --format trec --stopwords none 'what is the cyber defence of the NATO'
cmp -s "$T/out" "$T/sw" && bad "--stopwords none left words out" || ok
printf 'cyber # a comment\n' >"$T/sw.txt"
check "--stopwords FILE" 0 "$BIN/loci-search" -i "$T/idx" --format trec --stopwords "$T/sw.txt" 'cyber defence'
cp "$T/out" "$T/swf"
check "the file's word left out" 0 "$BIN/loci-search" -i "$T/idx" --format trec --stopwords none defence
cmp -s "$T/out" "$T/swf" && ok || bad "--stopwords FILE did not leave its word out"
check "a query of stopwords only" 0 "$BIN/loci-search" -i "$T/idx" -l 'what is it'
check "--stopwords list" 0 "$BIN/loci-search" --stopwords list
has "english listed" "^english$" "$T/out"
has "german listed" "^german$" "$T/out"
check "bad --stopwords" 2 "$BIN/loci-search" -i "$T/idx" --stopwords klingon --queries - </dev/null
one_line "bad --stopwords"; has "--stopwords names the choices" "neither a language with a list" "$T/err"
printf 'ok\n\377\n' >"$T/sw.bad"
check "--stopwords FILE not UTF-8" 2 "$BIN/loci-search" -i "$T/idx" --stopwords "$T/sw.bad" NATO
one_line "--stopwords FILE not UTF-8"; has "the line named" "sw.bad: line 2: invalid UTF-8" "$T/err"
check "unbalanced paren" 2 "$BIN/loci-search" -i "$T/idx" 'a (b'
one_line "unbalanced paren"
has "column named" "column 3: unbalanced '('" "$T/err"
check "only excludes" 2 "$BIN/loci-search" -i "$T/idx" -- '-NATO'
one_line "only excludes"
check "dangling operator" 2 "$BIN/loci-search" -i "$T/idx" 'NATO AND'
has "operator column" "column 6" "$T/err"
check "explain" 0 "$BIN/loci-search" -i "$T/idx" -k 3 --json --explain 'NATO "cyber defence" -Korea'
if "$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    h = json.loads(l)
    assert [c["clause"] for c in h["explain"]] == ["nato", "\"cyber defenc\""], h["explain"]
    assert abs(sum(c["contribution"] for c in h["explain"]) - h["score"]) < 1e-6
' "$T/out"; then ok; else bad "--explain does not add up to the score"; fi
check "explain text" 0 "$BIN/loci-search" -i "$T/idx" -k 1 --explain 'cybersecurity CCDCOE'
has "explain line" "    ccdcoe: tf 1, idf " "$T/out"
# --expand: pseudo-relevance feedback; the query's terms first in --explain,
# the clauses still add up to the score; bad values are one line, exit 2
check "expand" 0 "$BIN/loci-search" -i "$T/idx" -k 5 --json --explain --expand 'cyber defence'
if "$PY" -c '
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
assert len(hits) == 5
for h in hits:
    clauses = [c["clause"] for c in h["explain"]]
    assert clauses[:2] == ["cyber", "defenc"] and len(clauses) > 2, clauses
    assert abs(sum(c["contribution"] for c in h["explain"]) - h["score"]) < 1e-6
' "$T/out"; then ok; else bad "--expand: explanation wrong: $(head -c 600 "$T/out")"; fi
check "expand same as exhaustive" 0 "$BIN/loci-search" -i "$T/idx" -k 20 --format trec --expand=5,20,0.6 'cyber defence Korea'
cp "$T/out" "$T/expand-pruned"
check "expand exhaustive" 0 "$BIN/loci-search" -i "$T/idx" -k 20 --format trec --expand=5,20,0.6 --exhaustive 'cyber defence Korea'
cmp -s "$T/out" "$T/expand-pruned" && ok || bad "--expand: pruned and exhaustive differ"
check "expand weight 1" 0 "$BIN/loci-search" -i "$T/idx" -k 20 --format trec --expand=5,20,1 'cyber defence Korea'
cp "$T/out" "$T/expand-w1"
check "no expand" 0 "$BIN/loci-search" -i "$T/idx" -k 20 --format trec 'cyber defence Korea'
cmp -s "$T/out" "$T/expand-w1" && ok || bad "--expand=5,20,1 is not the query alone"
for v in 0 1001 5,1001 5,10,0 5,10,1.5 5,,0.5 x 5,10,0.5,1 -3 ' 5'; do
  check "bad expand $v" 2 "$BIN/loci-search" -i "$T/idx" --expand="$v" NATO
  one_line "bad expand $v"
  has "bad expand $v named" "--expand is D, D,T or D,T,W" "$T/err"
done
check "expand and global stats" 2 "$BIN/loci-search" -i "$T/idx" --expand --query-stats NATO
one_line "expand and global stats"
printf 'NATO\n(bad\nJapan -Korea\n' >"$T/qlang"
check "--queries with a bad line" 2 "$BIN/loci-search" -i "$T/idx" -k 1 --format trec --queries "$T/qlang"
has "bad line named" "qlang:2: query: column 1" "$T/err"
if [ "$(cut -f1 -d' ' "$T/out" | sort -u | tr '\n' ' ')" = "1 3 " ]; then ok; else bad "--queries did not go on: $(cat "$T/out")"; fi

# --- living indexes: --add, --delete, --update, --merge -------------------------------------
L=$T/live; mkdir -p "$L/src"
"$PY" -c "
import random, sys
random.seed(11)
w = [''.join(random.choice('abcdefgh') for _ in range(random.randint(2, 6))) for _ in range(200)]
for i in range(12):
    with open('%s/f%02d.txt' % (sys.argv[1], i), 'w') as f:
        for p in range(random.randint(1, 4)):
            f.write(' '.join(random.choice(w) for _ in range(random.randint(3, 40))) + '\n\n')
" "$L/src"
# same_answers NAME A B: every query gives the same hits, scores and text in A and B
same_answers() {
  local q diff=0
  for q in abc "ab cd" "bad OR cab" "$(head -c 12 "$L/src/f05.txt")" "$(head -c 12 "$L/src/f10.txt")"; do
    "$BIN/loci-search" -i "$2" -k 100 "$q" >"$T/a.hits" 2>&1 || true
    "$BIN/loci-search" -i "$3" -k 100 "$q" >"$T/b.hits" 2>&1 || true
    cmp -s "$T/a.hits" "$T/b.hits" || diff=1
  done
  if [ $diff = 0 ]; then ok; else bad "$1: answers differ from a fresh build's"; fi
}
check "add to a missing index" 0 "$BIN/loci-index" -o "$L/idx" --add "$L/src/f00.txt" "$L/src/f01.txt" "$L/src/f02.txt"
has "add summary" "3 added, 0 replaced, 0 deleted, 0 unchanged; 1 segment, 3 live documents, 0 deleted" "$T/err"
check "add more" 0 "$BIN/loci-index" -o "$L/idx" --add --no-merge "$L/src/f03.txt" "$L/src/f04.txt" "$L/src/f05.txt" "$L/src/f06.txt"
check "add the rest" 0 "$BIN/loci-index" -o "$L/idx" --add --no-merge "$L/src/f07.txt" "$L/src/f08.txt" "$L/src/f09.txt" "$L/src/f10.txt" "$L/src/f11.txt"
has "segments after adds" "3 segments, 12 live documents" "$T/err"
check "fresh build of all" 0 "$BIN/loci-index" -q -o "$L/fresh" $(ls "$L"/src/*.txt)
same_answers "after adds" "$L/idx" "$L/fresh"
check "delete two" 0 "$BIN/loci-index" -o "$L/idx" --no-merge --delete "$L/src/f05.txt" "$L/src/f10.txt"
has "delete summary" "0 added, 0 replaced, 2 deleted, 0 unchanged; 3 segments, 10 live documents, 2 deleted" "$T/err"
check "delete a missing name" 0 "$BIN/loci-index" -o "$L/idx" --delete nosuch.txt
has "missing name warned" "warning: .*no document named 'nosuch.txt'" "$T/err"
has "nothing written" "nothing changed, nothing written" "$T/err"
check "fresh build of the live ones" 0 "$BIN/loci-index" -q -o "$L/fresh" $(ls "$L"/src/*.txt | grep -v -e f05 -e f10)
same_answers "after deletions" "$L/idx" "$L/fresh"
for q in "$(head -c 12 "$L/src/f05.txt")" "$(head -c 12 "$L/src/f10.txt")"; do
  "$BIN/loci-search" -i "$L/idx" -k 1000 "$q" >"$T/out" 2>&1 || true
  if grep -q -e 'f05.txt' -e 'f10.txt' "$T/out"; then bad "a deleted document is found"; else ok; fi
done
check "merge" 0 "$BIN/loci-index" -o "$L/idx" --merge
has "merge summary" "1 segment, 10 live documents, 0 deleted" "$T/err"
same_answers "after the merge" "$L/idx" "$L/fresh"
for f in meta lexicon postings positions lengths passages docs text; do
  cmp -s "$L/idx/$(ls "$L/idx" | grep '^seg-')/$f" "$L/fresh/seg-000001/$f" || bad "merged $f differs from a fresh build's"
done
ok
# --update: unchanged writes nothing; changed, new and removed files
rm -rf "$L/idx" "$L/fresh"
check "build for update" 0 "$BIN/loci-index" -q -o "$L/idx" "$L/src"
cp "$L/idx/manifest" "$T/manifest.before"
check "update unchanged" 0 "$BIN/loci-index" -o "$L/idx" --update "$L/src"
has "update unchanged summary" "0 added, 0 replaced, 0 deleted, 12 unchanged" "$T/err"
cmp -s "$L/idx/manifest" "$T/manifest.before" && ok || bad "an unchanged update rewrote the manifest"
echo "entirely new words" >"$L/src/f03.txt"
echo "another new file" >"$L/src/zz.txt"
rm "$L/src/f07.txt"
touch "$L/src/f01.txt"
check "update changed" 0 "$BIN/loci-index" -o "$L/idx" --update "$L/src/"
has "update changed summary" "1 added, 1 replaced, 1 deleted, 10 unchanged" "$T/err"
check "update again" 0 "$BIN/loci-index" -o "$L/idx" --update "$L/src"
has "update again writes nothing" "nothing changed, nothing written" "$T/err"
"$BIN/loci-search" -i "$L/idx" -k 1000 "entirely new words" >"$T/out" 2>&1 || true
if [ "$(grep -c 'f03.txt' "$T/out")" = 1 ]; then ok; else bad "the updated file is not found once: $(cat "$T/out")"; fi
# errors: one line, non-zero
check "delete without names" 2 "$BIN/loci-index" -o "$L/idx" --delete
check "merge a missing index" 2 "$BIN/loci-index" -o "$L/nothere" --merge
one_line "merge a missing index"
check "add with other settings" 2 "$BIN/loci-index" -o "$L/idx" --add --stem german "$L/src/zz.txt"
one_line "add with other settings"; has "settings named" "stems with" "$T/err"
check "add over a 3.x-like directory" 2 "$BIN/loci-index" -o "$T/docs" --add "$L/src/zz.txt"
one_line "add over a folder of documents"
printf '{"id":"r1","text":"json words"}\n' >"$L/r.jsonl"
check "add JSON Lines" 0 "$BIN/loci-index" -q -o "$L/idx" --add --jsonl "$L/r.jsonl"
printf '{"id":"r1","text":"json words changed"}\n' >"$L/r.jsonl"
check "update JSON Lines as text" 2 "$BIN/loci-index" -o "$L/idx" --update "$L/r.jsonl"
one_line "update JSON Lines as text"; has "says to use --jsonl" "update it with --jsonl" "$T/err"
check "update JSON Lines" 0 "$BIN/loci-index" -o "$L/idx" --update --jsonl "$L/r.jsonl"
has "record replaced" "0 added, 1 replaced, 0 deleted" "$T/err"
rm -rf "$L"

# --- Chinese, Japanese, Korean; elision (tests/data/cjk) ------------------------------------
# CJK runs are bigrams: a word inside a sentence is found as the phrase of
# its bigrams, and the highlight covers exactly its characters
check "index CJK" 0 "$BIN/loci-index" -o "$T/cjk" tests/data/cjk
# cjk NAME QUERY WANT...: each WANT (a regular expression) is in the hits,
# where [ ] mark the highlighted text
cjk() {
  local name=$1 q=$2
  shift 2
  check "$name" 0 "$BIN/loci-search" -i "$T/cjk" --color=always -k 20 "$q"
  sed 's/\x1b\[1;31m/[/g; s/\x1b\[0m/]/g' "$T/out" >"$T/hl"
  for want in "$@"; do has "$name" "$want" "$T/hl"; done
}
cjk "Chinese word" '网络' 'zh.txt:1$' '\[网络\]安全是国家安全' 'zh.txt:3$' '加强\[网络\]基础设施'
cjk "Japanese kanji" '東京' '^    \[東京\]都は日本の首都です' '対策として、\[東京\]で国際会議'
cjk "Japanese katakana" 'サイバー' 'ja.txt:3$' '^    \[サイバー\]攻撃への対策'
cjk "Korean with particles" '협력' '분야에서 \[협력\]을 강화' '양국의 \[협력\]은 인도태평양'
cjk "one character" '京' '東\[京\]都は' '東\[京\]で国際'
cjk "CJK prefix" 'サイバー*' '^    \[サイバー\]攻撃への対策'
cjk "one character prefix" '京*' '東\[京\]都は' '東\[京\]で国際'
cjk "phrase of CJK" '"東京で国際会議"' '対策として、\[東京で国際会議\]が開かれた'
cjk "CJK and Latin in one word" 'Tallinn에서' 'mixed.txt:3$' '한국은 \[Tallinn에서\] 만났다'
cjk "Latin beside CJK" 'Locked Shields' '\[Locked\] \[Shields\]; 日本のチームも\[Locked\]'
cjk "CJK in a mixed sentence" 'チーム' 'mixed.txt:1$' '日本の\[チーム\]も'
cjk "CJK with query syntax" '+東京 -サイバー' 'ja.txt:1$'
if grep -q 'ja.txt:3' "$T/out"; then bad "excluded CJK word matched: $(cat "$T/out")"; else ok; fi
check "CJK --plain" 0 "$BIN/loci-search" -i "$T/cjk" --plain -l 'サイバー'
[ "$(cat "$T/out")" = "tests/data/cjk/ja.txt" ] && ok || bad "--plain サイバー: $(cat "$T/out")"
check "CJK word absent" 1 "$BIN/loci-search" -i "$T/cjk" '大阪'
# a bigram across a word boundary the text does not have is not found
check "CJK phrase not in the text" 1 "$BIN/loci-search" -i "$T/cjk" '"東京 都"'
# French elision: école finds l'école, highlighted without the article
check "index French" 0 "$BIN/loci-index" -q -o "$T/fr" --stem french tests/data/cjk/fr.txt
check "elision" 0 "$BIN/loci-search" -i "$T/fr" --color=always 'école homme'
sed 's/\x1b\[1;31m/[/g; s/\x1b\[0m/]/g' "$T/out" >"$T/hl"
has "elision: l'école" "^    L'\[école\] de l'Europe" "$T/hl"
has "elision: l’homme" "non, l’\[homme\] part" "$T/hl"
# an index of format 4.0 (its meta's minor version set back to 0, header
# checksum redone) is searched with the 4.0 analyzer, and changing it is
# refused: its terms and new ones would not match
cp -r "$T/cjk" "$T/cjk40"
"$PY" - "$T/cjk40/seg-000001/meta" <<'PYEOF'
import struct, sys
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff
p = sys.argv[1]
h = bytearray(open(p, 'rb').read())
h[10:12] = struct.pack('<H', 0)
h[60:64] = struct.pack('<I', crc32c(bytes(h[:60])))
open(p, 'wb').write(h)
PYEOF
check "4.0 index stats" 0 "$BIN/loci-search" -i "$T/cjk40" --stats
has "4.0 index format" "^format      4\.0$" "$T/out"
# its queries are analyzed as 4.0 did, a CJK run as one term (this index
# holds 4.1 bigrams, so the sentence that 4.1 finds is not found)
check "4.1 index: sentence" 0 "$BIN/loci-search" -i "$T/cjk" '東京都は日本の首都です'
check "4.0 index: sentence" 1 "$BIN/loci-search" -i "$T/cjk40" '東京都は日本の首都です'
check "4.0 index: latin" 0 "$BIN/loci-search" -i "$T/cjk40" 'Tallinn'
printf 'x 東京\n' >"$T/new.txt"
check "4.0 index: add refused" 2 "$BIN/loci-index" -o "$T/cjk40" --add "$T/new.txt"
one_line "4.0 index: add refused"; has "4.0 index: says rebuild" "takes a rebuild" "$T/err"
check "4.0 index: rebuilt" 0 "$BIN/loci-index" -q -o "$T/cjk40" tests/data/cjk
check "4.0 index: rebuilt finds" 0 "$BIN/loci-search" -i "$T/cjk40" '東京'

# --- loci-eval ------------------------------------------------------------------------------
check "eval agrees with an independent computation" 0 "$PY" tests/eval_check.py "$BIN/loci-eval" tests/data/eval
check "eval bad run" 2 "$BIN/loci-eval" tests/data/eval/qrels.txt tests/data/eval/qrels.txt
one_line "eval bad run"
# --compare: two hand-made runs (the same as tests/test_eval.c's test_compare;
# the counts are worked out there): B against A, map wins q2 (+2/3) and q4
# (+1/4), loses q1 and q5 (-1/2 each), ties q3
E=$T/cmp; mkdir "$E"
printf '1 0 a 1\n2 0 b 1\n3 0 c 1\n4 0 d 1\n4 0 e 1\n5 0 a5 1\n' >"$E/qrels"
printf '1 Q0 a 1 3 A\n2 Q0 x 1 3 A\n2 Q0 y 2 2 A\n2 Q0 b 3 1 A\n3 Q0 c 1 3 A\n5 Q0 a5 1 3 A\n' >"$E/a"
printf '1 Q0 x 1 3 B\n1 Q0 a 2 2 B\n2 Q0 b 1 3 B\n3 Q0 c 1 3 B\n4 Q0 x 1 3 B\n4 Q0 d 2 2 B\n5 Q0 x 1 3 B\n5 Q0 a5 2 2 B\n' >"$E/b"
check "eval --compare" 0 "$BIN/loci-eval" --compare "$E/qrels" "$E/a" "$E/b"
has "compare: map" $'^map\t0.6667\t0.6500\t-0.0167\t2\t2\t1\t1$' "$T/out"
has "compare: nDCG" $'^ndcg_cut_10\t0.7000\t0.7297\t+0.0297\t2\t2\t1\t1$' "$T/out"
[ "$(sed -n '/^largest\tmap$/,/^$/p' "$T/out" | sed '1,2d;/^$/d' | cut -f1,4 | paste -sd' ' | tr '\t' :)" = \
  "2:+0.6667 1:-0.5000 5:-0.5000 4:+0.2500" ] &&
  ok || bad "compare: largest map differences: $(cat "$T/out")"
[ "$(grep -c '^largest' "$T/out")" = 2 ] && ok || bad "compare: not two lists by default: $(cat "$T/out")"
check "eval --compare -n -m" 0 "$BIN/loci-eval" --compare -n 1 -m P_10 "$E/qrels" "$E/a" "$E/b"
[ "$(sed -n '/^largest/,$p' "$T/out" | paste -sd' ' | tr '\t' :)" = "largest:P_10 qid:A:B:B-A 4:0.0000:0.1000:+0.1000" ] &&
  ok || bad "compare -n 1 -m P_10: $(cat "$T/out")"
check "eval --compare --json" 0 "$BIN/loci-eval" --compare --json -n 2 "$E/qrels" "$E/a" "$E/b"
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["measures"]["map"]
assert (d["num_q"], m["wins"], m["losses"], m["ties"], m["sign_p"]) == (5, 2, 2, 1, 1), m
assert [(x["qid"], round(x["diff"], 4)) for x in m["largest"]] == [("2", 0.6667), ("1", -0.5)], m
assert abs(m["mean_diff"] + 1 / 60) < 1e-6 and "largest" not in d["measures"]["P_10"]
' "$T/out" && ok || bad "compare --json: $(cat "$T/out")"
check "eval --compare one run" 2 "$BIN/loci-eval" --compare "$E/qrels" "$E/a"
one_line "eval --compare one run"
check "eval -n without --compare" 2 "$BIN/loci-eval" -n 10 "$E/qrels" "$E/a"
one_line "eval -n without --compare"
check "eval --compare -n -1" 2 "$BIN/loci-eval" --compare -n -1 "$E/qrels" "$E/a" "$E/b"
one_line "eval --compare -n -1"
check "eval --compare -m bogus" 2 "$BIN/loci-eval" --compare -m ndcg "$E/qrels" "$E/a" "$E/b"
one_line "eval --compare -m bogus"
check "eval --compare -q" 2 "$BIN/loci-eval" --compare -q "$E/qrels" "$E/a" "$E/b"
one_line "eval --compare -q"
check "eval --compare bad run" 2 "$BIN/loci-eval" --compare "$E/qrels" "$E/a" "$E/qrels"
one_line "eval --compare bad run"

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
