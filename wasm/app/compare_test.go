package app_test

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

func TestComparePatch(t *testing.T) {
	tests := []struct {
		patch, wantErr string
		compare        app.Compare
		second         string
	}{
		{patch: `{}`, compare: app.CompareNone, second: "cosine"},
		{patch: `{"compare": "schedules", "compareSchedule": "sigmoid"}`, compare: app.CompareSchedules, second: "sigmoid"},
		{patch: `{"compare": "modes"}`, compare: app.CompareModes, second: "cosine"},
		{patch: `{"compare": "wrongsum"}`, compare: app.CompareWrongSum, second: "cosine"},
		{patch: `{"compare": "normalise"}`, compare: app.CompareNormalise, second: "cosine"},
		{patch: `{"compare": "split"}`, wantErr: `compare must be one of none, schedules, modes, wrongsum, normalise, got "split"`},
		{patch: `{"compareSchedule": "quad"}`, wantErr: `compareSchedule must be one of linear, scaled-linear, cosine, sigmoid, got "quad"`},
		{patch: `{"compare": 2}`, wantErr: `compare must be one of none, schedules, modes, wrongsum, normalise, got 2`},
	}
	for _, tc := range tests {
		p, err := app.ParsePatchJSON([]byte(tc.patch))
		var s app.State
		if err == nil {
			s, err = app.Default().Apply(p, lib())
		}
		switch {
		case tc.wantErr != "":
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%s: error %v, want %q", tc.patch, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.patch, err)
		case s.Compare != tc.compare || s.CompareSchedule != tc.second:
			t.Errorf("%s: compare %q %q, want %q %q", tc.patch, s.Compare, s.CompareSchedule, tc.compare, tc.second)
		}
	}
}

func TestCompareURL(t *testing.T) {
	// Without a comparison, links are as they were.
	if q := app.Default().Query(); bytes.Contains([]byte(q), []byte("compare")) {
		t.Errorf("default query mentions compare: %s", q)
	}
	s := app.Default()
	s.Compare, s.CompareSchedule = app.CompareSchedules, diffusion.Sigmoid
	p, errs := app.ParseQuery(s.Query())
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	got, errs := app.Default().ApplyEach(p, lib())
	if len(errs) != 0 || got != s {
		t.Errorf("round trip of %s: %+v, %v", s.Query(), got, errs)
	}
	_, errs = app.Default().ApplyEach(mustQuery(t, "compare=both&compareSchedule=cosine"), lib())
	if len(errs) != 1 || errs[0].Error() != `compare must be one of none, schedules, modes, wrongsum, normalise, got "both"` {
		t.Errorf("bad compare in the URL: %v", errs)
	}
}

func mustQuery(t *testing.T, q string) app.Patch {
	t.Helper()
	p, errs := app.ParseQuery(q)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	return p
}

func TestPaneKinds(t *testing.T) {
	tests := []struct {
		compare app.Compare
		mode    app.Mode
		want    []string
	}{
		{app.CompareNone, app.ClosedForm, []string{"closed"}},
		{app.CompareNone, app.Markov, []string{"markov"}},
		{app.CompareSchedules, app.Markov, []string{"markov", "second"}},
		{app.CompareModes, app.Markov, []string{"closed", "markov"}},
		{app.CompareWrongSum, app.ClosedForm, []string{"closed", "wrongsum"}},
		{app.CompareNormalise, app.ClosedForm, []string{"x0", "zscore", "closed"}},
	}
	for _, tc := range tests {
		s := app.Default()
		s.Compare, s.Mode = tc.compare, tc.mode
		if got := s.PaneKinds(); !slices.Equal(got, tc.want) {
			t.Errorf("%s/%s: %v, want %v", tc.compare, tc.mode, got, tc.want)
		}
	}
}

func TestPaneLayout(t *testing.T) {
	tests := []struct {
		name                 string
		n, w, h, sw, sh, gap int
		wantCols, wantRows   int
		wantScale            float64
	}{
		// Two square pictures on a square screen: side by side, each half wide.
		{"2 on square", 2, 100, 100, 800, 800, 0, 2, 1, 4},
		// Two square pictures on a tall screen: one above the other, each
		// filling its 400×450 cell (cut by 1 − 4/4.5 ≈ 11% ≤ 1/8).
		{"2 on tall", 2, 100, 100, 400, 900, 0, 1, 2, 4.5},
		// Taller still, 400×500 cells would cut 20%: whole, scale 4.
		{"2 on taller", 2, 100, 100, 400, 1000, 0, 1, 2, 4},
		// Three on a wide screen: a row of three.
		{"3 on wide", 3, 100, 100, 1200, 400, 0, 3, 1, 4},
		// Three on a square screen: a 2×2 grid (scale 4) beats a row (scale 8/3).
		{"3 on square", 3, 100, 100, 800, 800, 0, 2, 2, 4},
		// The gap is subtracted: (800 − 10)/2 = 395 per cell.
		{"gap", 2, 100, 100, 800, 800, 10, 2, 1, 3.95},
		{"one", 1, 200, 100, 800, 800, 0, 1, 1, 4},
		// Cells close to the picture's shape are filled, the picture cut:
		// (640 − 6)/2 = 317 × 310 cells; covering crops 1 − 310/317 ≈ 2%.
		{"2 filling their cells", 2, 100, 100, 640, 310, 6, 2, 1, 3.17},
		// 320 × 250 cells: covering would crop 22%, so whole, with bands.
		{"2 too far from their cells' shape", 2, 100, 100, 640, 250, 0, 2, 1, 2.5},
	}
	for _, tc := range tests {
		rects, scale := app.PaneLayout(tc.n, tc.w, tc.h, tc.sw, tc.sh, tc.gap)
		if math.Abs(scale-tc.wantScale) > 1e-12 || len(rects) != tc.n {
			t.Errorf("%s: scale %g (%d rects), want %g", tc.name, scale, len(rects), tc.wantScale)
			continue
		}
		xs, ys := map[float64]bool{}, map[float64]bool{}
		for _, r := range rects {
			xs[r.X], ys[r.Y] = true, true
			// The shown part is the picture scaled, or less of it (cut) but
			// never more.
			sw, sh := r.W*float64(tc.sw), r.H*float64(tc.sh)
			pw, ph := scale*float64(tc.w), scale*float64(tc.h)
			whole := math.Abs(sw-pw) < 1e-9 && math.Abs(sh-ph) < 1e-9
			cut := sw <= pw+1e-9 && sh <= ph+1e-9 && (math.Abs(sw-pw) < 1e-9 || math.Abs(sh-ph) < 1e-9) && 1-math.Min(sw/pw, sh/ph) <= app.MaxFillCrop+1e-12
			if !whole && !cut {
				t.Errorf("%s: rect %+v is not the picture scaled by %g, nor a part of it cut by at most 1/8", tc.name, r, scale)
			}
			if r.X < 0 || r.Y < 0 || r.X+r.W > 1+1e-12 || r.Y+r.H > 1+1e-12 {
				t.Errorf("%s: rect %+v leaves the screen", tc.name, r)
			}
		}
		if len(xs) != tc.wantCols || len(ys) != tc.wantRows {
			t.Errorf("%s: %d columns × %d rows, want %d × %d", tc.name, len(xs), len(ys), tc.wantCols, tc.wantRows)
		}
	}
}

// Each pane's bytes are the formula of its kind, computed here from the
// diffusion package directly.
func TestPanesArePixelsOfTheirFormula(t *testing.T) {
	const step = 600
	e := newEngine(t, `{"compare": "wrongsum", "t": 600}`)
	x0 := e.X0()
	sched := e.Schedule()
	eps := make([]float32, len(x0.Pix))
	diffusion.Noise{Seed: uint64(e.State().Seed)}.Fill(eps, 0)
	want := func(a, b float64) []byte {
		out := make([]byte, 4*x0.N())
		diffusion.ClosedFormRGBA(out, x0.Pix, eps, float32(a), float32(b))
		return out
	}
	panes, changed := e.Panes()
	if !changed || len(panes) != 2 {
		t.Fatalf("%d panes, changed %v", len(panes), changed)
	}
	if !bytes.Equal(panes[0].RGBA, want(sched.SqrtAlphaBar(step), sched.SqrtOneMinusAlphaBar(step))) {
		t.Error("pane 0 is not the closed form")
	}
	if !bytes.Equal(panes[1].RGBA, want(sched.SqrtAlphaBar(step), sched.WrongSumStd(step))) {
		t.Error("pane 1 is not the wrong sum")
	}
	if sched.WrongSumStd(step) <= sched.SqrtOneMinusAlphaBar(step) {
		t.Errorf("wrong sum std %g is not above the right one %g", sched.WrongSumStd(step), sched.SqrtOneMinusAlphaBar(step))
	}
	if _, changed := e.Panes(); changed {
		t.Error("panes changed without a change of state")
	}

	// The comparison of modes: the closed form, and the chain's own frame.
	s := e.State()
	s.Compare = app.CompareModes
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	panes, _ = e.Panes()
	chain := make([]byte, 4*x0.N())
	diffusion.NewTrajectory(sched, x0.Pix, uint64(s.Seed)).RGBAAt(step, chain)
	if panes[0].Kind != "closed" || !bytes.Equal(panes[1].RGBA, chain) {
		t.Error("modes: pane 1 is not the Markov chain")
	}

	// Schedules: the second pane under cosine.
	s.Compare = app.CompareSchedules
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	cos, err := diffusion.NewSchedule(s.SecondConfig())
	if err != nil {
		t.Fatal(err)
	}
	panes, _ = e.Panes()
	if !bytes.Equal(panes[1].RGBA, want(cos.SqrtAlphaBar(step), cos.SqrtOneMinusAlphaBar(step))) {
		t.Error("schedules: pane 1 is not cosine's x_t")
	}

	// One-shot normalisation: x_0, its z-score, x_t.
	s.Compare = app.CompareNormalise
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	panes, _ = e.Panes()
	z := make([]float32, len(x0.Pix))
	diffusion.ZScore(z, x0.Pix)
	zb := make([]byte, 4*x0.N())
	diffusion.ToRGBA(zb, z)
	if len(panes) != 3 || !bytes.Equal(panes[0].RGBA, x0.Image().Pix) || !bytes.Equal(panes[1].RGBA, zb) {
		t.Error("normalise: panes are not x_0 and its z-score")
	}
}
