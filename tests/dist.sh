#!/usr/bin/env bash
# dist.sh - the student release (make dist), as a student gets it: the
# tarball unpacked into an empty directory must grade the skeletons with
# `make check LESSON=1` (their "not implemented" failures, make's exit
# status 2), say plainly that make test, soak, bench and demo need the full
# kit, never point to a solution that is not there, and hold no solution
# text.
#
# "No solution text": a line of a solutions/*/*.c (16 characters or more,
# blanks trimmed) that no file meant for students holds (the full kit's
# lessons, exercises, grader, README and Makefile) is distinctive; the
# release may hold none of them, anywhere.  There must be at least 100
# such lines, so that the check cannot pass by finding nothing to look for.
#
# Run by tests/platforms.sh (make test); prints one PASS/FAIL line per
# check and "dist: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
t=$top/build/platform-tests/dist
pack=$top/build/kit/concur-pack
suite=dist
# shellcheck source=tests/pass_fail.sh
. tests/pass_fail.sh
rm -rf "$t" && mkdir -p "$t/student" || exit 2

# run NAME WANT-STATUS WORDS COMMAND...: in the release, COMMAND ends with WANT-STATUS and says WORDS.
run() {
	local name=$1 want=$2 words=$3 rc
	shift 3
	(cd "$t/student/concur" && "$@") >"$t/last.log" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$words" "$t/last.log"; then
		ok "$name"
	else
		bad "$name (exit $rc, expected $want, saying \"$words\")" "$t/last.log"
	fi
}

if make -s dist >"$t/last.log" 2>&1 && [ -f build/concur-student.tar.gz ]; then
	ok "make dist writes build/concur-student.tar.gz"
else
	bad "make dist writes build/concur-student.tar.gz" "$t/last.log"
	echo "dist: $passed passed, $failed failed"
	exit 1
fi
"$pack" list build/concur-student.tar.gz | awk '{ print $3 }' >"$t/list"
missing=
for f in Makefile README.md lessons/01-processes.md exercises/01-processes/spawn.c exercises/01-processes/spawn.h \
	grader/01-processes/test_spawn.c grader/01-processes/race_spawn.c grader/01-processes/hints.json \
	grader/01-processes/lesson.json grader/harness/main.c grader/lib/ct_test.h grader/deps.sh \
	solutions/01-processes/spawn.h; do
	grep -qx "concur/$f" "$t/list" || missing="$missing $f"
done
[ -z "$missing" ] && ok "the release has the lessons, skeletons, grader, hints and pristine headers" ||
	bad "the release lacks:$missing"
if grep -E '^concur/(solutions/.*\.c|tests/|build/|hidden/|\.ci/|\.git)' "$t/list" >"$t/last.log"; then
	bad "the release has no solutions' code, kit tests, build, hidden tests or CI" "$t/last.log"
else
	ok "the release has no solutions' code, kit tests, build, hidden tests or CI"
fi

# As a student does it.
if (cd "$t/student" && tar -xzf "$top/build/concur-student.tar.gz") 2>"$t/last.log"; then
	ok "the release unpacks with tar -xzf into an empty directory"
else
	bad "the release unpacks with tar -xzf into an empty directory" "$t/last.log"
fi

# No solution text.
trimmed() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//' "$@"; }
trimmed solutions/*/*.c | awk 'length($0) >= 16' | sort -u >"$t/solution-lines"
student_files=(lessons exercises grader README.md Makefile)
# One grep per line: grep -o with many patterns would miss a match that overlaps another.
while IFS= read -r line; do
	grep -rqF -- "$line" "${student_files[@]}" || printf '%s\n' "$line"
done <"$t/solution-lines" >"$t/distinctive"
n=$(wc -l <"$t/distinctive")
if [ "$n" -ge 100 ] && [ "$(grep -rlFf "$t/distinctive" solutions | wc -l)" -eq "$(ls solutions/*/*.c | wc -l)" ]; then
	ok "$n distinctive lines of the solutions to look for, from every solution file"
else
	bad "only $n distinctive lines of the solutions to look for (at least 100, from every solution file)"
fi
if grep -rlFf "$t/distinctive" "$t/student" >"$t/last.log"; then
	bad "no file of the release holds a distinctive line of a solution" "$t/last.log"
else
	ok "no file of the release holds a distinctive line of a solution"
fi

# What a student runs.
run "make check LESSON=1 grades the skeletons: not implemented, make's status 2" 2 \
	"not implemented: exercises/01-processes/spawn.c" make check LESSON=1
for target in test soak bench; do
	run "make $target says it needs the full kit" 2 "make $target needs the full kit" make "$target"
done
run "make demo LESSON=3 says it needs the full kit" 2 "make demo needs the full kit" make demo LESSON=3
# Every hint of spawn, to the last: which may not send the student to a solution that is not there.
for i in 1 2 3 4 5 6 7 8 9 10; do
	(cd "$t/student/concur" && make -s hint LESSON=1 EXERCISE=spawn) >"$t/hint.log" 2>&1 || break
	grep -q "That was the last hint" "$t/hint.log" && break
done
if grep -q "That was the last hint" "$t/hint.log" && ! grep -q "solutions/" "$t/hint.log"; then
	ok "the last hint (after $i) does not point to a solution the release does not have"
else
	bad "the last hint (after $i) does not point to a solution the release does not have" "$t/hint.log"
fi
echo "dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
