// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile user of /dev/xen/xenbus.  Its writes, cut
 * into write() calls of the sizes it picks, go through the loop of
 * xenbus_dev.c's xbd_write(): xpv_xs_rx_feed() into the message being
 * assembled, a reset after -E2BIG, and on a whole message the checks of
 * xbd_request() that are pure: XS_WATCH / XS_UNWATCH bodies split with
 * xpv_xs_parse_watch_event(), other types filtered by
 * xpv_xs_user_type_allowed(), paths checked with xpv_xs_check_path(); a
 * transaction id the daemon would answer parsed with xpv_xs_parse_uint()
 * and an error answer named with xpv_xs_errno().  The rest of
 * xbd_request() (transaction and watch lists, the daemon round trip)
 * is kernel code and not fuzzed here.
 *
 * Input: steps of [len u16 % 700] then len bytes (one write() call).
 *
 * Properties: a feed never consumes past the message or the bytes given,
 * and never less than one byte of an unfinished message; a whole message
 * is at most XENSTORE_PAYLOAD_MAX bytes, NUL-terminated; -E2BIG exactly
 * for longer headers; types the kernel keeps (watches, events, errors,
 * reset) are never forwarded; split watch bodies lie within the message.
 */
#include "fuzz_input.h"
#include "xs_proto.h"

static struct xpv_xs_rx *rx;

static void request(void)
{
	const struct xsd_sockmsg *h = &rx->hdr;
	const char *path, *token;
	u64 id;

	PROPERTY(h->len <= XENSTORE_PAYLOAD_MAX && rx->body[h->len] == '\0');
	if (h->type == XS_WATCH || h->type == XS_UNWATCH) {
		if (xpv_xs_parse_watch_event(rx->body, h->len, &path, &token))
			return;
		PROPERTY(h->len && rx->body[h->len - 1] == '\0');
		PROPERTY(path[0] && token + strlen(token) < rx->body + h->len);
		(void)xpv_xs_check_path(path, XENSTORE_ABS_PATH_MAX);
		return;
	}
	if (!xpv_xs_user_type_allowed(h->type)) {
		PROPERTY(h->type != XS_READ && h->type != XS_WRITE);
		return;
	}
	PROPERTY(h->type != XS_WATCH_EVENT && h->type != XS_ERROR &&
		 h->type != XS_RESET_WATCHES && h->type < XS_TYPE_COUNT);
	if (h->len && !xpv_xs_count_strings(rx->body, h->len))
		PROPERTY(0);
	if (rx->body[0])
		(void)xpv_xs_check_path(rx->body, XENSTORE_ABS_PATH_MAX);
	/* What the daemon's answer would go through, with this body. */
	if (!xpv_xs_parse_uint(rx->body, h->len, 0xffffffffU, &id))
		PROPERTY(id <= 0xffffffffU);
	(void)xpv_xs_errno(rx->body, h->len);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int writes = 0;

	if (!rx)
		rx = malloc(sizeof(*rx));
	xpv_xs_rx_reset(rx);
	while (in.left && writes++ < 64) {
		u32 n = fuzz_u16(&in) % 700, off = 0;
		char *buf;

		if (n > in.left)
			n = in.left;
		buf = malloc(n ? n : 1);	/* exact size: ASan sees overreads */
		fuzz_take(&in, buf, n);
		while (off < n) {
			u32 before = rx->pos, used = 0;
			int ret = xpv_xs_rx_feed(rx, buf + off, n - off, &used);

			PROPERTY(used <= n - off);
			PROPERTY(rx->pos == before + used);
			if (ret < 0) {
				PROPERTY(ret == -E2BIG);
				PROPERTY(rx->pos == XPV_XS_HDR_LEN &&
					 rx->hdr.len > XENSTORE_PAYLOAD_MAX);
				xpv_xs_rx_reset(rx);
				break;		/* the write fails */
			}
			PROPERTY(used >= 1);
			off += used;
			if (ret) {
				PROPERTY(xpv_xs_rx_complete(rx));
				request();
				xpv_xs_rx_reset(rx);
			} else {
				PROPERTY(off == n);
			}
		}
		free(buf);
	}
	return 0;
}
