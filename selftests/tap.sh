#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TAP plumbing for the selftests.
#
#   tap.sh progs PROG...   run each test program (with a timeout), passing its
#                          TAP through; a program that exits non-zero without
#                          a "not ok" line, or prints no result at all, gets a
#                          result line of its own.
#   tap.sh dirs DIR...     run `make run_tests` in each directory, then count
#                          the TAP results of all of them and print the closing
#                          line "N passed, N failed[, N skipped]"; exits 1 when
#                          anything failed.
set -u

count_file() {	# prints "pass fail skip" for the TAP result lines of $1
	awk '
		/^not ok/ { if ($0 ~ /# *[Tt][Oo][Dd][Oo]/) next; f++; next }
		/^ok/ { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; else p++; next }
		/^Bail out!/ { f++ }
		END { printf "%d %d %d\n", p, f, s }' "$1"
}

run_logged() {	# run_logged LOG CMD...: tee CMD's output to LOG, return its status
	local log=$1 rcf
	shift
	rcf=$(mktemp)
	{ "$@"; echo $? > "$rcf"; } 2>&1 | tee "$log"
	local rc
	rc=$(cat "$rcf")
	rm -f "$rcf"
	return "$rc"
}

progs() {
	local status=0 p name log rc n
	for p in "$@"; do
		name=$(basename "$p")
		log=$(mktemp)
		echo "# running $name"
		run_logged "$log" timeout -k 5 "${KSFT_TIMEOUT:-300}" "$p"
		rc=$?
		read -r np nf ns <<< "$(count_file "$log")"
		n=$((np + nf + ns))
		if [ "$rc" -eq 4 ] && [ "$n" -eq 0 ]; then
			echo "ok - $name # SKIP"
		elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "not ok - $name timed out after ${KSFT_TIMEOUT:-300} s"
			status=1
		elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
			[ "$nf" -eq 0 ] && echo "not ok - $name exited with status $rc"
			status=1
		elif [ "$n" -eq 0 ]; then
			echo "ok - $name"
		fi
		rm -f "$log"
	done
	return $status
}

dirs() {
	local pass=0 fail=0 skip=0 d log rc np nf ns
	local tmp
	tmp=$(mktemp -d)
	for d in "$@"; do
		log=$tmp/$(basename "$d").log
		echo "# selftests: $d"
		run_logged "$log" ${MAKE:-make} --no-print-directory -C "$d" run_tests
		rc=$?
		read -r np nf ns <<< "$(count_file "$log")"
		if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
			echo "not ok - $d: make run_tests exited with status $rc"
			nf=1
		elif [ $((np + nf + ns)) -eq 0 ]; then
			echo "not ok - $d: no TAP results"
			nf=1
		fi
		echo "# $d totals: pass $np, fail $nf, skip $ns"
		pass=$((pass + np)) fail=$((fail + nf)) skip=$((skip + ns))
	done
	rm -rf "$tmp"
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
}

cmd=${1:-}
shift || true
case "$cmd" in
progs) progs "$@" ;;
dirs) dirs "$@" ;;
*) echo "usage: $0 progs PROG... | dirs DIR..." >&2; exit 2 ;;
esac
