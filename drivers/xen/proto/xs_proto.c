// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore wire protocol: message framing, reply checks, error names and
 * ring index arithmetic. Pure C, shared by the kernel and the selftests.
 */
#include "xs_proto.h"

/**
 * xpv_xs_rx_reset() - prepare a reassembly buffer for the next message
 * @rx: the buffer
 */
void xpv_xs_rx_reset(struct xpv_xs_rx *rx)
{
	rx->pos = 0;
	memset(&rx->hdr, 0, sizeof(rx->hdr));
}

/**
 * xpv_xs_rx_complete() - whether @rx holds a whole message
 * @rx: the buffer
 */
bool xpv_xs_rx_complete(const struct xpv_xs_rx *rx)
{
	return rx->pos >= XPV_XS_HDR_LEN &&
	       rx->pos == XPV_XS_HDR_LEN + rx->hdr.len;
}

/**
 * xpv_xs_check_hdr() - validate a header received from a peer
 * @hdr: the header (a private copy)
 *
 * Return: 0, or -E2BIG when the payload would exceed XENSTORE_PAYLOAD_MAX.
 * The type is checked by whoever knows what it expects.
 */
int xpv_xs_check_hdr(const struct xsd_sockmsg *hdr)
{
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	return 0;
}

/**
 * xpv_xs_rx_feed() - add bytes of a stream to the message being assembled
 * @rx: the buffer
 * @src: bytes from the stream
 * @len: how many bytes are available at @src
 * @used: set to how many were consumed (never past the end of the message)
 *
 * Return: 1 when @rx now holds a complete message (body NUL-terminated),
 * 0 when more bytes are needed, -E2BIG when the header announces a payload
 * above XENSTORE_PAYLOAD_MAX (the stream is then unusable).
 */
int xpv_xs_rx_feed(struct xpv_xs_rx *rx, const void *src, u32 len, u32 *used)
{
	const char *p = src;
	u32 n, take = 0;
	int err;

	*used = 0;
	if (rx->pos < XPV_XS_HDR_LEN) {
		n = XPV_XS_HDR_LEN - rx->pos;
		if (n > len)
			n = len;
		memcpy(rx->raw + rx->pos, p, n);
		rx->pos += n;
		take = n;
		if (rx->pos < XPV_XS_HDR_LEN) {
			*used = take;
			return 0;
		}
		err = xpv_xs_check_hdr(&rx->hdr);
		if (err) {
			*used = take;
			return err;
		}
	}
	n = XPV_XS_HDR_LEN + rx->hdr.len - rx->pos;
	if (n > len - take)
		n = len - take;
	memcpy(rx->body + (rx->pos - XPV_XS_HDR_LEN), p + take, n);
	rx->pos += n;
	take += n;
	*used = take;
	if (!xpv_xs_rx_complete(rx))
		return 0;
	rx->body[rx->hdr.len] = '\0';
	return 1;
}

/*
 * The daemon names errors on the wire. "ENOSYS" (operation unknown to the
 * daemon) is reported to kernel callers as -EOPNOTSUPP.
 */
static const struct {
	int err;
	const char *name;
} xpv_xs_errs[] = {
	{ EINVAL, "EINVAL" },
	{ EACCES, "EACCES" },
	{ EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" },
	{ ENOENT, "ENOENT" },
	{ ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" },
	{ EIO, "EIO" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ EOPNOTSUPP, "ENOSYS" },
	{ EROFS, "EROFS" },
	{ EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" },
	{ EISCONN, "EISCONN" },
	{ E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

#define XPV_XS_NERRS ARRAY_SIZE(xpv_xs_errs)

/**
 * xpv_xs_errno() - map the payload of an XS_ERROR reply to a negative errno
 * @str: the payload
 * @len: its length on the wire (including the NUL the daemon sends)
 *
 * The daemon names errors ("ENOENT"). A name we do not know, or a payload
 * that is not one NUL-terminated string, maps to -EINVAL.
 */
int xpv_xs_errno(const char *str, u32 len)
{
	u32 i, n;

	/* Accept "NAME\0" and, leniently, "NAME" without the terminator. */
	n = len;
	if (n && str[n - 1] == '\0')
		n--;
	for (i = 0; i < XPV_XS_NERRS; i++) {
		const char *name = xpv_xs_errs[i].name;

		if (strlen(name) == n && !memcmp(name, str, n))
			return -xpv_xs_errs[i].err;
	}
	return -EINVAL;
}

/**
 * xpv_xs_errstr() - the wire name of a negative errno, for XS_ERROR replies
 * @err: a negative errno
 *
 * Return: the name; "EINVAL" for errors the protocol cannot express.
 */
const char *xpv_xs_errstr(int err)
{
	u32 i;

	for (i = 0; i < XPV_XS_NERRS; i++)
		if (xpv_xs_errs[i].err == -err)
			return xpv_xs_errs[i].name;
	return "EINVAL";
}

/**
 * xpv_xs_check_reply() - does a reply answer the request we sent
 * @req_type: type of our request
 * @req_id: req_id we sent
 * @rep: the reply header (private copy, already length-checked)
 * @body: its payload, NUL-terminated at rep->len
 *
 * Return: 0 if @rep is a success reply to the request, the errno named by
 * an XS_ERROR reply, -EPROTO for a reply with another req_id or with a type
 * that neither matches the request nor is XS_ERROR.
 */
int xpv_xs_check_reply(u32 req_type, u32 req_id, const struct xsd_sockmsg *rep,
		       const char *body)
{
	if (rep->req_id != req_id)
		return -EPROTO;
	if (rep->type == XS_ERROR)
		return xpv_xs_errno(body, rep->len);
	if (rep->type != req_type)
		return -EPROTO;
	return 0;
}

/**
 * xpv_xs_count_strings() - count the NUL-terminated strings in a payload
 * @buf: the payload
 * @len: its length
 *
 * Used for XS_DIRECTORY replies and watch events.
 *
 * Return: the number of strings, or -EPROTO when the payload does not end
 * with a NUL (a truncated or garbage reply).
 */
int xpv_xs_count_strings(const char *buf, u32 len)
{
	u32 i;
	int n = 0;

	if (!len)
		return 0;
	if (buf[len - 1] != '\0')
		return -EPROTO;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			n++;
	return n;
}

/**
 * xpv_xs_parse_watch_event() - split an XS_WATCH_EVENT payload
 * @buf: the payload
 * @len: its length
 * @path: set to the path that changed
 * @token: set to the watch's token
 *
 * Return: 0, or -EPROTO when the payload is not at least two
 * NUL-terminated strings or the path is empty.
 */
int xpv_xs_parse_watch_event(const char *buf, u32 len, const char **path,
			     const char **token)
{
	int n = xpv_xs_count_strings(buf, len);
	u32 plen;

	if (n < 2)
		return -EPROTO;
	plen = strlen(buf);
	if (!plen)
		return -EPROTO;
	*path = buf;
	*token = buf + plen + 1;
	return 0;
}

/**
 * xpv_xs_check_path() - validate a path before sending it
 * @path: NUL-terminated path
 * @maxlen: XENSTORE_ABS_PATH_MAX or XENSTORE_REL_PATH_MAX
 *
 * Return: 0, -EINVAL for an empty path or one with characters xenstored
 * refuses, -E2BIG when longer than @maxlen.
 */
int xpv_xs_check_path(const char *path, u32 maxlen)
{
	u32 i;

	if (!path[0])
		return -EINVAL;
	for (i = 0; path[i]; i++) {
		char c = path[i];

		if (i >= maxlen)
			return -E2BIG;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '@' || c == '.'))
			return -EINVAL;
	}
	return 0;
}

/**
 * xpv_xs_ring_used() - bytes between a consumer and a producer index
 * @cons: consumer index
 * @prod: producer index
 *
 * Return: the number of bytes queued, or -EIO when @prod ran more than a
 * ring ahead of @cons (a corrupt or hostile index).
 */
int xpv_xs_ring_used(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	XENSTORE_RING_IDX used = prod - cons;

	if (used > XENSTORE_RING_SIZE)
		return -EIO;
	return (int)used;
}

/**
 * xpv_xs_ring_write() - copy bytes into the request ring
 * @intf: the shared xenstore page
 * @data: bytes to send
 * @len: how many
 *
 * Copies what fits, then publishes the new producer index (after a write
 * barrier). The caller notifies the event channel and waits for space to
 * send the rest.
 *
 * Return: bytes written (0 when the ring is full), -EIO on corrupt indexes.
 */
int xpv_xs_ring_write(struct xenstore_domain_interface *intf,
		      const void *data, u32 len)
{
	const char *p = data;
	XENSTORE_RING_IDX cons, prod;
	u32 done = 0;
	int used;

	cons = READ_ONCE(intf->req_cons);
	prod = READ_ONCE(intf->req_prod);
	/* Read the daemon's consumer index before writing into the space. */
	virt_mb();
	used = xpv_xs_ring_used(cons, prod);
	if (used < 0)
		return used;
	while (done < len && (u32)used < XENSTORE_RING_SIZE) {
		u32 off = MASK_XENSTORE_IDX(prod);
		u32 n = XENSTORE_RING_SIZE - off;

		if (n > XENSTORE_RING_SIZE - (u32)used)
			n = XENSTORE_RING_SIZE - (u32)used;
		if (n > len - done)
			n = len - done;
		memcpy(intf->req + off, p + done, n);
		done += n;
		prod += n;
		used += n;
	}
	if (done) {
		/* The bytes are in the ring before the index that shows them. */
		virt_wmb();
		WRITE_ONCE(intf->req_prod, prod);
	}
	return (int)done;
}

/**
 * xpv_xs_ring_read() - consume response-ring bytes into a message buffer
 * @intf: the shared xenstore page
 * @rx: the message being assembled
 *
 * Reads at most up to the end of the current message, so the next message
 * stays in the ring. Indexes are read once; the daemon's producer index is
 * rejected when it is more than a ring ahead of our consumer index.
 *
 * Return: 1 when @rx holds a complete message, 0 when the ring ran dry
 * first, -EIO for a corrupt index, -E2BIG for an oversized header.
 */
int xpv_xs_ring_read(struct xenstore_domain_interface *intf,
		     struct xpv_xs_rx *rx)
{
	XENSTORE_RING_IDX cons, prod;
	int used, ret = 0;
	u32 got;

	cons = READ_ONCE(intf->rsp_cons);
	prod = READ_ONCE(intf->rsp_prod);
	used = xpv_xs_ring_used(cons, prod);
	if (used < 0)
		return used;
	/* Read the data only after seeing the producer index. */
	virt_rmb();
	while (used > 0) {
		u32 off = MASK_XENSTORE_IDX(cons);
		u32 n = XENSTORE_RING_SIZE - off;

		if (n > (u32)used)
			n = used;
		ret = xpv_xs_rx_feed(rx, intf->rsp + off, n, &got);
		cons += got;
		used -= got;
		if (ret)
			break;
	}
	/* Finish reading before handing the space back. */
	virt_mb();
	WRITE_ONCE(intf->rsp_cons, cons);
	return ret;
}

/**
 * xpv_xs_user_type_allowed() - may user space send this request type
 * @type: the type field of a message written to /dev/xen/xenbus
 *
 * Client requests pass (the daemon enforces its own permissions).
 * XS_WATCH/XS_UNWATCH are handled by the kernel and not forwarded, so they
 * are refused here; so are messages only the daemon sends (XS_WATCH_EVENT,
 * XS_ERROR), XS_RESET_WATCHES (it would drop the kernel's own watches)
 * and unknown types.
 */
bool xpv_xs_user_type_allowed(u32 type)
{
	switch (type) {
	case XS_CONTROL:
	case XS_DIRECTORY:
	case XS_READ:
	case XS_GET_PERMS:
	case XS_TRANSACTION_START:
	case XS_TRANSACTION_END:
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_GET_DOMAIN_PATH:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
	case XS_IS_DOMAIN_INTRODUCED:
	case XS_RESUME:
	case XS_SET_TARGET:
	case XS_DIRECTORY_PART:
		return true;
	default:
		return false;
	}
}

/**
 * xpv_xs_parse_uint() - strict decimal parsing of a xenstore value
 * @str: the value (need not be NUL-terminated)
 * @len: its length; a single trailing NUL is allowed
 * @max: largest acceptable value
 * @val: result
 *
 * Return: 0, or -EINVAL for an empty string, a sign, leading spaces, any
 * non-digit, or trailing garbage; -ERANGE above @max.
 */
int xpv_xs_parse_uint(const char *str, u32 len, u64 max, u64 *val)
{
	u64 v = 0;
	u32 i;

	if (len && str[len - 1] == '\0')
		len--;
	if (!len || len > 20)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u32 d;

		if (str[i] < '0' || str[i] > '9')
			return -EINVAL;
		d = str[i] - '0';
		if (v > max / 10)
			return -ERANGE;
		v *= 10;
		if (d > max - v)
			return -ERANGE;
		v += d;
	}
	*val = v;
	return 0;
}
