# SPDX-License-Identifier: GPL-2.0-only
# bench-net, dom0 side. Two 2-vCPU guests with a vif on xenbr0: bn-stock
# (Debian's kernel and its xen-netfront) and bn-xpv (our kernel and
# xpv-netfront). Pairs:
#   stock  bn-stock  <->  stock xen-netback
#   front  bn-xpv    <->  stock xen-netback
#   xpv    bn-xpv    <->  xpv-netback.ko (+ xpv_compat.ko), when staged
#   map    bn-xpv    <->  the same with tx_mode=map (guest tx fragments
#                         grant-mapped instead of copied)
# ROUNDS rounds, each running every job once per pair, the pair order
# reversed every other round (stock front xpv, xpv front stock, ...) so
# that a back-end swap (vifs detached, module changed, vifs attached
# again) happens once per round. Per job and pair: the median of the
# rounds with min-max and ours/reference ratios of the medians (their
# significance: table.py). Work counted per
# packet: guest and dom0 interrupts, dom0 CPU time; for our back end also
# the grant operations and grant hypercalls per guest tx packet (its
# ethtool counters).
ROUNDS=${XPV_BENCH_ROUNDS:-3}
SECS=${XPV_BENCH_SECS:-5}
# XPV_BENCH_JOBS: a subset of the jobs (e.g. tcp-tx alone, the only job
# in which guest tx has fragments: what tx_mode=map changes).
JOBS=$(echo "${XPV_BENCH_JOBS:-tcp-tx tcp-rx udp64}" | tr ' ' '\n' | awk '/^(tcp-tx|tcp-rx|udp64)$/' | tr '\n' ' ')
[ -n "$JOBS" ] || tb_fail "XPV_BENCH_JOBS=$XPV_BENCH_JOBS names no job (tcp-tx tcp-rx udp64)"
declare -A VAL IRQ CPU GOPS GCALLS PAIR_GUEST=([stock]=bn-stock [front]=bn-xpv [xpv]=bn-xpv [map]=bn-xpv)
BACKEND=stock

# Interrupts of the back ends' channels in dom0: both name them after the
# vif (vif<domid>.<devid>...).
dom0_vif_irqs() {
	awk 'NR == 1 { n = NF; next }
		/vif[0-9]/ { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
}

# dom0 CPU time (all vCPUs: user, nice, system, irq, softirq; not idle,
# iowait or steal) in jiffies of USER_HZ (100/s).
dom0_busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat
}

# Our back end's tx grant counters on bn-xpv's vif: "OPS CALLS PACKETS".
vif_grants() {
	local id
	id=$(xl domid bn-xpv)
	ethtool -S "vif$id.0" | awk -F': *' '{ sub(/^ +/, "", $1); v[$1] = $2 }
		END { printf "%d %d %d\n", v["guest_tx_grant_copy_ops"] + v["guest_tx_grant_map_ops"] + v["guest_tx_grant_unmap_ops"],
			v["guest_tx_grant_calls"], v["guest_tx_packets"] }'
}

detach_vif() {
	timeout 90 xl network-detach "$1" 0 > "$TB/detach.log" 2>&1 ||
		tb_fail "xl network-detach $1 0 failed: $(tail -n 2 "$TB/detach.log" | tr '\n' ' ')"
}

attach_vif() {
	local spec
	# xl network-attach takes the spec's key=value pairs as separate
	# arguments (one argument "type=vif, mac=..." is read as type).
	read -ra spec <<< "$(tb_vif_spec "$1" | tr ',' ' ')"
	timeout 90 xl network-attach "$1" "${spec[@]}" > "$TB/attach.log" 2>&1 ||
		tb_fail "xl network-attach $1 failed: $(tail -n 2 "$TB/attach.log" | tr '\n' ' ')"
	tb_cmd "$1" 120 net
}

# use_backend stock|xpv|map: the guests that back end serves get their vif
# on it (xpv and map: xpv-netback with tx_mode copy or map; the mode
# applies to vifs connecting after it is set).
use_backend() {
	local want=$1 g i mod=${1/map/xpv} have=${BACKEND/map/xpv}
	[ "$BACKEND" = "$want" ] && return 0
	tb_step "switch to the $want back end"
	for g in $guests; do
		[ "$have" = xpv ] && [ $g = bn-stock ] && continue
		detach_vif $g
	done
	for i in $(seq 100); do
		[ -z "$(ls /sys/bus/xen-backend/devices 2>/dev/null | grep '^vif-')" ] && break
		sleep 0.2
	done
	if [ "$mod" = xpv ] && [ "$have" != xpv ]; then
		rmmod xen_netback || tb_fail "cannot unload the stock xen_netback"
		grep -q '^xpv_compat ' /proc/modules || tb_load_xpv_modules xpv_compat
		tb_load_xpv_modules xpv-netback
	elif [ "$mod" != xpv ]; then
		rmmod xpv_netback || tb_fail "cannot unload xpv_netback"
		modprobe xen-netback || tb_fail "cannot load the stock xen-netback again"
	fi
	if [ "$mod" = xpv ]; then
		echo "$([ "$want" = map ] && echo map || echo copy)" > /sys/module/xpv_netback/parameters/tx_mode ||
			tb_fail "cannot set xpv_netback's tx_mode"
	fi
	BACKEND=$want
	for g in $guests; do
		[ "$mod" = xpv ] && [ $g = bn-stock ] && continue
		attach_vif "$g"
	done
}

measure() { # PAIR ROUND
	local p=$1 r=$2 g=${PAIR_GUEST[$1]} job d0 d1 pk c0 c1 g0 g1 o0 o1 k0 k1 t0 t1
	for job in $JOBS; do
		tb_step "round $r: $p: $job"
		[ "$BACKEND" = stock ] || g0=$(vif_grants)
		c0=$(dom0_busy)
		d0=$(dom0_vif_irqs)
		tb_cmd "$g" $((SECS + 120)) iperf "$job" "$SECS"
		d1=$(dom0_vif_irqs)
		c1=$(dom0_busy)
		[ "$BACKEND" = stock ] || g1=$(vif_grants)
		case $job in
		udp64) VAL[$p.$job]+=" $(tb_calc "$(tb_field udp_rx) / $SECS")" ;;
		*) VAL[$p.$job]+=" $(tb_calc "$(tb_field kbps) / 1000")" ;;
		esac
		pk=$(tb_field pkts)
		[ "$pk" -gt 0 ] || tb_fail "$p $job: the guest's eth0 counted no packets"
		[ $((d1 - d0)) -gt 0 ] || tb_fail "$p $job: dom0 counted no vif interrupt (line names changed?)"
		IRQ[$p.$job]+=" $(awk -v g="$(tb_field irq)" -v d=$((d1 - d0)) -v n="$pk" 'BEGIN { printf "%.4f", (g + d) / n }')"
		# dom0 CPU microseconds per packet (a jiffy of /proc/stat: 10 ms).
		CPU[$p.$job]+=" $(awk -v c=$((c1 - c0)) -v n="$pk" 'BEGIN { printf "%.2f", c * 10000 / n }')"
		if [ "$BACKEND" != stock ]; then
			read -r o0 k0 t0 <<< "$g0"
			read -r o1 k1 t1 <<< "$g1"
			[ $((t1 - t0)) -gt 0 ] || tb_fail "$p $job: our back end counted no guest tx packet"
			GOPS[$p.$job]+=" $(awk -v o=$((o1 - o0)) -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", o / n }')"
			GCALLS[$p.$job]+=" $(awk -v o=$((k1 - k0)) -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", o / n }')"
		fi
		tb_metric "${p}_${job}_r${r}" "${VAL[$p.$job]##* }" "$([ $job = udp64 ] && echo pps || echo Mbit/s)"
		# The work counts of each sample too, so a run cut short keeps them.
		tb_metric "${p}_${job}_irq_per_pkt_r${r}" "${IRQ[$p.$job]##* }" interrupts
		tb_metric "${p}_${job}_dom0_cpu_us_per_pkt_r${r}" "${CPU[$p.$job]##* }" us
		if [ "$BACKEND" != stock ]; then
			tb_metric "${p}_${job}_grant_ops_per_txpkt_r${r}" "${GOPS[$p.$job]##* }" ops
			tb_metric "${p}_${job}_grant_calls_per_txpkt_r${r}" "${GCALLS[$p.$job]##* }" calls
		fi
	done
}

# stats "V1 V2 ...": median min max
stats() {
	echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

tb_step setup
iperf3 -s -D -I "$TB/iperf3.pid" --logfile "$TB/iperf3-server.log" ||
	tb_fail "cannot start the iperf3 server in dom0"
# XPV_BENCH_PAIRS (make bench-net XPV_BENCH_PAIRS=...) picks pairs; stock
# is always measured (the reference).
pairs="stock ${XPV_BENCH_PAIRS:-front xpv map}"
pairs=$(echo "$pairs" | tr ' ' '\n' | awk '/^(stock|front|xpv|map)$/ && !seen[$1]++' | tr '\n' ' ')
have_xpv=0
if [[ " $pairs " == *" xpv "* || " $pairs " == *" map "* ]] && [ ! -f "$TBIN/modules/xpv-netback.ko" ]; then
	tb_log "xpv, map: SKIP (build/modules/xpv-netback.ko does not exist yet)"
	pairs=${pairs/xpv/}
	pairs=${pairs/map/}
fi
[[ " $pairs " == *" xpv "* || " $pairs " == *" map "* ]] && have_xpv=1
tb_metric xpv_measured $have_xpv flag
guests=$(for p in $pairs; do echo "${PAIR_GUEST[$p]}"; done | awk '!seen[$1]++' | tr '\n' ' ')
for g in $guests; do
	tb_guest_create $g --kernel $([ $g = bn-stock ] && echo stock || echo xpv) \
		--vcpus 2 --memory 512 --vif --script bench-net/guest.sh
done
for g in $guests; do
	tb_step "$g: boot"
	tb_cmd_ready $g 240
	tb_cmd $g 120 net
	tb_log "$g: $TB_LINE"
	# One unrecorded short run per guest: the first transfer after boot
	# (ARP, TCP slow start, page cache of iperf3 itself) was 10-40x below
	# every later one in the run of 2026-12-07 15:19 (docs/bench.md).
	tb_step "$g: warm-up"
	tb_cmd $g 90 iperf tcp-tx 2
done

for r in $(seq "$ROUNDS"); do
	order=$pairs
	[ $((r % 2)) = 0 ] && order=$(echo "$pairs" | tr ' ' '\n' | tac | tr '\n' ' ')
	for p in $order; do
		case $p in xpv|map) use_backend $p ;; *) use_backend stock ;; esac
		measure "$p" "$r"
	done
done

tb_step figures
for p in $pairs; do
	for job in $JOBS; do
		u=$([ $job = udp64 ] && echo pps || echo Mbit_s)
		read -r med lo hi <<< "$(stats "${VAL[$p.$job]}")"
		tb_metric "${p}_${job}_${u}_median" "$med" "$u"
		tb_metric "${p}_${job}_${u}_min" "$lo" "$u"
		tb_metric "${p}_${job}_${u}_max" "$hi" "$u"
		read -r med lo hi <<< "$(stats "${IRQ[$p.$job]}")"
		tb_metric "${p}_${job}_irq_per_pkt_median" "$med" interrupts
		read -r med lo hi <<< "$(stats "${CPU[$p.$job]}")"
		tb_metric "${p}_${job}_dom0_cpu_us_per_pkt_median" "$med" us
		[ -n "${GOPS[$p.$job]:-}" ] || continue
		read -r med lo hi <<< "$(stats "${GOPS[$p.$job]}")"
		tb_metric "${p}_${job}_grant_ops_per_txpkt_median" "$med" ops
		read -r med lo hi <<< "$(stats "${GCALLS[$p.$job]}")"
		tb_metric "${p}_${job}_grant_calls_per_txpkt_median" "$med" calls
	done
done
# Ours / stock (higher is better): speed ours/stock, interrupts per packet
# stock/ours. Whether a ratio is significant is table.py's to say, from the
# rounds (tools/benchstats.py: one rule for every bench table).
for p in front xpv map; do
	[[ " $pairs " == *" $p "* ]] || continue
	for job in $JOBS; do
		u=$([ $job = udp64 ] && echo pps || echo Mbit_s)
		read -r om _ _ <<< "$(stats "${VAL[$p.$job]}")"
		read -r sm _ _ <<< "$(stats "${VAL[stock.$job]}")"
		tb_metric "ratio_${p}_${job}_${u}" "$(awk -v a="$om" -v b="$sm" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')" x
		read -r oi _ _ <<< "$(stats "${IRQ[$p.$job]}")"
		read -r si _ _ <<< "$(stats "${IRQ[stock.$job]}")"
		tb_metric "ratio_${p}_${job}_irq_stock_over_ours" "$(awk -v a="$oi" -v b="$si" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')" x
	done
done

tb_step teardown
for g in $guests; do
	tb_cmd $g 30 done
	tb_guest_wait_pass $g 60
	xl destroy $g || tb_fail "xl destroy $g failed"
	tb_wait_gone $g 60
done
kill "$(cat "$TB/iperf3.pid")" 2>/dev/null
tb_pass
