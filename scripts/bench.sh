#!/usr/bin/env bash
# make bench: measures and prints one table (scripts/benchtable).
#   - the diffusion kernels, natively and under GOOS=js GOARCH=wasm in Node
#     (go test -bench ./diffusion/);
#   - the NumPy reference, ../shared/bench/numpy_forward.py beside the clone,
#     with Debian's /usr/bin/python3 and python3-numpy (installed as root if
#     missing);
#   - the page in headless Chromium (web/e2e TestBenchBrowser and
#     TestBenchExport: GIF export time, embed first frame; tags
#     browser,browserbench): first frame time, fps, frame and kernel times
#     for size 256/512/1024 x mode closed/markov; TestBenchInstruments:
#     the same figures with the instruments off and on (rows "page mode
#     ..."), and the instruments' own main-thread time per frame;
#   - the wasm sizes raw, gzip, brotli (run scripts/build.sh first; make
#     bench does).
# Raw outputs and the table are kept in bench-out/. A stage that fails is
# reported and the others still run; the script then exits 1.
#
# Environment: GO, PYTHON (/usr/bin/python3), NUMPY_BENCH (path of
# numpy_forward.py), BENCHTIME (go test -benchtime, 1s), BENCH_PKG
# (./diffusion/), CHROMIUM, APT_GET.
set -eu

: "${GO:=go}"
: "${PYTHON:=/usr/bin/python3}"
: "${NUMPY_BENCH:=../shared/bench/numpy_forward.py}"
: "${BENCHTIME:=1s}"
: "${BENCH_PKG:=./diffusion/}"
: "${APT_GET:=apt-get}"

cd "$(dirname "$0")/.."
out=bench-out
mkdir -p "$out"
failed=()

# stage NAME FILE CMD...: runs CMD, tees its output to FILE, notes failure.
stage() {
	local name=$1 file=$2
	shift 2
	echo "== $name" >&2
	if ! "$@" 2>&1 | tee "$file" >&2; then
		echo "bench: $name failed (output in $file)" >&2
		failed+=("$name")
	fi
}
set -o pipefail

goroot=$("$GO" env GOROOT)
stage "native Go benchmarks" "$out/native.txt" \
	"$GO" test -run '^$' -bench . -benchtime "$BENCHTIME" -count 1 "$BENCH_PKG"
bash scripts/install-node.sh >/dev/null
stage "wasm benchmarks in Node" "$out/wasm.txt" \
	env PATH="$goroot/lib/wasm:$PATH" GOOS=js GOARCH=wasm \
	"$GO" test -run '^$' -bench . -benchtime "$BENCHTIME" -count 1 "$BENCH_PKG"

have_numpy() { "$PYTHON" -c 'import numpy' >/dev/null 2>&1; }
if [ ! -f "$NUMPY_BENCH" ]; then
	echo "bench: NumPy reference $NUMPY_BENCH not found (shared/ is expected beside the clone; set NUMPY_BENCH)" >&2
	failed+=("NumPy reference")
	: >"$out/numpy.txt"
else
	if ! have_numpy && [ "$(id -u)" = 0 ] && command -v "$APT_GET" >/dev/null 2>&1; then
		echo "bench: installing Debian's python3-numpy" >&2
		"$APT_GET" update >&2
		DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y python3-numpy >&2
	fi
	if have_numpy; then
		# The reference runs with the machine's default OpenBLAS tuning.
		stage "NumPy reference" "$out/numpy.txt" \
			env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$NUMPY_BENCH"
	else
		echo "bench: $PYTHON cannot import numpy; install it with: sudo apt-get install -y python3-numpy (or set PYTHON)" >&2
		failed+=("NumPy reference")
		: >"$out/numpy.txt"
	fi
fi

chromium=$(bash scripts/install-chromium.sh)
stage "browser figures" "$out/browser.txt" \
	env CHROMIUM="$chromium" "$GO" test -tags browser,browserbench -run '^TestBench(Browser|Export|Instruments)$' \
	-count 1 -v -timeout 15m ./web/e2e/

"$GO" run ./scripts/benchtable -native "$out/native.txt" -wasm "$out/wasm.txt" \
	-numpy "$out/numpy.txt" -browser "$out/browser.txt" -wasmfile web/dissolve.wasm | tee "$out/table.txt"

if [ ${#failed[@]} -gt 0 ]; then
	printf 'bench: failed stages: %s\n' "${failed[*]}" >&2
	exit 1
fi
