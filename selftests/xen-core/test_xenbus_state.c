// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/xen/proto/xenbus_state.c: frontend and backend
 * reactions to the peer's state, including repeated, skipped, out-of-order
 * and invalid states. A small simulator drives both ends to convergence.
 */
#include <stdio.h>
#include "xenbus_state.h"
#include "kselftest_harness.h"

/* Apply an action to an end's own state the way a driver does. */
static enum xenbus_state front_apply(enum xenbus_state self,
				     enum xpv_xb_action a)
{
	switch (a) {
	case XPV_XB_SETUP: return XenbusStateInitialised;
	case XPV_XB_CONNECT:
	case XPV_XB_SETUP_CONNECT: return XenbusStateConnected;
	case XPV_XB_CLOSE: return XenbusStateClosing;
	case XPV_XB_TEARDOWN: return XenbusStateClosed;
	case XPV_XB_REINIT: return XenbusStateInitialising;
	default: return self;
	}
}

static enum xenbus_state back_apply(enum xenbus_state self,
				    enum xpv_xb_action a)
{
	switch (a) {
	case XPV_XB_SETUP:
	case XPV_XB_CONNECT:
	case XPV_XB_SETUP_CONNECT: return XenbusStateConnected;
	case XPV_XB_CLOSE: return XenbusStateClosing;
	case XPV_XB_TEARDOWN: return XenbusStateClosed;
	case XPV_XB_REINIT: return XenbusStateInitWait;
	default: return self;
	}
}

/* Let both ends react until nothing changes; returns the step count. */
static int converge(enum xenbus_state *f, enum xenbus_state *b)
{
	int steps;

	for (steps = 0; steps < 20; steps++) {
		enum xenbus_state nf = front_apply(*f, xpv_xb_front_action(*f, *b));
		enum xenbus_state nb = back_apply(*b, xpv_xb_back_action(*b, nf));

		if (nf == *f && nb == *b)
			return steps;
		*f = nf;
		*b = nb;
	}
	return -1;
}

TEST(handshake_converges_to_connected)
{
	enum xenbus_state f = XenbusStateInitialising, b = XenbusStateInitWait;

	ASSERT_LE(0, converge(&f, &b));
	EXPECT_EQ(XenbusStateConnected, f);
	EXPECT_EQ(XenbusStateConnected, b);
}

TEST(close_and_reconnect)
{
	enum xenbus_state f = XenbusStateConnected, b = XenbusStateClosing;

	ASSERT_LE(0, converge(&f, &b));
	EXPECT_EQ(XenbusStateClosed, f);
	EXPECT_EQ(XenbusStateClosed, b);
	/* Toolstack re-plugs: backend InitWait again, frontend reconnects. */
	b = XenbusStateInitWait;
	ASSERT_LE(0, converge(&f, &b));
	EXPECT_EQ(XenbusStateConnected, f);
	EXPECT_EQ(XenbusStateConnected, b);
}

TEST(frontend_initiated_close)
{
	enum xenbus_state f = XenbusStateClosing, b = XenbusStateConnected;

	ASSERT_LE(0, converge(&f, &b));
	EXPECT_EQ(XenbusStateClosed, f);
	EXPECT_EQ(XenbusStateClosed, b);
}

TEST(frontend_repeated_states_are_noops)
{
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected, XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateInitialised, XenbusStateInitWait));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateClosed, XenbusStateClosing));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateClosed, XenbusStateClosed));
}

TEST(frontend_skipped_states)
{
	/* Backend went straight to Connected before we published. */
	EXPECT_EQ(XPV_XB_SETUP_CONNECT,
		  xpv_xb_front_action(XenbusStateInitialising, XenbusStateConnected));
	/* Backend closed without passing through Closing. */
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_front_action(XenbusStateConnected, XenbusStateClosed));
	/* Backend node vanished. */
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_front_action(XenbusStateConnected, XenbusStateUnknown));
}

TEST(frontend_out_of_order_ignored)
{
	/* A connected frontend does not re-publish on a stale InitWait. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected, XenbusStateInitWait));
	/* A closing frontend does not reconnect on a stale Connected. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateClosing, XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateClosed, XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_front_action(XenbusStateConnected, XenbusStateReconfiguring));
}

TEST(backend_table)
{
	EXPECT_EQ(XPV_XB_SETUP_CONNECT,
		  xpv_xb_back_action(XenbusStateInitWait, XenbusStateInitialised));
	EXPECT_EQ(XPV_XB_SETUP_CONNECT,
		  xpv_xb_back_action(XenbusStateInitWait, XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateConnected, XenbusStateConnected));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateConnected, XenbusStateInitialised));
	EXPECT_EQ(XPV_XB_CLOSE, xpv_xb_back_action(XenbusStateConnected, XenbusStateClosing));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateClosing, XenbusStateClosing));
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_back_action(XenbusStateConnected, XenbusStateClosed));
	EXPECT_EQ(XPV_XB_TEARDOWN, xpv_xb_back_action(XenbusStateInitWait, XenbusStateUnknown));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateClosed, XenbusStateClosed));
	EXPECT_EQ(XPV_XB_REINIT, xpv_xb_back_action(XenbusStateClosed, XenbusStateInitialising));
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateInitWait, XenbusStateInitialising));
	/* Out of order: a closed backend does not map on a stale Connected. */
	EXPECT_EQ(XPV_XB_NONE, xpv_xb_back_action(XenbusStateClosed, XenbusStateConnected));
}

TEST(invalid_peer_values)
{
	int bad[] = { -1, 9, 100, 0x7fffffff };
	unsigned int i;
	enum xenbus_state s;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(XPV_XB_ERROR, xpv_xb_front_action(XenbusStateConnected, bad[i]));
		EXPECT_EQ(XPV_XB_ERROR, xpv_xb_back_action(XenbusStateConnected, bad[i]));
		EXPECT_STREQ("INVALID", xpv_xb_state_name(bad[i]));
	}
	EXPECT_STREQ("Connected", xpv_xb_state_name(XenbusStateConnected));

	EXPECT_EQ(0, xpv_xb_parse_state("4", 1, &s));
	EXPECT_EQ(XenbusStateConnected, s);
	EXPECT_EQ(0, xpv_xb_parse_state("8\0", 2, &s));
	EXPECT_EQ(XenbusStateReconfigured, s);
	EXPECT_EQ(-EINVAL, xpv_xb_parse_state("9", 1, &s));
	EXPECT_EQ(-EINVAL, xpv_xb_parse_state("4x", 2, &s));
	EXPECT_EQ(-EINVAL, xpv_xb_parse_state("", 0, &s));
	EXPECT_EQ(-EINVAL, xpv_xb_parse_state("-4", 2, &s));
	EXPECT_EQ(-EINVAL, xpv_xb_parse_state("Connected", 9, &s));
}

/* Every (self, peer) pair: no action moves an end into an invalid state. */
TEST(exhaustive_pairs_stay_valid)
{
	int self, peer;

	for (self = 0; self <= XenbusStateReconfigured; self++) {
		for (peer = -2; peer <= XenbusStateReconfigured + 2; peer++) {
			enum xpv_xb_action fa = xpv_xb_front_action(self, peer);
			enum xpv_xb_action ba = xpv_xb_back_action(self, peer);

			ASSERT_TRUE(xpv_xb_state_valid(front_apply(self, fa)));
			ASSERT_TRUE(xpv_xb_state_valid(back_apply(self, ba)));
			if (!xpv_xb_state_valid(peer)) {
				ASSERT_EQ(XPV_XB_ERROR, fa);
				ASSERT_EQ(XPV_XB_ERROR, ba);
			}
			/* Repeating the same peer state after acting is a no-op. */
			if (fa != XPV_XB_ERROR && fa != XPV_XB_REINIT)
				ASSERT_EQ(XPV_XB_NONE,
					  xpv_xb_front_action(front_apply(self, fa), peer))
					TH_LOG("front self=%d peer=%d", self, peer);
		}
	}
}

TEST_HARNESS_MAIN
