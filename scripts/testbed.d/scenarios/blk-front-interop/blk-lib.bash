# SPDX-License-Identifier: GPL-2.0-only
# dom0 helpers for the block scenarios (bash, sourced by a dom0.sh after
# dom0/lib.sh): guest.sh of this directory is driven with dom0/lib.sh's
# tb_cmd_ready / tb_cmd (see its header for the verbs); these look at the
# backing files and the stock blkback's statistics. Not a guest script (no
# .sh suffix).
#
#   blk_img NAME DEV                  backing file tb_guest_create made
#   blk_sha FILE OFF MIB              sha256 of MIB MiB at OFF MiB of FILE
#   blk_alloc FILE                    bytes allocated to FILE (stat %b)
#   blk_zero FILE OFF MIB             true when that range reads as zeros
#   blk_devid DEV                     xvdX -> Xen device id (51712 + 16 X)
#   blk_back_stat NAME DEV KEY        stock blkback's statistics/KEY
#   blk_mode NAME DEV TEXT PERSISTENT [BACK_TEXT]
#                                     our front end's connect line for DEV
#                                     (the XPV-INFO of "info") contains
#                                     TEXT, and stock blkback logged
#                                     "persistent grants" for it (yes|no)
#                                     and BACK_TEXT (when given)
#   blk_attach NAME SPEC              xl block-attach, bounded to 90 s
#   blk_detach NAME DEV [--force]     xl block-detach, bounded to 90 s; sets
#                                     BLK_DETACH_S (seconds it took)

blk_img() { echo "/var/lib/xen/images/$1-$2.img"; }

blk_sha() {
	dd if="$1" bs=1M skip="$2" count="$3" 2>/dev/null | sha256sum | cut -d' ' -f1
}

blk_alloc() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }

blk_zero() {
	[ "$(dd if="$1" bs=1M skip="$2" count="$3" 2>/dev/null | tr -d '\0' | head -c 1 | wc -c)" = 0 ]
}

blk_devid() {
	local l=${1#xvd}
	printf '%d\n' $(( 51712 + 16 * ($(printf '%d' "'$l") - 97) ))
}

blk_back_stat() {
	cat "/sys/bus/xen-backend/devices/vbd-$(tb_domid "$1")-$(blk_devid "$2")/statistics/$3" 2>/dev/null
}

blk_mode() {
	local name=$1 dev=$2 text=$3 want=$4 back_text=${5:-} line back
	line=$(grep -a "XPV-INFO .* $dev: " "$TB_STAMPS/$name.log" | tail -n 1)
	[[ $line == *"$text"* ]] || tb_fail "$dev: the front end's line '${line#*XPV-INFO }' lacks '$text'"
	back=$(dmesg | grep "backend/vbd/$(tb_domid "$name")/$(blk_devid "$dev"):" | tail -n 1)
	if [ "$want" = yes ]; then
		[[ $back == *"persistent grants"* ]] || tb_fail "$dev: blkback does not use persistent grants: $back"
	else
		[[ $back == *"persistent grants"* ]] && tb_fail "$dev: blkback uses persistent grants: $back"
	fi
	[ -z "$back_text" ] || [[ $back == *"$back_text"* ]] || tb_fail "$dev: blkback's line lacks '$back_text': $back"
	tb_log "$dev: ${line#*XPV-INFO } / ${back:-no blkback line}"
}

# After a failure: both ends' xenbus states and the guest's kernel log
# (best effort, bounded; never fails itself).
blk_diag() {
	local name=$1 dev=$2 id devid seq i
	id=$(tb_domid "$name")
	devid=$(blk_devid "$dev")
	tb_log "diag $dev: back state $(xenstore-read "/local/domain/0/backend/vbd/$id/$devid/state" 2>&1)," \
		"front state $(xenstore-read "/local/domain/$id/device/vbd/$devid/state" 2>&1)"
	xl block-list "$name" >&2 2>&1
	[ -n "$id" ] || return 0
	seq=$(( ${TB_CMD_SEQ[$name]:-0} + 1 ))
	TB_CMD_SEQ[$name]=$seq
	xenstore-write "/local/domain/$id/data/cmd" "$seq klog 40" 2>/dev/null || return 0
	for i in $(seq 100); do
		[ "$(tb_console_count "$name" "XPV-OK klog seq=$seq( |\$)")" -gt 0 ] && break
		sleep 0.2
	done
	grep -a "XPV-INFO klog:" "$TB_STAMPS/$name.log" | tail -n 40 | sed 's/^[0-9.]* //' >&2
}

blk_attach() {
	local name=$1 spec=$2
	tb_log "xl block-attach $name '$spec'"
	timeout 90 xl block-attach "$name" "$spec" > "$TB/attach.log" 2>&1 ||
		tb_fail "xl block-attach $name '$spec' failed: $(tail -n 3 "$TB/attach.log" | tr '\n' ' ')"
}

blk_detach() {
	local name=$1 dev=$2 t0
	shift 2
	t0=$(tb_now)
	tb_log "xl block-detach $* $name $dev"
	if ! timeout 90 xl block-detach "$@" "$name" "$dev" > "$TB/detach.log" 2>&1; then
		blk_diag "$name" "$dev"
		tb_fail "xl block-detach $* $name $dev failed: $(tail -n 3 "$TB/detach.log" | tr '\n' ' ')"
	fi
	BLK_DETACH_S=$(tb_calc "$(tb_now) - $t0")
}
