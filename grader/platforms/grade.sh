#!/usr/bin/env bash
# grade.sh - what every platform's entry point does, once it knows where
# the submission is and where its report goes:
#
#   grade.sh FROM WORK REPORT-OPTION...
#
# FROM is the student's submission (any layout, collect_submission.sh),
# WORK a directory of our own (emptied first).  The kit is the tree this
# script is in (or $CONCUR_ROOT); concur-platform.env at its top, written by
# make gradescope / prairielearn / autolab, names the lesson
# (CONCUR_LESSON) and the instructor's hidden suites (CONCUR_HIDDEN, a
# directory of the kit, or empty).  Builds what grading needs if it is not
# built yet (setup.sh or the image did it), then runs the harness with the
# REPORT-OPTIONs (report.h) and $CONCUR_GRADE_FLAGS (more options, e.g.
# "--jobs 2").  Exit status: the harness's (0 all passed, 1 not all, 2 the
# grader itself failed).  Only the harness writes on standard output, and
# it ends with its reports (Autolab's line last).
set -u
if [ $# -lt 3 ]; then
	echo "usage: grade.sh FROM WORK REPORT-OPTION..." >&2
	exit 2
fi
from=$1 work=$2
shift 2
kit=${CONCUR_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
unset CONCUR_KIT # the harness's own: where build/kit is, which the harness finds itself
kit=$(cd "$kit" && pwd) || exit 2
CONCUR_LESSON= CONCUR_HIDDEN=
# shellcheck source=/dev/null
. "$kit/concur-platform.env" || { echo "concur: $kit/concur-platform.env is missing: package the kit with make gradescope, prairielearn or autolab" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work" || exit 2
bash "$kit/grader/platforms/collect_submission.sh" "$kit" "$CONCUR_LESSON" "$from" "$work/submission" >&2 || exit 2
make -s -C "$kit" prepare LESSON="$CONCUR_LESSON" >&2 || { echo "concur: the kit does not build" >&2; exit 2; }
hidden=()
[ -n "$CONCUR_HIDDEN" ] && hidden=(--hidden "$kit/$CONCUR_HIDDEN")
cd "$kit" || exit 2
# shellcheck disable=SC2086
exec build/kit/concur-grade --lesson "$CONCUR_LESSON" --src "$work/submission" "${hidden[@]}" "$@" ${CONCUR_GRADE_FLAGS:-}
