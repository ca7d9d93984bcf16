#!/usr/bin/env bash
# driver.sh - Autolab's autograder (run by autograde-Makefile, in the
# directory where Autolab put the student's hand-in beside autograde.tar):
# grade the hand-in and print the autoresult as the last line
# (report_autolab.c).  The hand-in is the assessment's handin file: one .c
# file, or an archive of them (.tar, .tar.gz, .zip), unpacked with
# concur-pack, which refuses links and names that leave the directory.
# $CONCUR_ROOT is the kit (default: the tree this script is in).
set -u
here=$PWD
kit=${CONCUR_ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
export CONCUR_ROOT=$kit
make -s -C "$kit" prepare LESSON="$(. "$kit/concur-platform.env" && echo "$CONCUR_LESSON")" >&2 || exit 2
handin=$here/concur-handin
rm -rf "$handin" && mkdir -p "$handin" || exit 2
for f in "$here"/*; do
	case ${f##*/} in
	Makefile | autograde.tar | concur | concur-handin | concur-work) continue ;;
	*.tar | *.tar.gz | *.tgz | *.zip)
		"$kit/build/kit/concur-pack" extract "$f" "$handin" >&2 || echo "concur: could not unpack ${f##*/}" >&2 ;;
	*)
		[ -f "$f" ] && [ ! -L "$f" ] && cp -- "$f" "$handin/" ;;
	esac
done
bash "$kit/grader/platforms/grade.sh" "$handin" "$here/concur-work" --report-autolab
# The autoresult is out: make must not add a line after it ("Error 1").
[ $? -le 1 ]
