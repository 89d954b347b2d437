#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the repository for FUZZTIME each (60s
# unless set) and prints one line per target with its executions. A
# crash stops the run; go test writes the failing input under the
# package's testdata/fuzz/, where it becomes a seed that `make test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}
for pkg in ./diffusion ./dataset ./wasm/app; do
  for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
    out=$($GO test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -parallel "${FUZZ_PARALLEL:-2}" 2>&1) || {
      echo "$out" >&2
      echo "fuzz: $pkg $target FAILED" >&2
      exit 1
    }
    execs=$(grep -o 'execs: [0-9]*' <<<"$out" | tail -1 | cut -d' ' -f2)
    echo "fuzz: $pkg $target: $execs executions in $FUZZTIME, no failure"
  done
done
