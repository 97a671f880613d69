// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv L0: the suspend hypercall and what the platform redoes after it.
 *
 * SCHEDOP_shutdown(SHUTDOWN_suspend) returns in one of two ways:
 *  - 0: the toolstack saved the domain and a new domain was built from the
 *    image (xl restore, the far end of xl migrate).  Memory and vCPU state
 *    are ours again, but everything Xen held for the old domain is gone:
 *    the shared_info mapping, the vcpu_info registrations, the upcall
 *    vector and callback, every event channel and the FIFO control blocks,
 *    the grant table frames, the single-shot timers.
 *  - 1: the suspend was cancelled (xl save -c, a failed migration): the
 *    same domain goes on and all of the above is still in place.
 * The layers above (drivers/xpv/suspend.c) rebuild their own state.
 */
#define pr_fmt(fmt) "xpv: " fmt

#include <linux/bug.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/nmi.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <xen/interface/xen.h>
#include <xen/interface/sched.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "xpv-internal.h"

/**
 * xpv_suspend_domain() - suspend the domain; return when it runs again
 *
 * Called on the boot CPU with every other CPU offline and with xenstore
 * and the devices quiesced.  Interrupts are off from the hypercall until
 * shared_info, the boot vCPU's vcpu_info, the upcall and the event-channel
 * ABI are back (no port is bound yet: see xpv_suspend_resume_time() and
 * xpv_evtchn_resume()).
 *
 * Return: 0 when restored into a new domain, 1 when the suspend was
 * cancelled (the same domain goes on), or a negative Xen error when the
 * hypercall failed (nothing happened).
 */
int xpv_suspend_domain(void)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_suspend };
	unsigned long flags;
	int rc;

	local_irq_save(flags);
	if (WARN_ON_ONCE(num_online_cpus() != 1 || smp_processor_id())) {
		local_irq_restore(flags);
		return -EBUSY;
	}
	rc = xpv_sched_op(SCHEDOP_shutdown, &s);
	if (rc < 0) {
		local_irq_restore(flags);
		return rc;
	}
	if (!rc)
		xpv_map_shared_info();
	xpv_irq_resume(rc);
	xpv_evtchn_resume_abi(rc);
	/*
	 * The clocks jumped by the time the domain was away, and the first
	 * tick (at once, when interrupts come back on) accounts it all: no
	 * stall to report for that time.  Before the tick, or RCU's check
	 * in it sees its grace period as stalled for that long.
	 */
	touch_softlockup_watchdog();
	rcu_cpu_stall_reset();
	local_irq_restore(flags);
	return rc ? 1 : 0;
}

/**
 * xpv_suspend_resume_time() - restart the boot CPU's timer after a suspend
 *
 * After xpv_evtchn_resume() bound VIRQ_TIMER again (or at once when the
 * suspend was cancelled).  Process context; the other CPUs start their
 * timers when they come back online.
 */
void xpv_suspend_resume_time(void)
{
	preempt_disable();
	xpv_time_resume();
	preempt_enable();
}
