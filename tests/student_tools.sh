#!/usr/bin/env bash
# student_tools.sh - the student's comforts, on a scratch copy of the kit
# without git (as unpacked from a tarball): make progress and its state
# file (recorded by make check, robust against a corrupt, foreign or
# hostile file), make reset (pristine skeletons from the kit's own copy,
# backups, refusals), make coverage (lines and branches of the student's
# file, children and passing tests counted, killed tests named, the counts
# written only inside the sandbox), make compile_commands.json, and the
# quicker race checks of RACE=tsan|drd|off.
#
# Run by CI (.ci/run); by hand:  bash tests/student_tools.sh
# Prints PASS/FAIL lines and "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/concur-tools-XXXXXX")
chmod 755 "$scratch" # the sandbox's user ids enter the run directories under it
kit="$scratch/kit"
passed=0 failed=0
trap 'rm -rf "$scratch"' EXIT

result() { # result OK TEXT
	if [ "$1" = 0 ]; then echo "[PASS] $2"; passed=$((passed + 1)); else echo "[FAIL] $2"; failed=$((failed + 1)); fi
}
# has FILE WORDS...: the file holds each of the fixed strings.
has() {
	local f=$1 w
	shift
	for w in "$@"; do grep -qF -- "$w" "$f" || { echo "       missing: $w" >&2; return 1; }; done
}

mkdir -p "$kit" "$scratch/tmp" &&
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$kit" || exit 2
if [ -d build/kit ]; then mkdir -p "$kit/build" && cp -a build/kit build/.deps-ok "$kit/build/" 2>/dev/null; fi
cd "$kit" || exit 2
export TMPDIR="$scratch/tmp"
out="$scratch/out"
state=build/progress/state.json
ex=exercises/01-processes

# ---- the pristine copy ------------------------------------------------------
make -s build/kit/concur-grade >/dev/null 2>&1 && build/kit/concur-grade --check-skeletons >"$out"
result $? "grader/skeletons.json is the same as exercises/ (else: make skeletons)"
printf '/* edited */\n' >>"$ex/reap.c"
build/kit/concur-grade --check-skeletons >"$out"
[ $? = 1 ] && has "$out" "exercises/01-processes/reap.c differs"
result $? "--check-skeletons names a skeleton that differs from the copy"

# ---- make progress ------------------------------------------------------------
git -C "$top" show HEAD:exercises/01-processes/reap.c >"$ex/reap.c"
make -s progress >"$out" 2>&1
[ $? = 0 ] && has "$out" "spawn        not started" "reap         not started" "Next: read lessons/01-processes.md" \
	"make check LESSON=1 EXERCISE=spawn"
result $? "make progress after a clone: nothing started, read the lesson first"
printf '/* begun */\n' >>"$ex/reap.c"
make -s progress >"$out" 2>&1
[ $? = 0 ] && has "$out" "reap         edited" "not checked yet" "Next: write spawn_all() in exercises/01-processes/spawn.c"
result $? "make progress sees a skeleton edited but never checked"
cp "$top/solutions/01-processes/spawn.c" "$ex/spawn.c"
make -s check LESSON=1 EXERCISE=spawn >/dev/null 2>&1
python3 - "$state" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
e = s["exercises"]["01-processes/spawn"]
assert s["format"] == "concur-progress" and s["version"] == 1
assert e["status"] == "passed" and e["points"] == e["max"] == 10 and e["checks"] == 1, e
assert e["source_hash"].startswith("fnv1a64:") and e["checked"] and e["checked_unix"] > 0, e
assert "01-processes/reap" not in s["exercises"]
EOF
result $? "make check records the exercise it checked (passed, points, date, hash), and only it"
make -s check LESSON=1 EXERCISE=reap >/dev/null 2>&1
make -s progress >"$out" 2>&1
# The kit's points and exercises, from every lesson's catalogue.
read -r all_points all_exercises < <(python3 -c 'import glob, json
ex = [e for f in glob.glob("grader/*/lesson.json") for e in json.load(open(f))["exercises"]]
print(sum(sum(e["points"].values()) for e in ex), len(ex))')
has "$out" "spawn        passed         10/10  checked " "reap         not started" "Next: write reap_all()" \
	"total: 10/$all_points points, 1 of $all_exercises exercises passed"
result $? "make progress shows the passed exercise and the next one to write"
printf '/* more */\n' >>"$ex/spawn.c"
make -s progress >"$out" 2>&1
has "$out" "changed since" "Next: make check LESSON=1 EXERCISE=spawn" "(you changed spawn.c since it was last checked)"
result $? "make progress sees a file changed since its check"
before=$(cat "$state")
make -s check LESSON=1 EXERCISE=spawn SOLUTION=1 >/dev/null 2>&1
[ "$before" = "$(cat "$state")" ]
result $? "grading the solutions (SOLUTION=1) records nothing"
# A failing exercise: its first failure is shown.
sed 's/_exit(task(i) & 0xff);/_exit(0);/' "$top/solutions/01-processes/spawn.c" >"$ex/spawn.c"
make -s check LESSON=1 EXERCISE=spawn >/dev/null 2>&1
make -s progress >"$out" 2>&1
has "$out" "spawn        failing" "correctness: " "Stuck? make hint LESSON=1 EXERCISE=spawn"
result $? "make progress shows a failing exercise with its first failure and the hint"

# Corrupt, foreign and hostile state files: rebuilt, with a note; never a crash, nothing followed.
echo "not a secret" >"$scratch/target"
i=0
for kind in garbage foreign directory link huge; do
	rm -rf "$state" "$state.bad"
	case $kind in
	garbage) printf '{"format": "concur-progress", "exercises": {' >"$state" ;;
	foreign) printf '{"format": "someone-else", "version": 1, "exercises": {}}\n' >"$state" ;;
	directory) mkdir -p "$state/inside" ;;
	link) ln -s "$scratch/target" "$state" ;;
	huge) head -c 2000000 /dev/zero | tr '\0' ' ' >"$state" ;;
	esac
	make -s check LESSON=1 EXERCISE=reap >"$out" 2>&1
	rc=$?
	python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['format']=='concur-progress' and '01-processes/reap' in s['exercises']" "$state" &&
		[ "$rc" = 2 ] && has "$out" "was not a file this kit wrote" "a new one is started" && [ -e "$state.bad" ] &&
		[ "$(cat "$scratch/target")" = "not a secret" ] && make -s progress >/dev/null 2>&1
	result $? "a $kind state file is moved aside with a note and rebuilt; the check is graded as usual"
done
ls build/progress | grep -q tmp
result $((!$?)) "no temporary file is left in build/progress (atomic writes)"
printf '{"01-processes/spawn": "three"}' >build/progress/hints.json
make -s hint LESSON=1 EXERCISE=spawn >"$out" 2>&1 && has "$out" "Hint 1 of" && make -s progress >/dev/null 2>&1
result $? "a hints.json with nonsense in it is read as no hint seen"

# ---- make reset -----------------------------------------------------------------
git -C "$kit" rev-parse 2>/dev/null
result $((!$?)) "this copy of the kit has no git (as from a tarball)"
make -s reset LESSON=1 >"$out" 2>&1
[ $? = 2 ] && has "$out" "make reset LESSON=1 EXERCISE=spawn" "CONFIRM=1"
result $? "make reset without EXERCISE refuses and says how"
make -s reset >"$out" 2>&1
[ $? = 2 ] && has "$out" "make reset LESSON=N EXERCISE=name"
result $? "make reset without LESSON refuses"
mine=$(cat "$ex/spawn.c")
printf '/* my header edit */\n' >>"$ex/spawn.h"
make -s reset LESSON=1 EXERCISE=spawn >"$out" 2>&1
backup=$(sed -n 's/.*your version is kept as \(build\/backups\/01-processes\/spawn-[0-9-]*\.c\)$/\1/p' "$out")
[ $? = 0 ] && cmp -s "$ex/spawn.c" <(git -C "$top" show HEAD:exercises/01-processes/spawn.c) &&
	cmp -s "$ex/spawn.h" "$top/solutions/01-processes/spawn.h" && [ -n "$backup" ] && [ "$(cat "$backup")" = "$mine" ] &&
	ls build/backups/01-processes/spawn-*.h >/dev/null
result $? "make reset EXERCISE=spawn puts the skeleton and header back, and keeps the student's as $backup"
make -s progress >"$out" 2>&1 && has "$out" "spawn        not started"
result $? "after make reset, make progress shows the exercise as not started"
make -s reset LESSON=1 EXERCISE=spawn >"$out" 2>&1 && has "$out" "already the pristine skeleton: nothing to do"
result $? "make reset of a pristine skeleton does nothing"
rm "$ex/spawn.c"
make -s reset LESSON=1 EXERCISE=spawn >"$out" 2>&1 && has "$out" "was missing: the pristine skeleton is back" &&
	cmp -s "$ex/spawn.c" <(git -C "$top" show HEAD:exercises/01-processes/spawn.c)
result $? "make reset puts back a deleted file"
cp "$top/solutions/01-processes/spawn.c" "$ex/spawn.c"
make -s reset LESSON=1 CONFIRM=1 >"$out" 2>&1
[ $? = 0 ] && build/kit/concur-grade --check-skeletons >/dev/null && [ "$(ls build/backups/01-processes/ | wc -l)" -ge 4 ]
result $? "make reset LESSON=1 CONFIRM=1 resets every exercise of the lesson, each backed up"

# ---- make coverage ----------------------------------------------------------------
cp "$top/solutions/01-processes/spawn.c" "$ex/spawn.c"
make -s coverage LESSON=1 EXERCISE=spawn >"$out" 2>&1
rc=$?
html=build/coverage/01-processes/spawn/html/index.html
ntests=$(grep -c '^CT_TEST(spawn,' "$top/grader/01-processes/test_spawn.c")
[ $rc = 0 ] && has "$out" "the $ntests tests of spawn_all() ran exercises/01-processes/spawn.c ($ntests passed)" \
	"spawn.c: " "% of lines (" "% of branches (" "not run:" "never went this way: if (n < 1 || n > 64) {" \
	"Line by line: $html" && [ -s "$html" ] && grep -q "spawn_all" build/coverage/01-processes/spawn/html/index.*.html
result $? "make coverage: lines and branches of the student's file, what never ran and why, an HTML page"
# Passing tests end with a raw exit_group and children with _exit(): both are counted.
python3 - build/coverage/01-processes/spawn/html/coverage.json "$ex/spawn.c" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))["files"][0]
src = open(sys.argv[2]).read().split("\n")
count = {l["line_number"]: l["count"] for l in f["lines"] if not l["gcovr/noncode"]}
child = [n for n, t in enumerate(src, 1) if "_exit(task(i)" in t][0]
parent = [n for n, t in enumerate(src, 1) if "codes[i] = status_to_code(status);" in t][0]
assert count[child] > 0, ("the children's _exit line", count[child])
assert count[parent] > 0, ("the parent's line after the tests passed", count[parent])
EOF
result $? "the coverage counts the children (they end with _exit) and the passing tests (a raw exit)"
! grep -q "make hint" "$out" && ! grep -q "races" "$out"
result $? "make coverage shows no grade and runs no Helgrind"
[ -z "$(find . "$scratch/tmp" -name '*.gcda' -not -path './build/coverage/01-processes/spawn/obj-cov/*' | head -1)" ]
result $? "the counts are written only in the run's directory, then kept beside the notes"
sed 's/\tif (n < 1 || n > 64) {/\tif (n == 3) {\n\t\tvolatile int *p = 0;\n\t\t*p = 1;\n\t}\n\tif (n < 1 || n > 64) {/' \
	"$top/solutions/01-processes/spawn.c" >"$ex/spawn.c"
make -s coverage LESSON=1 EXERCISE=spawn >"$out" 2>&1
[ $? = 0 ] && has "$out" "not counted: these tests were killed before they could say what they ran" " (crashed)"
result $? "make coverage names the tests whose coverage is lost (crashed)"
make -s check LESSON=1 EXERCISE=spawn >/dev/null 2>&1
[ -d build/exercises/01-processes/spawn ] && [ ! -d build/exercises/01-processes/spawn/obj-cov ]
result $? "make check's own build is not the coverage build"
make -s coverage >"$out" 2>&1
[ $? = 2 ] && has "$out" "make coverage LESSON=N"
result $? "make coverage without LESSON says how"

# ---- editors ----------------------------------------------------------------------------
make -s compile_commands.json >"$out" 2>&1 && python3 - <<'EOF'
import json, shlex, subprocess
d = json.load(open("compile_commands.json"))
files = {e["file"]: e for e in d}
e = files["exercises/01-processes/spawn.c"]
assert "-Isolutions/01-processes" in e["command"] and "-Igrader/lib" in e["command"], e
assert "grader/harness/main.c" in files and "grader/lib/ct_test.c" in files and "grader/01-processes/test_spawn.c" in files
for f in ["exercises/01-processes/spawn.c", "grader/harness/main.c", "grader/01-processes/test_spawn.c", "tests/kit_tests.c"]:
    a = shlex.split(files[f]["command"])
    a = a[: a.index("-o")] + ["-fsyntax-only"]
    subprocess.run(a, cwd=files[f]["directory"], check=True)
EOF
result $? "make compile_commands.json: every C file, each command compiles it (exercises as the harness does)"

# ---- quicker race checks: RACE= ---------------------------------------------------
cp "$top/solutions/04-races/counter.c" exercises/04-races/counter.c
before=$(cat "$state" 2>/dev/null)
make -s check LESSON=4 EXERCISE=counter RACE=off >"$out" 2>&1
has "$out" "skip  0/4" "Races were not checked (RACE=off)" && [ "$before" = "$(cat "$state" 2>/dev/null)" ]
result $? "RACE=off: the races column says skip, with no points, and make progress records nothing"
make -s check LESSON=4 EXERCISE=counter RACE=tsan VERBOSE=1 >"$out" 2>&1
has "$out" "pass  4/4" "ThreadSanitizer found no data race" "Races were checked with ThreadSanitizer (RACE=tsan)" &&
	[ "$before" = "$(cat "$state" 2>/dev/null)" ]
result $? "RACE=tsan on a correct counter: passed, said to be a quick look, not recorded"
grep -v 'pthread_mutex_lock(&c->lock);\|pthread_mutex_unlock(&c->lock);' "$top/solutions/04-races/counter.c" \
	>exercises/04-races/counter.c
for tool in tsan:ThreadSanitizer drd:DRD; do
	make -s check LESSON=4 EXERCISE=counter RACE="${tool%%:*}" >"$out" 2>&1
	has "$out" "${tool#*:} found" "Data race on \`shared" "counter.c:2"
	result $? "RACE=${tool%%:*} on a counter with no lock: the race, in plain words, with the lines"
done
make -s check LESSON=4 EXERCISE=counter RACE=fast >"$out" 2>&1
rc=$?
[ "$rc" = 2 ] && has "$out" "RACE=fast is not a race check" "helgrind" "tsan"
result $? "RACE=fast is refused with the modes there are"
mkdir -p "$scratch/subs"
make -s grade SUBMISSIONS="$scratch/subs" RACE=drd >"$out" 2>&1
rc=$?
[ "$rc" = 2 ] && has "$out" "grading a class, hidden tests and make soak always use Helgrind"
result $? "make grade with RACE= is refused: grades count on Helgrind"
cp "$top/exercises/04-races/counter.c" exercises/04-races/counter.c

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
