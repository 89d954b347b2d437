//go:build browser

package e2e

import (
	"fmt"
	"testing"

	"dissolve/wasm/app"
)

// reverseStats is window.ddpm.stats() in the reverse direction.
type reverseStats struct {
	T          int     `json:"t"`
	Visited    int     `json:"visited"`
	EffectiveN float64 `json:"effectiveN"`
	Novelty    float64 `json:"novelty"`
	Checksum   string  `json:"checksum"`
	Nearest    struct {
		Index    int     `json:"index"`
		Label    int     `json:"label"`
		Distance float64 `json:"distance"`
	} `json:"nearest"`
}

// TestReverseOnThePage: noise turns back into a digit on the page, the
// run computed in a worker. The ideal denoiser ends on a training digit
// (novelty < 0.05), the local one on a new digit (novelty > 0.5); DDIM
// η = 0 gives the same bits on the page as natively, and again when the
// run is made a second time; scrubbing the finished run moves x_t.
func TestReverseOnThePage(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	var ideal reverseStats
	evalJSON(t, ctx, `ddpm.stats()`, &ideal)
	native := nativeSample(t, map[string]any{"seed": 1, "every": 0})
	sum := app.FrameChecksum(native.Final)
	if ideal.Novelty >= 0.05 || ideal.Checksum != sum || ideal.Nearest.Index != native.Nearest.Index || ideal.Visited != 0 {
		t.Errorf("ideal: %+v; native: nearest #%d, checksum %s", ideal, native.Nearest.Index, sum)
	}
	screenshot(t, ctx, "reverse-ideal")

	// Scrub back over the finished run: instant, and x_t is noise at T.
	var atT reverseStats
	evalJSON(t, ctx, `(ddpm.setState({t: 1000}), ddpm.stats())`, &atT)
	if atT.Visited != 1000 || atT.Checksum == ideal.Checksum || atT.EffectiveN < 2 {
		t.Errorf("at t = T: %+v", atT)
	}

	// The local denoiser creates.
	var local reverseStats
	evalJSON(t, ctx, `(async () => { ddpm.setState({t: 0, denoiser: 'local', steps: 10}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &local)
	if local.Novelty <= 0.5 {
		t.Errorf("local: novelty %.3f, want > 0.5 (%+v)", local.Novelty, local)
	}
	screenshot(t, ctx, "reverse-local")

	// The same settings and seed again: the same bits.
	var again reverseStats
	evalJSON(t, ctx, `(async () => { ddpm.setState({denoiser: 'ideal', steps: 50}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &again)
	if again.Checksum != ideal.Checksum {
		t.Errorf("the same run twice: checksum %s then %s", ideal.Checksum, again.Checksum)
	}
	assertClean(t, ctx, base)
}

// TestReverseFieldsRefused: a bad value of every reverse field is refused
// with the field named, and nothing changes.
func TestReverseFieldsRefused(t *testing.T) {
	ctx, _ := openAt(t, "?play=0&lang=en", false)
	for _, c := range []struct{ patch, field string }{
		{`{direction: 'backwards'}`, "direction"}, {`{sampler: 'euler'}`, "sampler"}, {`{variance: 'medium'}`, "variance"},
		{`{eta: 2}`, "eta"}, {`{steps: 0}`, "steps"}, {`{denoiser: 'network'}`, "denoiser"},
		{`{dataset: 'cifar'}`, "dataset"}, {`{datasetSize: 10001}`, "datasetSize"},
	} {
		var got struct {
			Field, Code string
			Same        bool
		}
		evalJSON(t, ctx, fmt.Sprintf(`(() => { const before = JSON.stringify(ddpm.getState());
			try { ddpm.setState(%s); return {field: 'accepted'}; }
			catch (e) { return {field: e.field, code: e.code, same: JSON.stringify(ddpm.getState()) === before}; } })()`, c.patch), &got)
		if got.Field != c.field || got.Code == "" || !got.Same {
			t.Errorf("%s: %+v", c.patch, got)
		}
	}
}
