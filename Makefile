# loci — build, test, install, benchmark.
#
#   make search Q="cybersecurity CCDCOE"   index corpus/ (if needed) and search it
#   make check                             build and run every test (also under ASan+UBSan)
#   make fuzz                              libFuzzer targets, FUZZ_SECONDS (10) each; needs clang
#   make fuzz-long                         the same, 600 seconds each
#   make bench                             benchmarks against Xapian and SQLite FTS5
#   make install PREFIX=/usr/local DESTDIR=
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
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC = $(sort $(filter-out %_main.c,$(wildcard common/*.c indexer/*.c searcher/*.c)))
LIB_OBJ = $(LIB_SRC:%.c=build/obj/%.o)
SAN_OBJ = $(LIB_SRC:%.c=build/san/%.o)
HEADERS = $(wildcard include/*.h common/*.h indexer/*.h searcher/*.h)
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

.PHONY: all deps search check unit-tests san-tests cli-tests fault-tests clean install uninstall \
        bench bench-relevance bench-build bench-query fuzz fuzz-build fuzz-long

all: $(PROGS)

# ---- dependencies -----------------------------------------------------------
# One line per dependency: header to probe, Debian package that provides it.
DEP_LIST = utf8proc.h:libutf8proc-dev zlib.h:zlib1g-dev libstemmer.h:libstemmer-dev \
           cmocka.h:libcmocka-dev

deps: $(DEPS_OK)

$(DEPS_OK):
	@missing=""; \
	for d in $(DEP_LIST); do \
	  h=$${d%%:*}; p=$${d#*:}; \
	  printf '#include <%s>\n' "$$h" | $(CC) -E -x c - >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
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
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/san/%.o: %.c $(HEADERS) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

build/libloci.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/libloci-san.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

bin/loci-index: build/obj/indexer/index_main.o build/libloci.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

bin/loci-search: build/obj/searcher/search_main.o build/libloci.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

bin/loci-eval: build/obj/searcher/eval_main.o build/libloci.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# ---- the main job -------------------------------------------------------------
$(INDEX)/manifest: $(CORPUS) bin/loci-index
	bin/loci-index -o $(INDEX) $(CORPUS)

search: $(INDEX)/manifest bin/loci-search
	@bin/loci-search -i '$(INDEX)' -k '$(K)' -- "$$Q"; st=$$?; [ $$st -le 1 ] || exit $$st

# ---- tests ----------------------------------------------------------------------
build/tests/%: tests/%.c tests/testutil.h build/libloci.a
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< build/libloci.a $(LIBS) -lcmocka

build/san-tests/%: tests/%.c tests/testutil.h build/libloci-san.a
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

check: unit-tests san-tests cli-tests fault-tests
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
FUZZ_NAMES = analyzer json jsonl index query queryparse eval build extract
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
bench: bench-relevance bench-build bench-query

bench-relevance: $(PROGS)
	bash bench/relevance

bench-build: $(PROGS) build/loci-time
	bash bench/build
	bash bench/update

bench-query: $(PROGS) build/loci-time
	bash bench/query
	bash bench/query_lang

build/loci-time: bench/loci_time.c build/libloci.a
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libloci.a $(LIBS)

# ---- install ------------------------------------------------------------------------
build/loci.pc: Makefile
	@mkdir -p build
	@printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: loci\nDescription: full-text passage search engine\nVersion: %s\nLibs: -L$${libdir} -lloci\nLibs.private: %s\nCflags: -I$${includedir}\n' \
	  "$(PREFIX)" "$$(sed -n 's/^#define LOCI_VERSION "\(.*\)"/\1/p' include/loci.h)" "$(LIBS)" > $@

install: $(PROGS) build/libloci.a build/loci.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 build/libloci.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/loci.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 build/loci.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/

uninstall:
	rm -f $(PROGS:bin/%=$(DESTDIR)$(PREFIX)/bin/%) $(DESTDIR)$(PREFIX)/lib/libloci.a \
	  $(DESTDIR)$(PREFIX)/include/loci.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/loci.pc

clean:
	rm -rf build bin $(INDEX)
