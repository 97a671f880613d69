# SPDX-License-Identifier: GPL-2.0-only
#
# Shared logic of the fuzz/*/ directories (libFuzzer, clang, ASan + UBSan).
# A directory's Makefile sets
#
#   NAME       the group: results read PASS/FAIL fuzz-NAME-TARGET
#   TARGETS    one fuzz_TARGET.c each
#   SRCS       proto sources every target links; SRCS_TARGET: more for one
#   PFLAGS     include and define flags of the proto; PFLAGS_TARGET: more
#   HDRS       headers the targets depend on
#   COV_SRC    the parser file coverage is reported on; COV_SRC_TARGET: for one
#   COV_FUNCS_TARGET  optional: an (awk) regular expression naming the
#              functions of that file the target is meant to reach (when
#              the file holds other parsers too); reported on a second line
#   GEN        optional: a gen_corpus.c writing seeds to DIR/TARGET/
#   FUZZ_FLAGS optional: more libFuzzer flags for run (e.g. -max_len=N)
#
# and includes this file, which provides
#
#   make          build the targets (and gen_corpus)
#   make run      each target for FUZZ_TIME seconds (default 20), one at a
#                 time (make -k -j2 run: two at once), from the checked-in
#                 seeds (seeds/TARGET/, crash regressions included), the
#                 generated ones and what earlier runs kept; prints
#                 PASS/FAIL fuzz-NAME-TARGET
#   make replay   every kept input once, without fuzzing
#   make cov      replay each target's corpus through a coverage build and
#                 print the share of COV_SRC's lines and branches reached
#   make clean
#
# Binaries, corpora, logs and crash files go to build/fuzz/NAME/.

XPV_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
OUT ?= $(XPV_ROOT)/build/fuzz/$(NAME)
FUZZ_TIME ?= 20
CC := clang
COMMON := -std=gnu11 -g -O1 -Wall -Wextra -Werror -I$(XPV_ROOT)/include \
	-I$(XPV_ROOT)/fuzz/include
SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
COVFLAGS := -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping
HDRS += $(XPV_ROOT)/fuzz/include/fuzz_input.h \
	$(wildcard $(XPV_ROOT)/include/xpv/proto/*.h)
LLVM_PROFDATA ?= $(firstword $(shell command -v llvm-profdata llvm-profdata-14 2>/dev/null))
LLVM_COV ?= $(firstword $(shell command -v llvm-cov llvm-cov-14 2>/dev/null))

BINS := $(addprefix $(OUT)/fuzz_,$(TARGETS))
SEEDS := $(CURDIR)/seeds

all: $(BINS) $(if $(GEN),$(OUT)/gen_corpus)

$(OUT):
	@mkdir -p $@

.SECONDEXPANSION:
$(OUT)/fuzz_%: fuzz_%.c $(SRCS) $$(SRCS_$$*) $(HDRS) | $(OUT)
	$(CC) $(COMMON) $(PFLAGS) $(PFLAGS_$*) $(SAN) -o $@ $< $(SRCS) $(SRCS_$*)

$(OUT)/cov_%: fuzz_%.c $(SRCS) $$(SRCS_$$*) $(HDRS) | $(OUT)
	$(CC) $(COMMON) $(PFLAGS) $(PFLAGS_$*) $(COVFLAGS) -o $@ $< $(SRCS) $(SRCS_$*)

$(OUT)/gen_corpus: $(GEN) $(SRCS) $(HDRS) | $(OUT)
	$(CC) $(COMMON) $(PFLAGS) -o $@ $(GEN) $(SRCS)

corpus: $(if $(GEN),$(OUT)/gen_corpus)
ifneq ($(GEN),)
	@rm -rf $(OUT)/seeds && $(OUT)/gen_corpus $(OUT)/seeds
endif

# The corpus directories of target $$t that exist (the first is written).
dirs = $(OUT)/corpus/$$t $$(for d in $(OUT)/seeds/$$t $(SEEDS)/$$t; do \
	test -d $$d && echo $$d; done)

# Each run starts from the seeds plus whatever earlier runs kept; a crash,
# leak, sanitizer report or violated property exits non-zero.  One target
# per run-TARGET rule, so that `make -k -j2 run` fuzzes two targets at once
# (make check does: each libFuzzer process uses one core).
run: $(addprefix run-,$(TARGETS))

$(addprefix run-,$(TARGETS)): run-%: all corpus
	@t=$*; mkdir -p $(OUT)/corpus/$$t $(OUT)/artifacts/$$t; \
	if timeout -k 10 $$(($(FUZZ_TIME) + 60)) $(OUT)/fuzz_$$t \
		-max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 $(FUZZ_FLAGS) \
		-artifact_prefix=$(OUT)/artifacts/$$t/ \
		$(dirs) > $(OUT)/$$t.log 2>&1; then \
		echo "PASS fuzz-$(NAME)-$$t ($$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' $(OUT)/$$t.log | grep -o '[0-9]*$$') runs)"; \
	else \
		echo "FAIL fuzz-$(NAME)-$$t (see $(OUT)/$$t.log, $(OUT)/artifacts/$$t/)"; \
		grep -m3 -E 'ERROR|property violated|runtime error' $(OUT)/$$t.log; \
		exit 1; \
	fi

# Replay every kept input (corpus and artifacts) once, without fuzzing.
replay: all corpus
	@rc=0; for t in $(TARGETS); do \
		mkdir -p $(OUT)/corpus/$$t; \
		if $(OUT)/fuzz_$$t -runs=0 $(dirs) >/dev/null 2>&1; then \
			echo "PASS fuzz-$(NAME)-$$t replay"; \
		else echo "FAIL fuzz-$(NAME)-$$t replay"; rc=1; fi; \
	done; exit $$rc

# Coverage of the parser by the corpus a run left (seeds included).
cov: $(addprefix $(OUT)/cov_,$(TARGETS)) corpus
	@test -n "$(LLVM_COV)" -a -n "$(LLVM_PROFDATA)" || \
		{ echo "SKIP fuzz-$(NAME) coverage: no llvm-cov/llvm-profdata"; exit 0; }; \
	rc=0; for t in $(TARGETS); do \
		mkdir -p $(OUT)/corpus/$$t; \
		rm -f $(OUT)/cov_$$t.profraw; \
		LLVM_PROFILE_FILE=$(OUT)/cov_$$t.profraw $(OUT)/cov_$$t -runs=0 \
			$(dirs) >$(OUT)/cov_$$t.log 2>&1 || rc=1; \
		$(LLVM_PROFDATA) merge -sparse -o $(OUT)/cov_$$t.profdata \
			$(OUT)/cov_$$t.profraw || rc=1; \
		src="$(COV_SRC)"; \
		$(foreach t,$(TARGETS),$(if $(COV_SRC_$(t)),[ $$t = $(t) ] && src="$(COV_SRC_$(t))";)) \
		$(LLVM_COV) report $(OUT)/cov_$$t \
			-instr-profile=$(OUT)/cov_$$t.profdata \
			-show-branch-summary $$src > $(OUT)/cov_$$t.txt 2>&1 || rc=1; \
		awk -v t="fuzz-$(NAME)-$$t" -v f="$$(basename $$src)" \
			'$$1 == "TOTAL" { printf "COV %s %s: lines %s (%d/%d), branches %s (%d/%d)\n", \
				t, f, $$10, $$8 - $$9, $$8, $$13, $$11 - $$12, $$11 }' \
			$(OUT)/cov_$$t.txt; \
		funcs=; \
		$(foreach t,$(TARGETS),$(if $(COV_FUNCS_$(t)),[ $$t = $(t) ] && funcs='$(COV_FUNCS_$(t))';)) \
		test -z "$$funcs" || $(LLVM_COV) report $(OUT)/cov_$$t \
			-instr-profile=$(OUT)/cov_$$t.profdata -show-functions \
			-show-branch-summary $$src 2>&1 | \
		awk -v t="fuzz-$(NAME)-$$t" -v f="$$(basename $$src)" -v re="$$funcs" \
			'NF == 10 && $$1 != "Name" && $$1 != "TOTAL" && $$1 ~ re { \
				l += $$5; lm += $$6; b += $$8; bm += $$9; n++ } \
			END { printf "COV %s %s, its %d target functions: lines %.2f%% (%d/%d), branches %.2f%% (%d/%d)\n", \
				t, f, n, l ? 100 * (l - lm) / l : 0, l - lm, l, \
				b ? 100 * (b - bm) / b : 0, b - bm, b }'; \
	done; exit $$rc

clean:
	rm -rf $(OUT)

.PHONY: all corpus run replay cov clean $(addprefix run-,$(TARGETS))
