/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: platform state of a Xen PVH guest (L0), for the layers above.
 */
#ifndef _XPV_XPV_H
#define _XPV_XPV_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <xen/interface/xen.h>

#ifdef CONFIG_XPV

extern bool xpv_active;
extern struct shared_info *xpv_shared_info;
DECLARE_PER_CPU(struct vcpu_info *, xpv_vcpu_info);
DECLARE_PER_CPU(u32, xpv_vcpu_nr);

/**
 * xpv_domain() - is this kernel running on Xen with xpv active?
 *
 * Return: true once xpv has detected Xen and set up its core (hypercalls,
 * shared_info); false on bare metal, other hypervisors, or when xpv refused
 * the hypervisor.
 */
static inline bool xpv_domain(void)
{
	return xpv_active;
}

/**
 * xpv_vcpu_id() - Xen's vCPU id of a Linux CPU
 * @cpu: Linux CPU number
 *
 * Return: the vCPU id to pass to VCPUOP_* and EVTCHNOP_bind_* hypercalls.
 */
static inline u32 xpv_vcpu_id(unsigned int cpu)
{
	return per_cpu(xpv_vcpu_nr, cpu);
}

int xpv_hvm_get_param(int idx, u64 *value);
int xpv_hvm_set_param(int idx, u64 value);

/* arch/x86/xpv/suspend.c, for drivers/xpv/suspend.c */
int xpv_suspend_domain(void);
void xpv_suspend_resume_time(void);

#else /* !CONFIG_XPV */

static inline bool xpv_domain(void)
{
	return false;
}

#endif /* CONFIG_XPV */

#endif /* _XPV_XPV_H */
