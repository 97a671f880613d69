#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print the bench-net figures (build/results/bench-net.json) as a table
(median and min-max of the rounds per pair and job, ours/stock ratios of
the medians, each marked "n.s." when either pair's spread is wider than the
gain: tools/benchstats.py, the rule bench-blk's table prints too) and plot
the medians with their ranges into build/results/bench-net.png (gnuplot)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import benchstats  # noqa: E402

PAIRS = [("stock", "stock"), ("front", "our front"), ("xpv", "ours both"),
         ("map", "ours, tx map")]
JOBS = [("tcp-tx", "TCP guest->dom0", "Mbit_s", "Mbit/s"),
        ("tcp-rx", "TCP dom0->guest", "Mbit_s", "Mbit/s"),
        ("udp64", "UDP 64 B guest->dom0", "pps", "pkt/s")]


def plot(m, have, png):
    rows = []
    for job, title, u, _ in JOBS:
        cells = []
        for p, _ in have:
            vals = benchstats.samples(m, f"{p}_{job}_r")
            if not vals:
                break
            cells += list(benchstats.summary(vals))
        else:
            rows.append((title, cells))
    if not rows:
        return None
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data")
        with open(data, "w") as f:
            for title, cells in rows:
                # Each job on its own scale: values relative to stock's median.
                base = cells[0] or 1
                f.write('"%s" %s\n' % (title, " ".join("%.4f" % (c / base) for c in cells)))
        cols = []
        for i, (_, name) in enumerate(have):
            c = 2 + 3 * i
            cols.append(f"'{data}' using {c}:{c + 1}:{c + 2}:xtic(1) title '{name}'")
        script = "\n".join([
            "set terminal png size 900,480",
            f"set output '{png}'",
            "set title 'bench-net: median of the rounds relative to the stock pair (bars: min-max)'",
            "set style data histograms",
            "set style histogram errorbars gap 2 lw 1",
            "set style fill solid 0.6 border -1",
            "set yrange [0:*]",
            "set ylabel 'relative to stock (higher is better)'",
            "set grid ytics",
            "plot " + ", ".join(cols),
        ])
        r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            print(f"bench-net: plot failed: {r.stderr.strip()}")
            return None
    return png


def main(path):
    loaded = benchstats.load(path, "bench-net")
    if loaded is None:
        return 1
    m, stamp = loaded
    print(f"bench-net ({path}, {stamp}); iperf3 between a 2-vCPU PVH guest and dom0 "
          "over xenbr0, Xen 4.17 under QEMU TCG")
    print("pairs: stock = stock netfront + stock netback; our front = xpv-netfront + "
          "stock netback; ours both = xpv-netfront + xpv-netback (tx_mode=copy); "
          "ours, tx map = the same with tx_mode=map")
    if not m.get("xpv_measured"):
        print("ours both: skipped (no build/modules/xpv-netback.ko)")
    have = [(p, n) for p, n in PAIRS if benchstats.samples(m, f"{p}_tcp-tx_r")]
    ratios = [(p, n) for p, n in have if p != "stock"]
    hdr = f"{'job':<22} {'figure':<22}" + "".join(f" {n:>20}" for _, n in have)
    hdr += "".join(f" {'ratio ' + p:>16}" for p, _ in ratios)
    print(hdr)
    print("-" * len(hdr))
    for job, title, u, unit in JOBS:
        cells = []
        base = benchstats.samples(m, f"stock_{job}_r")
        for p, _ in have:
            vals = benchstats.samples(m, f"{p}_{job}_r")
            cells.append(f" {'%.1f (%.1f-%.1f)' % benchstats.summary(vals) if vals else '-':>20}")
        for p, _ in ratios:
            ours = benchstats.samples(m, f"{p}_{job}_r")
            if not ours or not base:
                cells.append(f" {'':>16}")
                continue
            sig = "" if benchstats.significant(ours, base) else " n.s."
            cells.append(f" {'%.2f%s' % (benchstats.ratio(ours, base), sig):>16}")
        print(f"{title:<22} {unit + ' median (min-max)':<22}" + "".join(cells))
        cells = []
        for p, _ in have:
            v = m.get(f"{p}_{job}_irq_per_pkt_median")
            cells.append(f" {'%.3f' % v if v is not None else '-':>20}")
        for p, _ in ratios:
            r = m.get(f"ratio_{p}_{job}_irq_stock_over_ours")
            cells.append(f" {('%.2f' % r) if r is not None else '':>16}")
        print(f"{'':<22} {'irqs per packet':<22}" + "".join(cells))
        for key, label in (("dom0_cpu_us_per_pkt", "dom0 CPU us/packet"),
                           ("grant_ops_per_txpkt", "grant ops/guest tx pkt"),
                           ("grant_calls_per_txpkt", "grant calls/guest tx pkt")):
            vals = [m.get(f"{p}_{job}_{key}_median") for p, _ in have]
            if all(v is None for v in vals):
                continue
            cells = [f" {'%.3f' % v if v is not None else '-':>20}" for v in vals]
            print(f"{'':<22} {label:<22}" + "".join(cells))
    print("ratios: speed ours/stock of the medians; interrupts per packet stock/ours "
          "(higher is better);\n" + benchstats.NOTE + ".")
    png = plot(m, have, os.path.splitext(path)[0] + ".png")
    if png:
        print(f"plot: {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/results/bench-net.json"))
