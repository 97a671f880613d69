# SPDX-License-Identifier: GPL-2.0-only
# dom0-compat, dom0 side: load the provider with its self-test, check every
# check passed, unload it, and check dom0 still runs a guest-free toolstack.

tb_step load
[ -f "$TBIN/modules/xpv_compat.ko" ] || tb_fail "build/modules/xpv_compat.ko was not staged"
tb_kmsg_mark load
insmod "$TBIN/modules/xpv_compat.ko" selftest=1 ||
	tb_fail "insmod xpv_compat.ko failed: $(dmesg | tail -n 3 | tr '\n' ' ')"
log=$(tb_kmsg_since load) || tb_fail "the kernel-log mark 'load' is gone"
echo "$log" | grep 'xpv_compat' >&2

tb_step banner
echo "$log" | grep -q "xpv_compat: xpv API over the kernel's Xen core, domain 0" ||
	tb_fail "no load banner naming domain 0"

for check in xenstore-rw xenstore-transaction xenstore-watch xenstore-rm \
	evtchn-loopback domid grant-map grant-map-batch grant-copy grant-revoke \
	grant-burst; do
	tb_step "selftest-$check"
	fail=$(echo "$log" | grep -o "selftest: FAIL $check:.*" || true)
	[ -z "$fail" ] || tb_fail "$fail"
	echo "$log" | grep -q "selftest: PASS $check\$" || tb_fail "no PASS line for $check"
done
tb_step selftest-summary
echo "$log" | grep -q "selftest: done, 0 failed" || tb_fail "summary line missing or not 0 failed"

tb_step xenstore-clean
xenstore-exists /local/domain/0/data/xpv-selftest 2>/dev/null &&
	tb_fail "the self-test left /local/domain/0/data/xpv-selftest behind"

tb_step unload
rmmod xpv_compat || tb_fail "rmmod xpv_compat failed"
tb_kmsg_since load | grep -qiE 'BUG|WARNING|Oops' && tb_fail "kernel warning after unload: $(tb_kmsg_since load | grep -iE 'BUG|WARNING|Oops' | head -n 2 | tr '\n' ' ')"

tb_step toolstack-alive
xl list > /dev/null || tb_fail "xl list fails after unload"
tb_pass
