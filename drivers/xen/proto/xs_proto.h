/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore wire protocol: pure logic shared by the kernel and the selftests.
 *
 * Everything here treats the xenstore daemon (and, for /dev/xen/xenbus, the
 * local user) as untrusted: lengths are bounded by XENSTORE_PAYLOAD_MAX,
 * ring indexes that ran more than a ring ahead are rejected, replies must
 * match the request they answer, and strings must be NUL-terminated inside
 * the payload.
 */
#ifndef _XPV_PROTO_XS_PROTO_H
#define _XPV_PROTO_XS_PROTO_H

#include <xpv/proto/compat.h>
#include <xen/interface/io/xs_wire.h>

/* Size of a header on the wire. */
#define XPV_XS_HDR_LEN		((u32)sizeof(struct xsd_sockmsg))

/**
 * struct xpv_xs_rx - reassembles one message from a byte stream
 * @hdr: the header, valid once @pos >= XPV_XS_HDR_LEN
 * @raw: the header as bytes while it is being received
 * @pos: bytes received so far (header and body)
 * @body: the payload, NUL-terminated one byte past hdr.len when complete
 *
 * Used for the xenstore response ring and for what user space writes to
 * /dev/xen/xenbus. The header is validated as soon as it is complete, so a
 * length above XENSTORE_PAYLOAD_MAX is refused before any body is read.
 */
struct xpv_xs_rx {
	union {
		struct xsd_sockmsg hdr;
		char raw[sizeof(struct xsd_sockmsg)];
	};
	u32 pos;
	char body[XENSTORE_PAYLOAD_MAX + 1];
};

void xpv_xs_rx_reset(struct xpv_xs_rx *rx);
int xpv_xs_rx_feed(struct xpv_xs_rx *rx, const void *src, u32 len, u32 *used);
bool xpv_xs_rx_complete(const struct xpv_xs_rx *rx);

int xpv_xs_check_hdr(const struct xsd_sockmsg *hdr);
int xpv_xs_errno(const char *str, u32 len);
const char *xpv_xs_errstr(int err);
int xpv_xs_check_reply(u32 req_type, u32 req_id, const struct xsd_sockmsg *rep,
		       const char *body);
int xpv_xs_count_strings(const char *buf, u32 len);
int xpv_xs_parse_watch_event(const char *buf, u32 len, const char **path,
			     const char **token);
int xpv_xs_check_path(const char *path, u32 maxlen);
bool xpv_xs_user_type_allowed(u32 type);

/* Ring index arithmetic (XENSTORE_RING_SIZE bytes per direction). */
int xpv_xs_ring_used(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod);
int xpv_xs_ring_write(struct xenstore_domain_interface *intf,
		      const void *data, u32 len);
int xpv_xs_ring_read(struct xenstore_domain_interface *intf,
		     struct xpv_xs_rx *rx);

/* Strict number parsing for values read from xenstore. */
int xpv_xs_parse_uint(const char *str, u32 len, u64 max, u64 *val);

#endif /* _XPV_PROTO_XS_PROTO_H */
