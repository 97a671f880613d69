# SPDX-License-Identifier: GPL-2.0-only
# net-front-hostile, dom0 side (see meta; docs/netif.md "Test" of the
# front end). One guest of our kernel with eth0 on the stock back end (the
# witness); for each attack a vif served by xpv-netfront-hostile.ko is
# plugged in by hand, as blk-front-hostile does for disks: the toolstack
# cannot name a back-end type of our choosing, so the nodes libxl would
# write are written here, type "hvif" (no stock or xpv netback binds it),
# in an order that never shows the guest a device it cannot use (its
# front end skips a device node until the "backend" key exists). Each
# attack is one write of the module's attack parameter; after each, the
# witness answers pings and receives a file checked by sha256.
set -u
G=g
GIP=10.0.0.11		# tb_guest_create: the first guest is 10.0.0.11
HMOD=xpv-netfront-hostile
P=/sys/module/xpv_netfront_hostile/parameters
PAT=/tmp/nfh-pattern.bin
PORT=5100

hvif_paths() {
	FE=/local/domain/$DOMID/device/vif/$1
	BE=/local/domain/0/backend/hvif/$DOMID/$1
	ERR=/local/domain/$DOMID/error/device/vif/$1
	SYS=/sys/bus/xen-backend/devices/hvif-$DOMID-$1
	MAC=$(printf '00:16:3e:00:01:%02x' "$1")
	ID=$1
}

# hvif_create ID [KEY=VALUE...]: the front end's node (owned by the guest,
# without "backend" yet), the back end's node (readable by the guest), the
# module in InitWait, the back-end keys given (a hostile back end's
# values), then the front end's backend-id and backend together.
hvif_create() {
	local kv
	hvif_paths "$1"
	shift
	xenstore-write "$FE/state" 1 "$FE/handle" "$ID" "$FE/mac" "$MAC" &&
		xenstore-chmod -r "$FE" "n$DOMID" r0 &&
		xenstore-write "$BE/frontend" "$FE" "$BE/frontend-id" "$DOMID" \
			"$BE/online" 1 "$BE/state" 1 "$BE/handle" "$ID" "$BE/mac" "$MAC" &&
		xenstore-chmod -r "$BE" n0 "r$DOMID" || tb_fail "writing the nodes of vif $ID failed"
	tb_xs_wait_value "$BE/state" 2 20
	[ "$(basename "$(readlink "$SYS/driver")")" = xpv-hvif ] ||
		tb_fail "hvif-$DOMID-$ID is not bound to xpv-hvif"
	for kv in "$@"; do
		xenstore-write "$BE/${kv%%=*}" "${kv#*=}" || tb_fail "writing $BE/${kv%%=*} failed"
	done
	xenstore-write "$FE/backend-id" 0 "$FE/backend" "$BE" || tb_fail "writing $FE/backend failed"
}

# hvif_connect ID: a vif connected both ways, its carrier on in the guest.
hvif_connect() {
	hvif_create "$1"
	tb_xs_wait_value "$FE/state" 4 30
	tb_xs_wait_value "$BE/state" 4 30
	tb_cmd $G 60 nic "$MAC" 30
	IF=$(tb_field if)
}

# hvif_remove: the nodes go (the back end first: it lets go of a kept
# page), the back-end device with them.
hvif_remove() {
	xenstore-rm "$BE"
	tb_wait_path_gone "$SYS" 20
	xenstore-rm "$FE"
	xenstore-rm "$ERR" 2>/dev/null
}

# nh STEP: one step of the hostile back end; the write must succeed.
nh() {
	tb_kmsg_mark "nh-$1"
	echo "$1" > "$P/attack" ||
		tb_fail "hostile back end step '$1' failed: $(tb_kmsg_since "nh-$1" | grep xpv_netfront_hostile | tail -n 3 | tr '\n' ';')"
}

# nstat [ERE]: the attacked vif's fields in TB_LINE; with ERE, the guest
# must have logged ERE and no kernel complaint.
nstat() {
	tb_cmd $G 30 nstat "$MAC" ${1:+"${1// /.}"}
	[ -z "${1:-}" ] || klog_fields_check "$1"
}

# klog_check ERE: the guest logged ERE and no kernel complaint.
klog_check() {
	tb_cmd $G 30 klog "${1// /.}"
	klog_fields_check "$1"
}

klog_fields_check() {
	[ "$(tb_field bad)" = 0 ] || tb_fail "the guest's kernel complained (see its console)"
	[ "$(tb_field match)" -ge 1 ] || tb_fail "the guest did not log /$1/"
}

# witness_ok WHAT: the guest's eth0 (stock back end) answers pings and
# receives the pattern intact.
witness_ok() {
	local out
	out=$(ping -c 3 -i 0.2 -W 2 $GIP 2>&1)
	echo "$out" | grep -q '3 packets transmitted, 3 packets received' ||
		tb_fail "after $1: the witness does not answer: $(echo "$out" | grep transmitted)"
	PORT=$((PORT + 1))
	tb_cmd $G 30 recv $PORT
	timeout 60 bash -c "cat $PAT > /dev/tcp/$GIP/$PORT" || tb_fail "after $1: sending to the witness failed"
	tb_cmd $G 60 recv-wait 30
	[ "$(tb_field bytes)" = "$(stat -c %s $PAT)" ] && [ "$(tb_field sha)" = "$PSUM" ] ||
		tb_fail "after $1: the witness received $(tb_field bytes) bytes, sha256 $(tb_field sha), want $PSUM"
	WITNESS=$((WITNESS + 1))
}

# broken COUNTER LOG: the front end closed the vif: Closed in xenstore
# with an error node, carrier off, broken=1, COUNTER=1, the queue's log
# line.
broken() {
	tb_xs_wait_value "$FE/state" 6 30
	xenstore-read "$ERR/error" > /dev/null 2>&1 || tb_fail "no error node $ERR/error"
	nstat "vif-$ID $IF: queue 0: $2"
	[ "$(tb_field carrier)" = 0 ] || tb_fail "$IF's carrier is still on"
	[ "$(tb_field broken)" = 1 ] || tb_fail "$IF: broken=$(tb_field broken)"
	[ "$(tb_field "$1")" = 1 ] || tb_fail "$IF: $1=$(tb_field "$1"), want 1"
	tb_log "$ID: $(xenstore-read "$ERR/error"); $1=1"
}

# fatal NAME ID COUNTER LOG [PRE...]: on a fresh vif, the steps PRE, then
# NAME: the vif is closed by the front end, the witness goes on.
fatal() {
	local name=$1 id=$2 counter=$3 log=$4 s
	shift 4
	tb_step "$name"
	hvif_connect "$id"
	for s in "$@"; do
		case $s in
		guest-send) tb_cmd $G 30 send "$MAC" ;;
		*) nh "$s" ;;
		esac
	done
	nh "$name"
	broken "$counter" "$log"
	hvif_remove
	witness_ok "$name"
}

# keys NAME ID VERDICT KEY=VALUE...: the back end's keys hold VERDICT
# "refused" (the front end closes with an error node, bad_keys=1) or
# "clamped" (it connects with at most its own queue count).
keys() {
	local name=$1 id=$2 verdict=$3
	shift 3
	tb_step "xs-$name"
	hvif_create "$id" "$@"
	if [ "$verdict" = refused ]; then
		tb_xs_wait_value "$FE/state" '5|6' 30
		xenstore-read "$ERR/error" > /dev/null 2>&1 || tb_fail "$name: no error node $ERR/error"
		tb_log "$name: $(xenstore-read "$ERR/error")"
		nstat
		[ "$(tb_field bad_keys)" = 1 ] || tb_fail "$name: bad_keys=$(tb_field bad_keys), want 1"
		[ "$(tb_field carrier)" = 0 ] || tb_fail "$name: carrier on"
	else
		tb_xs_wait_value "$FE/state" 4 30
		tb_xs_wait_value "$BE/state" 4 30
		tb_cmd $G 60 nic "$MAC" 30
		[ "$(tb_field queues)" -ge 1 ] && [ "$(tb_field queues)" -le 2 ] ||
			tb_fail "$name: $(tb_field queues) queues with 2 vCPUs"
		tb_log "$name: connected with $(tb_field queues) queue(s)"
	fi
	hvif_remove
	witness_ok "xs-$name"
}

# ---------------------------------------------------------------------

tb_step pattern
dd if=/dev/urandom of=$PAT bs=64k count=4 2>/dev/null || tb_fail "cannot make the pattern"
PSUM=$(sha256sum $PAT | cut -d' ' -f1)
WITNESS=0

tb_step boot
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --vif
DOMID=$(tb_domid $G)
tb_cmd_ready $G 120
witness_ok boot

tb_step load
tb_kmsg_mark load
tb_load_xpv_modules xpv_compat $HMOD

# --- packet-level errors: dropped and counted, the vif goes on -----------
tb_step rx-drop
hvif_connect 1
nh rx-good
nstat
[ "$(tb_field rx_pk)" = 1 ] || tb_fail "rx-good: rx_pk=$(tb_field rx_pk), want 1"
nh rx-cross-page
nh rx-bad-status
nh rx-good
nstat "$IF: queue 0: rx packet dropped: rx data crosses the page"
[ "$(tb_field rx_drop)" = 2 ] || tb_fail "rx-cross-page, rx-bad-status: rx_drop=$(tb_field rx_drop), want 2"
[ "$(tb_field rx_pk)" = 2 ] || tb_fail "the valid frame after the dropped ones: rx_pk=$(tb_field rx_pk), want 2"
[ "$(tb_field carrier)" = 1 ] && [ "$(tb_field broken)" = 0 ] || tb_fail "a dropped packet broke the vif: $TB_LINE"
[ "$(tb_xs_state "$FE")" = 4 ] || tb_fail "the front end left Connected: $(tb_xs_state "$FE")"
klog_check "$IF: queue 0: rx packet dropped: error status"
witness_ok rx-drop

# --- an event storm on the same vif: coalesced, the guest and dom0 fine ---
tb_step storm
nstat
irq0=$(tb_field irqs)
echo 3000 > "$P/storm_ms"
tb_kmsg_mark nh-storm
echo storm > "$P/attack" &
spid=$!
sleep 0.5
t0=$(tb_now)
xl list > /dev/null || tb_fail "xl list failed during the storm"
dt=$(tb_calc "$(tb_now) - $t0")
out=$(ping -c 3 -i 0.2 -W 2 $GIP 2>&1)
echo "$out" | grep -q '3 packets transmitted, 3 packets received' ||
	tb_fail "the witness does not answer during the storm: $(echo "$out" | grep transmitted)"
wait $spid || tb_fail "the storm step failed"
sent=$(cat "$P/notifications")
nstat
irqs=$(( $(tb_field irqs) - irq0 ))
tb_log "storm: $sent notifications in 3 s, the guest took $irqs interrupts on the vif; xl list took $dt s"
tb_metric storm_notifications "$sent" events
tb_metric storm_guest_irqs "$irqs" irqs
tb_metric storm_xl_list_s "$dt" s
awk -v d="$dt" 'BEGIN { exit !(d < 1) }' || tb_fail "xl list took $dt s during the event storm"
[ "$sent" -ge 1000 ] || tb_fail "only $sent notifications sent: not a storm"
[ "$irqs" -lt "$sent" ] || tb_fail "the guest took an interrupt for every notification ($irqs): no back-off"
nh rx-good
nstat
[ "$(tb_field rx_pk)" = 3 ] && [ "$(tb_field carrier)" = 1 ] ||
	tb_fail "the vif does not work after the storm: $TB_LINE"
hvif_remove
witness_ok storm

# --- ring-breaking responses: the vif closes --------------------------------
fatal rx-bad-id 2 bad_rx 'bad rx response: id out of range'
fatal rx-dup-id 3 bad_rx 'bad rx response: id not'
fatal rx-zero-chain 4 bad_rx 'bad rx response: chain longer than the fatal bound'
fatal rx-prod 5 bad_prod 'bad rx response producer index'
fatal tx-prod 6 bad_prod 'bad tx response producer index'
fatal tx-bad-id 7 bad_tx 'bad tx response: id out of range' tx-hold guest-send
fatal tx-dup-id 8 bad_tx 'bad tx response: id not outstanding' tx-hold guest-send

# --- a page kept mapped, then Closed: the front end must not free it ------
tb_step keep-mapped
hvif_connect 9
nh keep-mapped
tb_kmsg_since nh-keep-mapped | grep -q "hvif-$DOMID-9: keeping rx grant" ||
	tb_fail "the module did not keep an rx grant mapped"
tb_xs_wait_value "$FE/state" 6 30
nstat "$IF: queue 0: rx id [0-9]+ still mapped by the back end at teardown"
[ "$(tb_field deferred)" = 1 ] || tb_fail "keep-mapped: deferred=$(tb_field deferred), want 1 (the page still mapped)"
[ "$(tb_field carrier)" = 0 ] || tb_fail "keep-mapped: carrier still on"
nh release
tb_kmsg_since nh-release | grep -q "hvif-$DOMID-9: released the kept rx grant" ||
	tb_fail "the module did not release the kept grant"
hvif_remove
witness_ok keep-mapped

# --- bad xenstore values from the back end ----------------------------------
keys max-queues-zero 20 refused multi-queue-max-queues=0
keys max-queues-garbage 21 refused multi-queue-max-queues=2x
keys max-queues-huge 22 clamped multi-queue-max-queues=4294967295
keys max-queues-over-u32 23 refused multi-queue-max-queues=99999999999
keys feature-garbage 24 refused feature-sg=yes
keys rx-copy-garbage 25 refused feature-rx-copy=on

tb_step end
tb_log "the witness passed $WITNESS checks (ping and $(stat -c %s $PAT) bytes by sha256)"
tb_metric witness_checks "$WITNESS" checks
klog_check 'xpv-vif|eth[0-9]'
tb_cmd $G 30 done
xl shutdown $G || tb_fail "xl shutdown failed"
tb_wait_gone $G 60
rmmod xpv_netfront_hostile || tb_fail "rmmod xpv_netfront_hostile failed"
xenstore-rm /local/domain/0/backend/hvif 2>/dev/null
xenstore-rm /local/domain/0/error/backend/hvif 2>/dev/null
tb_kmsg_since load | grep 'xpv_netfront_hostile' >&2
rm -f $PAT
tb_pass
