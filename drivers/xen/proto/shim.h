/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny portability shim for xpv's pure protocol logic.
 *
 * Files in drivers/xpv/proto/ are compiled both into the kernel and into
 * the user-space selftests (the tools/virtio pattern). They include only
 * this header for kernel facilities: fixed width types, errno values,
 * string functions, READ_ONCE/WRITE_ONCE and the ring barriers. The
 * selftests build without __KERNEL__ and provide the same names in
 * selftests/xen-core/xpv_user_shim.h.
 */
#ifndef _XPV_PROTO_SHIM_H
#define _XPV_PROTO_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <asm/barrier.h>

/*
 * Barriers for rings shared with another domain: order our reads of ring
 * data after the read of the peer's producer index (rmb), our writes of
 * ring data before the producer index we publish (wmb), and our reads of
 * ring data before the consumer index we publish (mb).
 */
/* read ring data only after the producer index */
#define xpv_rmb()	virt_rmb()
/* write ring data before publishing the producer index */
#define xpv_wmb()	virt_wmb()
/* finish with ring data before publishing the consumer index */
#define xpv_mb()	virt_mb()

#else
#include "xpv_user_shim.h"
#endif

#endif /* _XPV_PROTO_SHIM_H */
