// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenbus state machine decisions for frontends and backends. Pure C,
 * shared by the kernel and the selftests.
 */
#include "xenbus_state.h"
#include "xs_proto.h"

static const char *const xpv_xb_state_names[] = {
	[XenbusStateUnknown] = "Unknown",
	[XenbusStateInitialising] = "Initialising",
	[XenbusStateInitWait] = "InitWait",
	[XenbusStateInitialised] = "Initialised",
	[XenbusStateConnected] = "Connected",
	[XenbusStateClosing] = "Closing",
	[XenbusStateClosed] = "Closed",
	[XenbusStateReconfiguring] = "Reconfiguring",
	[XenbusStateReconfigured] = "Reconfigured",
};

/**
 * xpv_xb_state_valid() - whether @state is a value of enum xenbus_state
 * @state: a value read from a peer
 */
bool xpv_xb_state_valid(int state)
{
	return state >= XenbusStateUnknown && state <= XenbusStateReconfigured;
}

/**
 * xpv_xb_state_name() - printable name of a state
 * @state: any value
 *
 * Return: the name, or "INVALID" for a value outside the protocol.
 */
const char *xpv_xb_state_name(int state)
{
	return xpv_xb_state_valid(state) ? xpv_xb_state_names[state] : "INVALID";
}

/**
 * xpv_xb_action_name() - printable name of an action, for logs
 * @action: the action
 */
const char *xpv_xb_action_name(enum xpv_xb_action action)
{
	switch (action) {
	case XPV_XB_NONE: return "none";
	case XPV_XB_SETUP: return "setup";
	case XPV_XB_CONNECT: return "connect";
	case XPV_XB_SETUP_CONNECT: return "setup+connect";
	case XPV_XB_CLOSE: return "close";
	case XPV_XB_TEARDOWN: return "teardown";
	case XPV_XB_REINIT: return "reinit";
	case XPV_XB_ERROR: return "error";
	}
	return "?";
}

/**
 * xpv_xb_parse_state() - parse a "state" node
 * @str: the node's value
 * @len: its length
 * @state: result
 *
 * Return: 0, or -EINVAL for anything but a decimal number naming a state.
 */
int xpv_xb_parse_state(const char *str, u32 len, enum xenbus_state *state)
{
	u64 v;
	int err;

	err = xpv_xs_parse_uint(str, len, XenbusStateReconfigured, &v);
	if (err)
		return -EINVAL;
	*state = (enum xenbus_state)v;
	return 0;
}

/**
 * xpv_xb_front_action() - a frontend's reaction to its backend's state
 * @self: the frontend's own current state
 * @peer: the backend's state as read from xenstore (may be invalid)
 *
 * Frontend life cycle: Initialising -> (backend InitWait: publish) ->
 * Initialised -> (backend Connected) -> Connected -> (backend Closing or
 * Closed) -> Closed -> (backend InitWait again: reconnect). A frontend that
 * starts the close itself (unplug) switches to Closing and finishes on the
 * backend's Closing.
 */
enum xpv_xb_action xpv_xb_front_action(enum xenbus_state self, int peer)
{
	if (!xpv_xb_state_valid(peer))
		return XPV_XB_ERROR;

	switch (peer) {
	case XenbusStateInitWait:
		if (self == XenbusStateInitialising)
			return XPV_XB_SETUP;
		if (self == XenbusStateClosed)
			return XPV_XB_REINIT;
		return XPV_XB_NONE;
	case XenbusStateInitialised:
		/* Some backends announce Initialised instead of InitWait. */
		if (self == XenbusStateInitialising)
			return XPV_XB_SETUP;
		return XPV_XB_NONE;
	case XenbusStateConnected:
		if (self == XenbusStateInitialising)
			return XPV_XB_SETUP_CONNECT;
		if (self == XenbusStateInitialised)
			return XPV_XB_CONNECT;
		return XPV_XB_NONE;
	case XenbusStateClosing:
	case XenbusStateClosed:
		/*
		 * The backend is closing (or closed without passing through
		 * Closing): release everything and answer Closed, which is what
		 * lets the backend finish its own close.
		 */
		if (self == XenbusStateClosed)
			return XPV_XB_NONE;
		return XPV_XB_TEARDOWN;
	case XenbusStateUnknown:
		/* The backend's node vanished: the device is gone. */
		if (self == XenbusStateClosed || self == XenbusStateInitialising)
			return XPV_XB_NONE;
		return XPV_XB_TEARDOWN;
	case XenbusStateInitialising:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
	default:
		return XPV_XB_NONE;
	}
}

/**
 * xpv_xb_back_action() - a backend's reaction to its frontend's state
 * @self: the backend's own current state
 * @peer: the frontend's state as read from xenstore (may be invalid)
 *
 * Backend life cycle: (probe) InitWait -> (frontend Initialised or
 * Connected: map its rings) -> Connected -> (frontend Closing) -> Closing
 * -> (frontend Closed) -> Closed -> (frontend Initialising again) ->
 * InitWait.
 */
enum xpv_xb_action xpv_xb_back_action(enum xenbus_state self, int peer)
{
	if (!xpv_xb_state_valid(peer))
		return XPV_XB_ERROR;

	switch (peer) {
	case XenbusStateInitialising:
		if (self == XenbusStateClosed)
			return XPV_XB_REINIT;
		return XPV_XB_NONE;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (self == XenbusStateInitWait || self == XenbusStateInitialised)
			return XPV_XB_SETUP_CONNECT;
		return XPV_XB_NONE;
	case XenbusStateClosing:
		if (self == XenbusStateClosing || self == XenbusStateClosed)
			return XPV_XB_NONE;
		return XPV_XB_CLOSE;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		if (self == XenbusStateClosed)
			return XPV_XB_NONE;
		return XPV_XB_TEARDOWN;
	case XenbusStateInitWait:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
	default:
		return XPV_XB_NONE;
	}
}
