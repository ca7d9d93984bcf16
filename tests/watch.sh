#!/usr/bin/env bash
# watch.sh - make watch, as a student uses it: on a scratch copy of the kit,
# `make watch LESSON=1 EXERCISE=spawn` runs in the background while the
# exercise file is saved the ways editors save it (written in place,
# written to a temporary file renamed over it, deleted and created again,
# and its whole directory replaced); each save must start exactly one more
# check, a save of another exercise none, and two saves close together one.
# Then Ctrl-C (SIGINT to the process group, as a terminal sends it) while a
# check runs must stop everything at once: no process of the watch left,
# no run directory left in its TMPDIR.  The polling fallback
# (CONCUR_WATCH_POLL=1) must see a save too.
#
# Run by CI (.ci/run); by hand:  bash tests/watch.sh
# Prints PASS/FAIL lines and "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/concur-watch-XXXXXX")
chmod 755 "$scratch" # the sandbox's user ids enter its run directories
kit="$scratch/kit"
passed=0 failed=0
sid=

result() { # result OK TEXT
	if [ "$1" = 0 ]; then echo "[PASS] $2"; passed=$((passed + 1)); else echo "[FAIL] $2"; failed=$((failed + 1)); fi
}

# Processes of session $1, or whose working directory is under $2 (the sandboxed programs
# leave the session: Criterion's workers start sessions of their own).
leftovers() {
	local p
	for p in /proc/[0-9]*; do
		# The session is the 4th field after the command's name "(...)", which may hold spaces.
		[ "$(sed 's/.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f4)" = "$1" ] && { echo "${p#/proc/}"; continue; }
		case "$(readlink "$p/cwd" 2>/dev/null)" in "$2"/*) echo "${p#/proc/}" ;; esac
	done
}

cleanup() {
	[ -n "$sid" ] && kill -KILL -- "-$sid" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT

# The kit as a student has it (tracked and new files, as they are now), with the kit's build
# directory copied, times kept, so that make builds nothing again.
mkdir -p "$kit" "$scratch/tmp" &&
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$kit" || exit 2
if [ -d build/kit ]; then mkdir -p "$kit/build" && cp -a build/kit build/.deps-ok "$kit/build/" 2>/dev/null; fi
(cd "$kit" && make -s build/kit/concur-grade >/dev/null) || { echo "[FAIL] cannot build the scratch kit"; exit 1; }

log=
# start_watch LOG [ENV...]: make watch in a session of its own; sid is its id.
start_watch() {
	log=$1
	shift
	# --default-signal: a command started with & by a script ignores SIGINT, one in a terminal does not.
	(cd "$kit" && exec env --default-signal=INT TMPDIR="$scratch/tmp" "$@" setsid bash -c 'echo $$ >"$0.sid"; exec make -s watch LESSON=1 EXERCISE=spawn' "$log") \
		>"$log" 2>&1 </dev/null &
	for _ in $(seq 100); do [ -s "$log.sid" ] && break; sleep 0.1; done
	sid=$(cat "$log.sid")
}
started() { grep -c '^concur watch: check [0-9]* of' "$log"; }
ended() { grep -cE '^concur watch: (every check passes|some checks do not pass yet|the check could not run)' "$log"; }
# wait_checks N: until N checks have started and ended (at most 120 s).
wait_checks() {
	for _ in $(seq 1200); do
		[ "$(started)" -ge "$1" ] && [ "$(ended)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

ex="$kit/exercises/01-processes"
skeleton=$(cat "$ex/spawn.c")
start_watch "$scratch/watch.log"
wait_checks 1
result $? "make watch checks once when it starts"
n=1

# save HOW TEXT: saves spawn.c as an editor would.
save() {
	case $1 in
	in-place) printf '%s\n' "$2" >"$ex/spawn.c" ;;     # truncate and write (O_TRUNC)
	rename) printf '%s\n' "$2" >"$ex/.spawn.c.swp" && mv "$ex/.spawn.c.swp" "$ex/spawn.c" ;;
	recreate) rm -f "$ex/spawn.c" && sleep 0.05 && printf '%s\n' "$2" >"$ex/spawn.c" ;;
	directory) mv "$ex" "$ex.old" && cp -a "$ex.old" "$ex" && printf '%s\n' "$2" >"$ex/spawn.c" && rm -rf "$ex.old" ;;
	esac
}
for how in in-place rename recreate directory; do
	save "$how" "$skeleton
/* saved: $how */"
	n=$((n + 1))
	wait_checks $n && sleep 1.5 && [ "$(started)" -eq $n ]
	result $? "a save by $how starts exactly one more check (check $n)"
done

printf '/* not watched */\n' >>"$ex/reap.c"
sleep 1.5
[ "$(started)" -eq $n ]
result $? "a save of another exercise (reap.c) starts no check"

save in-place "$skeleton
/* first */" && sleep 0.05 && save rename "$skeleton
/* second */"
n=$((n + 1))
wait_checks $n && sleep 1.5 && [ "$(started)" -eq $n ]
result $? "two saves 50 ms apart start one check (debounced)"

grep -q $'\033\\[2J' "$log"
result $((!$?)) "the screen is cleared only on a terminal (the log has no clear-screen)"

# Ctrl-C while a check runs: the solution passes its tests, then Helgrind runs for seconds.
cp "$top/solutions/01-processes/spawn.c" "$ex/spawn.c"
n=$((n + 1))
# Ctrl-C as soon as the check has its run directory (it has it until it ends).
for _ in $(seq 3000); do [ "$(started)" -ge $n ] && [ -n "$(ls -A "$scratch/tmp")" ] && break; sleep 0.02; done
# What must be gone after Ctrl-C is there before it: the session's processes, a run directory.
[ "$(ended)" -lt $n ] && [ -n "$(leftovers "$sid" "$scratch/tmp")" ] && [ -n "$(ls -A "$scratch/tmp")" ]
result $? "a check is running when Ctrl-C comes (its processes and run directory are seen)"
kill -INT -- "-$sid"
gone=1
for _ in $(seq 100); do
	[ -z "$(leftovers "$sid" "$scratch/tmp")" ] && { gone=0; break; }
	sleep 0.1
done
result $gone "Ctrl-C stops the watch and its check at once (within 10 s): no process left"
[ -z "$(ls -A "$scratch/tmp")" ]
result $? "Ctrl-C leaves no run directory behind ($(ls -A "$scratch/tmp" | tr '\n' ' '))"
grep -q "concur watch: stopped" "$log" && grep -q "interrupted" "$log"
result $? "the watch and the check both say they stopped"
sid=

# The polling fallback.
start_watch "$scratch/poll.log" CONCUR_WATCH_POLL=1
wait_checks 1 && grep -q "inotify is not available here" "$log"
result $? "without inotify, make watch says so and checks once"
sleep 1
save in-place "$skeleton
/* polled */"
wait_checks 2
result $? "without inotify, a save is seen by polling"
kill -INT -- "-$sid"
for _ in $(seq 100); do [ -z "$(leftovers "$sid" "$scratch/tmp")" ] && break; sleep 0.1; done
[ -z "$(leftovers "$sid" "$scratch/tmp")" ] && [ -z "$(ls -A "$scratch/tmp")" ]
result $? "the polling watch stops on Ctrl-C, leaving nothing behind"
sid=

if [ "$failed" -ne 0 ]; then
	echo "--- the watch's log:"
	tail -n 40 "$scratch/watch.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
