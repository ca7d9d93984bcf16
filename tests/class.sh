#!/usr/bin/env bash
# class.sh - grading a whole class (make grade), as an instructor would:
# a class that mixes correct submissions (a directory, a .tar.gz, a .zip)
# with a skeleton, wrong ones and adversarial ones (a fork bomb, a memory
# hog, output and disk floods, a loop without end, a link to the solution
# in an archive, a path out of the archive) is graded twice, in parallel.
# Each correct submission gets every point whatever graded beside it; the
# two gradings give the same scores; nothing is left running; a grading
# that is interrupted leaves no half-written result and, run again,
# finishes; the HTML report's numbers, as a browser sees them (headless
# Chromium, when installed), are the class's.
#
# Run by make test.  Prints PASS/FAIL lines and "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
work="$top/build/class-test"
subs="$work/submissions"
passed=0 failed=0

result() { # result OK TEXT
	if [ "$1" = 0 ]; then echo "[PASS] $2"; passed=$((passed + 1)); else echo "[FAIL] $2"; failed=$((failed + 1)); fi
}

rm -rf "$work" && mkdir -p "$subs" || exit 2
sol=solutions/01-processes
mkdir "$subs/ana" && cp $sol/spawn.c $sol/reap.c $sol/run.c "$subs/ana/"
(cd $sol && tar czf "$subs/ben.tar.gz" spawn.c reap.c run.c)
mkdir -p "$work/chloe/01-processes" && cp $sol/spawn.c $sol/reap.c $sol/run.c "$work/chloe/01-processes/" &&
	echo "my notes" >"$work/chloe/README.txt" && (cd "$work/chloe" && bsdtar -a -cf "$subs/chloe.zip" .)
mkdir "$subs/dan" && cp exercises/01-processes/spawn.c exercises/01-processes/reap.c exercises/01-processes/run.c "$subs/dan/"
for bad in spawn_fork_bomb spawn_infinite_loop; do
	mkdir "$subs/$bad" && cp "tests/01-processes/$bad.c" "$subs/$bad/spawn.c" && cp $sol/reap.c "$subs/$bad/"
done
for bad in spawn_output_flood spawn_disk_filler spawn_memory_hog; do
	# The memory hog only where each grading has a memory budget (root, cgroups): elsewhere it
	# would be a hazard to the machine, not a test of the grader.
	[ "$bad" = spawn_memory_hog ] && { [ "$(id -u)" = 0 ] && [ -d /sys/fs/cgroup ] || continue; }
	mkdir "$subs/$bad" && cp "tests/class/$bad.c" "$subs/$bad/spawn.c" && cp $sol/reap.c "$subs/$bad/"
done
# An archive whose spawn.c is a link to the solution, and one whose spawn.c lies outside it.
mkdir -p "$work/link" && ln -s "$top/$sol/spawn.c" "$work/link/spawn.c" && cp $sol/reap.c "$work/link/" &&
	(cd "$work/link" && tar czf "$subs/linker.tar.gz" spawn.c reap.c)
mkdir -p "$work/out/x" && cp $sol/spawn.c "$work/out/spawn.c" && cp $sol/reap.c "$work/out/x/reap.c" &&
	(cd "$work/out/x" && bsdtar -P -cf "$subs/climber.tar" ../spawn.c reap.c)
n=$(ls "$subs" | wc -l)

grade() { # grade OUT [more make args]: the exit status of make grade
	local out=$1
	shift
	make -s grade SUBMISSIONS="$subs" LESSON=1 JOBS=2 OUT="$out" "$@" >"$out.log" 2>&1
}
row() { grep "^$2," "$1/grades.csv" | tr -d '\r'; }

t0=$(date +%s)
grade "$work/run1"
rc=$?
t1=$(date +%s)
result $((rc != 0)) "make grade of a class of $n ran to its end (exit $rc, $((t1 - t0)) s)"
[ -f "$work/run1/grades.csv" ] || { echo "no grades.csv; the log:"; tail -20 "$work/run1.log"; exit 1; }
for good in ana ben chloe; do
	r=$(row "$work/run1" $good)
	[ "$r" = "$good,10,10,6,26,26" ]
	result $? "a correct submission ($good) gets every point beside the adversarial ones: $r"
done
r=$(row "$work/run1" dan)
[ "$r" = "dan,0,0,0,0,26" ]
result $? "the skeleton gets no point: $r"
for bad in spawn_fork_bomb spawn_infinite_loop spawn_output_flood spawn_disk_filler spawn_memory_hog; do
	[ -d "$subs/$bad" ] || continue
	r=$(row "$work/run1" $bad)
	[ "$r" = "$bad,0,10,0,10,26" ]
	result $? "$bad loses spawn's points, keeps reap's (it has no run.c), and gets its row: $r"
done
r=$(row "$work/run1" linker)
grep -q "spawn.c (a link: never followed)" "$work/run1/grades.json" && [ "$r" = "linker,0,10,0,10,26" ]
result $? "a link in an archive is never followed (the solution it points to is not graded): $r"
r=$(row "$work/run1" climber)
grep -q "../spawn.c (a path outside the submission: never taken)" "$work/run1/grades.json" && [ "$r" = "climber,0,10,0,10,26" ]
result $? "an archive member outside the archive is never taken: $r"
grep -q "README.txt (not an exercise file)" "$work/run1/grades.json"
result $? "files that are not exercise files are listed as ignored"
[ -s "$work/run1/feedback/ana.txt" ] && grep -q "01-processes/spawn.c" "$work/run1/feedback/dan.txt" &&
	! grep -q "$work" "$work/run1/feedback/dan.txt"
result $? "each student has the feedback make check would give, with the file names the student knows"

left=$(ps -eo pid=,args= | grep -c "[b]uild/class-test" || true)
[ "$left" = 0 ]
result $? "no process of the grading is left running ($left found)"

grade "$work/run1"
grep -q "(0 now, $n unchanged" "$work/run1.log"
result $? "graded again, finished students are not regraded: $(grep -o '([0-9]* now, [0-9]* unchanged' "$work/run1.log")"

# The same class once more, interrupted half-way and then run again: it must finish with the same scores.
(make -s grade SUBMISSIONS="$subs" LESSON=1 JOBS=2 OUT="$work/run2" >"$work/run2-first.log" 2>&1) &
sleep 15
pkill -INT -f -- "--class $subs" 2>/dev/null
wait
parts=$(find "$work/run2" -name '*.part' | wc -l)
[ "$parts" = 0 ]
result $? "an interrupted grading leaves no half-written result ($parts .part files)"
grade "$work/run2"
again=$(grep -o '([0-9]* now' "$work/run2.log" | tr -dc 0-9)
[ -n "$again" ] && [ "$again" -lt "$n" ]
result $? "run again after the interruption, only the students not finished are graded: $(grep -o '([0-9]* now, [0-9]* unchanged' "$work/run2.log")"
cmp -s "$work/run1/grades.csv" "$work/run2/grades.csv"
result $? "grading the same class twice (the second time interrupted and resumed) gives identical scores"
left=$(ps -eo pid=,args= | grep -c "[b]uild/class-test" || true)
[ "$left" = 0 ]
result $? "no process of the gradings is left running ($left found)"

if command -v chromium >/dev/null; then
	profile=$(mktemp -d)
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
		--disable-component-update --disable-sync --user-data-dir="$profile")
	timeout 60 chromium "${flags[@]}" --dump-dom "file://$work/run1/report.html" >"$work/dom.html" 2>/dev/null
	timeout 60 chromium "${flags[@]}" --window-size=1200,1600 --screenshot="$work/report.png" \
		"file://$work/run1/report.html" >/dev/null 2>&1
	rm -rf "$profile"
	grep -q "data-students=\"$n\"" "$work/dom.html" &&
		grep -q 'data-exercise="reap" data-check="correctness" data-passed="'"$((n - 1))"'" data-students="'"$n"'"' "$work/dom.html" &&
		grep -q 'id="student-ana" data-points="26"' "$work/dom.html" && [ -s "$work/report.png" ]
	result $? "the HTML report, as headless Chromium shows it, has the class's numbers (and a screenshot: $work/report.png)"
else
	echo "       (chromium is not installed: the HTML report was not looked at in a browser)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
