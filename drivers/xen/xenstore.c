// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: xenstore client over the shared ring page.
 *
 * The ring page and its event channel come from HVM_PARAM_STORE_PFN and
 * HVM_PARAM_STORE_EVTCHN. Requesters write their message into the request
 * ring under one mutex, then sleep until the reader kthread finds the
 * reply with their req_id; many requests can be in flight at once. The
 * reader validates every message before it is used (length bound, index
 * overflow, req_id and type match); a corrupt ring marks the connection
 * broken: pending and later requests fail with -EIO, nothing crashes.
 * Watch events are queued (bounded per watch) for a second kthread that
 * runs the callbacks, so a callback may itself use xenstore.
 */
#define pr_fmt(fmt) "xpv-xenstore: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <xen/interface/hvm/params.h>
#include <xpv/events.h>
#include <xpv/xenstore.h>
#include <xpv/xpv.h>

#include "proto/xs_proto.h"
#include "xenbus_internal.h"

struct xs_req {
	struct list_head list;
	u32 req_id;
	struct xsd_sockmsg rep;
	char *body;
	int err;
	bool abandoned;		/* the waiter left: whoever dequeues frees it */
	struct completion done;
};

struct xs_watch_event {
	struct list_head list;
	struct xpv_xs_watch *watch;
	const char *path;
	const char *token;
	char data[];
};

static struct xenstore_domain_interface *xs_intf;
static evtchn_port_t xs_port;
static int xs_irq = -1;
static bool xs_up;
static bool xs_broken;

/* Ring activity: the reader waits for replies, senders for space. */
static DECLARE_WAIT_QUEUE_HEAD(xs_ring_wq);
/* One sender at a time on the request ring. */
static DEFINE_MUTEX(xs_send_lock);
/* Requests waiting for their reply, and the next req_id. */
static DEFINE_SPINLOCK(xs_req_lock);
static LIST_HEAD(xs_pending);
static u32 xs_next_req_id;

/* Registered watches and queued events (both under xs_watch_lock). */
static DEFINE_SPINLOCK(xs_watch_lock);
static LIST_HEAD(xs_watches);
static LIST_HEAD(xs_watch_events);
static u32 xs_next_token;
static DECLARE_WAIT_QUEUE_HEAD(xs_watch_wq);
/* Held by the watch thread while a callback runs. */
static DEFINE_MUTEX(xs_watch_cb_lock);
static struct task_struct *xs_watch_task;
static struct task_struct *xs_reader_task;

/*
 * Suspend: requests outside a transaction and new transactions wait while
 * xs_suspending; xpv_xs_suspend() waits until nothing is in flight and no
 * transaction of ours is open (xs_busy counts both).  The resume path
 * itself (xs_resume_task) goes through.
 */
static DEFINE_SPINLOCK(xs_quiesce_lock);
static bool xs_suspending;
static unsigned int xs_busy;
static struct task_struct *xs_resume_task;
static DECLARE_WAIT_QUEUE_HEAD(xs_quiesce_wq);

/* Events seen; the reader compares to notice lost notifications. */
static atomic_t xs_irqs = ATOMIC_INIT(0);

/* The reader's reassembly buffer (only the reader thread touches it). */
static struct xpv_xs_rx *xs_rx;

/**
 * xpv_xs_ready() - whether the xenstore connection is up
 *
 * Return: true once the ring is connected and not marked broken.
 */
bool xpv_xs_ready(void)
{
	return READ_ONCE(xs_up) && !READ_ONCE(xs_broken);
}
EXPORT_SYMBOL_GPL(xpv_xs_ready);

static void xs_mark_broken(const char *why)
{
	struct xs_req *req, *tmp;

	if (!xchg(&xs_broken, true))
		pr_err("connection broken: %s; xenstore requests now fail with -EIO\n",
		       why);
	spin_lock(&xs_req_lock);
	list_for_each_entry_safe(req, tmp, &xs_pending, list) {
		list_del_init(&req->list);
		if (req->abandoned) {
			kfree(req);
			continue;
		}
		req->err = -EIO;
		complete(&req->done);
	}
	spin_unlock(&xs_req_lock);
	wake_up_all(&xs_ring_wq);
}

/* ---------------------------------------------------------------- ring */

static bool xs_req_space(void)
{
	u32 cons = READ_ONCE(xs_intf->req_cons);
	u32 prod = READ_ONCE(xs_intf->req_prod);

	/* A corrupt index also wakes the sender, which then reports it. */
	return prod - cons != XENSTORE_RING_SIZE;
}

static bool xs_rsp_avail(void)
{
	return READ_ONCE(xs_intf->rsp_prod) != READ_ONCE(xs_intf->rsp_cons);
}

/* Called with xs_send_lock held. */
static int xs_ring_send(const void *data, u32 len)
{
	const char *p = data;
	int n;

	while (len) {
		if (READ_ONCE(xs_broken))
			return -EIO;
		n = xpv_xs_ring_write(xs_intf, p, len);
		if (n < 0) {
			xs_mark_broken("request ring indexes corrupt");
			return n;
		}
		if (n) {
			xpv_evtchn_notify(xs_port);
			p += n;
			len -= n;
			continue;
		}
		wait_event_timeout(xs_ring_wq,
				   xs_req_space() || READ_ONCE(xs_broken), HZ);
	}
	return 0;
}

static irqreturn_t xs_interrupt(int irq, void *dev_id)
{
	atomic_inc(&xs_irqs);
	wake_up(&xs_ring_wq);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------- replies */

static void xs_queue_watch_event(const struct xpv_xs_rx *rx)
{
	const char *path, *token;
	struct xpv_xs_watch *w, *found = NULL;
	struct xs_watch_event *ev;
	u64 id;
	u32 len = rx->hdr.len;

	if (xpv_xs_parse_watch_event(rx->body, len, &path, &token)) {
		pr_warn_ratelimited("malformed watch event dropped\n");
		return;
	}
	if (xpv_xs_parse_uint(token, strlen(token), U32_MAX, &id)) {
		pr_debug("watch event with foreign token dropped\n");
		return;
	}
	ev = kmalloc(struct_size(ev, data, len), GFP_KERNEL);
	if (!ev)
		return;
	memcpy(ev->data, rx->body, len);
	ev->path = ev->data;
	ev->token = ev->data + (token - rx->body);

	spin_lock(&xs_watch_lock);
	list_for_each_entry(w, &xs_watches, list) {
		if (w->token == id) {
			found = w;
			break;
		}
	}
	if (!found) {
		/* A late event for a watch already removed. */
		spin_unlock(&xs_watch_lock);
		kfree(ev);
		return;
	}
	if (found->pending >= found->max_pending) {
		found->dropped++;
		spin_unlock(&xs_watch_lock);
		pr_warn_ratelimited("watch %s: %u events queued, event for %s dropped\n",
				    found->path, found->max_pending, ev->path);
		kfree(ev);
		return;
	}
	found->pending++;
	ev->watch = found;
	list_add_tail(&ev->list, &xs_watch_events);
	spin_unlock(&xs_watch_lock);
	wake_up(&xs_watch_wq);
}

static void xs_dispatch(const struct xpv_xs_rx *rx)
{
	struct xs_req *req, *found = NULL;

	if (rx->hdr.type == XS_WATCH_EVENT) {
		xs_queue_watch_event(rx);
		return;
	}
	spin_lock(&xs_req_lock);
	list_for_each_entry(req, &xs_pending, list) {
		if (req->req_id == rx->hdr.req_id) {
			found = req;
			list_del_init(&req->list);
			break;
		}
	}
	spin_unlock(&xs_req_lock);
	if (!found) {
		pr_warn_ratelimited("reply type %u with unknown req_id %u dropped\n",
				    rx->hdr.type, rx->hdr.req_id);
		return;
	}
	if (found->abandoned) {
		/* Set under xs_req_lock while it was listed: ours to free. */
		kfree(found);
		return;
	}
	found->rep = rx->hdr;
	found->body = kmemdup(rx->body, rx->hdr.len + 1, GFP_KERNEL);
	found->err = found->body ? 0 : -ENOMEM;
	complete(&found->done);
}

static int xs_reader_thread(void *unused)
{
	int seen = atomic_read(&xs_irqs);

	while (!kthread_should_stop()) {
		long ret;

		/*
		 * Poll once a second as well: a lost notification must not hang
		 * xenstore. Finding a reply that no event announced is logged.
		 */
		ret = wait_event_interruptible_timeout(xs_ring_wq,
						       kthread_should_stop() ||
						       (!READ_ONCE(xs_broken) &&
							xs_rsp_avail()), HZ);
		if (ret == 0 && !READ_ONCE(xs_broken) && xs_rsp_avail() &&
		    atomic_read(&xs_irqs) == seen)
			pr_warn_ratelimited("reply found by polling: event channel %u notification lost\n",
					    xs_port);
		seen = atomic_read(&xs_irqs);
		while (!READ_ONCE(xs_broken) && xs_rsp_avail()) {
			int ret = xpv_xs_ring_read(xs_intf, xs_rx);

			/* We freed response space: the daemon may wait for it. */
			xpv_evtchn_notify(xs_port);
			if (ret < 0) {
				xs_mark_broken(ret == -E2BIG ?
					       "oversized message from the daemon" :
					       "response ring indexes corrupt");
				break;
			}
			if (!ret)
				break;
			xs_dispatch(xs_rx);
			xpv_xs_rx_reset(xs_rx);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ requests */

/* Wait for the reply; complain every 10 s it does not come. */
static int xs_wait_reply(struct xs_req *req, bool killable)
{
	long ret;

	for (;;) {
		if (killable)
			ret = wait_for_completion_killable_timeout(&req->done,
								   10 * HZ);
		else
			ret = wait_for_completion_timeout(&req->done, 10 * HZ);
		if (ret > 0)
			return 0;
		if (ret < 0)
			return ret;
		pr_warn_ratelimited("req_id %u: no reply for 10 s (req %u/%u rsp %u/%u, %d events)\n",
				    req->req_id, READ_ONCE(xs_intf->req_cons),
				    READ_ONCE(xs_intf->req_prod),
				    READ_ONCE(xs_intf->rsp_cons),
				    READ_ONCE(xs_intf->rsp_prod),
				    atomic_read(&xs_irqs));
	}
}

/*
 * Count a request in.  While a suspend is pending, only requests that an
 * open kernel transaction needs go on (@pass), and the resume path's own.
 */
static void xs_enter(bool pass)
{
	spin_lock(&xs_quiesce_lock);
	while (xs_suspending && !pass && current != xs_resume_task) {
		spin_unlock(&xs_quiesce_lock);
		wait_event(xs_quiesce_wq, !READ_ONCE(xs_suspending));
		spin_lock(&xs_quiesce_lock);
	}
	xs_busy++;
	spin_unlock(&xs_quiesce_lock);
}

static void xs_leave(void)
{
	spin_lock(&xs_quiesce_lock);
	if (!--xs_busy)
		wake_up_all(&xs_quiesce_wq);
	spin_unlock(&xs_quiesce_lock);
}

static bool xs_quiet(void)
{
	bool quiet;

	spin_lock(&xs_quiesce_lock);
	quiet = !xs_busy;
	spin_unlock(&xs_quiesce_lock);
	return quiet;
}

static int xs_talk_one(u32 type, u32 tx_id, const struct kvec *vec,
		       unsigned int nvec, struct xsd_sockmsg *rep, char **body,
		       bool killable);

static int xs_talk(u32 type, u32 tx_id, const struct kvec *vec,
		   unsigned int nvec, struct xsd_sockmsg *rep, char **body,
		   bool killable)
{
	int err;

	/*
	 * The kernel's transactions are counted from their start (which
	 * waited there) to their end; user space's (@killable) are not, so
	 * all of its requests wait.
	 */
	xs_enter(!killable && (tx_id || type == XS_TRANSACTION_START));
	err = xs_talk_one(type, tx_id, vec, nvec, rep, body, killable);
	xs_leave();
	return err;
}

static int xs_talk_one(u32 type, u32 tx_id, const struct kvec *vec,
		       unsigned int nvec, struct xsd_sockmsg *rep, char **body,
		       bool killable)
{
	struct xsd_sockmsg hdr = { .type = type, .tx_id = tx_id };
	struct xs_req *req;
	unsigned int i;
	size_t len = 0;
	int err;

	if (!READ_ONCE(xs_up))
		return -ENODEV;
	for (i = 0; i < nvec; i++)
		len += vec[i].iov_len;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	hdr.len = len;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	init_completion(&req->done);

	mutex_lock(&xs_send_lock);
	if (READ_ONCE(xs_broken)) {
		err = -EIO;
		goto out_unlock;
	}
	spin_lock(&xs_req_lock);
	req->req_id = xs_next_req_id++;
	hdr.req_id = req->req_id;
	list_add_tail(&req->list, &xs_pending);
	spin_unlock(&xs_req_lock);

	err = xs_ring_send(&hdr, sizeof(hdr));
	for (i = 0; !err && i < nvec; i++)
		err = xs_ring_send(vec[i].iov_base, vec[i].iov_len);
	mutex_unlock(&xs_send_lock);
	if (err) {
		/*
		 * Sending fails only on a broken connection. The request is on
		 * the pending list, so xs_mark_broken() (already run by whoever
		 * noticed, or run again here: it is idempotent) completes it.
		 */
		xs_mark_broken("request could not be sent");
	}

	if (!killable) {
		xs_wait_reply(req, false);
	} else if (xs_wait_reply(req, true)) {
		spin_lock(&xs_req_lock);
		if (!list_empty(&req->list)) {
			/* No reply yet: leave it to the reader to free. */
			req->abandoned = true;
			spin_unlock(&xs_req_lock);
			return -EINTR;
		}
		spin_unlock(&xs_req_lock);
		/* Dequeued: its completion is imminent. */
		xs_wait_reply(req, false);
	}
	err = req->err;
	if (err)
		goto out_free;
	*rep = req->rep;
	*body = req->body;
	kfree(req);
	return 0;

out_unlock:
	mutex_unlock(&xs_send_lock);
out_free:
	kfree(req->body);
	kfree(req);
	return err;
}

/* A request whose reply must be of the same type (or XS_ERROR). */
static void *xs_single(u32 type, struct xpv_xbt t, const struct kvec *vec,
		       unsigned int nvec, unsigned int *len)
{
	struct xsd_sockmsg rep;
	char *body;
	int err;

	err = xs_talk(type, t.id, vec, nvec, &rep, &body, false);
	if (err)
		return ERR_PTR(err);
	err = xpv_xs_check_reply(type, rep.req_id, &rep, body);
	if (err) {
		if (err == -EPROTO)
			pr_warn_ratelimited("reply type %u to request type %u rejected\n",
					    rep.type, type);
		kfree(body);
		return ERR_PTR(err);
	}
	if (len)
		*len = rep.len;
	return body;
}

static char *xs_join(const char *dir, const char *node)
{
	char *path;
	int err;

	if (!node || !node[0])
		path = kstrdup(dir, GFP_KERNEL);
	else if (!dir || !dir[0])
		path = kstrdup(node, GFP_KERNEL);
	else
		path = kasprintf(GFP_KERNEL, "%s/%s", dir, node);
	if (!path)
		return ERR_PTR(-ENOMEM);
	err = xpv_xs_check_path(path, XENSTORE_ABS_PATH_MAX);
	if (err) {
		kfree(path);
		return ERR_PTR(err);
	}
	return path;
}

static void *xs_path_op(u32 type, struct xpv_xbt t, const char *dir,
			const char *node, const void *data, size_t dlen,
			unsigned int *len)
{
	struct kvec vec[2];
	char *path;
	void *ret;

	path = xs_join(dir, node);
	if (IS_ERR(path))
		return path;
	vec[0].iov_base = path;
	vec[0].iov_len = strlen(path) + 1;
	vec[1].iov_base = (void *)data;
	vec[1].iov_len = dlen;
	ret = xs_single(type, t, vec, dlen ? 2 : 1, len);
	kfree(path);
	return ret;
}

/**
 * xpv_xs_read() - read a node
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir (may be "")
 * @len: if not NULL, set to the value's length
 *
 * Return: the value, NUL-terminated (kfree() it), or an ERR_PTR: -ENOENT
 * when absent, -EIO when the connection is broken, -EPROTO for a reply
 * that does not answer the request.
 */
void *xpv_xs_read(struct xpv_xbt t, const char *dir, const char *node,
		  unsigned int *len)
{
	return xs_path_op(XS_READ, t, dir, node, NULL, 0, len);
}
EXPORT_SYMBOL_GPL(xpv_xs_read);

/**
 * xpv_xs_write() - write a node (created with its parents if needed)
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 * @value: NUL-terminated value (the NUL is not stored)
 *
 * Return: 0 or a negative errno.
 */
int xpv_xs_write(struct xpv_xbt t, const char *dir, const char *node,
		 const char *value)
{
	size_t vlen = strlen(value);
	struct kvec vec[2];
	char *path;
	void *ret;

	path = xs_join(dir, node);
	if (IS_ERR(path))
		return PTR_ERR(path);
	vec[0].iov_base = path;
	vec[0].iov_len = strlen(path) + 1;
	vec[1].iov_base = (void *)value;
	vec[1].iov_len = vlen;
	ret = xs_single(XS_WRITE, t, vec, 2, NULL);
	kfree(path);
	if (IS_ERR(ret))
		return PTR_ERR(ret);
	kfree(ret);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xs_write);

static int xs_simple(u32 type, struct xpv_xbt t, const char *dir,
		     const char *node)
{
	void *ret = xs_path_op(type, t, dir, node, NULL, 0, NULL);

	if (IS_ERR(ret))
		return PTR_ERR(ret);
	kfree(ret);
	return 0;
}

/**
 * xpv_xs_mkdir() - create a directory node
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 *
 * Return: 0 or a negative errno.
 */
int xpv_xs_mkdir(struct xpv_xbt t, const char *dir, const char *node)
{
	return xs_simple(XS_MKDIR, t, dir, node);
}
EXPORT_SYMBOL_GPL(xpv_xs_mkdir);

/**
 * xpv_xs_rm() - remove a node and everything below it
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 *
 * Return: 0 or a negative errno (-ENOENT when absent).
 */
int xpv_xs_rm(struct xpv_xbt t, const char *dir, const char *node)
{
	return xs_simple(XS_RM, t, dir, node);
}
EXPORT_SYMBOL_GPL(xpv_xs_rm);

/**
 * xpv_xs_exists() - whether a node exists
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 */
bool xpv_xs_exists(struct xpv_xbt t, const char *dir, const char *node)
{
	void *v = xpv_xs_read(t, dir, node, NULL);

	if (IS_ERR(v))
		return false;
	kfree(v);
	return true;
}
EXPORT_SYMBOL_GPL(xpv_xs_exists);

/**
 * xpv_xs_directory() - list the children of a node
 * @t: transaction or XPV_XBT_NIL
 * @dir: directory
 * @node: node within @dir
 * @num: set to the number of children
 *
 * Return: an array of @num NUL-terminated names in one allocation
 * (kfree() the array only), or an ERR_PTR; -EPROTO when the daemon's
 * reply is not a list of NUL-terminated names.
 */
char **xpv_xs_directory(struct xpv_xbt t, const char *dir, const char *node,
			unsigned int *num)
{
	unsigned int len, i;
	char *body, *p, **arr;
	int n;

	body = xs_path_op(XS_DIRECTORY, t, dir, node, NULL, 0, &len);
	if (IS_ERR(body))
		return (char **)body;
	n = xpv_xs_count_strings(body, len);
	if (n < 0) {
		pr_warn_ratelimited("malformed directory listing rejected\n");
		kfree(body);
		return ERR_PTR(-EPROTO);
	}
	arr = kmalloc(n * sizeof(*arr) + len + 1, GFP_KERNEL);
	if (!arr) {
		kfree(body);
		return ERR_PTR(-ENOMEM);
	}
	p = (char *)(arr + n);
	memcpy(p, body, len + 1);
	kfree(body);
	for (i = 0; i < n; i++) {
		arr[i] = p;
		p += strlen(p) + 1;
	}
	*num = n;
	return arr;
}
EXPORT_SYMBOL_GPL(xpv_xs_directory);

/**
 * xpv_xs_transaction_start() - start a transaction
 * @t: receives the handle
 *
 * Return: 0, or a negative errno (-EPROTO when the daemon's id is not a
 * decimal number).
 */
int xpv_xs_transaction_start(struct xpv_xbt *t)
{
	struct kvec vec = { .iov_base = "", .iov_len = 1 };
	unsigned int len;
	char *id;
	u64 v;
	int err;

	/* Counted until its end, so that a suspend waits for it. */
	xs_enter(false);
	id = xs_single(XS_TRANSACTION_START, XPV_XBT_NIL, &vec, 1, &len);
	if (IS_ERR(id)) {
		xs_leave();
		return PTR_ERR(id);
	}
	err = xpv_xs_parse_uint(id, len, U32_MAX, &v);
	kfree(id);
	if (err || !v) {
		xs_leave();
		return -EPROTO;
	}
	t->id = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_start);

/**
 * xpv_xs_transaction_end() - commit or abort a transaction
 * @t: the handle
 * @abort: discard the transaction's writes
 *
 * Return: 0; -EAGAIN when the commit lost a race and the caller must redo
 * the whole transaction (see the pattern in include/xpv/xenstore.h); or
 * another negative errno.
 */
int xpv_xs_transaction_end(struct xpv_xbt t, bool abort)
{
	struct kvec vec = { .iov_base = abort ? "F" : "T", .iov_len = 2 };
	void *ret;

	ret = xs_single(XS_TRANSACTION_END, t, &vec, 1, NULL);
	/* Over, whatever the reply: the daemon closed it or never will. */
	xs_leave();
	if (IS_ERR(ret))
		return PTR_ERR(ret);
	kfree(ret);
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_end);

/**
 * xpv_xs_raw_request() - forward a request built by user space
 * @req: header (type, tx_id, len used; req_id ignored)
 * @body: @req->len bytes of payload
 * @rep: receives the reply header (req_id is the kernel's own)
 * @rep_body: receives the reply payload, NUL-terminated (kfree() it)
 *
 * The reply is returned whatever its type (XS_ERROR included); it is
 * already bounded and matched to the request by req_id. The wait for the
 * reply can be interrupted by a fatal signal (-EINTR; the reply, when it
 * comes, is discarded).
 *
 * Return: 0 or a negative errno when no reply could be obtained.
 */
int xpv_xs_raw_request(const struct xsd_sockmsg *req, const void *body,
		       struct xsd_sockmsg *rep, char **rep_body)
{
	struct kvec vec = { .iov_base = (void *)body, .iov_len = req->len };

	return xs_talk(req->type, req->tx_id, &vec, req->len ? 1 : 0,
		       rep, rep_body, true);
}

/* ------------------------------------------------------------- watches */

static int xs_watch_msg(u32 type, const char *path, u32 token)
{
	char tok[12];
	struct kvec vec[2];
	void *ret;

	snprintf(tok, sizeof(tok), "%u", token);
	vec[0].iov_base = (void *)path;
	vec[0].iov_len = strlen(path) + 1;
	vec[1].iov_base = tok;
	vec[1].iov_len = strlen(tok) + 1;
	ret = xs_single(type, XPV_XBT_NIL, vec, 2, NULL);
	if (IS_ERR(ret))
		return PTR_ERR(ret);
	kfree(ret);
	return 0;
}

/**
 * xpv_xs_watch_register() - start watching @watch->path
 * @watch: path and callback set; stays owned by the caller
 *
 * The daemon fires every new watch once right away, so the callback runs
 * at least once soon after registration.
 *
 * Return: 0 or a negative errno.
 */
int xpv_xs_watch_register(struct xpv_xs_watch *watch)
{
	int err;

	err = xpv_xs_check_path(watch->path, XENSTORE_ABS_PATH_MAX);
	if (err)
		return err;
	if (!watch->max_pending)
		watch->max_pending = XPV_XS_WATCH_DEFAULT_PENDING;
	spin_lock(&xs_watch_lock);
	watch->token = ++xs_next_token;
	watch->pending = 0;
	watch->dropped = 0;
	watch->live = false;
	list_add_tail(&watch->list, &xs_watches);
	spin_unlock(&xs_watch_lock);

	err = xs_watch_msg(XS_WATCH, watch->path, watch->token);
	spin_lock(&xs_watch_lock);
	if (err)
		list_del(&watch->list);
	else
		watch->live = true;
	spin_unlock(&xs_watch_lock);
	return err;
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_register);

/**
 * xpv_xs_watch_unregister() - stop a watch
 * @watch: a registered watch
 *
 * On return no callback for @watch is running or will run (unless called
 * from that very callback, which is allowed), and its queued events are
 * discarded.
 */
void xpv_xs_watch_unregister(struct xpv_xs_watch *watch)
{
	struct xs_watch_event *ev, *tmp;
	LIST_HEAD(purge);
	int err;

	spin_lock(&xs_watch_lock);
	list_del(&watch->list);
	list_for_each_entry_safe(ev, tmp, &xs_watch_events, list)
		if (ev->watch == watch)
			list_move(&ev->list, &purge);
	spin_unlock(&xs_watch_lock);

	err = xs_watch_msg(XS_UNWATCH, watch->path, watch->token);
	if (err && err != -ENOENT && xpv_xs_ready())
		pr_warn("unwatch %s failed: %d\n", watch->path, err);

	if (current != xs_watch_task) {
		mutex_lock(&xs_watch_cb_lock);
		mutex_unlock(&xs_watch_cb_lock);
	}
	list_for_each_entry_safe(ev, tmp, &purge, list)
		kfree(ev);
	if (watch->owned_path) {
		kfree(watch->path);
		watch->path = NULL;
		watch->owned_path = false;
	}
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_unregister);

static int xs_watch_thread(void *unused)
{
	while (!kthread_should_stop()) {
		struct xs_watch_event *ev = NULL;

		wait_event_interruptible(xs_watch_wq,
					 kthread_should_stop() ||
					 !list_empty(&xs_watch_events));
		mutex_lock(&xs_watch_cb_lock);
		spin_lock(&xs_watch_lock);
		if (!list_empty(&xs_watch_events)) {
			ev = list_first_entry(&xs_watch_events,
					      struct xs_watch_event, list);
			list_del(&ev->list);
			ev->watch->pending--;
		}
		spin_unlock(&xs_watch_lock);
		if (ev)
			ev->watch->callback(ev->watch, ev->path, ev->token);
		mutex_unlock(&xs_watch_cb_lock);
		kfree(ev);
	}
	return 0;
}

/* ------------------------------------------------------- suspend/resume */

/**
 * xpv_xs_suspend() - quiesce xenstore before the domain is suspended
 *
 * From now on requests outside a transaction and new transactions wait;
 * returns once every request in flight was answered and every transaction
 * of ours ended, so nothing is lost when the connection moves.
 *
 * Return: 0, or -EBUSY after 10 s (a transaction kept open): then nothing
 * waits any more and the suspend must not go on.
 */
int xpv_xs_suspend(void)
{
	spin_lock(&xs_quiesce_lock);
	xs_suspending = true;
	spin_unlock(&xs_quiesce_lock);
	if (wait_event_timeout(xs_quiesce_wq, xs_quiet(), 10 * HZ))
		return 0;
	pr_warn("still busy after 10 s (%u requests or transactions): not suspending\n",
		READ_ONCE(xs_busy));
	xpv_xs_resume(true);
	return -EBUSY;
}

/* Register again every watch the daemon had accepted (a new daemon view). */
static void xs_rewatch_all(void)
{
	struct xpv_xs_watch *w;
	unsigned int done = 0, failed = 0;

	spin_lock(&xs_watch_lock);
	/*
	 * The accepted ones are to register again (live false); one not yet
	 * accepted is its registrant's, whose request waited for the resume.
	 */
	list_for_each_entry(w, &xs_watches, list)
		w->live = !w->live;
again:
	list_for_each_entry(w, &xs_watches, list) {
		const char *path;
		u32 token;
		int err;

		if (w->live)
			continue;
		/* Claimed here; the list may change while we talk. */
		w->live = true;
		path = w->path;
		token = w->token;
		spin_unlock(&xs_watch_lock);
		err = xs_watch_msg(XS_WATCH, path, token);
		if (err) {
			failed++;
			pr_err("watch %s not registered again: %d\n", path, err);
		} else {
			done++;
		}
		spin_lock(&xs_watch_lock);
		goto again;
	}
	spin_unlock(&xs_watch_lock);
	pr_info("%u watches registered again (%u failed)\n", done, failed);
}

/**
 * xpv_xs_resume() - xenstore after the suspend hypercall returned
 * @cancelled: the same domain goes on: the connection never moved
 *
 * In a restored domain the ring is on the same page but its event channel
 * is new (HVM_PARAM_STORE_EVTCHN) and the daemon knows none of our
 * watches: the IRQ moves to the new port and every watch is registered
 * again (each fires once, so watchers re-read what they follow).  Then
 * the requests held back by xpv_xs_suspend() go.  Process context.
 */
void xpv_xs_resume(bool cancelled)
{
	if (!cancelled && READ_ONCE(xs_up)) {
		u64 port = 0;
		int err;

		err = xpv_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port);
		if (err || !port || port > U32_MAX) {
			xs_mark_broken("no event channel after resume");
		} else {
			WRITE_ONCE(xs_port, port);
			err = xpv_evtchn_rebind(xs_irq, port);
			if (err)
				pr_err("event channel %llu not bound after resume: %d\n",
				       port, err);
			/* Anything the daemon wrote meanwhile. */
			wake_up(&xs_ring_wq);
			xpv_evtchn_notify(port);
			xs_resume_task = current;
			xs_rewatch_all();
			xs_resume_task = NULL;
			pr_info("reconnected (event channel %u)\n", xs_port);
		}
	}
	spin_lock(&xs_quiesce_lock);
	xs_suspending = false;
	spin_unlock(&xs_quiesce_lock);
	wake_up_all(&xs_quiesce_wq);
}

/* ---------------------------------------------------------------- init */

static int __init xpv_xs_init(void)
{
	u64 pfn = 0, port = 0;
	int err;

	if (!xpv_domain())
		return -ENODEV;
	err = xpv_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port);
	if (!err)
		err = xpv_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (err || !pfn || !port) {
		pr_info("no xenstore (err %d, pfn %#llx, port %llu)\n",
			err, pfn, port);
		return -ENODEV;
	}
	xs_rx = kzalloc(sizeof(*xs_rx), GFP_KERNEL);
	if (!xs_rx)
		return -ENOMEM;
	xs_intf = memremap(pfn << PAGE_SHIFT, PAGE_SIZE, MEMREMAP_WB);
	if (!xs_intf) {
		pr_err("cannot map the ring page %#llx\n", pfn);
		err = -ENOMEM;
		goto out_free_rx;
	}
	if (xpv_xs_ring_used(xs_intf->req_cons, xs_intf->req_prod) < 0 ||
	    xpv_xs_ring_used(xs_intf->rsp_cons, xs_intf->rsp_prod) < 0) {
		pr_err("ring indexes corrupt at start, not connecting\n");
		err = -EIO;
		goto out_unmap;
	}
	xs_port = port;

	xs_reader_task = kthread_run(xs_reader_thread, NULL, "xpv-xenstore");
	if (IS_ERR(xs_reader_task)) {
		err = PTR_ERR(xs_reader_task);
		goto out_unmap;
	}
	xs_watch_task = kthread_run(xs_watch_thread, NULL, "xpv-xenwatch");
	if (IS_ERR(xs_watch_task)) {
		err = PTR_ERR(xs_watch_task);
		goto out_stop_reader;
	}
	xs_irq = xpv_evtchn_bind(xs_port, xs_interrupt, 0, "xpv-xenstore",
				 NULL);
	if (xs_irq < 0) {
		err = xs_irq;
		pr_err("cannot bind event channel %u: %d\n", xs_port, err);
		goto out_stop_watch;
	}
	WRITE_ONCE(xs_up, true);
	wake_up(&xs_ring_wq);
	pr_info("connected (ring pfn %#llx, event channel %u)\n", pfn, xs_port);

	err = xpv_xenbus_init();
	if (err)
		pr_err("xenbus initialisation failed: %d\n", err);
	return 0;

out_stop_watch:
	kthread_stop(xs_watch_task);
out_stop_reader:
	kthread_stop(xs_reader_task);
out_unmap:
	memunmap(xs_intf);
	xs_intf = NULL;
out_free_rx:
	kfree(xs_rx);
	return err;
}
subsys_initcall(xpv_xs_init);
