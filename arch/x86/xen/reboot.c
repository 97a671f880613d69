// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv L0: panic, power-off and reboot end in SCHEDOP_shutdown.
 *
 * A panic reports SHUTDOWN_crash so the toolstack's on_crash= applies and no
 * vCPU is left spinning.  A loaded kdump kernel still goes first: by default
 * panic() runs crash_kexec before the notifiers; with
 * crash_kexec_post_notifiers this notifier steps aside when a crash kernel
 * is loaded.
 */
#define pr_fmt(fmt) "xpv: " fmt

#include <linux/console.h>
#include <linux/init.h>
#include <linux/kexec.h>
#include <linux/notifier.h>
#include <linux/panic.h>
#include <linux/panic_notifier.h>
#include <linux/pm.h>
#include <linux/processor.h>
#include <asm/reboot.h>
#include <xen/interface/xen.h>
#include <xen/interface/sched.h>

#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "xpv-internal.h"

static void __noreturn xpv_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };
	int rc;

	rc = xpv_sched_op(SCHEDOP_shutdown, &s);
	/* Only reached if Xen refused: park this vCPU without spinning. */
	pr_emerg("SCHEDOP_shutdown(%u) failed (%d)\n", reason, rc);
	local_irq_disable();
	for (;;)
		native_halt();
}

static void xpv_machine_restart(char *cmd)
{
	xpv_shutdown(SHUTDOWN_reboot);
}

static void xpv_machine_halt(void)
{
	xpv_shutdown(SHUTDOWN_poweroff);
}

static void xpv_machine_power_off(void)
{
	if (pm_power_off && pm_power_off != xpv_machine_power_off)
		pm_power_off();
	xpv_shutdown(SHUTDOWN_poweroff);
}

static void xpv_emergency_restart(void)
{
	xpv_shutdown(SHUTDOWN_reboot);
}

static bool xpv_kdump_pending(void)
{
#ifdef CONFIG_KEXEC_CORE
	return crash_kexec_post_notifiers && kexec_crash_loaded();
#else
	return false;
#endif
}

static int xpv_panic_event(struct notifier_block *nb, unsigned long event,
			   void *msg)
{
	if (xpv_kdump_pending())
		return NOTIFY_DONE;
	/* Push out what the consoles still hold before the domain stops. */
	console_flush_on_panic(CONSOLE_FLUSH_PENDING);
	xpv_shutdown(SHUTDOWN_crash);
}

static struct notifier_block xpv_panic_nb = {
	.notifier_call	= xpv_panic_event,
	/* Last: every other panic notifier runs before the domain stops. */
	.priority	= INT_MIN,
};

void __init xpv_reboot_init_platform(void)
{
	machine_ops.restart = xpv_machine_restart;
	machine_ops.halt = xpv_machine_halt;
	machine_ops.power_off = xpv_machine_power_off;
	machine_ops.emergency_restart = xpv_emergency_restart;
	atomic_notifier_chain_register(&panic_notifier_list, &xpv_panic_nb);
}
