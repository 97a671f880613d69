# SPDX-License-Identifier: GPL-2.0-only
# Progress lines for long jobs (make run, make check), on a terminal only:
#
#   progress_init JOB N   N steps; a no-op unless stdout is a terminal
#   progress_step LABEL   step k of N starts: "[k/N] LABEL: elapsed M:SS,
#                         expected S s (last run)"; ends the step before
#   progress_done         ends the last step, keeps the step times
#
# Each step's time is kept in $XPV_BUILD/progress/JOB.times ("LABEL
# seconds"), the expectation of the next run. With stdout not a terminal
# (CI logs) nothing is printed and nothing is kept. Source it.

progress_init() {
	PROGRESS_ON=0
	[ -t 1 ] || return 0
	PROGRESS_ON=1
	PROGRESS_JOB=$1 PROGRESS_N=$2 PROGRESS_K=0 PROGRESS_LABEL=""
	PROGRESS_T0=$(date +%s)
	PROGRESS_FILE=$XPV_BUILD/progress/$1.times
	mkdir -p "$XPV_BUILD/progress"
	: > "$PROGRESS_FILE.new"
}

# progress_fmt SECONDS: M:SS
progress_fmt() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

progress_end_step() {
	[ -n "$PROGRESS_LABEL" ] || return 0
	local now took
	now=$(date +%s)
	took=$((now - PROGRESS_TS))
	echo "$PROGRESS_LABEL $took" >> "$PROGRESS_FILE.new"
	printf '\033[1m[%d/%d] %s: done in %s (elapsed %s)\033[0m\n' "$PROGRESS_K" "$PROGRESS_N" \
		"$PROGRESS_LABEL" "$(progress_fmt $took)" "$(progress_fmt $((now - PROGRESS_T0)))"
	PROGRESS_LABEL=""
}

progress_step() {
	[ "${PROGRESS_ON:-0}" = 1 ] || return 0
	progress_end_step
	local label=${1// /_} last now
	PROGRESS_K=$((PROGRESS_K + 1)) PROGRESS_LABEL=$label
	PROGRESS_TS=$(date +%s)
	last=$(awk -v l="$label" '$1 == l { s = $2 } END { if (s != "") print s }' "$PROGRESS_FILE" 2>/dev/null)
	now=$PROGRESS_TS
	if [ -n "$last" ]; then
		last="$(progress_fmt "$last") (last run)"
	else
		last="unknown (no earlier run)"
	fi
	printf '\033[1m[%d/%d] %s: started at elapsed %s, expected %s\033[0m\n' "$PROGRESS_K" "$PROGRESS_N" \
		"$label" "$(progress_fmt $((now - PROGRESS_T0)))" "$last"
}

progress_done() {
	[ "${PROGRESS_ON:-0}" = 1 ] || return 0
	progress_end_step
	mv "$PROGRESS_FILE.new" "$PROGRESS_FILE"
}
