# SPDX-License-Identifier: GPL-2.0-only
#
# Shared make logic for xpv's kselftest-style test directories (the role of
# the kernel's tools/testing/selftests/lib.mk). A directory's Makefile sets
#
#   TEST_GEN_PROGS           programs built from NAME.c and run by run_tests
#   TEST_GEN_PROGS_EXTENDED  programs built but not run (benchmarks, helpers)
#   LOCAL_HDRS               headers every program depends on
#   TEST_TIMEOUT             seconds one program may run (default 300)
#
# and then includes this file, which provides `all`, `run_tests` (TAP: each
# program prints its own TAP stream; a program that dies without saying so
# gets a "not ok" line of its own) and `clean`. Binaries go to $(OUTPUT),
# by default build/selftests/<dir>/ in the repository, never into the tree.
#
# The kselftest harness is used from the pinned Linux source in the cache
# ($(XPV_CACHE)/linux, made by scripts/kernel tree); when that tree is absent
# the two headers are extracted once from the linux-source tarball.

XPV_SELFTESTS := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
XPV_ROOT ?= $(abspath $(XPV_SELFTESTS)/..)
XPV_CACHE ?= /var/cache/xpv
KSFT_DIR ?= $(XPV_CACHE)/linux/tools/testing/selftests
KSFT_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
OUTPUT ?= $(XPV_ROOT)/build/selftests/$(notdir $(CURDIR))
TEST_TIMEOUT ?= 300

ifeq ($(wildcard $(KSFT_DIR)/kselftest_harness.h),)
override KSFT_DIR := $(XPV_CACHE)/ksft
$(KSFT_DIR)/kselftest_harness.h:
	@test -f $(KSFT_TARBALL) || { echo "no kselftest harness: run scripts/deps and scripts/kernel tree" >&2; exit 1; }
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(KSFT_TARBALL) -C $(KSFT_DIR) --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
endif
KSFT_HDRS := $(KSFT_DIR)/kselftest_harness.h

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-I$(XPV_ROOT)/include -isystem $(KSFT_DIR)
LDLIBS += -lpthread -lm
# clang warns about the harness macros' unused arguments inside our files
ifneq ($(shell $(CC) --version 2>/dev/null | grep -c clang),0)
CFLAGS += -Wno-unused-parameter
endif

XPV_PROGS := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))
XPV_PROGS_EXT := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS_EXTENDED))

all: $(XPV_PROGS) $(XPV_PROGS_EXT)

$(OUTPUT):
	@mkdir -p $@

$(OUTPUT)/%: %.c $(LOCAL_HDRS) $(KSFT_HDRS) | $(OUTPUT)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

run_tests: all
	@KSFT_TIMEOUT=$(TEST_TIMEOUT) $(XPV_SELFTESTS)/tap.sh progs $(XPV_PROGS)

clean:
	rm -f $(XPV_PROGS) $(XPV_PROGS_EXT) $(EXTRA_CLEAN)

.PHONY: all run_tests clean
