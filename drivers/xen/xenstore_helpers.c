// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: xenstore helpers written on the provider's primitive calls
 * (xpv_xs_read(), xpv_xs_write(), xpv_xs_watch_register()): formatted
 * writes and reads, the strict number reader and formatted watch paths.
 * Compiled into the native provider and, from the same file, into the
 * dom0-compat module.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xpv/xenstore.h>

#include "proto/xs_proto.h"

/**
 * xpv_xs_printf() - write a formatted value
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 * @fmt: printf format
 *
 * Return: 0 or a negative errno.
 */
int xpv_xs_printf(struct xpv_xbt t, const char *dir, const char *node,
		  const char *fmt, ...)
{
	va_list ap;
	char *buf;
	int err;

	va_start(ap, fmt);
	/* As the kernel's xenbus_printf(): may run on a block I/O path. */
	buf = kvasprintf(GFP_NOIO | __GFP_HIGH, fmt, ap);
	va_end(ap);
	if (!buf)
		return -ENOMEM;
	err = xpv_xs_write(t, dir, node, buf);
	kfree(buf);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_printf);

/**
 * xpv_xs_scanf() - read a node and parse it with sscanf()
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 * @fmt: scanf format
 *
 * Prefer xpv_xs_read_uint() for numbers: sscanf() accepts trailing garbage.
 *
 * Return: the number of items converted (> 0), -ERANGE when nothing
 * matched, or a negative errno from the read.
 */
int xpv_xs_scanf(struct xpv_xbt t, const char *dir, const char *node,
		 const char *fmt, ...)
{
	va_list ap;
	char *val;
	int ret;

	val = xpv_xs_read(t, dir, node, NULL);
	if (IS_ERR(val))
		return PTR_ERR(val);
	va_start(ap, fmt);
	ret = vsscanf(val, fmt, ap);
	va_end(ap);
	kfree(val);
	return ret > 0 ? ret : -ERANGE;
}
EXPORT_SYMBOL_GPL(xpv_xs_scanf);

/**
 * xpv_xs_read_uint() - read a node holding a decimal number, strictly
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 * @max: largest acceptable value
 * @val: result
 *
 * Return: 0; -EINVAL for anything but plain decimal digits; -ERANGE above
 * @max; or a negative errno from the read.
 */
int xpv_xs_read_uint(struct xpv_xbt t, const char *dir, const char *node,
		     u64 max, u64 *val)
{
	unsigned int len;
	char *s;
	int err;

	s = xpv_xs_read(t, dir, node, &len);
	if (IS_ERR(s))
		return PTR_ERR(s);
	err = xpv_xs_parse_uint(s, len, max, val);
	kfree(s);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_read_uint);

/**
 * xpv_xs_gather() - read several nodes of one directory
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @...: (node, scanf format, pointer) triples, ended by a NULL node; a NULL
 *	format stores the kmalloc'ed string in the char ** pointer
 *
 * Stops at the first failure; strings already returned stay allocated
 * and are the caller's to free.
 *
 * Return: 0, -EINVAL when a value does not match its format, or the
 * read's error.
 */
int xpv_xs_gather(struct xpv_xbt t, const char *dir, ...)
{
	const char *name, *fmt;
	va_list ap;
	int err = 0;

	va_start(ap, dir);
	while ((name = va_arg(ap, const char *))) {
		void *result;
		char *val;

		fmt = va_arg(ap, const char *);
		result = va_arg(ap, void *);
		val = xpv_xs_read(t, dir, name, NULL);
		if (IS_ERR(val)) {
			err = PTR_ERR(val);
			break;
		}
		if (!fmt) {
			*(char **)result = val;
			continue;
		}
		if (sscanf(val, fmt, result) != 1)
			err = -EINVAL;
		kfree(val);
		if (err)
			break;
	}
	va_end(ap);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_gather);

/**
 * xpv_xs_watch_fmt() - register a watch on a formatted path
 * @watch: the watch (its path is allocated here, freed on unregister)
 * @callback: the callback
 * @fmt: printf format of the path
 *
 * Return: 0 or a negative errno.
 */
int xpv_xs_watch_fmt(struct xpv_xs_watch *watch,
		     void (*callback)(struct xpv_xs_watch *, const char *,
				      const char *),
		     const char *fmt, ...)
{
	va_list ap;
	char *path;
	int err;

	va_start(ap, fmt);
	path = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	if (!path)
		return -ENOMEM;
	watch->path = path;
	watch->callback = callback;
	watch->owned_path = true;
	err = xpv_xs_watch_register(watch);
	if (err) {
		kfree(path);
		watch->path = NULL;
		watch->owned_path = false;
	}
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_fmt);
