#!/usr/bin/env bash
# Finds a Chromium for the browser tests and prints its path on stdout.
# Looks at $CHROMIUM, then chromium and chromium-browser on PATH. If there
# is none and we are root on a machine with apt-get, installs Debian's
# chromium package; otherwise exits 1 saying how to install it.
# Messages go to stderr, so `path=$(scripts/install-chromium.sh)` works.
set -eu

: "${CHROMIUM:=}"
: "${APT_GET:=apt-get}"

if [ -n "$CHROMIUM" ]; then
	# An explicit choice is used as is, never replaced by an install.
	if path=$(command -v "$CHROMIUM") && [ -x "$path" ]; then
		echo "$path"
		exit 0
	fi
	echo "install-chromium: CHROMIUM=$CHROMIUM is not an executable; unset it or point it at a Chromium binary" >&2
	exit 1
fi

find_chromium() {
	local name
	for name in chromium chromium-browser; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return 0
		fi
	done
	return 1
}

if path=$(find_chromium); then
	echo "$path"
	exit 0
fi

if [ "$(id -u)" = 0 ] && command -v "$APT_GET" >/dev/null 2>&1; then
	echo "install-chromium: no chromium on PATH; installing Debian's chromium package" >&2
	"$APT_GET" update >&2
	DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y chromium >&2
	if path=$(find_chromium); then
		"$path" --version >&2 || true
		echo "$path"
		exit 0
	fi
	echo "install-chromium: installed the chromium package but found no chromium on PATH" >&2
	exit 1
fi

cat >&2 <<'MSG'
install-chromium: Chromium not found, and cannot install it here (not root, or no apt-get).
The browser tests need it. On Debian or Ubuntu:
    sudo apt-get update && sudo apt-get install -y chromium
or point CHROMIUM at an existing Chromium or Chrome binary:
    CHROMIUM=/path/to/chromium make test
MSG
exit 1
