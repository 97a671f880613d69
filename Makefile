# SPDX-License-Identifier: GPL-2.0-only
#
# xpv top-level targets. The kernel side is built by scripts/kernel (patched
# linux-source-6.1 in $(XPV_CACHE)); the dom0 modules by Kbuild against the
# stock Debian headers; the test bed by scripts/testbed.

XPV_CACHE ?= /var/cache/xpv
export XPV_CACHE

# Inside the kernel's own make (M=...) only the Kbuild file matters.
ifeq ($(KERNELRELEASE),)

SCENARIOS_RUN ?= stock-pvh xpv-boot blk-front-interop dom0-compat bench-blk bench-net
KABI = $(shell cat $(XPV_CACHE)/debs/stock-kabi 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KABI)

.PHONY: all deps kernel kernel-ref modules patches check-patches sparse checkpatch \
	selftests fuzz bench bench-blk bench-net soak testbed run check clean help deb-dkms

all: kernel modules

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps      install host packages and fetch the Xen/dom0 debs (idempotent)
deps:
	@scripts/deps

## kernel    build our PVH domU kernel -> build/kernel/bzImage
kernel: deps
	@scripts/kernel build

## kernel-ref  the reference domU kernel (the kernel's own Xen front ends, our
##           config otherwise; scripts/config/ref-domU.config) -> build/kernel-ref/
kernel-ref: deps
	@scripts/kernel build-ref

## modules   build the dom0 modules against the stock Debian headers -> build/modules/
modules: deps
	@if ls drivers/*/*/Kbuild drivers/*/*/Makefile 2>/dev/null | grep -q . && [ -s Kbuild ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) modules && \
		mkdir -p build/modules && rm -f build/modules/*.ko && \
		find . -path ./build -prune -o -name '*.ko' -print | xargs -r cp -t build/modules/ && \
		ls build/modules; \
	else echo "modules: no dom0 modules in Kbuild yet"; fi

## deb-dkms  the dom0 back ends as a DKMS package -> build/deb/xpv-dkms_<version>_all.deb
##           (docs/install.md)
deb-dkms: deps
	@scripts/deb-dkms

## patches   write the domU and dom0 patch series to build/patches/
patches: deps
	@scripts/kernel patches

## sparse    sparse (C=2) over everything we build
sparse: deps
	@scripts/kernel sparse

## checkpatch  checkpatch.pl --strict over the patch series
checkpatch: deps
	@scripts/kernel checkpatch

## selftests the user-space selftests (TAP)
selftests:
	@$(MAKE) -s -C selftests run_tests

## fuzz      every libFuzzer target (fuzz/*/) for FUZZ_TIME seconds (default 60),
##           one at a time, then per target the share of its parser file's
##           lines and branches the corpus reaches (clang source coverage)
FUZZ_TIME ?= 60
fuzz:
	@rc=0; for d in fuzz/*/; do [ -f $$d/Makefile ] || continue; \
		$(MAKE) -s -C $$d run FUZZ_TIME=$(FUZZ_TIME) || rc=1; \
		$(MAKE) -s -C $$d cov || rc=1; \
	done; exit $$rc

## bench     ring-throughput benchmark, then beside tools/virtio/ringtest (figures, not pass/fail)
bench:
	@$(MAKE) -s -C selftests bench

## bench-blk block benchmark on real Xen: fio in a guest, null_blk in dom0, stock vs ours
##           (figures, not pass/fail) -> build/results/bench-blk.json, table on stdout
bench-blk: deps kernel kernel-ref modules
	@rm -f build/results/bench-blk.json; rc=0; scripts/testbed run bench-blk || rc=$$?; \
		python3 scripts/testbed.d/scenarios/bench-blk/table.py build/results/bench-blk.json; exit $$rc

## bench-net network benchmark on real Xen: iperf3 guest <-> dom0, stock vs ours, interleaved
##           rounds (figures, not pass/fail) -> build/results/bench-net.json and .png, table on stdout
bench-net: deps kernel modules
	@rm -f build/results/bench-net.json build/results/bench-net.png; rc=0; scripts/testbed run bench-net || rc=$$?; \
		python3 scripts/testbed.d/scenarios/bench-net/table.py build/results/bench-net.json; exit $$rc

## soak      block jobs in a loop over the whole configuration matrix on real
##           Xen until SOAK_SECS (default 1800) seconds of jobs; FAIL on a stall
SOAK_SECS ?= 1800
soak: deps kernel modules
	@XPV_SOAK_MATRIX=full XPV_SOAK_SECS=$(SOAK_SECS) scripts/testbed run blk-soak

## run       the main job: build, boot the test bed, run the default scenarios, print figures
run: deps kernel kernel-ref modules
	@scripts/run $(SCENARIOS_RUN)

## check     the whole test suite; ends with "N passed, N failed"
check:
	@scripts/check

clean:
	rm -rf build
	-$(MAKE) -s -C selftests clean
	find . -path ./build -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name Module.symvers -o -name modules.order \) -print | xargs -r rm -f

endif
