# SPDX-License-Identifier: GPL-2.0-only
# bench-net, dom0 side. Two 2-vCPU guests with a vif on xenbr0: bn-stock
# (Debian's kernel and its xen-netfront) and bn-xpv (our kernel and
# xpv-netfront). Pairs:
#   stock  bn-stock  <->  stock xen-netback
#   front  bn-xpv    <->  stock xen-netback
#   xpv    bn-xpv    <->  xpv-netback.ko (+ xpv_compat.ko), when staged
# ROUNDS rounds, each running every job once per pair, the pair order
# reversed every other round (stock front xpv, xpv front stock, ...) so
# that a back-end swap (vifs detached, module changed, vifs attached
# again) happens once per round. Per job and pair: the median of the
# rounds with min-max and ours/reference ratios of the medians (their
# significance: table.py). Work counted per
# packet: guest and dom0 interrupts.
ROUNDS=${XPV_BENCH_ROUNDS:-3}
SECS=${XPV_BENCH_SECS:-5}
JOBS="tcp-tx tcp-rx udp64"
declare -A VAL IRQ PAIR_GUEST=([stock]=bn-stock [front]=bn-xpv [xpv]=bn-xpv)
BACKEND=stock

# Interrupts of the back ends' channels in dom0: both name them after the
# vif (vif<domid>.<devid>...).
dom0_vif_irqs() {
	awk 'NR == 1 { n = NF; next }
		/vif[0-9]/ { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
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

# use_backend stock|xpv: the guests that back end serves get their vif on it.
use_backend() {
	local want=$1 g i
	[ "$BACKEND" = "$want" ] && return 0
	tb_step "switch to the $want back end"
	for g in $guests; do
		[ "$BACKEND" = xpv ] && [ $g = bn-stock ] && continue
		detach_vif $g
	done
	for i in $(seq 100); do
		[ -z "$(ls /sys/bus/xen-backend/devices 2>/dev/null | grep '^vif-')" ] && break
		sleep 0.2
	done
	if [ "$want" = xpv ]; then
		rmmod xen_netback || tb_fail "cannot unload the stock xen_netback"
		grep -q '^xpv_compat ' /proc/modules || tb_load_xpv_modules xpv_compat
		tb_load_xpv_modules xpv-netback
	else
		rmmod xpv_netback || tb_fail "cannot unload xpv_netback"
		modprobe xen-netback || tb_fail "cannot load the stock xen-netback again"
	fi
	BACKEND=$want
	for g in $guests; do
		[ "$want" = xpv ] && [ $g = bn-stock ] && continue
		attach_vif "$g"
	done
}

measure() { # PAIR ROUND
	local p=$1 r=$2 g=${PAIR_GUEST[$1]} job d0 d1 pk
	for job in $JOBS; do
		tb_step "round $r: $p: $job"
		d0=$(dom0_vif_irqs)
		tb_cmd "$g" $((SECS + 120)) iperf "$job" "$SECS"
		d1=$(dom0_vif_irqs)
		case $job in
		udp64) VAL[$p.$job]+=" $(tb_calc "$(tb_field udp_rx) / $SECS")" ;;
		*) VAL[$p.$job]+=" $(tb_calc "$(tb_field kbps) / 1000")" ;;
		esac
		pk=$(tb_field pkts)
		[ "$pk" -gt 0 ] || tb_fail "$p $job: the guest's eth0 counted no packets"
		[ $((d1 - d0)) -gt 0 ] || tb_fail "$p $job: dom0 counted no vif interrupt (line names changed?)"
		IRQ[$p.$job]+=" $(awk -v g="$(tb_field irq)" -v d=$((d1 - d0)) -v n="$pk" 'BEGIN { printf "%.4f", (g + d) / n }')"
		tb_metric "${p}_${job}_r${r}" "${VAL[$p.$job]##* }" "$([ $job = udp64 ] && echo pps || echo Mbit/s)"
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
pairs="stock ${XPV_BENCH_PAIRS:-front xpv}"
pairs=$(echo "$pairs" | tr ' ' '\n' | awk '/^(stock|front|xpv)$/ && !seen[$1]++' | tr '\n' ' ')
have_xpv=0
if [[ " $pairs " == *" xpv "* ]] && [ ! -f "$TBIN/modules/xpv-netback.ko" ]; then
	tb_log "xpv: SKIP (build/modules/xpv-netback.ko does not exist yet)"
	pairs=${pairs/xpv/}
fi
[[ " $pairs " == *" xpv "* ]] && have_xpv=1
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
		case $p in xpv) use_backend xpv ;; *) use_backend stock ;; esac
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
	done
done
# Ours / stock (higher is better): speed ours/stock, interrupts per packet
# stock/ours. Whether a ratio is significant is table.py's to say, from the
# rounds (tools/benchstats.py: one rule for every bench table).
for p in front xpv; do
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
