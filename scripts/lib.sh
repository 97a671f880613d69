# SPDX-License-Identifier: GPL-2.0-only
# Common settings for xpv's build and test-bed scripts. Source it; do not run.

XPV_ROOT=${XPV_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# Everything downloaded, extracted or built outside the clone lives here, so
# a CI run on the same machine is incremental and a fresh machine still works.
XPV_CACHE=${XPV_CACHE:-/var/cache/xpv}
XPV_BUILD=${XPV_BUILD:-$XPV_ROOT/build}

# Pinned versions (Debian 12). The kernel ABI name follows linux-image-amd64.
XPV_XEN_VER=4.17
XPV_KVER_MAJOR=6.1

export XPV_ROOT XPV_CACHE XPV_BUILD
export CCACHE_DIR=${CCACHE_DIR:-$XPV_CACHE/ccache}

log() { printf '[xpv] %s\n' "$*" >&2; }
die() { printf '[xpv] error: %s\n' "$*" >&2; exit 1; }

# heavy_lock: one kernel build or QEMU at a time on this machine (each
# already uses both cores). Re-entrant through XPV_HEAVY_LOCKED so a script
# holding the lock can call another that asks for it.
heavy_lock() {
	[ -n "${XPV_HEAVY_LOCKED:-}" ] && return 0
	# XPV_HEAVY_LOCK: a second cache (a work tree of its own) still
	# takes turns with the first.
	mkdir -p "$XPV_CACHE"
	exec 9>"${XPV_HEAVY_LOCK:-$XPV_CACHE/heavy.lock}"
	if ! flock -n 9; then
		log "waiting for another kernel build or QEMU run to finish"
		flock 9
	fi
	export XPV_HEAVY_LOCKED=1
}

# The Debian ABI name of the stock dom0 kernel (e.g. 6.1.0-56-amd64).
stock_kabi() {
	if [ -f "$XPV_CACHE/debs/stock-kabi" ]; then
		cat "$XPV_CACHE/debs/stock-kabi"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n1
}
