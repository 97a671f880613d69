// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile peer's "state" node.  Each step is a value
 * the peer writes (a string, parsed with xpv_xb_parse_state() as the
 * otherend watch does) or a raw integer (what a driver passes when it
 * already holds one); the action xpv_xb_front_action() or
 * xpv_xb_back_action() returns is applied to a model driver.
 *
 * Input: [side u8] then steps: [kind u8] kind & 1: [s32] raw; otherwise
 *	[len u8 % 24] string bytes.
 *
 * Properties: a string is accepted exactly when it is one decimal digit
 * 0..8 (with at most one trailing NUL, and leading zeros); an invalid
 * value is ERROR and changes nothing; the model never sets up twice
 * without a teardown, never connects without its rings, never resets
 * while it holds them; state names are always printable strings.
 */
#include "fuzz_input.h"
#include "xenbus_state.h"

struct model {
	enum xenbus_state self;
	bool res;
};

static void apply(struct model *m, enum xpv_xb_action a, bool front)
{
	switch (a) {
	case XPV_XB_NONE:
	case XPV_XB_ERROR:
		break;
	case XPV_XB_SETUP:
		PROPERTY(front && !m->res);
		m->res = true;
		m->self = XenbusStateInitialised;
		break;
	case XPV_XB_CONNECT:
		PROPERTY(m->res);
		m->self = XenbusStateConnected;
		break;
	case XPV_XB_SETUP_CONNECT:
		PROPERTY(!m->res);
		m->res = true;
		m->self = XenbusStateConnected;
		break;
	case XPV_XB_CLOSE:
		m->self = XenbusStateClosing;
		break;
	case XPV_XB_TEARDOWN:
		m->res = false;
		m->self = XenbusStateClosed;
		break;
	case XPV_XB_REINIT:
		PROPERTY(!m->res);
		m->self = front ? XenbusStateInitialising : XenbusStateInitWait;
		break;
	default:
		PROPERTY(0);
	}
	PROPERTY(m->self != XenbusStateConnected || m->res);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_in in = { data, size };
	bool front = fuzz_u8(&in) & 1;
	struct model m = {
		.self = front ? XenbusStateInitialising : XenbusStateInitWait,
	};
	unsigned int steps = 0;

	while (in.left && steps++ < 512) {
		u8 kind = fuzz_u8(&in);
		enum xpv_xb_action a;
		int peer;

		if (kind & 1) {
			peer = (int)fuzz_u32(&in);
		} else {
			u32 len = fuzz_u8(&in) % 24, i, slen;
			char *s = malloc(len ? len : 1);
			enum xenbus_state st = XenbusStateUnknown;
			u64 v = 0;
			bool ok;
			int err;

			fuzz_take(&in, s, len);
			slen = len && s[len - 1] == '\0' ? len - 1 : len;
			ok = slen >= 1 && slen <= 20;
			for (i = 0; i < slen; i++) {
				if (s[i] < '0' || s[i] > '9')
					ok = false;
				else if (v <= XenbusStateReconfigured)
					v = v * 10 + (s[i] - '0');
			}
			ok = ok && v <= XenbusStateReconfigured;
			err = xpv_xb_parse_state(s, len, &st);
			PROPERTY(ok ? (!err && (u64)st == v) : err == -EINVAL);
			free(s);
			if (err)
				continue;	/* logged and ignored */
			peer = st;
		}
		a = front ? xpv_xb_front_action(m.self, peer) :
			    xpv_xb_back_action(m.self, peer);
		PROPERTY((a == XPV_XB_ERROR) == !xpv_xb_state_valid(peer));
		PROPERTY(xpv_xb_state_name(peer) && xpv_xb_action_name(a));
		apply(&m, a, front);
	}
	return 0;
}
