# SPDX-License-Identifier: GPL-2.0-only
"""Medians and significance of benchmark samples: the one rule every bench
table prints (bench-blk, bench-net; issue 11).

A pair's figure is the median of its samples, shown with their min-max.
A ratio compares two pairs' medians. It is significant only when the gain
|ratio - 1| is larger than the spread (max - min) / median of either
pair's samples: a spread wider than the gain is printed as not significant.
"""
import json
import os
import re
import time


def load(path, name):
    """(metrics, stamp) of a results JSON (metric name -> value, the file's
    time as text), or None after printing why there are no figures."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{name}: no figures ({path}: {e})")
        return None
    m = {k: v["value"] for k, v in data.get("metrics", {}).items()}
    return m, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))


def summary(values):
    """(median, min, max) of a non-empty list of numbers."""
    v = sorted(values)
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return med, v[0], v[-1]


def spread(values):
    """(max - min) / median of the samples; 1 (wide) when the median is not
    positive."""
    med, lo, hi = summary(values)
    return (hi - lo) / med if med > 0 else 1.0


def ratio(ours, base):
    """median(ours) / median(base); 0 when the base's median is not
    positive."""
    b = summary(base)[0]
    return summary(ours)[0] / b if b > 0 else 0.0


def significant(ours, base):
    """True when the gain |ratio - 1| of the medians is larger than either
    pair's spread (the one rule of this module)."""
    if not ours or not base:
        return False
    return abs(ratio(ours, base) - 1) > max(spread(ours), spread(base))


def samples(metrics, prefix):
    """The samples named PREFIX<number> in a metrics dict, in number order
    (e.g. prefix "front_rr4k_qd1_iops_s" or "stock_tcp-tx_r")."""
    pat = re.compile(re.escape(prefix) + r"([0-9]+)$")
    found = sorted((int(m.group(1)), v) for k, v in metrics.items()
                   if (m := pat.match(k)))
    return [v for _, v in found]


NOTE = ("'not significant' (n.s.): the gain |ratio - 1| is not larger than "
        "either pair's spread (max - min) / median of its samples")
