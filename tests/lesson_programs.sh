#!/usr/bin/env bash
# lesson_programs.sh - the lessons' example programs build, and the texts
# show them as they are (make test can run it; by hand:
# bash tests/lesson_programs.sh).
#
# Every lessons/NN-slug/*.c must compile with the flags the lessons give
# students, warnings as errors.  In lessons/NN-slug.md, two kinds of C code
# block are tied to those files:
#   - a block whose first line is "/* NAME.c - ..." is the whole of
#     lessons/NN-slug/NAME.c, byte for byte;
#   - a block right after a line "<!-- excerpt: NAME -->" appears, as one
#     run of lines, in lessons/NN-slug/NAME.
# Other blocks (contracts copied from a header, declarations) are counted
# and left alone.
#
# Prints one PASS/FAIL line per check and "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
suite=lessons
out=build/lesson-programs
mkdir -p "$out"
# shellcheck source=tests/pass_fail.sh
. tests/pass_fail.sh

CC=${CC:-gcc}
for f in lessons/[0-9][0-9]-*/*.c; do
	[ -e "$f" ] || continue
	log=$out/$(basename "$(dirname "$f")")-$(basename "$f" .c).log
	if "$CC" -std=gnu11 -Wall -Wextra -Werror -pthread -g -o "${log%.log}" "$f" >"$log" 2>&1; then
		ok "$f compiles (-std=gnu11 -Wall -Wextra -Werror -pthread)"
	else
		bad "$f does not compile" "$log"
	fi
done

# One line per tied block: "ok|what" or "bad|what"; then "other|N".
for md in lessons/[0-9][0-9]-*.md; do
	dir=${md%.md}
	awk -v dir="$dir" -v md="$md" '
	function slurp(path,   line, text, r) {
		text = ""
		while ((r = (getline line < path)) > 0)
			text = text line "\n"
		close(path)
		return r < 0 ? "\001" : text
	}
	{ lineno++ }
	!inblock && /^```c$/ { inblock = 1; start = lineno; body = ""; excerpt = prev_excerpt; next }
	inblock && /^```$/ {
		inblock = 0
		first = substr(body, 1, index(body, "\n") - 1)
		if (excerpt != "") {
			file = dir "/" excerpt
			text = slurp(file)
			where = md ":" start " (excerpt of " file ")"
			if (text == "\001")
				print "bad|" where ": the file does not exist"
			else if (index(text, body) == 0)
				print "bad|" where ": the block is not in the file as it stands"
			else
				print "ok|" where " matches the file"
		} else if (match(first, /^\/\* [A-Za-z0-9_]+\.c - /)) {
			name = substr(first, 4)
			name = substr(name, 1, index(name, " ") - 1)
			file = dir "/" name
			text = slurp(file)
			where = md ":" start " (" file ")"
			if (text == "\001")
				print "bad|" where ": the file does not exist"
			else if (text != body)
				print "bad|" where ": the block differs from the file"
			else
				print "ok|" where " is the whole file"
		} else
			others++
		next
	}
	inblock { body = body $0 "\n"; next }
	{
		prev_excerpt = ""
		if (match($0, /^<!-- excerpt: [^ ]+ -->$/))
			prev_excerpt = substr($0, 15, length($0) - 18)
	}
	END { print "other|" others + 0 }
	' "$md"
done >"$out/blocks.txt"

other=0
while IFS='|' read -r kind what; do
	case $kind in
	ok) ok "$what" ;;
	bad) bad "$what" ;;
	other) other=$((other + what)) ;;
	esac
done <"$out/blocks.txt"
echo "$other C blocks in the lessons are tied to no file (contracts, declarations)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
