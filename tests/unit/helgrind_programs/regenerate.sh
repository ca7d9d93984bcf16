#!/bin/bash
# regenerate.sh - remake the Helgrind fixtures of tests/unit/test_helgrind_report.c
# from the programs in this directory: make helgrind-fixtures
# (regenerate.sh PROGRAM... remakes only those programs' fixtures; the
# fixtures of the other race modes: regenerate_race_modes.sh)
#
# Each program P.c (or each line "NAME P ARGS..." of the table below) is
# compiled as the kit compiles a student's file: a copy that starts with
# #line 1 "tests/unit/helgrind_programs/P.c", built in $BUILD, so that its
# paths show as the repository's.  It is then run under Helgrind three
# times, with the kit's flags (grader/harness/grade.c) plus the ones the
# report needs:
#   tests/unit/fixtures/hgp_NAME.xml          the race run
#   tests/unit/fixtures/hgp_NAME_varinfo.xml  the explaining XML run (--read-var-info=yes)
#   tests/unit/fixtures/hgp_NAME.log          the explaining text run (--read-var-info=yes)
# Valgrind's output holds addresses and process ids, so the fixtures are
# committed, and `make test` only compiles the programs.
set -euo pipefail
only=("$@")

top=$(cd "$(dirname "$0")/../../.." && pwd)
src=tests/unit/helgrind_programs
out=$top/tests/unit/fixtures
# Must match HGP_BUILD in tests/unit/test_helgrind_report.c.
BUILD=/tmp/concur-hgp/build
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O0 -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra -Werror -pthread"
COMMON=(--tool=helgrind --vgdb=no --child-silent-after-fork=yes --free-is-write=yes)

# NAME PROGRAM [ARGS...]: one fixture set per line; every program once without arguments.
extra_runs=(
	"philosophers_1round philosophers 1"
)

rm -rf "$BUILD"
mkdir -p "$BUILD/$src"
cd "$top"
for c in "$src"/*.c; do
	p=$(basename "$c" .c)
	{ printf '#line 1 "%s"\n' "$c"; cat "$c"; } > "$BUILD/$src/$p.c"
	(cd "$BUILD" && $CC $CFLAGS -o "$p" "$src/$p.c")
done

run() { # NAME PROGRAM [ARGS...]
	local name=$1 prog=$2
	shift 2
	(
		cd "$BUILD"
		timeout 300 valgrind "${COMMON[@]}" --xml=yes --xml-file="$out/hgp_$name.xml" "./$prog" "$@" >/dev/null 2>&1 || true
		timeout 300 valgrind "${COMMON[@]}" --xml=yes --xml-file="$out/hgp_${name}_varinfo.xml" --read-var-info=yes \
			"./$prog" "$@" >/dev/null 2>&1 || true
		timeout 300 valgrind "${COMMON[@]}" --log-file="$out/hgp_$name.log" --read-var-info=yes "./$prog" "$@" \
			>/dev/null 2>&1 || true
	)
	echo "  HG      $name"
}

# Whether program $1 is to be run: every one if none was named.
wanted() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }

jobs_=()
for c in "$src"/*.c; do
	p=$(basename "$c" .c)
	wanted "$p" || continue
	run "$p" "$p" &
	jobs_+=($!)
	# two at a time: Helgrind is heavy
	if [ ${#jobs_[@]} -ge 2 ]; then
		wait "${jobs_[0]}"
		jobs_=("${jobs_[@]:1}")
	fi
done
for line in "${extra_runs[@]}"; do
	read -r -a words <<<"$line"
	if wanted "${words[1]}"; then run "${words[@]}"; fi
done
wait
