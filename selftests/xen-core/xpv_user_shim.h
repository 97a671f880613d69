/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space side of drivers/xen/proto/shim.h: the few kernel names the
 * pure protocol files use, mapped onto libc and compiler builtins.
 */
#ifndef _XPV_USER_SHIM_H
#define _XPV_USER_SHIM_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define xpv_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xpv_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define xpv_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
