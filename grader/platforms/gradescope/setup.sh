#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the
# autograder's image from the zip of make gradescope (extracted in
# /autograder/source): install the Debian packages the kit needs
# (grader/deps.sh: the list, and apt-get update before it installs) and
# build what grading the packaged lesson needs, so that each submission is
# graded without waiting for the kit to compile.
set -euo pipefail
cd "$(dirname "$0")"
. ./concur-platform.env
bash grader/deps.sh
make -s prepare LESSON="$CONCUR_LESSON"
