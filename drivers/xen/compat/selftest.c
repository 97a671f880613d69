// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: the load-time self-test (selftest=1).
 *
 * The checks are the provider-neutral ones of drivers/xpv/selftest.c,
 * which the native provider runs too (xpv.selftest=1 on its command line);
 * here they run in dom0 against the kernel's own Xen core and log
 * "xpv_compat selftest: PASS name" lines.
 */
#include "../selftest.c"
#include <xen/xen.h>
#include "compat.h"

/**
 * xpv_compat_selftest() - exercise the provider on the running Xen
 *
 * Return: the number of failed checks.
 */
int xpv_compat_selftest(void)
{
	return xpv_selftest_run("xpv_compat", xen_pv_domain());
}
