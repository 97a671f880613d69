// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile-peer tests of the xenstore and xenbus proto (drivers/xen/proto/
 * xs_proto.c, xenbus_state.c): a hostile xenstore daemon on the shared
 * xenstore page, a hostile /dev/xen/xenbus user, hostile values in the
 * keys the drivers parse, and a hostile peer driving the xenbus state
 * machine backwards, in repeats and in skips.  Built with ASan and UBSan
 * and with the copy-once hook (hook.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include "xs_proto.h"
#include "xs_daemon.h"
#include "xenbus_state.h"
#include "kselftest_harness.h"

/* ------------------------------------------------------------------ */
/* Keys holding garbage: xpv_xs_parse_uint(), what xpv_xs_read_uint()  */
/* (every driver's numeric key) and the watch-token parser run.        */
/* ------------------------------------------------------------------ */

struct garbage {
	const char *s;
	u32 len;	/* 0: strlen(s) */
	u64 max;
	int err;
};

static const struct garbage garbage[] = {
	{ "", 0, ~0ULL, -EINVAL },
	{ "\0", 1, ~0ULL, -EINVAL },
	{ "-1", 0, ~0ULL, -EINVAL },
	{ "-0", 0, ~0ULL, -EINVAL },
	{ "+1", 0, ~0ULL, -EINVAL },
	{ " 1", 0, ~0ULL, -EINVAL },
	{ "1 ", 0, ~0ULL, -EINVAL },
	{ "1\n", 0, ~0ULL, -EINVAL },
	{ "\t1", 0, ~0ULL, -EINVAL },
	{ "0x10", 0, ~0ULL, -EINVAL },
	{ "1e3", 0, ~0ULL, -EINVAL },
	{ "1.0", 0, ~0ULL, -EINVAL },
	{ "1,000", 0, ~0ULL, -EINVAL },
	{ "one", 0, ~0ULL, -EINVAL },
	{ "\xb9", 0, ~0ULL, -EINVAL },		/* superscript one */
	{ "\xd9\xa3", 0, ~0ULL, -EINVAL },	/* Arabic-Indic three */
	{ "1\0002", 3, ~0ULL, -EINVAL },	/* embedded NUL */
	{ "1\0\0", 3, ~0ULL, -EINVAL },
	{ "000000000000000000001", 0, ~0ULL, -EINVAL },	/* 21 digits */
	{ "18446744073709551616", 0, ~0ULL, -ERANGE },	/* 2^64 */
	{ "99999999999999999999", 0, ~0ULL, -ERANGE },
	{ "4294967296", 0, 0xffffffffULL, -ERANGE },	/* 2^32 */
	{ "5", 0, 4, -ERANGE },				/* ring order */
	{ "9", 0, 8, -ERANGE },				/* xenbus state */
	{ "1", 0, 0, -ERANGE },
	/* Refused at the first reason: too big before the garbage. */
	{ "18446744\0\0`0", 13, 0x1000, -ERANGE },	/* fuzz_negotiate */
};

TEST(uint_keys_holding_garbage)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(garbage); i++) {
		const struct garbage *g = &garbage[i];
		u32 len = g->len ? g->len : (u32)strlen(g->s);
		char *copy = malloc(len ? len : 1);	/* exact size */

		ASSERT_NE(NULL, copy);
		memcpy(copy, g->s, len);
		v = 0x5a5a5a5a;
		EXPECT_EQ(g->err, xpv_xs_parse_uint(copy, len, g->max, &v))
			TH_LOG("#%u '%s'", i, g->s);
		EXPECT_EQ(0x5a5a5a5a, v) TH_LOG("#%u written on error", i);
		free(copy);
	}
	/* The edges that are values. */
	EXPECT_EQ(0, xpv_xs_parse_uint("18446744073709551615", 20, ~0ULL, &v));
	EXPECT_EQ(~0ULL, v);
	EXPECT_EQ(0, xpv_xs_parse_uint("00000000000000000004", 20, 4, &v));
	EXPECT_EQ(4, v);
	EXPECT_EQ(0, xpv_xs_parse_uint("4\0", 2, 4, &v));
	EXPECT_EQ(4, v);
}

/* Every byte value in every position of a short key. */
TEST(uint_keys_every_byte)
{
	unsigned int c, pos;
	char s[3];
	u64 v;

	for (pos = 0; pos < 3; pos++) {
		for (c = 0; c < 256; c++) {
			int want;

			memcpy(s, "123", 3);
			s[pos] = (char)c;
			want = (c >= '0' && c <= '9') ||
			       (pos == 2 && c == 0) ? 0 : -EINVAL;
			ASSERT_EQ(want, xpv_xs_parse_uint(s, 3, ~0ULL, &v))
				TH_LOG("byte %u at %u", c, pos);
		}
	}
}

TEST(state_keys_holding_garbage)
{
	static const char *const bad[] = {
		"", "9", "10", "-1", "4 ", " 4", "4\n", "0x4", "Connected",
		"4294967300", "18446744073709551620",
	};
	enum xenbus_state st = XenbusStateClosing;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, xpv_xb_parse_state(bad[i], strlen(bad[i]),
						      &st)) TH_LOG("'%s'", bad[i]);
		EXPECT_EQ(XenbusStateClosing, st);
	}
	EXPECT_EQ(0, xpv_xb_parse_state("4", 1, &st));
	EXPECT_EQ(XenbusStateConnected, st);
	EXPECT_EQ(0, xpv_xb_parse_state("8\0", 2, &st));
	EXPECT_EQ(XenbusStateReconfigured, st);
}

/* ------------------------------------------------------------------ */
/* A hostile xenstore daemon on the shared page.                       */
/* ------------------------------------------------------------------ */

FIXTURE(xs) {
	struct xenstore_domain_interface *intf;
	struct xpv_xs_rx *rx;
};

FIXTURE_VARIANT(xs) {
	u32 start;
};

FIXTURE_VARIANT_ADD(xs, zero) { .start = 0 };
FIXTURE_VARIANT_ADD(xs, wrap) { .start = 0xfffffff8U };

FIXTURE_SETUP(xs)
{
	self->intf = calloc(1, sizeof(*self->intf));
	self->rx = malloc(sizeof(*self->rx));
	ASSERT_NE(NULL, self->intf);
	ASSERT_NE(NULL, self->rx);
	self->intf->rsp_cons = variant->start;
	self->intf->rsp_prod = variant->start;
	self->intf->req_cons = variant->start;
	self->intf->req_prod = variant->start;
	xpv_xs_rx_reset(self->rx);
	hostile_disarm();
}

FIXTURE_TEARDOWN(xs)
{
	hostile_disarm();
	free(self->rx);
	free(self->intf);
}

/* Read one reply to (XS_READ, @req_id) the way xenstore.c does. */
static int read_reply(struct _test_data_xs *self, u32 req_id)
{
	int ret;

	xpv_xs_rx_reset(self->rx);
	ret = xpv_xs_ring_read(self->intf, self->rx);
	if (ret != 1)
		return ret < 0 ? ret : -1000;
	return xpv_xs_check_reply(XS_READ, req_id, &self->rx->hdr,
				  self->rx->body);
}

/* The daemon can still talk to us: a valid reply is taken as such. */
static int still_works(struct _test_data_xs *self)
{
	int ret;

	daemon_put_msg(self->intf, XS_READ, 42, "4", 2);
	ret = read_reply(self, 42);
	if (ret)
		return ret;
	return strcmp(self->rx->body, "4") ? -1001 : 0;
}

struct hdr_rewrite {
	struct xenstore_domain_interface *intf;
	u32 at;
};

/* Rewrite the header just copied: a huge length, another id and type. */
static void hdr_rewrite_fn(void *arg)
{
	struct hdr_rewrite *h = arg;
	struct xsd_sockmsg bad = { .type = XS_ERROR, .req_id = 666,
				   .len = 0xffffffffU };
	const char *p = (const char *)&bad;
	u32 i;

	for (i = 0; i < sizeof(bad); i++)
		h->intf->rsp[MASK_XENSTORE_IDX(h->at + i)] = p[i];
}

TEST_F(xs, copy_once_reply_header)
{
	struct hdr_rewrite h = { .intf = self->intf,
				 .at = self->intf->rsp_prod };

	daemon_put_msg(self->intf, XS_READ, 7, "hello", 6);
	/*
	 * Watch the last header byte: once it is copied, the whole header
	 * is (it may arrive in two pieces around the ring's end).
	 */
	hostile_arm(&self->intf->rsp[MASK_XENSTORE_IDX(h.at + 15)], 1,
		    hdr_rewrite_fn, &h);
	EXPECT_EQ(0, read_reply(self, 7));
	EXPECT_EQ(1, hostile_watch.reads);
	hostile_disarm();
	EXPECT_EQ(6, self->rx->hdr.len);
	EXPECT_EQ(XS_READ, self->rx->hdr.type);
	EXPECT_STREQ("hello", self->rx->body);
	EXPECT_EQ(0, still_works(self));
}

TEST_F(xs, producer_far_ahead_and_behind)
{
	u32 cons = self->intf->rsp_cons;

	self->intf->rsp_prod = cons + XENSTORE_RING_SIZE + 1;
	EXPECT_EQ(-EIO, read_reply(self, 1));
	EXPECT_EQ(cons, self->intf->rsp_cons);	/* nothing consumed */
	self->intf->rsp_prod = cons - 1;
	EXPECT_EQ(-EIO, read_reply(self, 1));
	EXPECT_EQ(cons, self->intf->rsp_cons);
	self->intf->rsp_prod = cons;
	EXPECT_EQ(0, still_works(self));
	/* The request side: a consumer index the daemon made up. */
	self->intf->req_cons = self->intf->req_prod + 1;
	EXPECT_EQ(-EIO, xpv_xs_ring_write(self->intf, "x", 1));
	self->intf->req_cons = self->intf->req_prod - XENSTORE_RING_SIZE - 1;
	EXPECT_EQ(-EIO, xpv_xs_ring_write(self->intf, "x", 1));
}

/* A daemon sending the largest payload, as much as fits each time. */
static int feed_big(struct _test_data_xs *self)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 3,
				 .len = XENSTORE_PAYLOAD_MAX };
	u32 total = sizeof(h) + XENSTORE_PAYLOAD_MAX, sent = 0;
	char *msg = malloc(total);
	int ret = 0;

	if (!msg)
		return -ENOMEM;
	memcpy(msg, &h, sizeof(h));
	memset(msg + sizeof(h), 'a', XENSTORE_PAYLOAD_MAX);
	xpv_xs_rx_reset(self->rx);
	while (sent < total && !ret) {
		u32 room = XENSTORE_RING_SIZE -
			   (self->intf->rsp_prod - self->intf->rsp_cons);
		u32 n = total - sent < room ? total - sent : room;

		daemon_put(self->intf, msg + sent, n);
		sent += n;
		ret = xpv_xs_ring_read(self->intf, self->rx);
	}
	free(msg);
	return ret;
}

TEST_F(xs, oversized_reply)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1,
				 .len = XENSTORE_PAYLOAD_MAX + 1 };

	daemon_put(self->intf, &h, sizeof(h));
	daemon_put(self->intf, "xxxx", 4);
	EXPECT_EQ(-E2BIG, read_reply(self, 1));
	/* Not one body byte was taken. */
	EXPECT_EQ(self->intf->rsp_prod - 4, self->intf->rsp_cons);
	/* The largest legal payload is fine, fed as the ring frees up. */
	self->intf->rsp_cons = self->intf->rsp_prod;
	EXPECT_EQ(1, feed_big(self));
	EXPECT_TRUE(xpv_xs_rx_complete(self->rx));
	EXPECT_EQ(XENSTORE_PAYLOAD_MAX, strlen(self->rx->body));
	EXPECT_EQ(0, still_works(self));
}

TEST_F(xs, replies_that_answer_something_else)
{
	/* Another id, another type, an error with a made-up name. */
	daemon_put_msg(self->intf, XS_READ, 41, "4", 2);
	EXPECT_EQ(-EPROTO, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_WRITE, 42, "OK", 3);
	EXPECT_EQ(-EPROTO, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_WATCH_EVENT, 42, "a\0b", 4);
	EXPECT_EQ(-EPROTO, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_ERROR, 42, "EHACKED", 8);
	EXPECT_EQ(-EINVAL, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_ERROR, 42, "ENOENT\0junk", 11);
	EXPECT_EQ(-EINVAL, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_ERROR, 42, "", 0);
	EXPECT_EQ(-EINVAL, read_reply(self, 42));
	daemon_put_msg(self->intf, XS_ERROR, 42, "ENOENT", 7);
	EXPECT_EQ(-ENOENT, read_reply(self, 42));
	EXPECT_EQ(0, still_works(self));
}

TEST(watch_events_holding_garbage)
{
	static const struct {
		const char *s;
		u32 len;
	} bad[] = {
		{ "", 0 }, { "\0", 1 }, { "path", 4 }, { "path\0", 5 },
		{ "path\0tok", 8 }, { "\0tok\0", 5 }, { "\0\0", 2 },
		{ "path\0tok\0x", 10 },	/* two strings, then garbage */
	};
	const char *path, *token;
	unsigned int i;
	u64 id;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *copy = malloc(bad[i].len ? bad[i].len : 1);

		ASSERT_NE(NULL, copy);
		memcpy(copy, bad[i].s, bad[i].len);
		EXPECT_EQ(-EPROTO, xpv_xs_parse_watch_event(copy, bad[i].len,
							    &path, &token))
			TH_LOG("#%u", i);
		free(copy);
	}
	/* A well-formed event whose token is not one of ours. */
	ASSERT_EQ(0, xpv_xs_parse_watch_event("a/b\0-5\0", 7, &path, &token));
	EXPECT_STREQ("-5", token);
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint(token, strlen(token), UINT_MAX,
					     &id));
	ASSERT_EQ(0, xpv_xs_parse_watch_event("a/b\00099999999999\0", 16,
					      &path, &token));
	EXPECT_EQ(-ERANGE, xpv_xs_parse_uint(token, strlen(token), UINT_MAX,
					     &id));
	/* Extra strings after the token are tolerated, not read. */
	EXPECT_EQ(0, xpv_xs_parse_watch_event("a\0001\0x\0", 6, &path,
					      &token));
}

/* ------------------------------------------------------------------ */
/* A hostile /dev/xen/xenbus user: the framing xenbus_dev.c runs.      */
/* ------------------------------------------------------------------ */

TEST(user_stream_framing)
{
	struct xpv_xs_rx *rx = malloc(sizeof(*rx));
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = 4 };
	char stream[64];
	u32 used, i;
	int ret = 0;

	ASSERT_NE(NULL, rx);
	/* Oversized: refused once the header is in, not one body byte read. */
	h.len = XENSTORE_PAYLOAD_MAX + 1;
	memcpy(stream, &h, sizeof(h));
	memset(stream + sizeof(h), 'x', sizeof(stream) - sizeof(h));
	xpv_xs_rx_reset(rx);
	EXPECT_EQ(-E2BIG, xpv_xs_rx_feed(rx, stream, sizeof(stream), &used));
	EXPECT_EQ(sizeof(h), used);
	h.len = 0xffffffffU;
	memcpy(stream, &h, sizeof(h));
	xpv_xs_rx_reset(rx);
	EXPECT_EQ(-E2BIG, xpv_xs_rx_feed(rx, stream, sizeof(stream), &used));

	/* Byte by byte, two messages back to back: never past the first. */
	h.len = 4;
	memcpy(stream, &h, sizeof(h));
	memcpy(stream + sizeof(h), "a/b", 4);
	memcpy(stream + sizeof(h) + 4, &h, sizeof(h));
	xpv_xs_rx_reset(rx);
	for (i = 0; i < sizeof(h) + 4; i++) {
		ret = xpv_xs_rx_feed(rx, stream + i, 1, &used);
		ASSERT_EQ(1, used);
		if (ret)
			break;
	}
	EXPECT_EQ(1, ret);
	EXPECT_EQ(sizeof(h) + 3, i);
	EXPECT_STREQ("a/b", rx->body);
	/* A complete message takes nothing more. */
	EXPECT_EQ(1, xpv_xs_rx_feed(rx, stream, sizeof(stream), &used));
	EXPECT_EQ(0, used);

	/* Types a user may not send. */
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_WATCH_EVENT));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_ERROR));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_RESET_WATCHES));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_WATCH));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_INVALID));
	EXPECT_FALSE(xpv_xs_user_type_allowed(0x80000000U));
	/* Paths a user may not name. */
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("a b", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("a\n", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-E2BIG, xpv_xs_check_path("abcdef", 3));
	free(rx);
}

/* ------------------------------------------------------------------ */
/* Rule 10: the xenbus state machine under a hostile peer.             */
/* ------------------------------------------------------------------ */

/*
 * A model driver that obeys the actions: it owns resources (rings, event
 * channels) from SETUP until TEARDOWN.  Whatever the peer writes, it must
 * never set up twice (a leak or a double map), connect without resources,
 * or reset while it still holds them.
 */
struct model {
	enum xenbus_state self;
	bool res;
	unsigned int setups, teardowns;
};

static int model_apply(struct model *m, enum xpv_xb_action a, bool front)
{
	switch (a) {
	case XPV_XB_NONE:
	case XPV_XB_ERROR:
		return 0;
	case XPV_XB_SETUP:
		if (m->res || !front)
			return -1;
		m->res = true;
		m->setups++;
		m->self = XenbusStateInitialised;
		return 0;
	case XPV_XB_CONNECT:
		if (!m->res)
			return -2;
		m->self = XenbusStateConnected;
		return 0;
	case XPV_XB_SETUP_CONNECT:
		if (m->res)
			return -3;
		m->res = true;
		m->setups++;
		m->self = XenbusStateConnected;
		return 0;
	case XPV_XB_CLOSE:
		m->self = XenbusStateClosing;
		return 0;
	case XPV_XB_TEARDOWN:
		if (m->res)
			m->teardowns++;
		m->res = false;
		m->self = XenbusStateClosed;
		return 0;
	case XPV_XB_REINIT:
		if (m->res)
			return -4;
		m->self = front ? XenbusStateInitialising :
				  XenbusStateInitWait;
		return 0;
	}
	return -5;
}

static const int peer_values[] = {
	XenbusStateUnknown, XenbusStateInitialising, XenbusStateInitWait,
	XenbusStateInitialised, XenbusStateConnected, XenbusStateClosing,
	XenbusStateClosed, XenbusStateReconfiguring, XenbusStateReconfigured,
	-1, 9, 10, 255, INT_MAX, INT_MIN,
};

static int walk(struct __test_metadata *_metadata, bool front,
		unsigned int steps, unsigned int seed)
{
	struct model m = {
		.self = front ? XenbusStateInitialising : XenbusStateInitWait,
	};
	unsigned int i;

	srand(seed);
	for (i = 0; i < steps; i++) {
		int peer = peer_values[rand() % ARRAY_SIZE(peer_values)];
		enum xpv_xb_action a = front ?
			xpv_xb_front_action(m.self, peer) :
			xpv_xb_back_action(m.self, peer);
		int err;

		if (xpv_xb_state_valid(peer) && a == XPV_XB_ERROR)
			return -10;
		if (!xpv_xb_state_valid(peer) && a != XPV_XB_ERROR)
			return -11;
		err = model_apply(&m, a, front);
		if (err) {
			TH_LOG("%s: step %u self %s peer %d: %s (%d)",
			       front ? "front" : "back", i,
			       xpv_xb_state_name(m.self), peer,
			       xpv_xb_action_name(a), err);
			return err;
		}
		if (m.self == XenbusStateConnected && !m.res)
			return -12;
	}
	/* It did connect and close along the way (the walk is not idle). */
	return m.setups > 10 && m.teardowns > 10 ? 0 : -13;
}

TEST(xenbus_random_peer_front)
{
	unsigned int seed;

	for (seed = 1; seed <= 20; seed++)
		ASSERT_EQ(0, walk(_metadata, true, 20000, seed))
			TH_LOG("seed %u", seed);
}

TEST(xenbus_random_peer_back)
{
	unsigned int seed;

	for (seed = 1; seed <= 20; seed++)
		ASSERT_EQ(0, walk(_metadata, false, 20000, seed))
			TH_LOG("seed %u", seed);
}

/* The named cases: backwards, repeated, skipped. */
TEST(xenbus_backwards_repeated_skipped)
{
	/* Front, connected: the back end goes back to InitWait/Initialised. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected,
						   XenbusStateInitWait));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected,
						   XenbusStateInitialised));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected,
						   XenbusStateInitialising));
	/* Repeated Connected. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected,
						   XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateConnected,
						  XenbusStateConnected));
	/* Repeated InitWait after setup: no second setup. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateInitialised,
						   XenbusStateInitWait));
	/* Skipped: straight to Connected. */
	EXPECT_EQ(XPV_XB_SETUP_CONNECT,
		  xpv_xb_front_action(XenbusStateInitialising,
				      XenbusStateConnected));
	EXPECT_EQ(XPV_XB_SETUP_CONNECT,
		  xpv_xb_back_action(XenbusStateInitWait,
				     XenbusStateConnected));
	/* Skipped Closing: straight to Closed. */
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_front_action(XenbusStateConnected,
						       XenbusStateClosed));
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_back_action(XenbusStateConnected,
						      XenbusStateClosed));
	/* Back end, closing: the front end claims Connected again. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateClosing,
						  XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateClosed,
						  XenbusStateConnected));
	/* Not a state at all. */
	EXPECT_EQ(XPV_XB_ERROR, xpv_xb_front_action(XenbusStateConnected, 9));
	EXPECT_EQ(XPV_XB_ERROR, xpv_xb_back_action(XenbusStateConnected, -1));
	EXPECT_STREQ("INVALID", xpv_xb_state_name(INT_MIN));
}

TEST_HARNESS_MAIN
