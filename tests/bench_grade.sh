#!/usr/bin/env bash
# bench_grade.sh - make bench-grade: how fast a class is graded.  Makes a
# synthetic class of COUNT submissions of lesson 01 (reference solutions,
# skeletons, known-wrong variants and adversarial submissions, in turn),
# grades it with JOBS=1 and with JOBS=2 (fresh each time), and prints the
# wall time and the submissions per minute of each.  A benchmark, not a
# test: it prints figures and checks nothing but that both gradings ran.
set -uo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-100}
work=build/bench-grade
subs="$work/submissions"
rm -rf "$work" && mkdir -p "$subs" || exit 2

# The kinds of submission, in turn: a spawn.c and a reap.c each.
sol=solutions/01-processes
make -s build/kit/kit-tests >/dev/null && build/kit/kit-tests --lesson 1 --unit "" >/dev/null 2>&1 # writes the mutations
kinds=("$sol/spawn.c $sol/reap.c" "exercises/01-processes/spawn.c exercises/01-processes/reap.c")
for v in build/kit-tests/variants/01-processes/*.c tests/01-processes/spawn_*.c tests/01-processes/reap_*.c; do
	[ -f "$v" ] || continue
	case "$(basename "$v")" in
	spawn_*) kinds+=("$v $sol/reap.c") ;;
	reap_*) kinds+=("$sol/spawn.c $v") ;;
	esac
done
for ((i = 0; i < count; i++)); do
	set -- ${kinds[$((i % ${#kinds[@]}))]}
	d=$(printf '%s/student%03d' "$subs" "$i")
	mkdir "$d" && cp "$1" "$d/spawn.c" && cp "$2" "$d/reap.c"
done
echo "A class of $count submissions of lesson 01 ($(( ${#kinds[@]} )) kinds in turn), on $(nproc) CPUs:"
for jobs in 1 2; do
	t0=$(date +%s%N)
	make -s grade SUBMISSIONS="$subs" LESSON=1 JOBS=$jobs OUT="$work/out-$jobs" >"$work/out-$jobs.log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) -v n="$count" -v j="$jobs" -v rc="$rc" 'BEGIN {
		s = ns / 1e9; printf "  JOBS=%d: %.0f s, %.1f submissions per minute%s\n", j, s, n * 60 / s, rc ? " (make grade failed)" : "" }'
done
echo "Target: $count submissions in at most 180 s, and less with JOBS=2 than with JOBS=1."
