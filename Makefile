# cwren: one Makefile for the fan-out library, the lab programs, the tests and the demo.
#   make demo    install missing packages, build, run every lab on data/ into out/
#   make test    install missing packages, build, run unit and end-to-end tests
#   make SAN=1   the same with AddressSanitizer and UBSan (into build-san/)
#   make bench   side-by-side benchmarks (tests/bench/)

SAN ?= 0
ifeq ($(SAN),1)
BUILD := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
BUILD := build
SANFLAGS :=
OPT := -O2
endif

# Debian packages the build, the tests and the benchmarks need. `make deps` installs the
# missing ones (through sudo when not root).
DEBS := build-essential pkg-config libcurl4-openssl-dev libmicrohttpd-dev libjansson-dev \
        libcairo2-dev fonts-dejavu-core libssl-dev libcriterion-dev \
        cppcheck clang-tidy clang-format parallel python3 curl
PKGS := libcurl libmicrohttpd jansson cairo openssl

CC ?= cc
# Recursive (=) so pkg-config runs after `deps` has installed the packages.
# snprintf truncation is how messages are bounded here, so that warning is off.
CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror -Wno-format-truncation -MMD -MP $(SANFLAGS) \
         -Icommon $(shell pkg-config --cflags $(PKGS))
LDFLAGS = $(SANFLAGS)
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libcwren.a
LABS := $(patsubst %/main.c,%,$(wildcard lab*/main.c))
LAB_BINS := $(LABS:%=$(BUILD)/bin/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
TEST_PROGS := $(patsubst tests/e2e/%.c,$(BUILD)/tests/e2e/%,$(wildcard tests/e2e/*.c))
BENCH_PROGS := $(patsubst tests/bench/%.c,$(BUILD)/tests/bench/%,$(wildcard tests/bench/*.c))

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps demo test check bench lint format clean
.DEFAULT_GOAL := all

all: $(LIB) $(LAB_BINS)

deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# One program per lab folder, from every .c file in it.
define lab_program
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c)) $(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach lab,$(LABS),$(eval $(call lab_program,$(lab))))

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(BUILD)/tests/e2e/%: $(BUILD)/tests/e2e/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Everything the test suite runs.
check: all $(UNIT_BINS) $(TEST_PROGS)
	BUILD=$(BUILD) tests/run

test: deps
	@$(MAKE) --no-print-directory check

# Every lab on the bundled data, local workers, results under out/ (out/index.html).
DEMO_STORE := file://$(CURDIR)/out/store
demo: deps
	@$(MAKE) --no-print-directory all
	rm -rf out/store
	$(BUILD)/bin/lab1-bench hello --text data/hello/sample.txt --chunk-size 16384 \
	  --out out/lab1-bench --store $(DEMO_STORE)
	@echo "demo done: open out/index.html"

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_PROGS)
	@set -e; for b in $(BENCH_PROGS); do echo "== $$b"; BUILD=$(BUILD) $$b; done

lint: deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem --suppress=unknownMacro -Icommon common $(LABS) tests
	clang-tidy --quiet --checks=-clang-analyzer-security.insecureAPI.* $(COMMON_SRC) $(foreach l,$(LABS),$(wildcard $(l)/*.c)) -- \
	  $(filter-out -MMD -MP -Werror,$(CFLAGS))

format:
	clang-format -i $(wildcard common/*.[ch] lab*/*.[ch] lambda/*.[ch] tests/*/*.[ch])

clean:
	rm -rf build build-san out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Keep object files between runs so rebuilds stay incremental.
.SECONDARY:
