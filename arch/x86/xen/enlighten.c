// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv L0: find Xen, pick the hypercall instruction, map shared_info and
 * hand the PVH platform hooks to the rest of xpv.
 *
 * Boot flow on Xen (PVH):
 *  1. pvh_start_xen -> xen_prepare_pvh() -> xen_pvh_init() (here): only
 *     notes that this is a PVH boot.  .bss is cleared after this point, so
 *     nothing else may be kept from it.
 *  2. setup_arch() -> init_hypervisor_platform() -> xpv_detect(): CPUID
 *     signature and version check; xpv_init_platform(): static call target
 *     for hypercalls, shared_info, boot console on port 0xE9, x86_init and
 *     x86_platform hooks for interrupts, time and shutdown.
 *  3. init_IRQ() -> xpv_init_IRQ() (irq.c): callback vector, event
 *     channels, vcpu_info of the boot CPU, CPU hotplug callbacks.
 *  4. late time init -> xpv clocksource and per-CPU clock events (time.c).
 */
#define pr_fmt(fmt) "xpv: " fmt

#include <linux/console.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/static_call.h>
#include <asm/bootparam.h>
#include <asm/hypervisor.h>
#include <asm/i8259.h>
#include <linux/io.h>
#include <asm/io_apic.h>
#include <asm/paravirt.h>
#include <linux/processor.h>
#include <asm/x86_init.h>
#include <asm/xen/hypervisor.h>
#include <linux/acpi.h>
#include <xen/interface/xen.h>
#include <xen/interface/features.h>
#include <xen/interface/memory.h>
#include <xen/interface/version.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <xpv/hypercall.h>
#include <xpv/xpv.h>

#include "xpv-internal.h"

/* Xen 4.6 has everything xpv uses (callback vector, vcpu_info, pvclock). */
#define XPV_MIN_XEN_MAJOR	4
#define XPV_MIN_XEN_MINOR	6

#define XPV_DEBUG_PORT		0xe9

/*
 * Set by xen_pvh_init() before .bss is cleared, hence __ro_after_init
 * (a data section) rather than a zero-initialised global.
 */
static bool xpv_pvh_boot __ro_after_init;

bool xpv_active __ro_after_init;
EXPORT_SYMBOL_GPL(xpv_active);

struct shared_info *xpv_shared_info __ro_after_init;
EXPORT_SYMBOL_GPL(xpv_shared_info);

u32 xpv_features __ro_after_init;
u32 xpv_cpuid_base __ro_after_init;

/* The page Xen's shared_info is mapped over (its RAM goes back to Xen). */
static union {
	struct shared_info info;
	u8 page[PAGE_SIZE];
} xpv_shared_page __page_aligned_bss;

long xpv_hypercall_unready(unsigned long op, unsigned long a1,
			   unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5)
{
	return -ENODEV;
}

DEFINE_STATIC_CALL(xpv_hypercall, xpv_hypercall_unready);
EXPORT_STATIC_CALL_TRAMP_GPL(xpv_hypercall);

/*
 * AMD (and Hygon) use vmmcall, Intel and the rest vmcall.  Read straight
 * from CPUID so it also works before boot_cpu_data exists.
 */
static bool __init xpv_cpu_wants_vmmcall(void)
{
	u32 eax, ebx, ecx, edx;

	cpuid(0, &eax, &ebx, &ecx, &edx);
	/* "AuthenticAMD" and "HygonGenuine" */
	return (ebx == 0x68747541 && edx == 0x69746e65 && ecx == 0x444d4163) ||
	       (ebx == 0x6f677948 && edx == 0x6e65476e && ecx == 0x656e6975);
}

/**
 * xen_pvh_init() - PVH entry hook, called from xen_prepare_pvh()
 * @boot_params: the boot parameters being built from the PVH start info
 *
 * Runs before .bss is cleared and before any console exists: it only
 * records that this is a PVH boot.  Everything else waits for
 * xpv_init_platform().
 */
void __init xen_pvh_init(struct boot_params *boot_params)
{
	xpv_pvh_boot = true;
}

/**
 * mem_map_via_hcall() - fetch the e820 map from Xen (PVH start info v0)
 * @boot_params_p: boot parameters to fill
 *
 * Only used when the start info carries no memory map.  Runs before the
 * static call is set, so it calls the stub for this CPU directly.
 */
void __init mem_map_via_hcall(struct boot_params *boot_params_p)
{
	struct xen_memory_map map = {
		.nr_entries = ARRAY_SIZE(boot_params_p->e820_table),
	};
	long rc;

	set_xen_guest_handle(map.buffer, boot_params_p->e820_table);
	if (xpv_cpu_wants_vmmcall())
		rc = xpv_hypercall_vmmcall(__HYPERVISOR_memory_op,
					   XENMEM_memory_map,
					   (unsigned long)&map, 0, 0, 0);
	else
		rc = xpv_hypercall_vmcall(__HYPERVISOR_memory_op,
					  XENMEM_memory_map,
					  (unsigned long)&map, 0, 0, 0);
	/* Nothing can be printed yet; an empty map stops the boot. */
	boot_params_p->e820_entries = rc ? 0 : map.nr_entries;
}

/**
 * xpv_hvm_get_param() - read an HVM parameter of this domain
 * @idx: HVM_PARAM_* index
 * @value: where to store the value
 *
 * Return: 0 or a negative Xen error code.
 */
int xpv_hvm_get_param(int idx, u64 *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = idx };
	int rc;

	rc = xpv_hvm_op(HVMOP_get_param, &p);
	if (!rc)
		*value = p.value;
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_hvm_get_param);

/**
 * xpv_hvm_set_param() - write an HVM parameter of this domain
 * @idx: HVM_PARAM_* index
 * @value: the new value
 *
 * Return: 0 or a negative Xen error code.
 */
int xpv_hvm_set_param(int idx, u64 value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF, .index = idx, .value = value,
	};

	return xpv_hvm_op(HVMOP_set_param, &p);
}
EXPORT_SYMBOL_GPL(xpv_hvm_set_param);

/* Boot console: Xen echoes port 0xE9 of HVM/PVH guests to its own log. */
static void xpv_e9_write(struct console *con, const char *s, unsigned int n)
{
	while (n--)
		outb(*s++, XPV_DEBUG_PORT);
}

static struct console xpv_e9_console = {
	.name	= "xpve9",
	.write	= xpv_e9_write,
	.flags	= CON_PRINTBUFFER | CON_BOOT | CON_ANYTIME,
	.index	= -1,
};

static bool xpv_no_e9 __initdata;

static int __init xpv_parse_noe9(char *arg)
{
	xpv_no_e9 = true;
	return 0;
}
early_param("xpv_noe9", xpv_parse_noe9);

static u32 __init xpv_detect(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	u32 base, eax, ebx, ecx, edx, major, minor;

	base = xen_cpuid_base();
	if (!base) {
		pr_info("no Xen signature in CPUID, xpv stays inactive\n");
		return 0;
	}
	cpuid(base + 1, &eax, &ebx, &ecx, &edx);
	major = eax >> 16;
	minor = eax & 0xffff;
	if (major < XPV_MIN_XEN_MAJOR ||
	    (major == XPV_MIN_XEN_MAJOR && minor < XPV_MIN_XEN_MINOR)) {
		pr_warn("Xen %u.%u is older than %u.%u, xpv stays inactive\n",
			major, minor, XPV_MIN_XEN_MAJOR, XPV_MIN_XEN_MINOR);
		return 0;
	}
	if (!xpv_pvh_boot) {
		pr_warn("Xen %u.%u found, but this is not a PVH boot: xpv supports PVH guests only and stays inactive\n",
			major, minor);
		return 0;
	}

	/* Hypercalls from here on; undone below if Xen lacks a feature. */
	if (xpv_cpu_wants_vmmcall())
		static_call_update(xpv_hypercall, xpv_hypercall_vmmcall);
	else
		static_call_update(xpv_hypercall, xpv_hypercall_vmcall);

	if (xpv_xen_version(XENVER_get_features, &fi)) {
		pr_warn("XENVER_get_features failed, xpv stays inactive\n");
		goto out_unready;
	}
	if (!(fi.submap & BIT(XENFEAT_hvm_callback_vector)) ||
	    !(fi.submap & BIT(XENFEAT_hvm_safe_pvclock))) {
		pr_warn("Xen lacks the callback vector or a safe pvclock (features %#x), xpv stays inactive\n",
			fi.submap);
		goto out_unready;
	}
	xpv_features = fi.submap;
	xpv_cpuid_base = base;
	/* Above a Viridian signature at 0x40000000, so Xen wins the vote. */
	return base;

out_unready:
	static_call_update(xpv_hypercall, xpv_hypercall_unready);
	return 0;
}

/*
 * At boot, and again after a restore (the new domain's shared_info goes to
 * the same page).  Without it nothing works, so a failure is fatal.
 */
void xpv_map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid	= DOMID_SELF,
		.idx	= 0,
		.space	= XENMAPSPACE_shared_info,
		.gpfn	= PHYS_PFN(__pa_symbol(&xpv_shared_page)),
	};
	int rc;

	BUILD_BUG_ON(sizeof(struct shared_info) > PAGE_SIZE);
	rc = xpv_memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc)
		panic("xpv: cannot map shared_info (%d)\n", rc);
	/* Set once at boot (read-only after init); the same page after. */
	if (!xpv_shared_info)
		xpv_shared_info = &xpv_shared_page.info;
}

static void __init xpv_init_platform(void)
{
	long ver;

	if (!xpv_no_e9)
		register_console(&xpv_e9_console);

	ver = xpv_xen_version(XENVER_version, NULL);
	pr_info("running as a PVH guest on Xen %ld.%ld (%s, CPUID base %#x, features %#x)\n",
		ver >> 16, ver & 0xffff,
		xpv_cpu_wants_vmmcall() ? "vmmcall" : "vmcall",
		xpv_cpuid_base, xpv_features);

	xpv_map_shared_info();
	xpv_active = true;

	/* Xen emulates no 8259 PIC for a PVH guest. */
	legacy_pic = &null_legacy_pic;
#ifdef CONFIG_PARAVIRT
	pv_info.name = "Xen PVH (xpv)";
#endif

	xpv_irq_init_platform();
	xpv_time_init_platform();
	xpv_reboot_init_platform();
}

static void __init xpv_guest_late_init(void)
{
#ifdef CONFIG_ACPI
	/* PVH has neither an IO-APIC nor a PIC: do not let ACPI assume one. */
	if (!nr_ioapics && acpi_irq_model == ACPI_IRQ_MODEL_PIC)
		acpi_irq_model = ACPI_IRQ_MODEL_PLATFORM;
#endif
}

const __initconst struct hypervisor_x86 x86_hyper_xpv = {
	.name			= "Xen PVH (xpv)",
	.detect			= xpv_detect,
	.type			= X86_HYPER_XEN_HVM,
	.init.init_platform	= xpv_init_platform,
	.init.guest_late_init	= xpv_guest_late_init,
	/* A PVH guest cannot run without its hypervisor support. */
	.ignore_nopv		= true,
};
