// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv L0: time for a PVH guest, which has no PIT, HPET or RTC.
 *
 *  - clocksource "xpv": Xen system time from the pvclock record in this
 *    vCPU's vcpu_info (nanoseconds since the domain started);
 *  - TSC frequency for calibration from the same record;
 *  - clock events: one Xen single-shot timer per vCPU
 *    (VCPUOP_set_singleshot_timer), delivered as that vCPU's VIRQ_TIMER;
 *  - wall clock: shared_info's wall-clock base plus system time.
 */
#define pr_fmt(fmt) "xpv: " fmt

#include <linux/clockchips.h>
#include <linux/clocksource.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>
#include <linux/processor.h>
#include <asm/pvclock.h>
#include <asm/x86_init.h>
#include <xen/interface/xen.h>
#include <xen/interface/vcpu.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "xpv-internal.h"

/* Shortest programmable delay: Xen's timer slop, and kind to emulators. */
#define XPV_TIMER_MIN_DELTA_NS	100000UL

struct xpv_timer {
	struct clock_event_device evt;
	int irq;
	char name[16];
};

static DEFINE_PER_CPU(struct xpv_timer, xpv_timers) = { .irq = -1 };

static struct pvclock_vcpu_time_info *xpv_this_time_info(void)
{
	return &this_cpu_read(xpv_vcpu_info)->time;
}

/* Xen system time in nanoseconds. */
static u64 xpv_system_time(void)
{
	u64 ns;

	preempt_disable_notrace();
	ns = pvclock_clocksource_read(xpv_this_time_info());
	preempt_enable_notrace();
	return ns;
}

static u64 xpv_clocksource_read(struct clocksource *cs)
{
	return xpv_system_time();
}

static struct clocksource xpv_clocksource = {
	.name	= "xpv",
	.rating	= 400,
	.read	= xpv_clocksource_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS,
};

static unsigned long xpv_tsc_khz(void)
{
	unsigned long khz;

	preempt_disable();
	khz = pvclock_tsc_khz(xpv_this_time_info());
	preempt_enable();
	/*
	 * Every vCPU runs at this TSC rate, and without a PIT the secondary
	 * vCPUs cannot calibrate their delay loop: preset it (lpj= wins).
	 */
	if (!preset_lpj)
		preset_lpj = khz * 1000 / HZ;
	return khz;
}

static void xpv_get_wallclock(struct timespec64 *now)
{
	preempt_disable();
	pvclock_read_wallclock(&xpv_shared_info->wc, xpv_this_time_info(), now);
	preempt_enable();
}

static int xpv_set_wallclock(const struct timespec64 *now)
{
	/* The toolstack owns the domain's wall clock. */
	return -ENODEV;
}

static int xpv_timer_shutdown(struct clock_event_device *evt)
{
	int rc;

	rc = xpv_vcpu_op(VCPUOP_stop_singleshot_timer,
			 xpv_vcpu_id(smp_processor_id()), NULL);
	WARN_ON_ONCE(rc);
	return 0;
}

static int xpv_timer_next_event(unsigned long delta,
				struct clock_event_device *evt)
{
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = xpv_system_time() + delta,
		/* A deadline already passed fires at once. */
		.flags = 0,
	};
	int rc;

	rc = xpv_vcpu_op(VCPUOP_set_singleshot_timer,
			 xpv_vcpu_id(smp_processor_id()), &t);
	WARN_ON_ONCE(rc);
	return rc;
}

static irqreturn_t xpv_timer_interrupt(int irq, void *dev_id)
{
	struct clock_event_device *evt = &this_cpu_ptr(&xpv_timers)->evt;

	if (!evt->event_handler)
		return IRQ_NONE;
	evt->event_handler(evt);
	return IRQ_HANDLED;
}

/**
 * xpv_time_prepare_cpu() - bind the timer of a vCPU about to come up
 * @cpu: the Linux CPU
 *
 * Called on the CPU doing the bring-up.  Stops Xen's legacy periodic timer
 * of that vCPU and binds its VIRQ_TIMER to a per-CPU interrupt.
 *
 * Return: 0 or a negative errno.
 */
int xpv_time_prepare_cpu(unsigned int cpu)
{
	struct xpv_timer *t = per_cpu_ptr(&xpv_timers, cpu);
	int irq;

	if (t->irq >= 0)
		return 0;

	xpv_vcpu_op(VCPUOP_stop_periodic_timer, xpv_vcpu_id(cpu), NULL);
	xpv_vcpu_op(VCPUOP_stop_singleshot_timer, xpv_vcpu_id(cpu), NULL);

	snprintf(t->name, sizeof(t->name), "timer%u", cpu);
	irq = xpv_evtchn_bind_virq(VIRQ_TIMER, cpu, xpv_timer_interrupt,
				   IRQF_PERCPU | IRQF_NOBALANCING | IRQF_TIMER,
				   t->name, NULL);
	if (irq < 0) {
		pr_err("CPU %u: cannot bind VIRQ_TIMER (%d)\n", cpu, irq);
		return irq;
	}
	t->irq = irq;

	t->evt.name = t->name;
	t->evt.features = CLOCK_EVT_FEAT_ONESHOT;
	t->evt.rating = 500;
	t->evt.irq = irq;
	t->evt.cpumask = cpumask_of(cpu);
	t->evt.set_state_shutdown = xpv_timer_shutdown;
	t->evt.set_state_oneshot = xpv_timer_shutdown;
	t->evt.set_next_event = xpv_timer_next_event;
	return 0;
}

/**
 * xpv_time_dead_cpu() - release the timer of a vCPU that went offline
 * @cpu: the Linux CPU
 *
 * Return: 0.
 */
int xpv_time_dead_cpu(unsigned int cpu)
{
	struct xpv_timer *t = per_cpu_ptr(&xpv_timers, cpu);

	if (t->irq >= 0) {
		xpv_evtchn_unbind(t->irq, NULL);
		t->irq = -1;
	}
	return 0;
}

/* On the CPU itself, interrupts off: start its clock event device. */
static void xpv_timer_start_this_cpu(void)
{
	struct xpv_timer *t = this_cpu_ptr(&xpv_timers);

	if (t->irq < 0) {
		pr_err("CPU %d has no timer\n", smp_processor_id());
		return;
	}
	clockevents_config_and_register(&t->evt, NSEC_PER_SEC,
					XPV_TIMER_MIN_DELTA_NS, ULONG_MAX);
}

/**
 * xpv_time_resume() - restart this CPU's timer after a suspend
 *
 * Xen keeps no single-shot timer across a save and restore, and the
 * VIRQ_TIMER port is new: fire once soon, and the tick code programs the
 * next event from there (timers that expired while suspended run then).
 * Called on the CPU itself, with its VIRQ bound again.
 */
void xpv_time_resume(void)
{
	struct xpv_timer *t = this_cpu_ptr(&xpv_timers);

	if (t->irq < 0 || !t->evt.event_handler)
		return;
	xpv_timer_next_event(XPV_TIMER_MIN_DELTA_NS, &t->evt);
}

/* Boot CPU, from the interrupt-mode setup of the late time init. */
static void __init xpv_time_init_boot_cpu(void)
{
	if (clocksource_register_hz(&xpv_clocksource, NSEC_PER_SEC))
		pr_err("cannot register the xpv clocksource\n");
	if (xpv_time_prepare_cpu(0))
		return;
	xpv_timer_start_this_cpu();
	pr_info("clocksource and per-vCPU single-shot timers on VIRQ_TIMER\n");
}

void __init xpv_time_init_platform(void)
{
	x86_platform.calibrate_tsc = xpv_tsc_khz;
	x86_platform.calibrate_cpu = xpv_tsc_khz;
	x86_platform.get_wallclock = xpv_get_wallclock;
	x86_platform.set_wallclock = xpv_set_wallclock;
	/* No PIT, no HPET; the LAPIC timer is not used either. */
	x86_init.timers.timer_init = x86_init_noop;
	x86_init.timers.setup_percpu_clockev = xpv_time_init_boot_cpu;
	x86_cpuinit.setup_percpu_clockev = xpv_timer_start_this_cpu;
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
}
