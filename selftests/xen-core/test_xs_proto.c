// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/xen/proto/xs_proto.c: xenstore framing, reply
 * checks, error names and ring arithmetic, including hostile input.
 */
#include <stdio.h>
#include <stdlib.h>
#include "xs_proto.h"
#include "xs_daemon.h"
#include "kselftest_harness.h"

FIXTURE(ring) {
	struct xenstore_domain_interface intf;
	struct xpv_xs_rx rx;
};

FIXTURE_SETUP(ring)
{
	memset(&self->intf, 0, sizeof(self->intf));
	xpv_xs_rx_reset(&self->rx);
}

FIXTURE_TEARDOWN(ring)
{
}

FIXTURE_VARIANT(ring) {
	uint32_t start;		/* initial index: exercises wrap-around */
};

FIXTURE_VARIANT_ADD(ring, zero) { .start = 0 };
FIXTURE_VARIANT_ADD(ring, mid_ring) { .start = 1000 };
FIXTURE_VARIANT_ADD(ring, index_wrap) { .start = 0xfffffff0u };

TEST_F(ring, read_one_message)
{
	self->intf.rsp_prod = variant->start;
	self->intf.rsp_cons = self->intf.rsp_prod;
	daemon_put_msg(&self->intf, XS_READ, 7, "hello", 5);
	ASSERT_EQ(1, xpv_xs_ring_read(&self->intf, &self->rx));
	EXPECT_EQ(XS_READ, self->rx.hdr.type);
	EXPECT_EQ(7, self->rx.hdr.req_id);
	EXPECT_EQ(5, self->rx.hdr.len);
	EXPECT_STREQ("hello", self->rx.body);
	EXPECT_EQ(variant->start + 16 + 5, self->intf.rsp_cons);
}

TEST_F(ring, read_stops_at_message_end)
{
	self->intf.rsp_prod = variant->start;
	self->intf.rsp_cons = self->intf.rsp_prod;
	daemon_put_msg(&self->intf, XS_READ, 1, "a", 1);
	daemon_put_msg(&self->intf, XS_WRITE, 2, "OK", 3);
	ASSERT_EQ(1, xpv_xs_ring_read(&self->intf, &self->rx));
	EXPECT_EQ(1, self->rx.hdr.req_id);
	EXPECT_EQ(variant->start + 17, self->intf.rsp_cons);
	xpv_xs_rx_reset(&self->rx);
	ASSERT_EQ(1, xpv_xs_ring_read(&self->intf, &self->rx));
	EXPECT_EQ(2, self->rx.hdr.req_id);
	EXPECT_STREQ("OK", self->rx.body);
	EXPECT_EQ(self->intf.rsp_prod, self->intf.rsp_cons);
}

TEST_F(ring, partial_message_waits)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 3, .len = 4 };

	self->intf.rsp_prod = variant->start;
	self->intf.rsp_cons = self->intf.rsp_prod;
	daemon_put(&self->intf, &h, 10);
	EXPECT_EQ(0, xpv_xs_ring_read(&self->intf, &self->rx));
	daemon_put(&self->intf, (char *)&h + 10, 6);
	daemon_put(&self->intf, "ab", 2);
	EXPECT_EQ(0, xpv_xs_ring_read(&self->intf, &self->rx));
	daemon_put(&self->intf, "cd", 2);
	ASSERT_EQ(1, xpv_xs_ring_read(&self->intf, &self->rx));
	EXPECT_STREQ("abcd", self->rx.body);
}

TEST_F(ring, wraps_around_ring_end)
{
	char big[1000];
	int i, r;

	memset(big, 'x', sizeof(big));
	self->intf.rsp_prod = variant->start + 900;
	self->intf.rsp_cons = self->intf.rsp_prod;
	daemon_put_msg(&self->intf, XS_READ, 9, big, sizeof(big));
	r = xpv_xs_ring_read(&self->intf, &self->rx);
	ASSERT_EQ(1, r);
	for (i = 0; i < 1000; i++)
		ASSERT_EQ('x', self->rx.body[i]);
	EXPECT_EQ(0, self->rx.body[1000]);
}

TEST_F(ring, producer_more_than_a_ring_ahead)
{
	self->intf.rsp_cons = variant->start;
	self->intf.rsp_prod = variant->start + XENSTORE_RING_SIZE + 1;
	EXPECT_EQ(-EIO, xpv_xs_ring_read(&self->intf, &self->rx));
	/* Nothing consumed from a ring with a corrupt index. */
	EXPECT_EQ(variant->start, self->intf.rsp_cons);
	EXPECT_EQ(0, self->rx.pos);
}

TEST_F(ring, producer_behind_consumer)
{
	self->intf.rsp_cons = variant->start;
	self->intf.rsp_prod = variant->start - 1;
	EXPECT_EQ(-EIO, xpv_xs_ring_read(&self->intf, &self->rx));
}

TEST_F(ring, oversized_header_rejected)
{
	struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1,
				 .len = XENSTORE_PAYLOAD_MAX + 1 };

	self->intf.rsp_prod = variant->start;
	self->intf.rsp_cons = self->intf.rsp_prod;
	daemon_put(&self->intf, &h, sizeof(h));
	EXPECT_EQ(-E2BIG, xpv_xs_ring_read(&self->intf, &self->rx));
}

TEST_F(ring, write_until_full)
{
	char buf[XENSTORE_RING_SIZE + 100];

	memset(buf, 'r', sizeof(buf));
	self->intf.req_prod = variant->start;
	self->intf.req_cons = self->intf.req_prod;
	EXPECT_EQ(XENSTORE_RING_SIZE - 24,
		  xpv_xs_ring_write(&self->intf, buf, XENSTORE_RING_SIZE - 24));
	EXPECT_EQ(24, xpv_xs_ring_write(&self->intf, buf, 100));
	EXPECT_EQ(0, xpv_xs_ring_write(&self->intf, buf, 1));
	EXPECT_EQ(variant->start + XENSTORE_RING_SIZE, self->intf.req_prod);
	/* The daemon consumes 10 bytes: exactly 10 more fit. */
	self->intf.req_cons += 10;
	EXPECT_EQ(10, xpv_xs_ring_write(&self->intf, "0123456789abc", 13));
}

TEST_F(ring, write_data_lands_at_masked_index)
{
	self->intf.req_prod = variant->start + 1020;
	self->intf.req_cons = self->intf.req_prod;
	ASSERT_EQ(8, xpv_xs_ring_write(&self->intf, "ABCDEFGH", 8));
	EXPECT_EQ('A', self->intf.req[MASK_XENSTORE_IDX(variant->start + 1020)]);
	EXPECT_EQ('H', self->intf.req[MASK_XENSTORE_IDX(variant->start + 1027)]);
}

TEST_F(ring, write_corrupt_consumer)
{
	self->intf.req_prod = variant->start;
	self->intf.req_cons = variant->start + 5;	/* consumer ahead */
	EXPECT_EQ(-EIO, xpv_xs_ring_write(&self->intf, "x", 1));
	EXPECT_EQ(variant->start, self->intf.req_prod);
}

TEST(ring_used_arithmetic)
{
	EXPECT_EQ(0, xpv_xs_ring_used(5, 5));
	EXPECT_EQ(32, xpv_xs_ring_used(0xfffffff0u, 0x10));
	EXPECT_EQ(XENSTORE_RING_SIZE, xpv_xs_ring_used(0, XENSTORE_RING_SIZE));
	EXPECT_EQ(-EIO, xpv_xs_ring_used(0, XENSTORE_RING_SIZE + 1));
	EXPECT_EQ(-EIO, xpv_xs_ring_used(1, 0));
}

TEST(feed_in_pieces_and_limits)
{
	static struct xpv_xs_rx rx;
	struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 4, .tx_id = 9,
				 .len = XENSTORE_PAYLOAD_MAX };
	static char body[XENSTORE_PAYLOAD_MAX];
	uint32_t used, i;
	int r = 0;

	memset(body, 'b', sizeof(body));
	xpv_xs_rx_reset(&rx);
	for (i = 0; i < sizeof(h); i++) {
		r = xpv_xs_rx_feed(&rx, (char *)&h + i, 1, &used);
		ASSERT_EQ(0, r);
		ASSERT_EQ(1, used);
	}
	r = xpv_xs_rx_feed(&rx, body, 100, &used);
	EXPECT_EQ(0, r);
	EXPECT_EQ(100, used);
	/* Offer more than the message: only the rest of it is taken. */
	static char more[XENSTORE_PAYLOAD_MAX + 50];

	memcpy(more, body, XENSTORE_PAYLOAD_MAX - 100);
	r = xpv_xs_rx_feed(&rx, more, sizeof(more), &used);
	EXPECT_EQ(1, r);
	EXPECT_EQ(XENSTORE_PAYLOAD_MAX - 100, used);
	EXPECT_EQ(9, rx.hdr.tx_id);
	EXPECT_EQ(0, rx.body[XENSTORE_PAYLOAD_MAX]);
	EXPECT_TRUE(xpv_xs_rx_complete(&rx));

	xpv_xs_rx_reset(&rx);
	h.len = XENSTORE_PAYLOAD_MAX + 1;
	EXPECT_EQ(-E2BIG, xpv_xs_rx_feed(&rx, &h, sizeof(h), &used));
	xpv_xs_rx_reset(&rx);
	h.len = 0xffffffffu;
	EXPECT_EQ(-E2BIG, xpv_xs_rx_feed(&rx, &h, sizeof(h), &used));
	xpv_xs_rx_reset(&rx);
	h.len = 0;
	EXPECT_EQ(1, xpv_xs_rx_feed(&rx, &h, sizeof(h), &used));
	EXPECT_EQ(0, rx.body[0]);
}

TEST(error_names)
{
	EXPECT_EQ(-ENOENT, xpv_xs_errno("ENOENT", 7));
	EXPECT_EQ(-ENOENT, xpv_xs_errno("ENOENT", 6));
	EXPECT_EQ(-EAGAIN, xpv_xs_errno("EAGAIN", 7));
	EXPECT_EQ(-EACCES, xpv_xs_errno("EACCES", 7));
	EXPECT_EQ(-E2BIG, xpv_xs_errno("E2BIG", 6));
	EXPECT_EQ(-EEXIST, xpv_xs_errno("EEXIST", 7));
	/* Unknown, prefix, suffix, empty: all -EINVAL, never a guess. */
	EXPECT_EQ(-EINVAL, xpv_xs_errno("EFOO", 5));
	EXPECT_EQ(-EINVAL, xpv_xs_errno("ENO", 4));
	EXPECT_EQ(-EINVAL, xpv_xs_errno("ENOENTX", 8));
	EXPECT_EQ(-EINVAL, xpv_xs_errno("ENOENT\0\0", 8));
	EXPECT_EQ(-EINVAL, xpv_xs_errno("", 0));
	EXPECT_STREQ("ENOENT", xpv_xs_errstr(-ENOENT));
	EXPECT_STREQ("EAGAIN", xpv_xs_errstr(-EAGAIN));
	EXPECT_STREQ("EINVAL", xpv_xs_errstr(-ENOTTY));
	EXPECT_EQ(-EOPNOTSUPP, xpv_xs_errno("ENOSYS", 7));
	EXPECT_STREQ("ENOSYS", xpv_xs_errstr(-EOPNOTSUPP));
}

TEST(reply_matching)
{
	struct xsd_sockmsg rep = { .type = XS_READ, .req_id = 5, .len = 3 };

	EXPECT_EQ(0, xpv_xs_check_reply(XS_READ, 5, &rep, "abc"));
	EXPECT_EQ(-EPROTO, xpv_xs_check_reply(XS_READ, 6, &rep, "abc"));
	EXPECT_EQ(-EPROTO, xpv_xs_check_reply(XS_WRITE, 5, &rep, "abc"));
	rep.type = XS_ERROR;
	rep.len = 7;
	EXPECT_EQ(-ENOENT, xpv_xs_check_reply(XS_READ, 5, &rep, "ENOENT"));
	rep.len = 4;
	EXPECT_EQ(-EINVAL, xpv_xs_check_reply(XS_READ, 5, &rep, "xyz"));
	/* An error for someone else's request is a mismatch, not an error. */
	rep.req_id = 4;
	EXPECT_EQ(-EPROTO, xpv_xs_check_reply(XS_READ, 5, &rep, "xyz"));
	rep.type = XS_WATCH_EVENT;
	rep.req_id = 5;
	EXPECT_EQ(-EPROTO, xpv_xs_check_reply(XS_READ, 5, &rep, ""));
}

TEST(strings_and_watch_events)
{
	const char *path, *token;

	EXPECT_EQ(0, xpv_xs_count_strings("", 0));
	EXPECT_EQ(2, xpv_xs_count_strings("a\0bc", 5));
	EXPECT_EQ(3, xpv_xs_count_strings("a\0\0b", 5));
	EXPECT_EQ(-EPROTO, xpv_xs_count_strings("a\0bc", 4));

	ASSERT_EQ(0, xpv_xs_parse_watch_event("dev/x\0tok", 10, &path, &token));
	EXPECT_STREQ("dev/x", path);
	EXPECT_STREQ("tok", token);
	EXPECT_EQ(-EPROTO, xpv_xs_parse_watch_event("dev/x", 6, &path, &token));
	EXPECT_EQ(-EPROTO, xpv_xs_parse_watch_event("dev/x\0tok", 9, &path, &token));
	EXPECT_EQ(-EPROTO, xpv_xs_parse_watch_event("\0tok", 5, &path, &token));
	EXPECT_EQ(-EPROTO, xpv_xs_parse_watch_event("", 0, &path, &token));
}

TEST(paths)
{
	static char longpath[XENSTORE_ABS_PATH_MAX + 2];

	EXPECT_EQ(0, xpv_xs_check_path("device/vif/0/state", XENSTORE_REL_PATH_MAX));
	EXPECT_EQ(0, xpv_xs_check_path("/local/domain/1/data", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(0, xpv_xs_check_path("@releaseDomain", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("a b", XENSTORE_ABS_PATH_MAX));
	EXPECT_EQ(-EINVAL, xpv_xs_check_path("a\nb", XENSTORE_ABS_PATH_MAX));
	memset(longpath, 'a', XENSTORE_ABS_PATH_MAX + 1);
	EXPECT_EQ(-E2BIG, xpv_xs_check_path(longpath, XENSTORE_ABS_PATH_MAX));
	longpath[XENSTORE_ABS_PATH_MAX] = 0;
	EXPECT_EQ(0, xpv_xs_check_path(longpath, XENSTORE_ABS_PATH_MAX));
}

TEST(parse_uint)
{
	uint64_t v = 77;

	EXPECT_EQ(0, xpv_xs_parse_uint("123", 3, 1000, &v));
	EXPECT_EQ(123, v);
	EXPECT_EQ(0, xpv_xs_parse_uint("0\0", 2, 0, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, xpv_xs_parse_uint("18446744073709551615", 20, UINT64_MAX, &v));
	EXPECT_EQ(UINT64_MAX, v);
	v = 77;
	EXPECT_EQ(-ERANGE, xpv_xs_parse_uint("18446744073709551616", 20, UINT64_MAX, &v));
	EXPECT_EQ(-ERANGE, xpv_xs_parse_uint("1001", 4, 1000, &v));
	EXPECT_EQ(-ERANGE, xpv_xs_parse_uint("9", 1, 8, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("", 0, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("\0", 1, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("-1", 2, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint(" 1", 2, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("1a", 2, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("1\0\0", 3, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("0x10", 4, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("+1", 2, 1000, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("1 ", 2, 1000, &v));
	/* kstrtoull() would take the newline; xenstore values have none */
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("1\n", 2, 1000, &v));
	EXPECT_EQ(-ERANGE, xpv_xs_parse_uint("99999999999999999999", 20,
					     UINT64_MAX, &v));
	EXPECT_EQ(-EINVAL, xpv_xs_parse_uint("999999999999999999999", 21,
					     UINT64_MAX, &v));
	EXPECT_EQ(77, v);	/* untouched on error */
}

TEST(user_request_types)
{
	uint32_t t;

	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_READ));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_WRITE));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_DIRECTORY));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_TRANSACTION_START));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_TRANSACTION_END));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_RM));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_MKDIR));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_GET_PERMS));
	EXPECT_TRUE(xpv_xs_user_type_allowed(XS_SET_PERMS));
	/* Handled in the kernel, daemon-only, or harmful to the kernel. */
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_WATCH));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_UNWATCH));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_WATCH_EVENT));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_ERROR));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_RESET_WATCHES));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_SET_TARGET + 1));
	for (t = XS_TYPE_COUNT; t < XS_TYPE_COUNT + 1000; t++)
		ASSERT_FALSE(xpv_xs_user_type_allowed(t));
	EXPECT_FALSE(xpv_xs_user_type_allowed(XS_INVALID));
	EXPECT_FALSE(xpv_xs_user_type_allowed(0xffffffffu));
}

TEST_HARNESS_MAIN
