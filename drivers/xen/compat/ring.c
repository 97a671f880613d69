// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: the ring endpoints and key readers are
 * drivers/xpv/xenbus_ring.c, written on top of the provider calls and
 * compiled into this module as they are into the native provider.
 */
#include "../xenbus_ring.c"
