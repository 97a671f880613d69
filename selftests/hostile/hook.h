/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The copy-once hook of the hostile-peer selftests.
 *
 * Every file of a hostile test program, the proto sources included, is
 * compiled with "-include hook.h", so each memcpy() goes through
 * hostile_memcpy().  A test arms a watch on bytes of the shared page (a
 * ring slot, an indirect page); right after the first copy that reads
 * them, the hook calls the test's function, which rewrites them the way a
 * peer on another CPU could.  A parser that copies once and then uses only
 * its copy cannot see the rewrite; one that reads the shared bytes again
 * (a double fetch) gets the hostile values and the test's assertions on
 * the parsed result fail.
 */
#ifndef _XPV_HOSTILE_HOOK_H
#define _XPV_HOSTILE_HOOK_H

#include <stddef.h>
#include <string.h>

typedef void (*hostile_fn)(void *arg);

/**
 * struct hostile_watch - the armed watch
 * @lo: first watched byte
 * @len: watched bytes
 * @fn: called once, right after the first copy that reads a watched byte
 * @arg: its argument
 * @reads: copies that read a watched byte since hostile_arm()
 */
struct hostile_watch {
	const unsigned char *lo;
	size_t len;
	hostile_fn fn;
	void *arg;
	unsigned int reads;
};

extern struct hostile_watch hostile_watch;

void hostile_arm(const void *lo, size_t len, hostile_fn fn, void *arg);
void hostile_disarm(void);
void *hostile_memcpy(void *dst, const void *src, size_t n);

#define memcpy(dst, src, n)	hostile_memcpy(dst, src, n)

/*
 * READ_ONCE() goes through the hook too (after the load): a value that may
 * change under the reader (a shared index, a limit another thread
 * updates) is watched the same way, and a check that reads it twice sees
 * the rewrite. Defined before include/xpv/proto/compat.h, which keeps it.
 */
void hostile_read_once(const void *p, size_t n);
#define READ_ONCE(x) ({						\
	__typeof__(x) *p__ = &(x);					\
	__typeof__(x) v__ = __atomic_load_n(p__, __ATOMIC_RELAXED);	\
	hostile_read_once(p__, sizeof(*p__));				\
	v__;								\
})

#endif /* _XPV_HOSTILE_HOOK_H */
