// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: /dev/xen/xenbus, the xenstore wire protocol for user space.
 *
 * libxenstore uses this device when no xenstored socket exists (in a
 * guest): it writes a request (struct xsd_sockmsg and payload, possibly in
 * several write() calls) and reads the reply. Requests are forwarded
 * through the kernel's own xenstore connection and the reply gets the
 * caller's req_id back. Watches are registered by the kernel on the
 * caller's behalf and their events are queued as XS_WATCH_EVENT messages;
 * transactions are tracked per open file and aborted when it is closed.
 *
 * Everything user space writes is validated: the payload bound, the
 * message type (only client requests pass; XS_RESET_WATCHES, which would
 * drop the kernel's own watches, does not), the transaction id (must be one
 * this file started), the watch payload (two NUL-terminated strings), and
 * the number of watches and transactions. The queue of unread replies is
 * bounded; watch events over the bound are dropped and logged.
 */
#define pr_fmt(fmt) "xpv-xenbus-dev: " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <xpv/xenstore.h>

#include "proto/xs_proto.h"

#define XBD_QUEUE_MAX		(128 * 1024)
#define XBD_MAX_WATCHES		128
#define XBD_MAX_TRANSACTIONS	64
#define XBD_WATCH_PENDING	256

struct xbd_msg {
	struct list_head list;
	u32 len;
	u32 off;
	char data[];
};

struct xbd_file;

struct xbd_watch {
	struct list_head list;
	struct xpv_xs_watch watch;
	struct xbd_file *file;
	char *token;
	char data[];
};

struct xbd_tx {
	struct list_head list;
	u32 id;
};

struct xbd_file {
	struct mutex lock;		/* writes, watches, transactions */
	struct mutex read_lock;		/* one reader dequeues at a time */
	spinlock_t qlock;		/* replies, queued */
	struct list_head replies;
	size_t queued;
	unsigned long dropped;
	wait_queue_head_t wq;
	struct list_head watches;
	unsigned int nwatches;
	struct list_head txs;
	unsigned int ntxs;
	struct xpv_xs_rx rx;
};

static int xbd_queue(struct xbd_file *f, const struct xsd_sockmsg *hdr,
		     const void *body, bool is_event)
{
	u32 total = sizeof(*hdr) + hdr->len;
	struct xbd_msg *m;

	m = kmalloc(struct_size(m, data, total), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->len = total;
	m->off = 0;
	memcpy(m->data, hdr, sizeof(*hdr));
	memcpy(m->data + sizeof(*hdr), body, hdr->len);

	spin_lock(&f->qlock);
	if (is_event && f->queued + total > XBD_QUEUE_MAX) {
		f->dropped++;
		spin_unlock(&f->qlock);
		pr_warn_ratelimited("reader not keeping up: watch event dropped\n");
		kfree(m);
		return -ENOBUFS;
	}
	list_add_tail(&m->list, &f->replies);
	f->queued += total;
	spin_unlock(&f->qlock);
	wake_up(&f->wq);
	return 0;
}

static int xbd_reply_str(struct xbd_file *f, const struct xsd_sockmsg *req,
			 u32 type, const char *str)
{
	struct xsd_sockmsg rep = {
		.type = type, .req_id = req->req_id, .tx_id = req->tx_id,
		.len = strlen(str) + 1,
	};

	return xbd_queue(f, &rep, str, false);
}

static int xbd_reply_error(struct xbd_file *f, const struct xsd_sockmsg *req,
			   int err)
{
	return xbd_reply_str(f, req, XS_ERROR, xpv_xs_errstr(err));
}

static struct xbd_tx *xbd_tx_find(struct xbd_file *f, u32 id)
{
	struct xbd_tx *tx;

	list_for_each_entry(tx, &f->txs, list)
		if (tx->id == id)
			return tx;
	return NULL;
}

/* ------------------------------------------------------------- watches */

static void xbd_watch_cb(struct xpv_xs_watch *watch, const char *path,
			 const char *token)
{
	struct xbd_watch *w = container_of(watch, struct xbd_watch, watch);
	size_t plen = strlen(path) + 1, tlen = strlen(w->token) + 1;
	struct xsd_sockmsg hdr = { .type = XS_WATCH_EVENT };
	char *body;

	if (plen + tlen > XENSTORE_PAYLOAD_MAX)
		return;
	hdr.len = plen + tlen;
	body = kmalloc(hdr.len, GFP_KERNEL);
	if (!body)
		return;
	memcpy(body, path, plen);
	memcpy(body + plen, w->token, tlen);
	xbd_queue(w->file, &hdr, body, true);
	kfree(body);
}

static struct xbd_watch *xbd_watch_find(struct xbd_file *f, const char *path,
					const char *token)
{
	struct xbd_watch *w;

	list_for_each_entry(w, &f->watches, list)
		if (!strcmp(w->watch.path, path) && !strcmp(w->token, token))
			return w;
	return NULL;
}

static void xbd_watch_free(struct xbd_file *f, struct xbd_watch *w)
{
	xpv_xs_watch_unregister(&w->watch);
	list_del(&w->list);
	f->nwatches--;
	kfree(w);
}

static int xbd_watch_op(struct xbd_file *f, const struct xsd_sockmsg *h,
			const char *body)
{
	const char *path, *token;
	size_t plen, tlen;
	struct xbd_watch *w;
	int err;

	/* "path\0token\0": the same layout as an event. */
	if (xpv_xs_parse_watch_event(body, h->len, &path, &token))
		return xbd_reply_error(f, h, -EINVAL);
	w = xbd_watch_find(f, path, token);

	if (h->type == XS_UNWATCH) {
		if (!w)
			return xbd_reply_error(f, h, -ENOENT);
		xbd_watch_free(f, w);
		return xbd_reply_str(f, h, XS_UNWATCH, "OK");
	}

	if (w)
		return xbd_reply_error(f, h, -EEXIST);
	if (f->nwatches >= XBD_MAX_WATCHES)
		return xbd_reply_error(f, h, -ENOSPC);
	plen = strlen(path) + 1;
	tlen = strlen(token) + 1;
	w = kzalloc(struct_size(w, data, plen + tlen), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	memcpy(w->data, path, plen);
	memcpy(w->data + plen, token, tlen);
	w->token = w->data + plen;
	w->file = f;
	w->watch.path = w->data;
	w->watch.callback = xbd_watch_cb;
	w->watch.max_pending = XBD_WATCH_PENDING;
	/* Listed before registering: the first event may come at once. */
	list_add(&w->list, &f->watches);
	f->nwatches++;
	err = xpv_xs_watch_register(&w->watch);
	if (err) {
		list_del(&w->list);
		f->nwatches--;
		kfree(w);
		return xbd_reply_error(f, h, err);
	}
	return xbd_reply_str(f, h, XS_WATCH, "OK");
}

/* ------------------------------------------------------------ requests */

static int xbd_request(struct xbd_file *f)
{
	const struct xsd_sockmsg *h = &f->rx.hdr;
	struct xsd_sockmsg rep;
	struct xbd_tx *tx = NULL;
	char *body;
	u64 id;
	int err;

	if (READ_ONCE(f->queued) > XBD_QUEUE_MAX)
		return -ENOBUFS;	/* read your replies first */
	if (h->type == XS_WATCH || h->type == XS_UNWATCH)
		return xbd_watch_op(f, h, f->rx.body);
	if (!xpv_xs_user_type_allowed(h->type))
		return xbd_reply_error(f, h, -EINVAL);
	if (h->tx_id) {
		tx = xbd_tx_find(f, h->tx_id);
		if (!tx)
			return xbd_reply_error(f, h, -EINVAL);
	}
	if (h->type == XS_TRANSACTION_START) {
		if (f->ntxs >= XBD_MAX_TRANSACTIONS)
			return xbd_reply_error(f, h, -ENOSPC);
		tx = kzalloc(sizeof(*tx), GFP_KERNEL);
		if (!tx)
			return -ENOMEM;
	}

	err = xpv_xs_raw_request(h, f->rx.body, &rep, &body);
	if (err) {
		if (h->type == XS_TRANSACTION_START)
			kfree(tx);
		return err;
	}
	rep.req_id = h->req_id;
	rep.tx_id = h->tx_id;

	if (rep.type != XS_ERROR && rep.type != h->type) {
		pr_warn_ratelimited("daemon answered type %u with type %u\n",
				    h->type, rep.type);
		if (h->type == XS_TRANSACTION_START)
			kfree(tx);
		kfree(body);
		return xbd_reply_error(f, h, -EIO);
	}

	switch (h->type) {
	case XS_TRANSACTION_START:
		if (rep.type == XS_ERROR ||
		    xpv_xs_parse_uint(body, rep.len, U32_MAX, &id) || !id) {
			kfree(tx);
			break;
		}
		tx->id = id;
		list_add(&tx->list, &f->txs);
		f->ntxs++;
		break;
	case XS_TRANSACTION_END:
		/* Ended by any answer except a refusal to look at it. */
		if (tx && (rep.type != XS_ERROR ||
			   xpv_xs_errno(body, rep.len) == -EAGAIN)) {
			list_del(&tx->list);
			f->ntxs--;
			kfree(tx);
		}
		break;
	}
	err = xbd_queue(f, &rep, body, false);
	kfree(body);
	return err;
}

static ssize_t xbd_write(struct file *filp, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	struct xbd_file *f = filp->private_data;
	char tmp[256];
	size_t done = 0;
	int err = 0;

	mutex_lock(&f->lock);
	while (done < len) {
		size_t n = min(len - done, sizeof(tmp));
		u32 off = 0, used;

		if (copy_from_user(tmp, ubuf + done, n)) {
			err = -EFAULT;
			break;
		}
		while (off < n) {
			int ret = xpv_xs_rx_feed(&f->rx, tmp + off, n - off,
						 &used);

			off += used;
			if (ret < 0) {
				/* Oversized: drop the message, resync. */
				xpv_xs_rx_reset(&f->rx);
				err = ret;
				goto out;
			}
			if (ret) {
				err = xbd_request(f);
				xpv_xs_rx_reset(&f->rx);
				if (err)
					goto out;
			}
		}
		done += n;
	}
out:
	mutex_unlock(&f->lock);
	return err ? err : len;
}

static ssize_t xbd_read(struct file *filp, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	struct xbd_file *f = filp->private_data;
	size_t copied = 0;
	int err;

	err = mutex_lock_interruptible(&f->read_lock);
	if (err)
		return err;
	while (list_empty(&f->replies)) {
		if (filp->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
			goto out;
		}
		err = wait_event_interruptible(f->wq,
					       !list_empty(&f->replies));
		if (err)
			goto out;
	}
	while (copied < len) {
		struct xbd_msg *m;
		size_t n;

		spin_lock(&f->qlock);
		m = list_first_entry_or_null(&f->replies, struct xbd_msg, list);
		spin_unlock(&f->qlock);
		if (!m)
			break;
		/* Only readers remove messages, and we are the one reader. */
		n = min_t(size_t, len - copied, m->len - m->off);
		if (copy_to_user(ubuf + copied, m->data + m->off, n)) {
			err = -EFAULT;
			break;
		}
		copied += n;
		m->off += n;
		if (m->off < m->len)
			break;
		spin_lock(&f->qlock);
		list_del(&m->list);
		f->queued -= m->len;
		spin_unlock(&f->qlock);
		kfree(m);
	}
out:
	mutex_unlock(&f->read_lock);
	return copied ? copied : err;
}

static __poll_t xbd_poll(struct file *filp, poll_table *wait)
{
	struct xbd_file *f = filp->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(filp, &f->wq, wait);
	if (!list_empty(&f->replies))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int xbd_open(struct inode *inode, struct file *filp)
{
	struct xbd_file *f;

	if (!xpv_xs_ready())
		return -ENODEV;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	mutex_init(&f->read_lock);
	spin_lock_init(&f->qlock);
	INIT_LIST_HEAD(&f->replies);
	INIT_LIST_HEAD(&f->watches);
	INIT_LIST_HEAD(&f->txs);
	init_waitqueue_head(&f->wq);
	xpv_xs_rx_reset(&f->rx);
	filp->private_data = f;
	return stream_open(inode, filp);
}

static int xbd_release(struct inode *inode, struct file *filp)
{
	struct xbd_file *f = filp->private_data;
	struct xbd_watch *w, *wtmp;
	struct xbd_tx *tx, *ttmp;
	struct xbd_msg *m, *mtmp;

	mutex_lock(&f->lock);
	list_for_each_entry_safe(w, wtmp, &f->watches, list)
		xbd_watch_free(f, w);
	list_for_each_entry_safe(tx, ttmp, &f->txs, list) {
		struct xpv_xbt t = { .id = tx->id };

		xpv_xs_transaction_end(t, true);
		list_del(&tx->list);
		kfree(tx);
	}
	mutex_unlock(&f->lock);
	list_for_each_entry_safe(m, mtmp, &f->replies, list)
		kfree(m);
	kfree(f);
	return 0;
}

static const struct file_operations xbd_fops = {
	.owner = THIS_MODULE,
	.open = xbd_open,
	.release = xbd_release,
	.read = xbd_read,
	.write = xbd_write,
	.poll = xbd_poll,
	.llseek = no_llseek,
};

static struct miscdevice xbd_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xen/xenbus",
	.nodename = "xen/xenbus",
	.fops = &xbd_fops,
};

static int __init xpv_xenbus_dev_init(void)
{
	int err;

	if (!xpv_xs_ready())
		return -ENODEV;
	err = misc_register(&xbd_misc);
	if (err)
		pr_err("cannot register /dev/xen/xenbus: %d\n", err);
	return err;
}
device_initcall(xpv_xenbus_dev_init);
