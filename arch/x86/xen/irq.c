// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv L0: event upcall and per-vCPU state.
 *
 * Xen raises events by setting evtchn_upcall_pending in a vCPU's vcpu_info
 * and injecting the callback vector, which xpv registers once for the whole
 * domain with HVM_PARAM_CALLBACK_IRQ (type "vector").  Xen keeps injecting
 * it while evtchn_upcall_pending is set, so the handler clears that first.
 * The vector arrives without going through the local APIC, so no EOI.
 *
 * Each vCPU gets its own vcpu_info in per-CPU memory
 * (VCPUOP_register_vcpu_info); until then the boot vCPU uses its slot in
 * shared_info.  Secondary vCPUs are registered from the CPU that brings them
 * up (CPU hotplug "prepare" stage), before they run a single instruction.
 */
#define pr_fmt(fmt) "xpv: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/irq_regs.h>
#include <asm/irq_vectors.h>
#include <linux/smp.h>
#include <asm/x86_init.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/xen.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <xpv/events.h>
#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "xpv-internal.h"

DEFINE_PER_CPU(struct vcpu_info *, xpv_vcpu_info);
EXPORT_PER_CPU_SYMBOL_GPL(xpv_vcpu_info);
DEFINE_PER_CPU(u32, xpv_vcpu_nr);
EXPORT_PER_CPU_SYMBOL_GPL(xpv_vcpu_nr);

/* 64 bytes, 64-byte aligned: never straddles a page, as Xen requires. */
static DEFINE_PER_CPU_ALIGNED(struct vcpu_info, xpv_vcpu_info_area);
/* Restored into a new domain: register the vcpu_info again at bring-up. */
static DEFINE_PER_CPU(bool, xpv_vcpu_info_recheck);

static void (*xpv_native_intr_init)(void) __initdata;

/* Per-vCPU upcall vector (through the local APIC) rather than the global one. */
static bool xpv_percpu_upcall __ro_after_init;
static bool xpv_force_global_upcall __initdata;

static int __init xpv_parse_upcall(char *arg)
{
	xpv_force_global_upcall = arg && !strcmp(arg, "global");
	return 0;
}
early_param("xpv_upcall", xpv_parse_upcall);

DEFINE_IDTENTRY_SYSVEC(sysvec_xpv_callback)
{
	struct pt_regs *old_regs = set_irq_regs(regs);

	if (xpv_percpu_upcall)
		ack_APIC_irq();
	inc_irq_stat(irq_hv_callback_count);
	xpv_evtchn_do_upcall();
	set_irq_regs(old_regs);
}

/*
 * Xen numbers vCPUs as the ACPI processor UIDs of the MADT it builds for a
 * PVH guest; the boot CPU is vCPU 0.
 */
static u32 xpv_cpu_to_vcpu(unsigned int cpu)
{
	u32 acpi_id;

	if (!cpu)
		return 0;
#ifdef CONFIG_ACPI
	acpi_id = per_cpu(x86_cpu_to_acpiid, cpu);
	if (acpi_id != U32_MAX)
		return acpi_id;
#endif
	acpi_id = cpu;
	return acpi_id;
}

static int xpv_register_vcpu_info(unsigned int cpu)
{
	struct vcpu_info *vi = per_cpu_ptr(&xpv_vcpu_info_area, cpu);
	phys_addr_t pa = per_cpu_ptr_to_phys(vi);
	struct vcpu_register_vcpu_info info = {
		.mfn	= PHYS_PFN(pa),
		.offset	= offset_in_page(pa),
	};
	u32 vcpu = per_cpu(xpv_vcpu_nr, cpu);
	int rc;

	BUILD_BUG_ON(sizeof(struct vcpu_info) != 64);
	if (per_cpu(xpv_vcpu_info, cpu) == vi &&
	    !per_cpu(xpv_vcpu_info_recheck, cpu))
		return 0;

	rc = xpv_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &info);
	if (per_cpu(xpv_vcpu_info_recheck, cpu)) {
		per_cpu(xpv_vcpu_info_recheck, cpu) = false;
		/*
		 * After a restore: registered again, or refused because the
		 * registration came along with the domain (same page): both
		 * leave Xen writing to our area.
		 */
		if (!rc || rc == -EINVAL) {
			pr_info("vCPU %u: vcpu_info %s after resume\n", vcpu,
				rc ? "kept by Xen" : "registered again");
			return 0;
		}
	}
	if (!rc) {
		per_cpu(xpv_vcpu_info, cpu) = vi;
		return 0;
	}
	if (vcpu < MAX_VIRT_CPUS) {
		pr_warn("vCPU %u: VCPUOP_register_vcpu_info failed (%d), using the shared_info slot\n",
			vcpu, rc);
		per_cpu(xpv_vcpu_info, cpu) = &xpv_shared_info->vcpu_info[vcpu];
		return 0;
	}
	pr_err("vCPU %u: no vcpu_info (%d), CPU %u cannot come up\n",
	       vcpu, rc, cpu);
	return -ENODEV;
}

static int xpv_set_upcall_vector(unsigned int cpu)
{
	struct xen_hvm_evtchn_upcall_vector op = {
		.vcpu	= xpv_vcpu_id(cpu),
		.vector	= HYPERVISOR_CALLBACK_VECTOR,
	};

	if (!xpv_percpu_upcall)
		return 0;
	return xpv_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
}

/*
 * Setting HVM_PARAM_CALLBACK_IRQ also makes Xen latch the 64-bit
 * shared_info layout (until then it writes the 32-bit one, and the wall
 * clock and event words are read at the wrong offsets).  With the per-vCPU
 * vector, GSI 1 (absent on PVH) is only that latch: Xen prefers the
 * per-vCPU vector for delivery.
 */
static int xpv_set_callback(void)
{
	u64 via;

	if (xpv_percpu_upcall)
		via = 1;
	else
		via = ((u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) |
		      HYPERVISOR_CALLBACK_VECTOR;
	return xpv_hvm_set_param(HVM_PARAM_CALLBACK_IRQ, via);
}

static int xpv_cpu_prepare(unsigned int cpu)
{
	int rc;

	per_cpu(xpv_vcpu_nr, cpu) = xpv_cpu_to_vcpu(cpu);
	rc = xpv_register_vcpu_info(cpu);
	if (rc)
		return rc;
	rc = xpv_set_upcall_vector(cpu);
	if (rc) {
		pr_err("CPU %u: cannot set its upcall vector (%d)\n", cpu, rc);
		return -ENODEV;
	}
	/* Before the timer VIRQ is bound: FIFO needs the control block. */
	rc = xpv_evtchn_prepare_cpu(cpu);
	if (rc) {
		pr_err("CPU %u: no event channels (%d)\n", cpu, rc);
		return -ENODEV;
	}
	return xpv_time_prepare_cpu(cpu);
}

static int xpv_cpu_dead(unsigned int cpu)
{
	/* The vcpu_info stays registered: Xen cannot move it again. */
	xpv_time_dead_cpu(cpu);
	/* After the timer VIRQ is closed: nothing is bound to the vCPU now. */
	xpv_evtchn_dead_cpu(cpu);
	return 0;
}

static void __init xpv_init_IRQ(void)
{
	u32 eax, ebx, ecx, edx;
	int rc;

	/* Before the native code fills the rest of the IDT. */
	alloc_intr_gate(HYPERVISOR_CALLBACK_VECTOR, asm_sysvec_xpv_callback);
	xpv_native_intr_init();

	rc = xpv_register_vcpu_info(0);
	if (rc)
		panic("xpv: no vcpu_info for the boot vCPU\n");

	rc = xpv_evtchn_init();
	if (rc)
		panic("xpv: event channel setup failed (%d)\n", rc);

	cpuid(xpv_cpuid_base, &eax, &ebx, &ecx, &edx);
	if (eax >= xpv_cpuid_base + 4) {
		cpuid(xpv_cpuid_base + 4, &eax, &ebx, &ecx, &edx);
		xpv_percpu_upcall = (eax & XEN_HVM_CPUID_UPCALL_VECTOR) &&
				    !xpv_force_global_upcall;
	}
	if (xpv_percpu_upcall) {
		rc = xpv_set_upcall_vector(0);
		if (rc) {
			pr_warn("per-vCPU upcall vector refused (%d)\n", rc);
			xpv_percpu_upcall = false;
		}
	}
	rc = xpv_set_callback();
	if (rc)
		panic("xpv: cannot set the callback (%d)\n", rc);
	pr_info("event upcalls on vector %#x (%s)\n", HYPERVISOR_CALLBACK_VECTOR,
		xpv_percpu_upcall ? "per-vCPU, through the local APIC" :
				    "domain-wide callback");

	rc = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "x86/xpv:prepare",
				       xpv_cpu_prepare, xpv_cpu_dead);
	if (rc < 0)
		pr_err("cannot register CPU hotplug callbacks (%d): secondary vCPUs will not get events\n",
		       rc);
}

/**
 * xpv_irq_resume() - event delivery of the calling CPU after a suspend
 * @cancelled: the suspend was cancelled: Xen kept everything
 *
 * A restored domain is a new one: its vCPUs use their shared_info slots
 * until they register a vcpu_info again, and it has no upcall vector or
 * callback.  The calling CPU (the only one online) registers everything
 * again; the offline CPUs are taken down in Xen (which registers a
 * vcpu_info only for the caller or a down vCPU), and their next bring-up
 * (xpv_cpu_prepare()) registers theirs.  Interrupts off.
 */
void xpv_irq_resume(bool cancelled)
{
	unsigned int this = smp_processor_id(), cpu;
	int rc;

	if (cancelled)
		return;
	for_each_possible_cpu(cpu) {
		if (per_cpu(xpv_vcpu_info, cpu) ==
		    per_cpu_ptr(&xpv_vcpu_info_area, cpu))
			per_cpu(xpv_vcpu_info_recheck, cpu) = true;
		else
			per_cpu(xpv_vcpu_info, cpu) = NULL;
		if (cpu == this || !per_cpu(xpv_vcpu_nr, cpu))
			continue;
		/*
		 * Xen restored the offline vCPUs as running (halted in
		 * play_dead), and registers a vcpu_info only for the caller or
		 * a vCPU that is down: take them down; their bring-up
		 * (INIT/SIPI) starts them afresh.
		 */
		xpv_vcpu_op(VCPUOP_down, per_cpu(xpv_vcpu_nr, cpu), NULL);
	}
	rc = xpv_register_vcpu_info(this);
	if (rc)
		pr_err("vCPU %u: no vcpu_info after resume (%d)\n",
		       xpv_vcpu_id(this), rc);
	rc = xpv_set_upcall_vector(this);
	if (rc)
		pr_err("vCPU %u: upcall vector refused after resume (%d)\n",
		       xpv_vcpu_id(this), rc);
	rc = xpv_set_callback();
	if (rc)
		pr_err("callback not set after resume (%d): no events\n", rc);
}

void __init xpv_irq_init_platform(void)
{
	/* Until init_IRQ the boot vCPU uses its slot in shared_info. */
	per_cpu(xpv_vcpu_nr, 0) = 0;
	per_cpu(xpv_vcpu_info, 0) = &xpv_shared_info->vcpu_info[0];

	xpv_native_intr_init = x86_init.irqs.intr_init;
	x86_init.irqs.intr_init = xpv_init_IRQ;
}
