/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus state machine decisions: pure logic shared by the kernel and the
 * selftests.
 *
 * A driver's reaction to the other end's state depends on both ends'
 * states. These tables are written so that a repeated state is a no-op, a
 * skipped state still converges (e.g. a backend that jumps straight to
 * Connected), an out-of-order state is ignored rather than obeyed, and a
 * state value outside the protocol is reported as an error to log.
 */
#ifndef _XPV_PROTO_XENBUS_STATE_H
#define _XPV_PROTO_XENBUS_STATE_H

#include <xpv/proto/compat.h>
#include <xen/interface/io/xenbus.h>

/**
 * enum xpv_xb_action - what a driver should do on the peer's new state
 * @XPV_XB_NONE: nothing (repeated, irrelevant or out-of-order state)
 * @XPV_XB_SETUP: allocate and publish rings/ports (frontend; then switch
 *	to Initialised), or read and map the peer's (backend; then Connected)
 * @XPV_XB_CONNECT: the handshake is complete: switch to Connected
 * @XPV_XB_SETUP_CONNECT: a state was skipped: do SETUP then CONNECT
 * @XPV_XB_CLOSE: the peer is going away: quiesce, switch to Closing
 * @XPV_XB_TEARDOWN: release everything, switch to Closed
 * @XPV_XB_REINIT: the peer restarted after a close: reset to the initial
 *	waiting state (backend: InitWait; frontend: Initialising)
 * @XPV_XB_ERROR: the value is not a xenbus state; log it and ignore it
 */
enum xpv_xb_action {
	XPV_XB_NONE,
	XPV_XB_SETUP,
	XPV_XB_CONNECT,
	XPV_XB_SETUP_CONNECT,
	XPV_XB_CLOSE,
	XPV_XB_TEARDOWN,
	XPV_XB_REINIT,
	XPV_XB_ERROR,
};

bool xpv_xb_state_valid(int state);
const char *xpv_xb_state_name(int state);
const char *xpv_xb_action_name(enum xpv_xb_action action);
int xpv_xb_parse_state(const char *str, u32 len, enum xenbus_state *state);
enum xpv_xb_action xpv_xb_front_action(enum xenbus_state self, int peer);
enum xpv_xb_action xpv_xb_back_action(enum xenbus_state self, int peer);

#endif /* _XPV_PROTO_XENBUS_STATE_H */
