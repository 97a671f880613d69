/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv: xenstore client API.
 *
 * Paths are given as a directory and a node; either may be "" and they are
 * joined with '/'. Relative paths are relative to the domain's home
 * (/local/domain/<domid>). Every function may sleep.
 *
 * Transactions: start one, do the reads and writes with it, end it; when
 * the end reports -EAGAIN another writer raced with us and the whole
 * transaction must be redone:
 *
 *	struct xpv_xbt t;
 *	int err;
 * again:
 *	err = xpv_xs_transaction_start(&t);
 *	if (err)
 *		return err;
 *	err = xpv_xs_printf(t, dir, "ring-ref", "%u", ref);
 *	if (err)
 *		goto abort_transaction;
 *	err = xpv_xs_transaction_end(t, false);
 *	if (err == -EAGAIN)
 *		goto again;
 *	return err;
 * abort_transaction:
 *	xpv_xs_transaction_end(t, true);
 *	return err;
 *
 * Everything returned by the daemon is bounded (XENSTORE_PAYLOAD_MAX),
 * NUL-terminated and checked against the request before it is handed out.
 */
#ifndef _XPV_XENSTORE_H
#define _XPV_XENSTORE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/compiler.h>
#include <xen/interface/io/xs_wire.h>

/**
 * struct xpv_xbt - a xenstore transaction handle
 * @id: the daemon's transaction id; 0 means "no transaction"
 */
struct xpv_xbt {
	u32 id;
};

#define XPV_XBT_NIL ((struct xpv_xbt){ .id = 0 })

/* Default bound of queued, undelivered events per watch. */
#define XPV_XS_WATCH_DEFAULT_PENDING	64

/**
 * struct xpv_xs_watch - a xenstore watch
 * @path: the path watched (the caller's memory, valid while registered)
 * @callback: called from the xenwatch kthread with the path that changed;
 *	may sleep and may use xenstore (but must not unregister another watch
 *	while holding a lock that watch's callback takes)
 * @max_pending: events queued for this watch beyond which new ones are
 *	dropped and logged; 0 selects XPV_XS_WATCH_DEFAULT_PENDING
 * @list: private
 * @pending: private: events queued, not yet delivered
 * @dropped: private: events dropped because of @max_pending
 * @owned_path: private: @path was allocated by xpv_xs_watch_fmt()
 * @token: private: the token the daemon echoes (a number, not a pointer)
 * @live: private: the daemon accepted it (set again after a restore)
 */
struct xpv_xs_watch {
	const char *path;
	void (*callback)(struct xpv_xs_watch *watch, const char *path,
			 const char *token);
	unsigned int max_pending;

	struct list_head list;
	unsigned int pending;
	unsigned long dropped;
	bool owned_path;
	bool live;
	u32 token;
};

bool xpv_xs_ready(void);

void *xpv_xs_read(struct xpv_xbt t, const char *dir, const char *node,
		  unsigned int *len);
int xpv_xs_write(struct xpv_xbt t, const char *dir, const char *node,
		 const char *value);
int xpv_xs_mkdir(struct xpv_xbt t, const char *dir, const char *node);
int xpv_xs_rm(struct xpv_xbt t, const char *dir, const char *node);
bool xpv_xs_exists(struct xpv_xbt t, const char *dir, const char *node);
char **xpv_xs_directory(struct xpv_xbt t, const char *dir, const char *node,
			unsigned int *num);
__printf(4, 5)
int xpv_xs_printf(struct xpv_xbt t, const char *dir, const char *node,
		  const char *fmt, ...);
__scanf(4, 5)
int xpv_xs_scanf(struct xpv_xbt t, const char *dir, const char *node,
		 const char *fmt, ...);
int xpv_xs_read_uint(struct xpv_xbt t, const char *dir, const char *node,
		     u64 max, u64 *val);
int xpv_xs_gather(struct xpv_xbt t, const char *dir, ...);

int xpv_xs_transaction_start(struct xpv_xbt *t);
int xpv_xs_transaction_end(struct xpv_xbt t, bool abort);

int xpv_xs_watch_register(struct xpv_xs_watch *watch);
__printf(3, 4)
int xpv_xs_watch_fmt(struct xpv_xs_watch *watch,
		     void (*callback)(struct xpv_xs_watch *, const char *,
				      const char *),
		     const char *fmt, ...);
void xpv_xs_watch_unregister(struct xpv_xs_watch *watch);

/* For /dev/xen/xenbus: forward one request verbatim. */
int xpv_xs_raw_request(const struct xsd_sockmsg *req, const void *body,
		       struct xsd_sockmsg *rep, char **rep_body);

#endif /* _XPV_XENSTORE_H */
