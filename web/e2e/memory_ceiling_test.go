//go:build browser

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

// wasmCeiling is the page's stated ceiling on its WebAssembly memory
// (README, "Memory"): every size and mode, compare panes included. Before
// the chains had byte budgets, two chains at 1024² and T = 10000 took
// 455 MiB in 3 s of playing.
const wasmCeiling = app.MemoryCeiling

// memoryModes are the page's configurations by how much they keep: the
// closed form, the Markov chain (a trajectory per chain), two chains side
// by side (compare = schedules in the Markov mode), at T = 1000 and at the
// largest T (the deepest trajectory), and the reverse direction.
var memoryModes = []struct{ name, query string }{
	{"closed form", "mode=closed"},
	{"Markov", "mode=markov"},
	{"compare=modes", "mode=markov&compare=modes"},
	{"compare=wrongsum", "mode=closed&compare=wrongsum"},
	{"compare=normalise, Markov", "mode=markov&compare=normalise"},
	{"compare=schedules, Markov", "mode=markov&compare=schedules"},
	{"compare=schedules, Markov, T=10000", "mode=markov&compare=schedules&T=10000"},
	{"reverse", "direction=reverse"},
	// The longest run kept: DDPM over T = 10000 steps of the photographs
	// (48², three planes): 553 MB of x_t and x̂_0 in all, of which the page
	// keeps every k-th frame within RUN_BYTES (web/reverse.js).
	{"reverse, DDPM, T=10000, photos", "direction=reverse&sampler=ddpm&T=10000&dataset=photos&denoiser=ideal"},
}

// TestMemoryCeiling plays each configuration for a few seconds at each
// processing size, smallest to largest, in a fresh page (the memory never
// shrinks, so a row's figure at a size is the most that size and the
// smaller ones needed), prints the table docs/architecture.md holds, and
// fails if the wasm memory passes the ceiling anywhere: a cache that lost
// its byte budget shows here. The sizes are MEMORY_SIZES (a comma list):
// 256 and 1024 by default, the largest (the ceiling's case) and a phone's,
// which keeps CI short; 64,256,512,1024 gives the documented table.
func TestMemoryCeiling(t *testing.T) {
	sizes := []int{256, 1024}
	if v := os.Getenv("MEMORY_SIZES"); v != "" {
		sizes = sizes[:0]
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > app.MaxSize {
				t.Fatalf("MEMORY_SIZES=%q: %q is not a size in 1..%d", v, f, app.MaxSize)
			}
			sizes = append(sizes, n)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| mode |")
	for _, s := range sizes {
		fmt.Fprintf(&table, " %d² |", s)
	}
	table.WriteString("\n|---|" + strings.Repeat("---:|", len(sizes)) + "\n")
	ctx, base := openPage(t, "?play=0")
	for _, m := range memoryModes {
		t.Run(m.name, func(t *testing.T) {
			query := "?size=64&speed=4&" + m.query
			navigate(t, ctx, base+"/index.html"+query) // a fresh page: a fresh WebAssembly memory
			waitReady(t, ctx)
			if strings.Contains(m.query, "direction=reverse") { // its run is what it keeps
				evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
			}
			row := fmt.Sprintf("| %s |", m.name)
			for _, size := range sizes {
				evalJSON(t, ctx, fmt.Sprintf(`(async () => {
					ddpm.setState({size: %d, playing: true});
					const t0 = performance.now();
					while (performance.now() - t0 < 3000) await new Promise(r => setTimeout(r, 100));
				})()`, size), nil)
				mib := wasmBytes(t, ctx) / (1 << 20)
				var fps float64
				evalJSON(t, ctx, `ddpm.perf().fps`, &fps)
				row += fmt.Sprintf(" %.0f (%.0f fps) |", mib, fps)
				if mib*(1<<20) > wasmCeiling {
					t.Errorf("%s at %d²: wasm memory %.0f MiB, over the ceiling of %d MiB", m.name, size, mib, wasmCeiling>>20)
				}
			}
			t.Log(row)
			table.WriteString(row + "\n")
			assertClean(t, ctx, base)
		})
	}
	t.Logf("wasm memory (MiB) after 3 s of playing at each size, smallest first (frames a second):\n%s", table.String())
}
