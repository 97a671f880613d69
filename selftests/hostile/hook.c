// SPDX-License-Identifier: GPL-2.0-only
/*
 * The copy-once hook of the hostile-peer selftests (see hook.h).
 */
#include "hook.h"

struct hostile_watch hostile_watch;

void hostile_arm(const void *lo, size_t len, hostile_fn fn, void *arg)
{
	hostile_watch.lo = lo;
	hostile_watch.len = len;
	hostile_watch.fn = fn;
	hostile_watch.arg = arg;
	hostile_watch.reads = 0;
}

void hostile_disarm(void)
{
	hostile_watch.lo = NULL;
	hostile_watch.len = 0;
	hostile_watch.fn = NULL;
}

/* A read of [src, src + n) happened: count it, fire the watch once. */
static void hostile_seen(const void *src, size_t n)
{
	const unsigned char *s = src, *lo = hostile_watch.lo;
	hostile_fn fn;

	if (!lo || !n || s >= lo + hostile_watch.len || s + n <= lo)
		return;
	hostile_watch.reads++;
	fn = hostile_watch.fn;
	hostile_watch.fn = NULL;
	if (fn)
		fn(hostile_watch.arg);
}

void *hostile_memcpy(void *dst, const void *src, size_t n)
{
	(memcpy)(dst, src, n);
	hostile_seen(src, n);
	return dst;
}

void hostile_read_once(const void *p, size_t n)
{
	hostile_seen(p, n);
}
