#!/usr/bin/env bash
# run.sh - PrairieLearn's external grader entry point (the question's
# info.json: "entrypoint"): grade /grade/student and write
# /grade/results/results.json (report_prairielearn.c).  The image is the one
# make prairielearn builds the Dockerfile for (the kit in /concur, built).
# The root can be moved for a local rehearsal: PL_GRADE_ROOT (default
# /grade); the kit is the tree this script is in, or $CONCUR_ROOT.
set -u
root=${PL_GRADE_ROOT:-/grade}
# PrairieLearn does not create /grade/results.
mkdir -p "$root/results" || exit 2
bash "$(dirname "$0")/../grade.sh" "$root/student" "$root/concur" \
	--report-prairielearn "$root/results/results.json"
[ $? -le 1 ]
