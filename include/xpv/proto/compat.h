/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv proto: the tiny portable shim under the pure-C protocol code.
 *
 * The proto files (ring bookkeeping, request parsing, peer validation) are
 * compiled both into the kernel and into user-space selftests and fuzzers.
 * They use only what this header provides: fixed-width types, bool,
 * READ_ONCE()/WRITE_ONCE(), barrier(), the virt_*() barriers that order
 * accesses to memory shared with another domain, likely()/unlikely(),
 * static_assert(), __maybe_unused, ARRAY_SIZE(), xpv_ring_relax() (the
 * pause between two polls of a peer's index), the string functions
 * (memcpy(), memset(), strlen(), ...) and errno values.
 *
 * It is the one shim of every proto file: the blkif and netif protos
 * (drivers/block/xen-blk/, drivers/net/xen-net/) and the xenstore, xenbus
 * and grant logic of drivers/xen/proto/ alike.
 *
 * In the kernel (__KERNEL__) everything maps to <linux/...>.  In user space
 * the types are the compiler's fixed-width types, the accessors are relaxed C11 atomics
 * (compiler builtins) and the barriers are C11 fences, which are at least
 * as strong as the kernel's virt_*() barriers on every architecture.
 */
#ifndef _XPV_PROTO_COMPAT_H
#define _XPV_PROTO_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

#else /* !__KERNEL__ */

#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

/* One untorn access the compiler may neither repeat, fuse nor elide. */
#ifndef READ_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#endif

#ifndef barrier
#define barrier()		atomic_signal_fence(memory_order_seq_cst)
#endif

/*
 * Ordering against the peer (another CPU, process or domain):
 * virt_mb() orders all earlier accesses before all later ones (a full
 * fence, as needed between publishing an index and reading the peer's
 * event index);
 */
#define virt_mb()		atomic_thread_fence(memory_order_seq_cst)
/* virt_rmb() orders earlier loads before later loads (acquire fence); */
#define virt_rmb()		atomic_thread_fence(memory_order_acquire)
/* virt_wmb() orders earlier stores before later stores (release fence). */
#define virt_wmb()		atomic_thread_fence(memory_order_release)

/* For helpers a macro defines that a file may not all use (clang warns). */
#ifndef __maybe_unused
#ifdef __attribute_maybe_unused__	/* glibc <sys/cdefs.h> */
#define __maybe_unused		__attribute_maybe_unused__
#else
#define __maybe_unused
#endif
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#endif /* !__KERNEL__ */

/*
 * xpv_ring_relax() - pause between two polls of the peer's producer index:
 * cpu_relax() in the kernel (PAUSE on x86, which also lets a hypervisor
 * with pause-loop exiting run another vCPU), the same instruction in user
 * space.
 */
#ifndef xpv_ring_relax
#ifdef __KERNEL__
#include <linux/processor.h>
#define xpv_ring_relax()	cpu_relax()
#elif defined(__x86_64__) || defined(__i386__)
#define xpv_ring_relax()	__builtin_ia32_pause()
#else
#define xpv_ring_relax()	barrier()
#endif
#endif

#endif /* _XPV_PROTO_COMPAT_H */
