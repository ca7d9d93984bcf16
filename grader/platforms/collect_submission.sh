#!/usr/bin/env bash
# collect_submission.sh - take a student's submission as a grading platform
# hands it over (any layout: flat, nested, with other files) and lay out the
# exercise files the harness grades, like exercises/:
#
#   collect_submission.sh KIT SLUG FROM TO      ->  TO/SLUG/NAME.c for each exercise
#
# Only the expected files are taken: for each exercise NAME of lesson SLUG
# (KIT/exercises/SLUG/NAME.c), a regular file named NAME.c anywhere under
# FROM (never a symbolic link, nor one found through a link), preferring
# .../SLUG/NAME.c, then the one nearest the top; at most 1 MiB.  Everything
# else is listed as ignored.  A missing file is left missing: the harness
# then says which file it wanted.  Prints what it took and ignored (for the
# instructor's log); fails only on a usage error.
set -u
if [ $# -ne 4 ]; then
	echo "usage: collect_submission.sh KIT SLUG FROM TO" >&2
	exit 2
fi
kit=$1 slug=$2 from=$3 to=$4
max_bytes=$((1 << 20))
mkdir -p "$to/$slug" || exit 2
taken=()
for skeleton in "$kit/exercises/$slug"/*.c; do
	name=$(basename "$skeleton")
	# Depth first, then the path: the nearest copy wins.
	mapfile -d '' found < <(find "$from" -type f -name "$name" -printf '%d %p\0' 2>/dev/null | sort -z -n | cut -z -d' ' -f2-)
	if [ ${#found[@]} -eq 0 ]; then
		echo "concur: the submission has no $name"
		continue
	fi
	pick=${found[0]}
	for f in "${found[@]}"; do
		case $f in */"$slug/$name") pick=$f && break ;; esac
	done
	if [ "$(stat -c %s -- "$pick")" -gt "$max_bytes" ]; then
		echo "concur: ignored $pick: larger than 1 MiB"
		continue
	fi
	cp -- "$pick" "$to/$slug/$name" || exit 2
	echo "concur: graded ${pick#"$from"/}"
	taken+=("$pick")
done
while IFS= read -r -d '' f; do
	for t in "${taken[@]}"; do
		[ "$f" = "$t" ] && continue 2
	done
	echo "concur: ignored ${f#"$from"/}"
done < <(find "$from" \( -type f -o -type l \) -print0 2>/dev/null | sort -z)
exit 0
