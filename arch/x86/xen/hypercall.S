/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: the two hypercall stubs.  Exactly one of them becomes the target of
 * the xpv_hypercall static call at boot, chosen by CPU vendor.
 *
 * C calling convention in:  rdi=op rsi=a1 rdx=a2 rcx=a3 r8=a4 r9=a5
 * Xen hypercall convention: rax=op rdi=a1 rsi=a2 rdx=a3 r10=a4 r8=a5
 * Everything Xen may clobber is caller-saved in the C convention.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

.macro XPV_HYPERCALL_ARGS
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
.endm

	.text

/* Intel VMX and everything that is not AMD/Hygon. */
SYM_FUNC_START(xpv_hypercall_vmcall)
	XPV_HYPERCALL_ARGS
	vmcall
	RET
SYM_FUNC_END(xpv_hypercall_vmcall)

/* AMD SVM (and Hygon). */
SYM_FUNC_START(xpv_hypercall_vmmcall)
	XPV_HYPERCALL_ARGS
	vmmcall
	RET
SYM_FUNC_END(xpv_hypercall_vmmcall)
