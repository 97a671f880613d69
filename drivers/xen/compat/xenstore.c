// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: xenstore over the kernel's xenbus client.
 *
 * The kernel's client has the same path conventions (dir + node, relative
 * to the domain's home) and return conventions (ERR_PTR values, kfree()d
 * results), so most calls map one to one.  Watches need a kernel
 * struct xenbus_watch each: we keep one beside every xpv watch.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <xen/xenbus.h>
#include <xpv/xenstore.h>
#include "compat.h"

static inline struct xenbus_transaction xbt(struct xpv_xbt t)
{
	return (struct xenbus_transaction){ .id = t.id };
}

bool xpv_xs_ready(void)
{
	return true;	/* modules load after the kernel's xenbus is up */
}
EXPORT_SYMBOL_GPL(xpv_xs_ready);

void *xpv_xs_read(struct xpv_xbt t, const char *dir, const char *node,
		  unsigned int *len)
{
	return xenbus_read(xbt(t), dir, node, len);
}
EXPORT_SYMBOL_GPL(xpv_xs_read);

int xpv_xs_write(struct xpv_xbt t, const char *dir, const char *node,
		 const char *value)
{
	return xenbus_write(xbt(t), dir, node, value);
}
EXPORT_SYMBOL_GPL(xpv_xs_write);

int xpv_xs_mkdir(struct xpv_xbt t, const char *dir, const char *node)
{
	return xenbus_mkdir(xbt(t), dir, node);
}
EXPORT_SYMBOL_GPL(xpv_xs_mkdir);

int xpv_xs_rm(struct xpv_xbt t, const char *dir, const char *node)
{
	return xenbus_rm(xbt(t), dir, node);
}
EXPORT_SYMBOL_GPL(xpv_xs_rm);

bool xpv_xs_exists(struct xpv_xbt t, const char *dir, const char *node)
{
	return xenbus_exists(xbt(t), dir, node);
}
EXPORT_SYMBOL_GPL(xpv_xs_exists);

char **xpv_xs_directory(struct xpv_xbt t, const char *dir, const char *node,
			unsigned int *num)
{
	return xenbus_directory(xbt(t), dir, node, num);
}
EXPORT_SYMBOL_GPL(xpv_xs_directory);

int xpv_xs_transaction_start(struct xpv_xbt *t)
{
	struct xenbus_transaction kt;
	int err;

	err = xenbus_transaction_start(&kt);
	if (!err)
		t->id = kt.id;
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_start);

int xpv_xs_transaction_end(struct xpv_xbt t, bool abort)
{
	return xenbus_transaction_end(xbt(t), abort);
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_end);

/* The kernel watch kept beside each registered xpv watch. */
struct compat_watch {
	struct xenbus_watch kw;
	struct xpv_xs_watch *watch;
	struct list_head link;
};

static LIST_HEAD(compat_watches);
static DEFINE_MUTEX(compat_watches_lock);

static void compat_watch_fired(struct xenbus_watch *kw, const char *path,
			       const char *token)
{
	struct compat_watch *cw = container_of(kw, struct compat_watch, kw);

	cw->watch->callback(cw->watch, path, token);
}

static bool compat_watch_will_handle(struct xenbus_watch *kw,
				     const char *path, const char *token)
{
	struct compat_watch *cw = container_of(kw, struct compat_watch, kw);
	unsigned int max = cw->watch->max_pending ?:
			   XPV_XS_WATCH_DEFAULT_PENDING;

	if (kw->nr_pending < max)
		return true;
	cw->watch->dropped++;
	pr_warn_ratelimited("xpv_compat: watch %s: %u events pending, dropping one\n",
			    cw->watch->path, kw->nr_pending);
	return false;
}

int xpv_xs_watch_register(struct xpv_xs_watch *watch)
{
	struct compat_watch *cw;
	int err;

	cw = kzalloc(sizeof(*cw), GFP_KERNEL);
	if (!cw)
		return -ENOMEM;
	cw->watch = watch;
	cw->kw.node = watch->path;
	cw->kw.callback = compat_watch_fired;
	cw->kw.will_handle = compat_watch_will_handle;
	err = register_xenbus_watch(&cw->kw);
	if (err) {
		kfree(cw);
		return err;
	}
	mutex_lock(&compat_watches_lock);
	list_add(&cw->link, &compat_watches);
	mutex_unlock(&compat_watches_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_register);

void xpv_xs_watch_unregister(struct xpv_xs_watch *watch)
{
	struct compat_watch *cw, *found = NULL;

	mutex_lock(&compat_watches_lock);
	list_for_each_entry(cw, &compat_watches, link) {
		if (cw->watch == watch) {
			list_del(&cw->link);
			found = cw;
			break;
		}
	}
	mutex_unlock(&compat_watches_lock);
	if (!found)
		return;
	unregister_xenbus_watch(&found->kw);
	kfree(found);
	if (watch->owned_path) {
		kfree(watch->path);
		watch->path = NULL;
		watch->owned_path = false;
	}
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_unregister);

void xpv_compat_xenstore_exit(void)
{
	WARN_ON(!list_empty(&compat_watches));
}
