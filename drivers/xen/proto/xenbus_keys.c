// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenbus key names shared by every split driver (see xenbus_keys.h).
 */
#include "xenbus_keys.h"

/* Largest ring-page-order a key name is built for (16 pages). */
#define XPV_XB_MAX_KEY_ORDER	4

/*
 * Append @s to @buf (@len used so far, @size in all); the result stays
 * NUL-terminated.  Return: the new length, or -ENOSPC (@buf then holds "").
 */
static int xb_append(char *buf, size_t size, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len + n + 1 > size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf + len, s, n + 1);
	return (int)(len + n);
}

/* Append @val in decimal, as xb_append(). */
static int xb_append_uint(char *buf, size_t size, size_t len,
			  unsigned int val)
{
	char tmp[12];
	int n = sizeof(tmp) - 1;

	tmp[n] = '\0';
	do {
		tmp[--n] = (char)('0' + val % 10);
		val /= 10;
	} while (val);
	return xb_append(buf, size, len, tmp + n);
}

/**
 * xpv_xb_queue_dir() - the directory of one queue's keys
 * @buf: destination
 * @size: its size
 * @nr_queues: the queue count in use; 0 or 1 means keys at the top level
 * @index: the queue, below @nr_queues (0 when @nr_queues is 0)
 *
 * Writes "" when @nr_queues <= 1, else "queue-<index>/".
 *
 * Return: 0; -EINVAL for an @index out of range; -ENOSPC when @buf is too
 * small (then @buf holds "" if @size allows).
 */
int xpv_xb_queue_dir(char *buf, size_t size, unsigned int nr_queues,
		     unsigned int index)
{
	int n;

	if (index >= (nr_queues ? nr_queues : 1))
		return -EINVAL;
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	if (nr_queues <= 1)
		return 0;
	n = xb_append(buf, size, 0, "queue-");
	if (n >= 0)
		n = xb_append_uint(buf, size, n, index);
	if (n >= 0)
		n = xb_append(buf, size, n, "/");
	return n < 0 ? n : 0;
}

/**
 * xpv_xb_node() - "<dir><key>"
 * @buf: destination
 * @size: its size
 * @dir: "" or a queue directory from xpv_xb_queue_dir(); NULL means ""
 * @key: the key
 *
 * Return: 0 or -ENOSPC.
 */
int xpv_xb_node(char *buf, size_t size, const char *dir, const char *key)
{
	int n;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	n = xb_append(buf, size, 0, dir ? dir : "");
	if (n >= 0)
		n = xb_append(buf, size, n, key);
	return n < 0 ? n : 0;
}

/**
 * xpv_xb_ring_ref_node() - the node of one ring page's grant reference
 * @buf: destination
 * @size: its size
 * @dir: "" or a queue directory; NULL means ""
 * @key: the driver's key, e.g. "ring-ref" or "tx-ring-ref"
 * @order: log2 of the ring's pages (0..4)
 * @order_keys: true when the pages are named "<key>0".."<key>N-1" (the
 *	ring-page-order key is written); false for a one-page ring named
 *	"<key>"
 * @i: the page, below 1 << @order
 *
 * Return: 0; -EINVAL for an @order above 4, an @i out of range or a ring
 * of several pages without @order_keys; -ENOSPC when @buf is too small.
 */
int xpv_xb_ring_ref_node(char *buf, size_t size, const char *dir,
			 const char *key, unsigned int order, bool order_keys,
			 unsigned int i)
{
	int n;

	if (order > XPV_XB_MAX_KEY_ORDER || i >= (1U << order) ||
	    (!order_keys && order))
		return -EINVAL;
	n = xpv_xb_node(buf, size, dir, key);
	if (n < 0 || !order_keys)
		return n;
	n = xb_append_uint(buf, size, strlen(buf), i);
	return n < 0 ? n : 0;
}
