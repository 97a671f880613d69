# SPDX-License-Identifier: GPL-2.0-only
# The mutation runner shared by selftests/*/mutants.sh; source it, then call
#   run_mutants SRC TEST MUTANT...
# Each mutant is SRC with one exact string replaced ("OLD@@NEW"; entries
# starting with '#' are comments). The test binary TEST is built against
# the mutant (make -C "$here" OUTPUT=... PROTO_SRC=... OUTPUT/TEST) and must
# fail. Prints PASS/FAIL per mutant and a closing count; returns non-zero
# when one survived, did not build or no longer applies.
run_mutants() {
	local src=$1 test=$2 work out m old new caught=0 missed=0
	shift 2
	work=$(mktemp -d)
	out=$work/out
	mkdir -p "$out"
	for m in "$@"; do
		case $m in '#'*) continue ;; esac
		old=${m%%@@*} new=${m#*@@}
		if ! grep -qF -- "$old" "$src"; then
			echo "FAIL mutant no longer applies (update the list): $old"
			missed=$((missed + 1))
			continue
		fi
		OLD=$old NEW=$new python3 -c '
import os, sys
s = open(sys.argv[1]).read()
s = s.replace(os.environ["OLD"], os.environ["NEW"], 1)
open(sys.argv[2], "w").write(s)' "$src" "$work/mutant.c"
		if ! make -s -C "$here" OUTPUT="$out" PROTO_SRC="$work/mutant.c" \
			"$out/$test" >/dev/null 2>&1; then
			echo "FAIL mutant does not build: $old"
			missed=$((missed + 1))
		elif timeout 120 "$out/$test" >/dev/null 2>&1; then
			echo "FAIL mutant survived: $old"
			missed=$((missed + 1))
		else
			echo "PASS mutant caught: $old"
			caught=$((caught + 1))
		fi
		rm -f "$out/$test"
	done
	rm -rf "$work"
	echo "mutants: $caught caught, $missed survived"
	[ "$missed" -eq 0 ]
}
