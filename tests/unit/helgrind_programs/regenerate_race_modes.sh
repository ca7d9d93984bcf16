#!/bin/bash
# regenerate_race_modes.sh - remake the DRD and ThreadSanitizer fixtures of
# tests/unit/test_race_modes.c from the programs in this directory:
# make race-mode-fixtures (regenerate_race_modes.sh PROGRAM... for some).
#
# Each program P.c is compiled as regenerate.sh compiles it for Helgrind (a
# copy that starts with #line 1 "tests/unit/helgrind_programs/P.c", built in
# $BUILD), once plainly and once with -fsanitize=thread, then run with the
# flags the harness uses for each mode (see grader/harness/drd_report.h and
# tsan_report.h):
#   tests/unit/fixtures/drd_P.xml    DRD, one run, --read-var-info=yes
#   tests/unit/fixtures/tsan_P.log   ThreadSanitizer's log (empty: it found nothing)
# plus drd_global_race_novarinfo.xml: DRD without --read-var-info=yes.
# The outputs hold addresses and process ids, so they are committed, and
# `make test` only compiles the programs.
set -euo pipefail
only=("$@")

top=$(cd "$(dirname "$0")/../../.." && pwd)
src=tests/unit/helgrind_programs
out=$top/tests/unit/fixtures
# Must match RM_BUILD in tests/unit/test_race_modes.c.
BUILD=/tmp/concur-rm/build
CC=${CC:-gcc}
CFLAGS=(-std=gnu11 -O0 -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra -Werror -pthread)
DRD=(--tool=drd --vgdb=no --child-silent-after-fork=yes --check-stack-var=yes --free-is-write=yes)
TSAN_OPTIONS_=halt_on_error=0:second_deadlock_stack=1:exitcode=0

wanted() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }

rm -rf "$BUILD"
mkdir -p "$BUILD/$src"
cd "$top"
for c in "$src"/*.c; do
	p=$(basename "$c" .c)
	wanted "$p" || continue
	{ printf '#line 1 "%s"\n' "$c"; cat "$c"; } > "$BUILD/$src/$p.c"
	(cd "$BUILD" && "$CC" "${CFLAGS[@]}" -o "$p" "$src/$p.c" && "$CC" "${CFLAGS[@]}" -fsanitize=thread -o "${p}_tsan" "$src/$p.c")
done

cd "$BUILD"
for c in "$top/$src"/*.c; do
	p=$(basename "$c" .c)
	wanted "$p" || continue
	# one at a time: the programs that check timing (condvar_errors) need the machine
	timeout 300 valgrind "${DRD[@]}" --read-var-info=yes --xml=yes --xml-file="$out/drd_$p.xml" "./$p" \
		>/dev/null 2>&1 || true
	rm -f "tsan_$p".*
	TSAN_OPTIONS="$TSAN_OPTIONS_:log_path=$BUILD/tsan_$p" timeout 60 "./${p}_tsan" >/dev/null 2>&1 || true
	# ThreadSanitizer writes its log, PREFIX.PID, only when it has something to say
	logs=(tsan_"$p".*)
	if [ -e "${logs[0]}" ]; then cat "${logs[@]}" > "$out/tsan_$p.log"; else : > "$out/tsan_$p.log"; fi
	echo "  DRD+TSAN $p"
done
if wanted global_race; then
	timeout 300 valgrind "${DRD[@]}" --xml=yes --xml-file="$out/drd_global_race_novarinfo.xml" ./global_race \
		>/dev/null 2>&1 || true
fi
