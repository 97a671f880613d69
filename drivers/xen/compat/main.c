// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: module glue.
 *
 * Loading the module checks that the kernel's own Xen core is up (we run
 * in a Xen domain and xenstore answers) and reports which domain we are.
 */
#include <linux/module.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xpv/xenstore.h>
#include "compat.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Exercise the API on the running Xen at load time and log PASS/FAIL lines (default: off)");

static int __init xpv_compat_init(void)
{
	char *domid;
	int err;

	if (!xen_domain()) {
		pr_err("xpv_compat: not running on Xen\n");
		return -ENODEV;
	}
	domid = xpv_xs_read(XPV_XBT_NIL, "domid", "", NULL);
	if (IS_ERR(domid)) {
		pr_err("xpv_compat: xenstore not usable (%ld)\n", PTR_ERR(domid));
		return PTR_ERR(domid);
	}
	err = xpv_compat_grant_init();
	if (err)
		goto out_free_domid;
	pr_info("xpv_compat: xpv API over the kernel's Xen core, domain %s\n",
		domid);
	if (selftest)
		xpv_compat_selftest();
out_free_domid:
	kfree(domid);
	return err;
}

static void __exit xpv_compat_exit(void)
{
	xpv_compat_xenstore_exit();
	xpv_compat_grant_exit();
}

module_init(xpv_compat_init);
module_exit(xpv_compat_exit);
MODULE_DESCRIPTION("xpv platform API over the kernel's own Xen core (dom0-compat)");
MODULE_LICENSE("GPL");
