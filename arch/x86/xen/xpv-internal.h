/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv L0: declarations shared between the files of arch/x86/xpv and the
 * event-channel core in drivers/xpv.  Not for drivers.
 */
#ifndef _XPV_INTERNAL_H
#define _XPV_INTERNAL_H

#include <linux/init.h>
#include <linux/types.h>

long xpv_hypercall_vmcall(unsigned long op, unsigned long a1,
			  unsigned long a2, unsigned long a3,
			  unsigned long a4, unsigned long a5);
long xpv_hypercall_vmmcall(unsigned long op, unsigned long a1,
			   unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5);

extern u32 xpv_features;
extern u32 xpv_cpuid_base;

/* irq.c: upcall vector, per-vCPU vcpu_info, CPU hotplug. */
void __init xpv_irq_init_platform(void);
void xpv_irq_resume(bool cancelled);

/* time.c */
void __init xpv_time_init_platform(void);
int xpv_time_prepare_cpu(unsigned int cpu);
int xpv_time_dead_cpu(unsigned int cpu);
void xpv_time_resume(void);

/* enlighten.c */
void xpv_map_shared_info(void);

/* reboot.c: panic and power-off through SCHEDOP_shutdown. */
void __init xpv_reboot_init_platform(void);

#endif /* _XPV_INTERNAL_H */
