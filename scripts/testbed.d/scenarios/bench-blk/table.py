#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the bench-blk figures (build/results/bench-blk.json) as a table:
one row per fio job and figure, one column per pair, and the ours/stock
ratios (higher is better; for notifications stock/ours)."""
import json
import os
import sys
import time

PAIRS = [("stock", "stock"), ("front", "our front"), ("xpv", "ours both")]
JOBS = [("rr4k_qd1", "4k randread QD1", "iops", "IOPS"),
        ("rr4k_qd32", "4k randread QD32", "iops", "IOPS"),
        ("seqread_1m", "1M seq read QD8", "MBps", "MB/s"),
        ("seqwrite_1m", "1M seq write QD8", "MBps", "MB/s")]


def main(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"bench-blk: no figures ({path}: {e})")
        return 1
    m = {k: v["value"] for k, v in data.get("metrics", {}).items()}
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))
    print(f"bench-blk ({path}, {stamp}); fio in a 2-vCPU PVH guest, null_blk in dom0, "
          "Xen 4.17 under QEMU TCG")
    print("pairs: stock = stock blkfront + stock blkback; our front = xpv-blkfront + "
          "stock blkback; ours both = xpv-blkfront + xpv-blkback")
    if not m.get("xpv_measured"):
        print("ours both: skipped (no build/modules/xpv-blkback.ko)")
    have = [(p, name) for p, name in PAIRS if f"{p}_rr4k_qd1_ios" in m]
    ratios = [(p, name) for p, name in have if p != "stock"]
    hdr = f"{'job':<18} {'figure':<20}" + "".join(f" {name:>10}" for _, name in have)
    hdr += "".join(f" {'ratio ' + p:>12}" for p, _ in ratios)
    print(hdr)
    print("-" * len(hdr))

    def row(job, shown, label, key, fmt, ratio_key=None):
        cells = []
        for p, _ in have:
            v = m.get(f"{p}_{job}_{key}")
            cells.append(f" {fmt.format(v) if v is not None else '-':>10}")
        for p, _ in ratios:
            r = m.get(f"ratio_{p}_{job}_{ratio_key}") if ratio_key else None
            cells.append(f" {('%.2f' % r) if r is not None else '':>12}")
        print(f"{shown:<18} {label:<20}" + "".join(cells))

    for job, title, key, unit in JOBS:
        row(job, title, unit, key, "{:.0f}" if key == "iops" else "{:.1f}", key)
        row(job, "", "I/Os completed", "ios", "{:.0f}")
        row(job, "", "requests per I/O", "reqs_per_io", "{:.2f}")
        row(job, "", "guest irqs per I/O", "guest_notif_per_io", "{:.3f}")
        row(job, "", "dom0 irqs per I/O", "dom0_notif_per_io", "{:.3f}")
        row(job, "", "notifs per I/O", "notif_per_io", "{:.3f}", "notif_stock_over_ours")
    for p, name in ratios:
        g = m.get(f"ratio_{p}_speed_geomean")
        if g is not None:
            print(f"{name}: speed ratio ours/stock, geometric mean over the 4 jobs: {g:.2f}")
    print("ratios: speed ours/stock; notifications stock/ours (higher is better). "
          "TCG figures are noisy: compare within one run.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/results/bench-blk.json"))
