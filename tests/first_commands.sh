#!/usr/bin/env bash
# first_commands.sh - every make target works as the first command after a
# clone: each runs in a fresh clone of this repository (no build/), and must
# end with the exit status a user would expect and say what it should.
# Run by CI after `make test`; by hand:  bash tests/first_commands.sh
#
# Prints one PASS/FAIL line per target, the wall time of the first
# `make check LESSON=1` (the kit's first feedback), and "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/concur-first-XXXXXX")
# As root, the sandbox's user ids compile and run inside the clones: mktemp's 0700 would keep them out.
chmod 755 "$scratch"
trap 'rm -rf "$scratch"' EXIT

# first TARGET-ARGS EXPECTED-STATUS WORDS [TARGET-ARGS EXPECTED-STATUS WORDS]...: clone, run make
# TARGET-ARGS (then the next ones, in the same clone), check the status and that
# the output has WORDS (if not empty).  With run="timeout ..." set, make runs under it.  Each runs in
# the background, at most $parallel at once (each in a clone of its own); the lines are printed in
# order at the end.
run=
parallel=3
started=0
expected=0
first() {
	local idx=$started
	started=$((started + 1))
	expected=$((expected + $# / 3))
	first_one "$idx" "$@" >"$scratch/result-$(printf %03d "$idx")" 2>&1 &
	while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
}
first_one() { # first_one IDX ARGS WANT WORDS [ARGS WANT WORDS]...: one clone; the first command, then the others
	local idx=$1 dir
	shift
	dir="$scratch/clone-$idx"
	git clone --quiet --no-hardlinks "$top" "$dir" || { echo "[FAIL] cannot clone $top"; return; }
	# Uncommitted work is what is being tested too.
	(cd "$top" && git diff HEAD) | (cd "$dir" && git apply --allow-empty 2>/dev/null)
	local what="first command"
	while [ $# -ge 3 ]; do
		run_in "$dir" "$1" "$2" "$3"
		what="next in the same clone"
		shift 3
	done
	rm -rf "$dir"
}
run_in() { # run_in DIR ARGS WANT WORDS: make ARGS in DIR, its status and words checked
	local dir=$1 args=$2 want=$3 words=$4 log rc t0 t1 secs
	log="$dir.log"
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	(cd "$dir" && $run make $args) >"$log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	secs=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
	if [ "$rc" -eq "$want" ] && { [ -z "$words" ] || grep -q -- "$words" "$log"; }; then
		printf '[PASS] %s: make %s (exit %d, %s s)\n' "$what" "$args" "$rc" "$secs"
	else
		printf '[FAIL] %s: make %s: exit %d (expected %d), %s "%s"; last lines:\n' "$what" "$args" "$rc" "$want" \
			"$(grep -q -- "$words" "$log" && echo "says" || echo "does not say")" "$words"
		tail -n 8 "$log" | sed 's/^/       /'
	fi
	[ "$args" = "check LESSON=1" ] && echo "       (the first feedback after a clone took ${secs} s, building included, beside other clones' builds)"
}

first "help" 0 "make check LESSON=1"
first "list" 0 "01-processes"
first "hint LESSON=1 EXERCISE=spawn" 0 "Hint 1 of"
# make ends with status 2 when a recipe fails (the harness's 1: some check did not pass).
first "check LESSON=1" 2 "not implemented: exercises/01-processes/spawn.c"
first "check LESSON=1 SOLUTION=1" 0 "26/26"
# Each lesson's demo: the first as the first command of a clone; the others after it, in the same
# clone (a clone and a build of its own each would add minutes to CI, and test the build again).
demos=()
for n in $(cd "$top" && ls grader/*/demo.c | sed 's|grader/\([0-9]*\)-.*|\1|'); do
	demos+=("demo LESSON=$((10#$n))" 0 ".")
done
first "${demos[@]}"
first "demo LESSON=1" 2 "make demo LESSON=N, where N is one of"
first "bench LESSON=1 RUNS=1" 0 "01-processes"
first "soak LESSON=1 RUNS=1" 0 "false failures: 0"
first "progress" 0 "Next: read lessons/01-processes.md"
first "reset LESSON=1 EXERCISE=spawn" 0 "already the pristine skeleton"
first "reset LESSON=1" 2 "CONFIRM=1"
first "coverage LESSON=1 EXERCISE=spawn" 0 "% of lines"
first "compile_commands.json" 0 "Wrote compile_commands.json"
first "skeletons" 0 ""
# make watch runs until Ctrl-C: it is sent (to its process group, as a terminal does) once the
# first check has ended; make then ends by that signal (status 130).  A command started with &
# by a script ignores SIGINT; a command in a terminal does not: so neither does this one.
stop_after_first_check() {
	setsid env --default-signal=INT "$@" &
	local pid=$!
	for _ in $(seq 3000); do grep -q '^concur watch: .*Watching' "$log" && break; sleep 0.1; done
	kill -INT -- "-$pid"
	wait "$pid"
}
run=stop_after_first_check
first "watch LESSON=1 EXERCISE=spawn" 130 "concur watch: some checks do not pass yet"
run=
first "deps" 0 ""
first "dist" 0 "concur-student.tar.gz"
first "gradescope LESSON=1" 0 "gradescope-01.zip"
first "gradescope" 2 "packages one lesson"
first "clean" 0 ""
if command -v clang-format >/dev/null; then
	first "format" 0 ""
fi
wait
cat "$scratch"/result-*
passed=$(cat "$scratch"/result-* | grep -c '^\[PASS\]')
failed=$(cat "$scratch"/result-* | grep -c '^\[FAIL\]')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$((passed + failed))" -eq "$expected" ]
