// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv dom0-compat provider: the xenbus state machine, the value parsers
 * and the xenbus key names are xpv's pure logic in drivers/xpv/proto/,
 * compiled into this module too.
 */
#include "../proto/xs_proto.c"
#include "../proto/xenbus_state.c"
#include "../proto/xenbus_keys.c"
