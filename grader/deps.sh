#!/usr/bin/env bash
# deps.sh - make sure the Debian packages the kit needs are installed.
#
# Installs what is missing when run as root or with passwordless sudo;
# otherwise prints the one command to run and fails.  Prints nothing when
# everything is already there.
set -euo pipefail

packages=(gcc make binutils pkg-config libcriterion-dev libjansson-dev libxml2-dev libarchive-dev valgrind gcovr bubblewrap)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	echo "concur: installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	echo "concur: installing missing packages with sudo: ${missing[*]}"
	sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	echo "concur: these Debian packages are missing: ${missing[*]}" >&2
	echo "Install them with:" >&2
	echo "    sudo sh -c '$cmd'" >&2
	exit 1
fi
