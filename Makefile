# loci — build, test, install, benchmark.
#
#   make search Q="cybersecurity CCDCOE"   index corpus/ (if needed) and search it
#   make check                             build and run every test (also under ASan+UBSan)
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
        bench bench-relevance bench-build bench-query

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
$(INDEX)/meta: $(CORPUS) bin/loci-index
	bin/loci-index -o $(INDEX) $(CORPUS)

search: $(INDEX)/meta bin/loci-search
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

# ---- benchmarks (they use the shared data set beside the repository and say so when it is absent)
bench: bench-relevance bench-build bench-query

bench-relevance: $(PROGS)
	bash bench/relevance

bench-build: $(PROGS)
	bash bench/build

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

# ---- fuzzing: the query parser (merge with the fuzz branch's rules) ---------
# Needs clang (libFuzzer); `make check` does not build it.
#   make fuzz-queryparse   (FUZZ_SECONDS=60: a fixed-time run for CI)
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/fuzz_queryparse: tests/fuzz/fuzz_queryparse.c searcher/query.c common/error.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) $(DEFS) $(INCS) tests/fuzz/fuzz_queryparse.c searcher/query.c \
	  common/error.c $(PKG_CFLAGS) $(LIBS) -o $@

# A short, fixed-time run for CI (FUZZ_SECONDS, default 60).
FUZZ_SECONDS ?= 60
.PHONY: fuzz-queryparse
fuzz-queryparse: build/fuzz/fuzz_queryparse
	@mkdir -p build/fuzz/corpus-queryparse
	build/fuzz/fuzz_queryparse -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	  build/fuzz/corpus-queryparse
