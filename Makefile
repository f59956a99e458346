# loci — build, test, install, benchmark.
#
#   make search Q="cybersecurity CCDCOE"   index corpus/ (if needed) and search it
#   make check                             build and run every test (also under ASan+UBSan)
#   make fuzz                              libFuzzer targets, FUZZ_SECONDS (10) each; needs clang
#   make fuzz-long                         the same, 600 seconds each
#   make bench                             benchmarks against Xapian, SQLite FTS5 and Lucene
#   make install PREFIX=/usr/local DESTDIR=  the programs, libloci.so and libloci.a, loci.h,
#                                           loci.pc, man pages, Python module, bash completion
#   make uninstall PREFIX=/usr/local DESTDIR=
#
# The programs link the library's objects statically (build/libloci-internal.a:
# they use internal modules too); the installed libloci.a and libloci.so hold
# no global symbol outside loci_ (see "library and programs" below).
#
# Missing build dependencies (Debian packages) are installed with apt-get
# when running as root or with passwordless sudo; otherwise make stops and
# prints the exact apt-get command.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wpointer-arith -Wvla -Wno-unused-parameter
DEFS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
INCS = -Iinclude -Icommon -Iindexer -Isearcher
PKG_CFLAGS = $(shell pkg-config --cflags libutf8proc zlib 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs libutf8proc zlib 2>/dev/null || echo -lutf8proc -lz)
LIBS = $(PKG_LIBS) -lstemmer -lm -pthread
ALL_CFLAGS = $(CFLAGS) $(WARN) $(DEFS) $(INCS) $(PKG_CFLAGS) -pthread
# The library's objects are position-independent (they also make
# libloci.so) and hide every symbol that loci.h does not mark LOCI_API.
LIB_FLAGS = -fPIC -fvisibility=hidden
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC = $(sort $(filter-out %_main.c,$(wildcard common/*.c indexer/*.c searcher/*.c)))
LIB_OBJ = $(LIB_SRC:%.c=build/obj/%.o)
SAN_OBJ = $(LIB_SRC:%.c=build/san/%.o)
HEADERS = $(wildcard include/*.h common/*.h indexer/*.h searcher/*.h)
# The version comes from loci.h; the soname carries its major number.
VERSION := $(shell sed -n 's/^\#define LOCI_VERSION "\(.*\)"/\1/p' include/loci.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME = libloci.so.$(SOMAJOR)
SHLIB = build/libloci.so.$(VERSION)
LIBS_BUILT = build/libloci.a $(SHLIB) build/$(SONAME) build/libloci.so
PROGS = bin/loci-index bin/loci-search bin/loci-eval
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TESTS = $(TEST_SRC:tests/%.c=build/tests/%)
SAN_TESTS = $(TEST_SRC:tests/%.c=build/san-tests/%)
DEPS_OK = build/.deps-ok

# The default index of `make search` (also loci-index's default: .loci).
INDEX ?= .loci
CORPUS = $(sort $(wildcard corpus/*.txt))
Q ?= cybersecurity CCDCOE
K ?= 5
# The query reaches loci-search through the environment, never through the
# shell's parsing of the recipe: Q='a"b' or Q='`cmd`' is searched as typed.
export Q

.PHONY: FORCE embed-tests all deps search check unit-tests san-tests cli-tests shard-tests fault-tests \
        clean install uninstall bench bench-relevance bench-relevance-options bench-build bench-query bench-shards fuzz fuzz-build \
        fuzz-long

all: $(PROGS) $(LIBS_BUILT)

# ---- dependencies -----------------------------------------------------------
# One line per dependency: header to probe, Debian package that provides it.
DEP_LIST = utf8proc.h:libutf8proc-dev zlib.h:zlib1g-dev libstemmer.h:libstemmer-dev \
           cmocka.h:libcmocka-dev
# One line per program the tests run: its path, the Debian package. Debian's
# python3 by its path (the first python3 on PATH may be another one).
DEP_TOOLS = /usr/bin/python3:python3 /usr/bin/mandoc:mandoc /usr/bin/pkg-config:pkg-config

deps: $(DEPS_OK)

# Probed again when the Makefile (and so the lists) changes.
$(DEPS_OK): Makefile
	@missing=""; \
	for d in $(DEP_LIST); do \
	  h=$${d%%:*}; p=$${d#*:}; \
	  printf '#include <%s>\n' "$$h" | $(CC) -E -x c - >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	for d in $(DEP_TOOLS); do [ -x "$${d%%:*}" ] || missing="$$missing $${d#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "loci: missing build dependencies; run: sudo apt-get install -y$$missing" >&2; exit 1; fi; \
	  echo "loci: installing$$missing" >&2; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq$$missing >/dev/null || \
	  { echo "loci: apt-get install -y$$missing failed" >&2; exit 1; }; \
	fi
	@mkdir -p build && touch $@

# ---- library and programs ---------------------------------------------------
build/obj/%.o: %.c $(HEADERS) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_FLAGS) -c $< -o $@

build/san/%.o: %.c $(HEADERS) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

# Three builds of one set of objects:
#  - build/libloci-internal.a: the objects as they are, internal symbols
#    (buf_append, err_set, ...) still global. The programs and the unit
#    tests link it: they use internal modules (cliopt, output, eval, ...).
#  - build/libloci.a, installed: the objects linked into one relocatable
#    object whose hidden symbols are then made local, so the only global
#    symbols left are loci_* and an application may define its own
#    buf_append (tests/symbols.sh).
#  - build/libloci.so.$(VERSION), installed: exports loci_* only (the
#    version script, on top of the hidden visibility).
build/libloci-internal.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/libloci.a: $(LIB_OBJ)
	@rm -f $@ build/libloci-all.o
	$(CC) -r -nostdlib -o build/libloci-all.o $^
	objcopy --localize-hidden build/libloci-all.o
	ar rcs $@ build/libloci-all.o

build/libloci.map: Makefile
	@mkdir -p build
	@printf 'LOCI_%s {\n  global: loci_*;\n  local: *;\n};\n' $(SOMAJOR) > $@

$(SHLIB): $(LIB_OBJ) build/libloci.map
	$(CC) $(CFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=build/libloci.map \
	  -Wl,--no-undefined -o $@ $(LIB_OBJ) $(LIBS)

build/$(SONAME) build/libloci.so: $(SHLIB)
	ln -sf $(notdir $(SHLIB)) $@


build/libloci-san.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

bin/loci-index: build/obj/indexer/index_main.o build/libloci-internal.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

bin/loci-search: build/obj/searcher/search_main.o build/libloci-internal.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

bin/loci-eval: build/obj/searcher/eval_main.o build/libloci-internal.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# ---- the main job -------------------------------------------------------------
$(INDEX)/manifest: $(CORPUS) bin/loci-index
	bin/loci-index -o $(INDEX) $(CORPUS)

search: $(INDEX)/manifest bin/loci-search
	@bin/loci-search -i '$(INDEX)' -k '$(K)' -- "$$Q"; st=$$?; [ $$st -le 1 ] || exit $$st

# ---- tests ----------------------------------------------------------------------
build/tests/%: tests/%.c tests/testutil.h tests/samehits.h build/libloci-internal.a
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< build/libloci-internal.a $(LIBS) -lcmocka

build/san-tests/%: tests/%.c tests/testutil.h tests/samehits.h build/libloci-san.a
	@mkdir -p build/san-tests
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests -o $@ $< build/libloci-san.a $(LIBS) -lcmocka

unit-tests: $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

san-tests: $(SAN_TESTS)
	@set -e; for t in $(SAN_TESTS); do echo "== $$t (asan+ubsan)"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

cli-tests: $(PROGS)
	@bash tests/cli.sh

# an LD_PRELOAD shim that fails chosen writes, fsyncs, renames... (tests/faults.sh)
build/faultfs.so: tests/faultfs.c
	@mkdir -p build
	$(CC) -shared -fPIC -O1 -g -std=c11 -Wall -Wextra -Werror -o $@ $< -ldl

fault-tests: $(PROGS) build/faultfs.so
	@bash tests/faults.sh

shard-tests: $(PROGS)
	@bash tests/shards.sh

# libloci as others use it: symbol hygiene, a DESTDIR install used with
# pkg-config (C, shared and static) and from Python, the man pages, the
# Python module and the bash completion.
embed-tests: $(PROGS) $(LIBS_BUILT)
	@CC='$(CC)' LIBS='$(LIBS)' bash tests/symbols.sh
	@bash tests/manpages.sh
	@LOCI_LIBRARY=$(CURDIR)/build/$(SONAME) PYTHONPATH=$(CURDIR)/bindings/python PYTHONDONTWRITEBYTECODE=1 \
	  /usr/bin/python3 -m unittest discover -s tests/python -t tests/python
	@bash tests/completion.sh
	@MAKE='$(MAKE)' CC='$(CC)' bash tests/install.sh

check: unit-tests san-tests cli-tests shard-tests fault-tests embed-tests
	@echo "make check: all tests passed"

# ---- fuzzing ---------------------------------------------------------------------
# libFuzzer targets in tests/fuzz/ (fuzz_NAME.c, seed corpus tests/fuzz/NAME/).
# The library is compiled again with clang and the fuzzer's coverage
# instrumentation into build/fuzz/; `make check` never needs clang. Each
# target runs FUZZ_SECONDS on a working corpus build/fuzz/corpus-NAME (seeded
# from tests/fuzz/NAME, which is never written to); a crash, leak or timeout
# leaves its input in build/fuzz/ and fails the make. fuzz_index starts from
# whole index files of a few KB: -len_control=0 lets mutations keep their
# full length from the start instead of cutting them to a slowly growing limit.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 10
FUZZ_NAMES = analyzer json jsonl index query queryparse eval build shardio extract stopwords
FUZZ_BINS = $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_OBJ = $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_CFLAGS = $(WARN) $(DEFS) $(INCS) $(PKG_CFLAGS) -pthread $(FUZZ_FLAGS)
FUZZ_DEPS_OK = build/.fuzz-deps-ok
# Debian's clang only recommends the sanitizer and fuzzer runtimes
# (libclang_rt.fuzzer is in libclang-rt-14-dev, pulled in by libclang-rt-dev).
FUZZ_PKGS = clang libclang-rt-dev

$(FUZZ_DEPS_OK):
	@probe() { command -v $(FUZZ_CC) >/dev/null 2>&1 && \
	  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' | \
	  $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c - -o build/.fuzz-probe >/dev/null 2>&1; }; \
	mkdir -p build; \
	if ! probe; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "loci: make fuzz needs clang with libFuzzer; run: sudo apt-get install -y $(FUZZ_PKGS)" >&2; exit 1; fi; \
	  echo "loci: installing $(FUZZ_PKGS)" >&2; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(FUZZ_PKGS) >/dev/null || \
	  { echo "loci: apt-get install -y $(FUZZ_PKGS) failed" >&2; exit 1; }; \
	  probe || { echo "loci: $(FUZZ_CC) still cannot build a libFuzzer target" >&2; exit 1; }; \
	fi; \
	rm -f build/.fuzz-probe
	@touch $@

build/fuzz/obj/%.o: %.c $(HEADERS) | $(DEPS_OK) $(FUZZ_DEPS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

build/fuzz/libloci-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzzutil.h build/fuzz/libloci-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  build/fuzz/libloci-fuzz.a $(LIBS)

# fuzz_json: fuzz_jsonl.c without the (slow) reader part, seeded from tests/fuzz/jsonl.
build/fuzz/fuzz_json: tests/fuzz/fuzz_jsonl.c build/fuzz/libloci-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_JSON_ONLY -fsanitize=fuzzer,address,undefined -o $@ $< \
	  build/fuzz/libloci-fuzz.a $(LIBS)

fuzz-build: $(FUZZ_BINS)

# All targets run even when one fails, then the make fails naming the
# inputs that failed.
fuzz: $(FUZZ_BINS)
	@failed=""; \
	for t in $(FUZZ_NAMES); do \
	  seeds=tests/fuzz/$$t; [ $$t = json ] && seeds=tests/fuzz/jsonl; \
	  c=build/fuzz/corpus-$$t; mkdir -p $$c; cp -p $$seeds/* $$c/; \
	  rm -f build/fuzz/$$t-crash-* build/fuzz/$$t-leak-* build/fuzz/$$t-timeout-* build/fuzz/$$t-oom-*; \
	  extra=""; [ $$t = index ] && extra=-len_control=0; \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s, log build/fuzz/$$t.log)"; \
	  if UBSAN_OPTIONS=print_stacktrace=1 build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $$extra \
	       -artifact_prefix=build/fuzz/$$t- $$c >build/fuzz/$$t.log 2>&1; then \
	    echo "   $$(grep -E '^Done ' build/fuzz/$$t.log);" \
	      "$$(grep -E '^#[0-9]+.*cov:' build/fuzz/$$t.log | tail -n 1 | grep -oE '(cov|corp|exec/s): [^ ]+' | tr '\n' ' ')"; \
	  else \
	    tail -n 60 build/fuzz/$$t.log; \
	    a=$$(ls build/fuzz/$$t-crash-* build/fuzz/$$t-leak-* build/fuzz/$$t-timeout-* build/fuzz/$$t-oom-* 2>/dev/null); \
	    echo "fuzz_$$t FAILED; input: $${a:-none saved, see build/fuzz/$$t.log}" >&2; \
	    echo "reproduce: build/fuzz/fuzz_$$t $$a" >&2; \
	    failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "make fuzz: failed:$$failed" >&2; exit 1; fi; \
	echo "make fuzz: all targets ran $(FUZZ_SECONDS) s without a failure"

fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=600

# ---- benchmarks (they use the shared data set beside the repository and say so when it is absent)
bench: bench-relevance bench-relevance-options bench-build bench-query bench-shards

bench-relevance: $(PROGS)
	bash bench/relevance

bench-relevance-options: $(PROGS)
	bash bench/relevance-options

bench-build: $(PROGS) build/loci-time
	bash bench/build
	bash bench/update

bench-query: $(PROGS) build/loci-time
	bash bench/query
	bash bench/query_lang

bench-shards: $(PROGS) build/loci-time
	bash bench/shards

build/loci-time: bench/loci_time.c build/libloci-internal.a
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libloci-internal.a $(LIBS)

# ---- install ------------------------------------------------------------------------
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include
MANDIR = $(PREFIX)/share/man
# Where Debian's python3 looks for a prefix's modules (its site.py):
# /usr/lib/python3/dist-packages for /usr, but /usr/local/lib/python3.X/dist-packages
# for /usr/local (X: the minor version of /usr/bin/python3, asked when installing).
# Other prefixes are not searched (PYTHONPATH): lib/python3/dist-packages.
PY_MINOR = $(shell /usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PYDIR = $(LIBDIR)/$(if $(filter /usr/local /usr/local/,$(PREFIX)),python$(PY_MINOR),python3)/dist-packages/loci
COMPDIR = $(PREFIX)/share/bash-completion/completions
MAN1 = $(sort $(wildcard docs/man/*.1))
MAN3 = $(sort $(wildcard docs/man/*.3))
# the tree's _library.py names no library; install writes its own
PY_SRC = $(sort $(filter-out %/_library.py,$(wildcard bindings/python/loci/*.py)))

# build/prefix holds the PREFIX of the last make and is rewritten only when
# PREFIX changes, so what embeds the prefix (loci.pc, the Python module's
# library path) is made again exactly then.
build/prefix: FORCE
	@mkdir -p build; [ "$$(cat $@ 2>/dev/null)" = '$(PREFIX)' ] || printf '%s\n' '$(PREFIX)' > $@

FORCE:

# libutf8proc and zlib ship .pc files (Requires.private); libstemmer does not.
build/loci.pc: build/prefix include/loci.h Makefile
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: loci' 'Description: full-text passage search engine' 'Version: $(VERSION)' \
	  'Requires.private: libutf8proc zlib' 'Libs: -L$${libdir} -lloci' \
	  'Libs.private: -lstemmer -lm -pthread' 'Cflags: -I$${includedir}' > $@

# The installed Python module loads the shared library of its prefix.
build/python/_library.py: build/prefix Makefile
	@mkdir -p build/python
	@printf '%s\n' '"""Written by make install: the libloci of this prefix."""' \
	  'LIBRARY = "$(LIBDIR)/$(SONAME)"' > $@

install: $(PROGS) $(LIBS_BUILT) build/loci.pc build/python/_library.py
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(PYDIR) $(DESTDIR)$(COMPDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 644 build/libloci.a $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libloci.so
	install -m 644 include/loci.h $(DESTDIR)$(INCDIR)/
	install -m 644 build/loci.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	install -m 644 $(PY_SRC) build/python/_library.py $(DESTDIR)$(PYDIR)/
	install -m 644 bindings/bash/loci $(DESTDIR)$(COMPDIR)/loci-index
	ln -sf loci-index $(DESTDIR)$(COMPDIR)/loci-search
	ln -sf loci-index $(DESTDIR)$(COMPDIR)/loci-eval
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(PROGS:bin/%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(LIBDIR)/libloci.a \
	  $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libloci.so \
	  $(DESTDIR)$(INCDIR)/loci.h $(DESTDIR)$(LIBDIR)/pkgconfig/loci.pc \
	  $(MAN1:docs/man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN3:docs/man/%=$(DESTDIR)$(MANDIR)/man3/%) \
	  $(DESTDIR)$(COMPDIR)/loci-index $(DESTDIR)$(COMPDIR)/loci-search $(DESTDIR)$(COMPDIR)/loci-eval
	rm -rf $(DESTDIR)$(PYDIR)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

clean:
	rm -rf build bin $(INDEX)
