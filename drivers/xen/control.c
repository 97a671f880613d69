// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: toolstack control requests (control/shutdown, control/sysrq).
 *
 * `xl shutdown` writes "poweroff" and `xl reboot` writes "reboot" into the
 * guest's control/shutdown node; we clear the node (the acknowledgment
 * the toolstack looks for) and start an orderly power-off or reboot. If user
 * space does not finish it within force_timeout seconds (an init that
 * ignores the request), the kernel powers off or restarts by itself.
 * control/sysrq carries one magic SysRq key. "suspend" (xl save, xl
 * migrate) runs the suspend path of suspend.c. The feature-* nodes tell the
 * toolstack what we handle.
 */
#define pr_fmt(fmt) "xpv-control: " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/sysrq.h>
#include <linux/workqueue.h>
#include <linux/fs.h>
#include <xpv/xenstore.h>

#include "xenbus_internal.h"

static unsigned int force_timeout = 20;
module_param(force_timeout, uint, 0644);
MODULE_PARM_DESC(force_timeout,
		 "Seconds after a toolstack poweroff/reboot request before the kernel forces it (0: never; default 20)");

enum xpv_ctl_action { XPV_CTL_NONE, XPV_CTL_POWEROFF, XPV_CTL_REBOOT };

static enum xpv_ctl_action xpv_ctl_pending;

static void xpv_ctl_force(struct work_struct *work)
{
	pr_emerg("user space did not complete the %s request in %u s: forcing it\n",
		 xpv_ctl_pending == XPV_CTL_REBOOT ? "reboot" : "poweroff",
		 force_timeout);
	emergency_sync();
	if (xpv_ctl_pending == XPV_CTL_REBOOT)
		kernel_restart(NULL);
	else
		kernel_power_off();
}

static DECLARE_DELAYED_WORK(xpv_ctl_force_work, xpv_ctl_force);

static void xpv_ctl_start(enum xpv_ctl_action action)
{
	if (xpv_ctl_pending != XPV_CTL_NONE)
		return;		/* already on the way down */
	xpv_ctl_pending = action;
	if (force_timeout)
		schedule_delayed_work(&xpv_ctl_force_work, force_timeout * HZ);
	if (action == XPV_CTL_REBOOT) {
		pr_info("reboot requested by the toolstack\n");
		orderly_reboot();
	} else {
		pr_info("poweroff requested by the toolstack\n");
		orderly_poweroff(true);
	}
}

static void xpv_ctl_shutdown_changed(struct xpv_xs_watch *watch,
				     const char *path, const char *token)
{
	struct xpv_xbt t;
	char *req;
	int err;

again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		return;
	req = xpv_xs_read(t, "control", "shutdown", NULL);
	if (IS_ERR(req)) {
		/* Absent (or unreadable): nothing asked. */
		xpv_xs_transaction_end(t, true);
		return;
	}
	if (!req[0]) {
		kfree(req);
		xpv_xs_transaction_end(t, true);
		return;
	}
	/* Acknowledge by clearing the node. */
	err = xpv_xs_write(t, "control", "shutdown", "");
	if (err) {
		kfree(req);
		xpv_xs_transaction_end(t, true);
		return;
	}
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN) {
		kfree(req);
		goto again;
	}
	if (err) {
		kfree(req);
		return;
	}

	if (!strcmp(req, "poweroff") || !strcmp(req, "halt"))
		xpv_ctl_start(XPV_CTL_POWEROFF);
	else if (!strcmp(req, "reboot"))
		xpv_ctl_start(XPV_CTL_REBOOT);
	else if (!strcmp(req, "suspend"))
		xpv_suspend_request();
	else
		pr_warn("unsupported shutdown request \"%.32s\" ignored\n", req);
	kfree(req);
}

static void xpv_ctl_sysrq_changed(struct xpv_xs_watch *watch,
				  const char *path, const char *token)
{
	struct xpv_xbt t;
	char *key;
	int err;

again:
	err = xpv_xs_transaction_start(&t);
	if (err)
		return;
	key = xpv_xs_read(t, "control", "sysrq", NULL);
	if (IS_ERR(key) || !key[0]) {
		if (!IS_ERR(key))
			kfree(key);
		xpv_xs_transaction_end(t, true);
		return;
	}
	err = xpv_xs_write(t, "control", "sysrq", "");
	if (err) {
		kfree(key);
		xpv_xs_transaction_end(t, true);
		return;
	}
	err = xpv_xs_transaction_end(t, false);
	if (err == -EAGAIN) {
		kfree(key);
		goto again;
	}
	if (!err)
		handle_sysrq(key[0]);
	kfree(key);
}

static struct xpv_xs_watch xpv_ctl_shutdown_watch = {
	.path = "control/shutdown",
	.callback = xpv_ctl_shutdown_changed,
};

static struct xpv_xs_watch xpv_ctl_sysrq_watch = {
	.path = "control/sysrq",
	.callback = xpv_ctl_sysrq_changed,
};

static int __init xpv_control_init(void)
{
	static const char * const features[] = {
		"feature-poweroff", "feature-reboot", "feature-sysrq",
		"feature-suspend",
	};
	unsigned int i;
	int err;

	if (!xpv_xs_ready())
		return -ENODEV;
	err = xpv_xs_watch_register(&xpv_ctl_shutdown_watch);
	if (err) {
		pr_err("cannot watch control/shutdown: %d\n", err);
		return err;
	}
	err = xpv_xs_watch_register(&xpv_ctl_sysrq_watch);
	if (err)
		pr_warn("cannot watch control/sysrq: %d\n", err);
	for (i = 0; i < ARRAY_SIZE(features); i++) {
		int werr;

		if (!strcmp(features[i], "feature-sysrq") && err)
			continue;
		/*
		 * libxl makes feature-poweroff and feature-reboot writable for
		 * the guest; feature-sysrq may not be (-EACCES): xl sysrq works
		 * without it.
		 */
		werr = xpv_xs_write(XPV_XBT_NIL, "control", features[i], "1");
		if (werr)
			pr_info("cannot advertise control/%s: %d\n", features[i],
				werr);
	}
	pr_info("handling control/shutdown (poweroff, reboot, halt, suspend) and control/sysrq\n");
	return 0;
}
late_initcall(xpv_control_init);
