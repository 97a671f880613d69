// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv: the xenbus state decisions every driver asks for, over the pure
 * tables of drivers/xpv/proto/xenbus_state.c.  Compiled into the native
 * provider and, from the same file, into the dom0-compat module.
 */
#include <linux/module.h>
#include <xpv/xenbus.h>

#include "proto/xenbus_state.h"

/**
 * xpv_xenbus_front_action() - what a frontend does on its backend's state
 * @self: the frontend's state
 * @peer: the backend's state
 *
 * Return: an XPV_XENBUS_* action (see drivers/xpv/proto/xenbus_state.c
 * for the table; repeated and out-of-order states give XPV_XENBUS_NONE).
 */
int xpv_xenbus_front_action(enum xenbus_state self, enum xenbus_state peer)
{
	return xpv_xb_front_action(self, peer);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_front_action);

/**
 * xpv_xenbus_back_action() - what a backend does on its frontend's state
 * @self: the backend's state
 * @peer: the frontend's state
 *
 * Return: an XPV_XENBUS_* action.
 */
int xpv_xenbus_back_action(enum xenbus_state self, enum xenbus_state peer)
{
	return xpv_xb_back_action(self, peer);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_back_action);

/**
 * xpv_xenbus_state_name() - printable state name
 * @state: any value
 */
const char *xpv_xenbus_state_name(enum xenbus_state state)
{
	return xpv_xb_state_name(state);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_state_name);
