/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: hypercall entry for a Xen PVH guest.
 *
 * There is no hypercall page.  At boot, xpv picks the instruction the CPU
 * vendor needs (vmcall on Intel, vmmcall on AMD and Hygon) and points one
 * static call at a tiny assembly stub that issues it.  Before that choice is
 * made every hypercall fails with -ENODEV instead of faulting.
 *
 * Register convention (x86-64): op in rax, arguments in rdi, rsi, rdx, r10,
 * r8; result in rax.  Xen may clobber every argument register.
 */
#ifndef _XPV_HYPERCALL_H
#define _XPV_HYPERCALL_H

#include <linux/types.h>
#include <linux/static_call_types.h>
#include <xen/interface/xen.h>

long xpv_hypercall_unready(unsigned long op, unsigned long a1,
			   unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5);
DECLARE_STATIC_CALL(xpv_hypercall, xpv_hypercall_unready);

static inline long xpv_hypercall5(unsigned int op, unsigned long a1,
				  unsigned long a2, unsigned long a3,
				  unsigned long a4, unsigned long a5)
{
	return static_call(xpv_hypercall)(op, a1, a2, a3, a4, a5);
}

static inline long xpv_hypercall0(unsigned int op)
{
	return xpv_hypercall5(op, 0, 0, 0, 0, 0);
}

static inline long xpv_hypercall1(unsigned int op, unsigned long a1)
{
	return xpv_hypercall5(op, a1, 0, 0, 0, 0);
}

static inline long xpv_hypercall2(unsigned int op, unsigned long a1,
				  unsigned long a2)
{
	return xpv_hypercall5(op, a1, a2, 0, 0, 0);
}

static inline long xpv_hypercall3(unsigned int op, unsigned long a1,
				  unsigned long a2, unsigned long a3)
{
	return xpv_hypercall5(op, a1, a2, a3, 0, 0);
}

static inline long xpv_hypercall4(unsigned int op, unsigned long a1,
				  unsigned long a2, unsigned long a3,
				  unsigned long a4)
{
	return xpv_hypercall5(op, a1, a2, a3, a4, 0);
}

/* Typed wrappers over the public ABI (include/xen/interface/). */

static inline int xpv_event_channel_op(int cmd, void *arg)
{
	return xpv_hypercall2(__HYPERVISOR_event_channel_op, cmd,
			      (unsigned long)arg);
}

static inline int xpv_memory_op(unsigned int cmd, void *arg)
{
	return xpv_hypercall2(__HYPERVISOR_memory_op, cmd, (unsigned long)arg);
}

static inline int xpv_grant_table_op(unsigned int cmd, void *uop,
				     unsigned int count)
{
	return xpv_hypercall3(__HYPERVISOR_grant_table_op, cmd,
			      (unsigned long)uop, count);
}

static inline int xpv_hvm_op(int op, void *arg)
{
	return xpv_hypercall2(__HYPERVISOR_hvm_op, op, (unsigned long)arg);
}

static inline int xpv_sched_op(int cmd, void *arg)
{
	return xpv_hypercall2(__HYPERVISOR_sched_op, cmd, (unsigned long)arg);
}

static inline int xpv_vcpu_op(int cmd, int vcpuid, void *arg)
{
	return xpv_hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpuid,
			      (unsigned long)arg);
}

static inline int xpv_xen_version(int cmd, void *arg)
{
	return xpv_hypercall2(__HYPERVISOR_xen_version, cmd,
			      (unsigned long)arg);
}

#endif /* _XPV_HYPERCALL_H */
