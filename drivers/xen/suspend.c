// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: suspend and resume of the whole guest, for `xl save`/`xl restore`
 * and `xl migrate` (control/shutdown = "suspend", see control.c).
 *
 * Order, from a work item on the boot CPU:
 *  1. the secondary CPUs go offline (CPU hotplug): only the boot vCPU lives
 *     through the hypercall, and each CPU re-registers its vcpu_info, FIFO
 *     control block and timer VIRQ on the way back up;
 *  2. every frontend stops issuing work (xpv_xenbus_suspend());
 *  3. xenstore is quiesced: no request in flight, no transaction open;
 *  4. SCHEDOP_shutdown(SHUTDOWN_suspend) (arch/x86/xpv/suspend.c, which also
 *     restores shared_info, vcpu_info, the upcall and the event ABI);
 *  5. in a new domain: the grant frames are mapped again, the VIRQs bound
 *     again, the console and xenstore follow their new event channels,
 *     xenstore watches are registered again, and every frontend connects
 *     again to its (possibly different) back end, replaying its requests;
 *     after a cancelled suspend the frontends simply go on;
 *  6. the secondary CPUs come back.
 */
#define pr_fmt(fmt) "xpv-suspend: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/printk.h>
#include <linux/workqueue.h>
#include <xpv/events.h>
#include <xpv/xpv.h>

#include "xenbus_internal.h"

static void xpv_suspend_fn(struct work_struct *work);
static DECLARE_WORK(xpv_suspend_work, xpv_suspend_fn);
static struct cpumask xpv_suspend_offlined;

static int xpv_suspend_offline_cpus(void)
{
	unsigned int cpu;
	int err;

	cpumask_clear(&xpv_suspend_offlined);
	for_each_online_cpu(cpu) {
		if (!cpu)
			continue;
		err = remove_cpu(cpu);
		if (err) {
			pr_err("CPU %u did not go offline: %d\n", cpu, err);
			return err;
		}
		cpumask_set_cpu(cpu, &xpv_suspend_offlined);
	}
	return 0;
}

static void xpv_suspend_online_cpus(void)
{
	unsigned int cpu;
	int err;

	for_each_cpu(cpu, &xpv_suspend_offlined) {
		err = add_cpu(cpu);
		if (err)
			pr_err("CPU %u did not come back: %d\n", cpu, err);
	}
	cpumask_clear(&xpv_suspend_offlined);
}

static void xpv_suspend_fn(struct work_struct *work)
{
	ktime_t start = ktime_get();
	bool cancelled = true;
	int rc;

	pr_info("suspending\n");
	rc = xpv_suspend_offline_cpus();
	if (rc)
		goto out_online;
	xpv_xenbus_suspend();
	rc = xpv_xs_suspend();
	if (rc) {
		xpv_xenbus_resume(true);
		goto out_online;
	}

	rc = xpv_suspend_domain();
	if (rc < 0)
		pr_err("suspend hypercall failed: %d\n", rc);
	cancelled = rc != 0;
	if (!cancelled) {
		xpv_gnttab_resume();
		xpv_evtchn_resume();
	}
	xpv_suspend_resume_time();
	if (!cancelled && IS_ENABLED(CONFIG_XPV_CONSOLE))
		xpv_cons_resume();
	xpv_xs_resume(cancelled);
	xpv_xenbus_resume(cancelled);

out_online:
	xpv_suspend_online_cpus();
	if (rc < 0)
		pr_warn("not suspended (%d): running on\n", rc);
	else
		pr_info("%s after %lld ms\n",
			cancelled ? "suspend cancelled, running on in the same domain" :
				    "resumed in a new domain",
			ktime_ms_delta(ktime_get(), start));
}

/**
 * xpv_suspend_request() - suspend the guest (toolstack request)
 *
 * Queued on the boot CPU; a request while one runs is merged with it.
 */
void xpv_suspend_request(void)
{
	schedule_work_on(0, &xpv_suspend_work);
}
