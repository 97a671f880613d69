#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the bench-blk figures (build/results/bench-blk.json) as tables:
per fio job one row per pair (median speed with the samples' min-max, then
the work per I/O, medians), then the ratios of medians, each marked
"not significant" when either pair's spread is wider than the gain
(tools/benchstats.py, the rule bench-net's table prints too)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import benchstats  # noqa: E402

PAIRS = [("stock", "Debian stock"), ("ref", "ref"), ("tuned", "ref tuned"),
         ("front", "our front"), ("xpv", "ours both")]
JOBS = [("rr4k_qd1", "4k randread QD1", "iops", "IOPS"),
        ("rr4k_qd32", "4k randread QD32", "iops", "IOPS"),
        ("seqread_1m", "1M seq read QD8", "MBps", "MB/s"),
        ("seqwrite_1m", "1M seq write QD8", "MBps", "MB/s")]
# name in the JSON, pair, base, shown as
RATIOS = [("front", "front", "ref", "our front / ref"), ("xpv", "xpv", "ref", "ours both / ref"),
          ("tuned", "tuned", "ref", "ref tuned / ref"),
          ("front_over_tuned", "front", "tuned", "our front / ref tuned"),
          ("front_over_stock", "front", "stock", "our front / Debian"),
          ("xpv_over_stock", "xpv", "stock", "ours both / Debian")]
COUNTS = [("reqs_per_io", "req/IO", "{:.2f}"), ("guest_notif_per_io", "g-irq/IO", "{:.3f}"),
          ("dom0_notif_per_io", "d0-irq/IO", "{:.3f}"), ("notif_per_io", "notif/IO", "{:.3f}"),
          ("guest_cpu_us_per_io", "g-us/IO", "{:.0f}"), ("dom0_cpu_us_per_io", "d0-us/IO", "{:.0f}")]


def main(path):
    loaded = benchstats.load(path, "bench-blk")
    if loaded is None:
        return 1
    m, stamp = loaded
    print(f"bench-blk ({path}, {stamp}); fio in 2-vCPU PVH guests, null_blk in dom0, "
          "Xen 4.17 under QEMU TCG")
    print("pairs: Debian stock = Debian's kernel + its xen-blkfront; ref = the reference kernel "
          "(pristine 6.1, our config) + xen-blkfront, defaults;\n"
          "  ref tuned = the same with our front end's ring pages, indirect segments and queues; "
          "our front = xpv-blkfront;\n"
          "  all four against the stock xen-blkback, interleaved; ours both = xpv-blkfront + "
          "xpv-blkback (after the four)")
    if not m.get("xpv_measured"):
        why = "time budget" if m.get("xpv_skipped_for_time") else "no build/modules/xpv-blkback.ko"
        print(f"ours both: skipped ({why})")
    if m.get("rounds_done", 0) < m.get("rounds_asked", 0):
        print(f"WARNING: {m['rounds_done']:.0f} of {m['rounds_asked']:.0f} rounds: the host was too "
              "slow for the rest within the deadline")
    have = [(p, name) for p, name in PAIRS if benchstats.samples(m, f"{p}_rr4k_qd1_iops_s")]
    settings = []
    for p, name in have:
        if f"{p}_ring_order" in m:
            settings.append(f"{name}: {m[f'{p}_queues']:.0f} queues, ring-page-order "
                            f"{m[f'{p}_ring_order']:.0f}, {m[f'{p}_max_segments']:.0f} segments, "
                            f"persistent grants {'on' if m.get(f'{p}_persistent') else 'off'}")
    if settings:
        print("negotiated: " + "; ".join(settings))
    speed = {r: [] for r, _, _, _ in RATIOS}
    for job, title, key, unit in JOBS:
        print()
        hdr = f"{title + ' (' + unit + ')':<26} {'median':>8} {'min-max':>15} {'n':>2}"
        hdr += "".join(f" {label:>9}" for _, label, _ in COUNTS)
        print(hdr)
        print("-" * len(hdr))
        for p, name in have:
            vals = benchstats.samples(m, f"{p}_{job}_{key}_s")
            if not vals:
                continue
            med, lo, hi = benchstats.summary(vals)
            fmt = "{:.0f}" if key == "iops" else "{:.1f}"
            spread = f"{fmt.format(lo)}-{fmt.format(hi)}"
            row = f"{name:<26} {fmt.format(med):>8} {spread:>15} {len(vals):>2}"
            for ck, _, cf in COUNTS:
                v = m.get(f"{p}_{job}_{ck}")
                row += f" {cf.format(v) if v is not None else '-':>9}"
            print(row)
        cells = []
        for r, a, b, label in RATIOS:
            ours = benchstats.samples(m, f"{a}_{job}_{key}_s")
            base = benchstats.samples(m, f"{b}_{job}_{key}_s")
            if not ours or not base:
                continue
            v = benchstats.ratio(ours, base)
            speed[r].append(v)
            ns = "" if benchstats.significant(ours, base) else " (not significant)"
            nv = m.get(f"ratio_{r}_{job}_notif")
            cells.append(f"{label} {v:.2f}{ns}" + (f", notif {nv:.2f}" if nv is not None else ""))
        for c in cells:
            print(f"  {c}")
    print()
    for r, _, _, label in RATIOS:
        if len(speed[r]) == len(JOBS):
            g = 1.0
            for v in speed[r]:
                g *= v
            print(f"{label}: speed, geometric mean over the 4 jobs: {g ** (1 / len(JOBS)):.2f}")
    print("speed: median of the samples (min-max); counts: medians per fio I/O (req = ring "
          "requests, g-irq/d0-irq = interrupts in the guest/dom0,\n"
          "notif = their sum, g-us/d0-us = guest/dom0 CPU time in microseconds). Ratios are of "
          "medians, higher is better (notif: theirs / ours);\n"
          + benchstats.NOTE + ". TCG figures are noisy: compare within one run.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/results/bench-blk.json"))
