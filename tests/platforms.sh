#!/usr/bin/env bash
# platforms.sh - the grading platforms' packages and reports, rehearsed
# locally (make test runs it after the kit's tests; by hand:
# bash tests/platforms.sh, after make test's build).
#
# Each platform's directory layout is simulated under build/platform-tests/
# with its roots moved by environment variables (AUTOGRADER_ROOT,
# PL_GRADE_ROOT, CONCUR_ROOT), as the platform would lay it out:
#   - Gradescope: the zip of make gradescope is unpacked as
#     /autograder/source, setup.sh builds it, run_autograder grades;
#   - PrairieLearn: the entry point of make prairielearn's kit grades
#     /grade/student into /grade/results/results.json;
#   - Autolab: autograde-Makefile runs beside the hand-in (an archive);
# each grading lesson 01 with the instructor's hidden suites
# (tests/hidden: their names contain "secret"), for (a) the reference
# solution, (b) a submission that does not compile, (c) one that hangs (an
# infinite loop in spawn).  Every report is checked against its platform's
# documented fields by platform-check (tests/platform_check.c), and none
# may hold a hidden test's name.  Then tests/dist.sh checks the student
# release.
#
# Prints one PASS/FAIL line per check and "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
t=$top/build/platform-tests
check=$top/build/kit/tests/platform-check
pack=$top/build/kit/concur-pack
suite=platforms
# shellcheck source=tests/pass_fail.sh
. tests/pass_fail.sh
rm -rf "$t" && mkdir -p "$t" || exit 2

# expect NAME COMMAND...: the command succeeds (its output in $t/last.log).
expect() {
	local name=$1
	shift
	if "$@" >"$t/last.log" 2>&1; then ok "$name"; else bad "$name" "$t/last.log"; fi
}
# has LISTING MODE NAME...: the archive's listing (concur-pack list) holds each NAME, with MODE.
has() {
	local list=$1 mode=$2 name
	shift 2
	for name in "$@"; do
		awk -v m="$mode" -v n="$name" '$1 == m && $3 == n { found = 1 } END { exit !found }' "$list" || return 1
	done
}
# kit_only LISTING: a kit as platforms get it: no solutions' code, no kit tests, no build.
kit_only() { ! grep -E ' (solutions/.*\.c|tests/.*|build/.*)$' "$1"; }

for tool in "$check" "$pack"; do
	[ -x "$tool" ] || { echo "platforms.sh: $tool is missing: run make test (it builds it)" >&2; exit 2; }
done

# The three submissions.
sol=$top/solutions/01-processes
mkdir -p "$t/sub-ref/concur/exercises/01-processes" "$t/sub-broken" "$t/sub-hang"
cp "$sol/spawn.c" "$sol/reap.c" "$sol/run.c" "$t/sub-ref/concur/exercises/01-processes/"
# What the collector must leave alone: a decoy nearer the top, a changed header, a link, notes.
printf 'int spawn_all(void) { return }\n' >"$t/sub-ref/spawn.c"
printf '#error the kit must use its own header\n' >"$t/sub-ref/concur/exercises/01-processes/spawn.h"
ln -s /etc/passwd "$t/sub-ref/concur/exercises/01-processes/notes.c"
printf 'my notes\n' >"$t/sub-ref/README.txt"
printf '#include "spawn.h"\nint spawn_all(int n, spawn_task task, int codes[]) { return n +; }\n' >"$t/sub-broken/spawn.c"
printf '#include "reap.h"\nthis is not C\n' >"$t/sub-broken/reap.c"
cp "$top/tests/01-processes/spawn_infinite_loop.c" "$t/sub-hang/spawn.c"
cp "$sol/reap.c" "$t/sub-hang/reap.c"
cp "$sol/run.c" "$t/sub-hang/run.c"
# The same, flat (as PrairieLearn and an Autolab hand-in have them).
declare -A flat=([ref]="$sol/spawn.c $sol/reap.c $sol/run.c" [broken]="$t/sub-broken/spawn.c $t/sub-broken/reap.c")
# case -> expected points (of 26), and what the JUnit and TAP reports say.
declare -A score=([ref]=26 [broken]=0 [hang]=16) tests_end=([ref]=pass [broken]=fail [hang]=error)
declare -A hidden=([ref]=2 [broken]=0 [hang]=2)

# ---- Gradescope --------------------------------------------------------
gs=$t/gradescope/autograder
if make -s gradescope LESSON=1 HIDDEN=tests/hidden >"$t/last.log" 2>&1 && [ -f build/gradescope-01.zip ]; then
	ok "make gradescope LESSON=1 HIDDEN=tests/hidden writes build/gradescope-01.zip"
else
	bad "make gradescope LESSON=1 HIDDEN=tests/hidden writes build/gradescope-01.zip" "$t/last.log"
fi
"$pack" list build/gradescope-01.zip >"$t/gradescope.list" 2>&1
expect "the zip has setup.sh and run_autograder at its root, executable" \
	has "$t/gradescope.list" 0755 setup.sh run_autograder
expect "the zip has the kit, the lesson's settings and the hidden suite" has "$t/gradescope.list" 0644 Makefile \
	concur-platform.env hidden/01-processes/test_spawn.c solutions/01-processes/spawn.h
expect "the zip has no solutions' code, no kit tests, no build" kit_only "$t/gradescope.list"
mkdir -p "$gs/source"
expect "the zip unpacks (concur-pack extract)" "$pack" extract build/gradescope-01.zip "$gs/source"
expect "setup.sh installs the packages and builds the kit" bash "$gs/source/setup.sh"
kit=$gs/source
for c in ref broken hang; do
	rm -rf "$gs/submission" "$gs/results" "$t/$c" && mkdir -p "$t/$c"
	cp -r "$t/sub-$c" "$gs/submission"
	# The other formats, written from the same grading (CONCUR_GRADE_FLAGS: more options for the harness).
	AUTOGRADER_ROOT=$gs CONCUR_GRADE_FLAGS="--report-junit $t/$c/junit.xml --report-tap $t/$c/tap.txt
		--report-prairielearn $t/$c/prairielearn.json --report-autolab=$t/$c/autolab.txt" \
		bash "$kit/run_autograder" >"$t/$c/stdout.txt" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ -f "$gs/results/results.json" ]; then
		ok "gradescope ($c): run_autograder writes results/results.json"
	else
		bad "gradescope ($c): run_autograder writes results/results.json (exit $rc)" "$t/$c/stdout.txt"
	fi
	expect "gradescope ($c): results.json has the documented fields, ${score[$c]}/26, no hidden name" \
		"$check" gradescope "$gs/results/results.json" "${score[$c]}" 26 --forbid secret
	expect "junit ($c): well-formed, ${tests_end[$c]}, ${hidden[$c]} hidden tests marked, none named" \
		"$check" junit "$t/$c/junit.xml" "${tests_end[$c]}" --forbid secret --hidden "${hidden[$c]}"
	expect "tap ($c): TAP version 13, ${tests_end[$c]}, ${hidden[$c]} hidden tests marked, none named" \
		"$check" tap "$t/$c/tap.txt" "${tests_end[$c]}" --forbid secret --hidden "${hidden[$c]}"
	expect "autolab ($c): the autoresult, ${score[$c]} points" "$check" autolab "$t/$c/autolab.txt" "${score[$c]}" 26
	if [ "$c" = broken ]; then
		expect "prairielearn ($c): gradable false, with a message" \
			"$check" prairielearn "$t/$c/prairielearn.json" ungradable --forbid secret
	else
		expect "prairielearn ($c): the documented fields, score ${score[$c]}/26, no hidden name" \
			"$check" prairielearn "$t/$c/prairielearn.json" "${score[$c]}" 26 --forbid secret
	fi
done
expect "gradescope: only the collected files were graded (decoy, header, link and notes ignored)" \
	bash -c "grep -q 'graded concur/exercises/01-processes/spawn.c' '$t/ref/stdout.txt' &&
		grep -q 'ignored spawn.c' '$t/ref/stdout.txt' && grep -q 'ignored concur/exercises/01-processes/notes.c' '$t/ref/stdout.txt'"
# The instructor's log (stdout, hidden from students) names the hidden tests: they did run.
expect "gradescope: the instructor's log names the hidden tests that ran" grep -qi secret "$t/hang/stdout.txt"

# ---- PrairieLearn ------------------------------------------------------
pl=$t/prairielearn
if make -s prairielearn LESSON=1 HIDDEN=tests/hidden >"$t/last.log" 2>&1; then
	ok "make prairielearn LESSON=1 writes build/prairielearn-01/"
else
	bad "make prairielearn LESSON=1 writes build/prairielearn-01/" "$t/last.log"
fi
"$pack" list build/prairielearn-01/concur-kit.tar.gz >"$t/prairielearn.list" 2>&1
expect "prairielearn: info.json's entry point is the kit's run.sh, which the Dockerfile puts in /concur" \
	grep -q '"entrypoint": "/concur/grader/platforms/prairielearn/run.sh"' build/prairielearn-01/info.json
expect "prairielearn: the Dockerfile unpacks the kit in /concur" grep -q 'ADD concur-kit.tar.gz /concur/' \
	build/prairielearn-01/Dockerfile
expect "prairielearn: the image's kit has the entry point, executable" has "$t/prairielearn.list" 0755 \
	grader/platforms/prairielearn/run.sh
expect "prairielearn: the image's kit has the hidden suite" has "$t/prairielearn.list" 0644 hidden/01-processes/test_spawn.c
expect "prairielearn: the kit has no solutions' code, no kit tests, no build" kit_only "$t/prairielearn.list"
mkdir -p "$pl/concur"
"$pack" extract build/prairielearn-01/concur-kit.tar.gz "$pl/concur" >"$t/last.log" 2>&1
for c in ref broken; do
	rm -rf "$pl/grade" && mkdir -p "$pl/grade/student"
	# shellcheck disable=SC2086
	cp ${flat[$c]} "$pl/grade/student/"
	PL_GRADE_ROOT=$pl/grade CONCUR_ROOT=$kit bash "$pl/concur/grader/platforms/prairielearn/run.sh" >"$t/last.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ -f "$pl/grade/results/results.json" ]; then
		ok "prairielearn ($c): run.sh writes /grade/results/results.json (it makes /grade/results)"
	else
		bad "prairielearn ($c): run.sh writes /grade/results/results.json (exit $rc)" "$t/last.log"
	fi
	if [ "$c" = broken ]; then
		expect "prairielearn ($c): gradable false, with a message" \
			"$check" prairielearn "$pl/grade/results/results.json" ungradable --forbid secret
	else
		expect "prairielearn ($c): score 26/26, documented fields, no hidden name" \
			"$check" prairielearn "$pl/grade/results/results.json" 26 26 --forbid secret
	fi
done

# ---- Autolab -----------------------------------------------------------
al=$t/autolab
if make -s autolab LESSON=1 HIDDEN=tests/hidden >"$t/last.log" 2>&1 && [ -f build/autolab-01/autograde-Makefile ]; then
	ok "make autolab LESSON=1 writes build/autolab-01/autograde-Makefile and autograde.tar"
else
	bad "make autolab LESSON=1 writes build/autolab-01/autograde-Makefile and autograde.tar" "$t/last.log"
fi
"$pack" list build/autolab-01/autograde.tar >"$t/autolab.list" 2>&1
expect "autolab: autograde.tar has the driver" has "$t/autolab.list" 0755 grader/platforms/autolab/driver.sh
expect "autolab: autograde.tar has no solutions' code, no kit tests, no build" kit_only "$t/autolab.list"
for c in ref broken; do
	rm -rf "$al" && mkdir -p "$al"
	cp build/autolab-01/autograde-Makefile "$al/Makefile"
	cp build/autolab-01/autograde.tar "$al/"
	files=()
	for f in ${flat[$c]}; do
		files+=("$(basename "$f")=$f")
	done
	handin=$al/handin.tar
	[ "$c" = broken ] && handin=$al/handin.zip
	"$pack" create "$handin" "${files[@]}" >"$t/last.log" 2>&1
	# Autolab reads both streams, in one file; the last line must be the autoresult.  Its make is
	# the first (under make test, a sub-make would end with "make[1]: Leaving directory").
	(cd "$al" && env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS CONCUR_ROOT="$kit" make) >"$t/autolab-$c.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && ok "autolab ($c): make in the hand-in's directory succeeds" ||
		bad "autolab ($c): make in the hand-in's directory succeeds (exit $rc)" "$t/autolab-$c.out"
	expect "autolab ($c): the last line of the output is the autoresult, ${score[$c]} points" \
		"$check" autolab "$t/autolab-$c.out" "${score[$c]}" 26
done
# A hand-in that reaches outside its directory is refused, and writes nothing there.
printf 'x\n' >"$t/evil-src.c"
"$pack" create "$t/evil.tar" "../evil.c=$t/evil-src.c" >/dev/null 2>&1
mkdir -p "$t/evil/in"
if ! "$pack" extract "$t/evil.tar" "$t/evil/in" >"$t/last.log" 2>&1 && [ ! -e "$t/evil/evil.c" ]; then
	ok "concur-pack extract refuses a member named ../evil.c"
else
	bad "concur-pack extract refuses a member named ../evil.c" "$t/last.log"
fi

# ---- the student release -----------------------------------------------
bash tests/dist.sh | tee "$t/dist.log"
[ "${PIPESTATUS[0]}" -le 1 ] || failed=$((failed + 1))
passed=$((passed + $(grep -c '^\[PASS\]' "$t/dist.log")))
failed=$((failed + $(grep -c '^\[FAIL\]' "$t/dist.log")))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
