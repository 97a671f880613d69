// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile xenstore daemon.  The input is what it does
 * to the shared xenstore page: bytes it puts in the response ring (as much
 * as fits) and producer indexes it makes up.  After each step the kernel's
 * reader runs as xenstore.c does: xpv_xs_ring_read() until a message is
 * whole, then a watch event is split (xpv_xs_parse_watch_event()) and its
 * token parsed (xpv_xs_parse_uint()), any other reply matched against the
 * request outstanding (xpv_xs_check_reply()), a directory listing counted
 * (xpv_xs_count_strings()) and an error named (xpv_xs_errno()).
 *
 * Input: [start u32][req_type u8][req_id u32] then steps:
 *	[op u8] op & 0x80: rsp_prod = rsp_cons + [u32]  (a made-up index)
 *		otherwise: put [u16 % 1100] next input bytes (as fit)
 *
 * Properties: the consumer index never passes the producer's and never
 * moves when the indexes are corrupt (-EIO); a complete message has at
 * most XENSTORE_PAYLOAD_MAX bytes and its body is NUL-terminated there;
 * -E2BIG only for a longer header; a split watch event's path and token
 * lie within the body; a reply is accepted only with our id and type;
 * no access outside the page or the message buffer (ASan).
 */
#include "fuzz_input.h"
#include "xs_proto.h"

static struct xenstore_domain_interface *intf;
static struct xpv_xs_rx *rx;

static void dispatch(u32 req_type, u32 req_id)
{
	const struct xsd_sockmsg *h = &rx->hdr;
	const char *path, *token;
	u64 id;
	int err;

	PROPERTY(h->len <= XENSTORE_PAYLOAD_MAX);
	PROPERTY(rx->body[h->len] == '\0');
	if (h->type == XS_WATCH_EVENT) {
		if (xpv_xs_parse_watch_event(rx->body, h->len, &path, &token))
			return;
		PROPERTY(h->len && rx->body[h->len - 1] == '\0');
		PROPERTY(path == rx->body && path[0]);
		PROPERTY(token > path && token < rx->body + h->len);
		PROPERTY(token + strlen(token) < rx->body + h->len);
		err = xpv_xs_parse_uint(token, strlen(token), 0xffffffffU, &id);
		PROPERTY(err || id <= 0xffffffffU);
		return;
	}
	err = xpv_xs_check_reply(req_type, req_id, h, rx->body);
	if (!err) {
		PROPERTY(h->req_id == req_id && h->type == req_type);
		if (req_type == XS_DIRECTORY) {
			int n = xpv_xs_count_strings(rx->body, h->len);

			PROPERTY(n == -EPROTO || (n >= 0 && (u32)n <= h->len));
		}
	} else if (h->type == XS_ERROR && h->req_id == req_id) {
		PROPERTY(err == xpv_xs_errno(rx->body, h->len));
		PROPERTY(!strcmp(xpv_xs_errstr(err), rx->body) ||
			 err == -EINVAL);
	} else {
		PROPERTY(err == -EPROTO);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	u32 start = fuzz_u32(&in);
	u32 req_type = fuzz_u8(&in) % (XS_TYPE_COUNT + 1);
	u32 req_id = fuzz_u32(&in);
	unsigned int steps = 0;

	if (!intf) {
		intf = malloc(sizeof(*intf));
		rx = malloc(sizeof(*rx));
	}
	memset(intf, 0, sizeof(*intf));
	intf->rsp_cons = start;
	intf->rsp_prod = start;
	xpv_xs_rx_reset(rx);

	while (in.left && steps++ < 256) {
		u8 op = fuzz_u8(&in);
		XENSTORE_RING_IDX cons, prod;
		int ret;

		if (op & 0x80) {
			intf->rsp_prod = intf->rsp_cons + fuzz_u32(&in);
		} else {
			u32 n = fuzz_u16(&in) % 1100, room, i;

			room = XENSTORE_RING_SIZE -
			       (intf->rsp_prod - intf->rsp_cons);
			if (room > XENSTORE_RING_SIZE)
				room = 0;	/* after a made-up index */
			if (n > room)
				n = room;
			if (n > in.left)
				n = in.left;
			for (i = 0; i < n; i++)
				intf->rsp[MASK_XENSTORE_IDX(intf->rsp_prod + i)] =
					in.p[i];
			in.p += n;
			in.left -= n;
			intf->rsp_prod += n;
		}
		cons = intf->rsp_cons;
		prod = intf->rsp_prod;
		ret = xpv_xs_ring_read(intf, rx);
		PROPERTY(intf->rsp_prod == prod);
		if (ret == -EIO) {
			PROPERTY(prod - cons > XENSTORE_RING_SIZE);
			PROPERTY(intf->rsp_cons == cons);
			/* xenstore.c marks the connection broken: start over */
			intf->rsp_cons = intf->rsp_prod;
			xpv_xs_rx_reset(rx);
			continue;
		}
		PROPERTY(intf->rsp_cons - cons <= prod - cons);
		if (ret == -E2BIG) {
			PROPERTY(rx->pos >= XPV_XS_HDR_LEN &&
				 rx->hdr.len > XENSTORE_PAYLOAD_MAX);
			intf->rsp_cons = intf->rsp_prod;
			xpv_xs_rx_reset(rx);
			continue;
		}
		PROPERTY(ret == 0 || ret == 1);
		if (ret == 1) {
			PROPERTY(xpv_xs_rx_complete(rx));
			dispatch(req_type, req_id);
			xpv_xs_rx_reset(rx);
		}
	}
	return 0;
}
