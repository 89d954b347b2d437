#!/usr/bin/env bash
# Finds Node.js, which `GOOS=js GOARCH=wasm go test` runs the tests in
# (through $(go env GOROOT)/lib/wasm/go_js_wasm_exec), and prints its path.
# If there is none and we are root with apt-get, installs Debian's nodejs;
# otherwise exits 1 saying how to install it. Messages go to stderr.
set -eu

: "${APT_GET:=apt-get}"

# go_js_wasm_exec runs `node` from PATH, so that is the one to find.
if path=$(command -v node); then
	echo "$path"
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v "$APT_GET" >/dev/null 2>&1; then
	echo "install-node: no node on PATH; installing Debian's nodejs package" >&2
	"$APT_GET" update >&2
	DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y nodejs >&2
	if path=$(command -v node); then
		echo "$path"
		exit 0
	fi
fi
cat >&2 <<'MSG'
install-node: Node.js not found; the GOOS=js GOARCH=wasm unit tests run in it.
On Debian or Ubuntu:
    sudo apt-get update && sudo apt-get install -y nodejs
MSG
exit 1
