package app_test

import (
	"bytes"
	"image"
	"math"
	"slices"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// What each pane of each comparison shows, in both modes: the one place
// that decides it (State.Sources), and the pane the live line describes.
func TestSources(t *testing.T) {
	closed := app.Source{Kind: app.PaneClosed, Law: app.LawClosedForm}
	chain := app.Source{Kind: app.PaneMarkov, Law: app.LawChain}
	x0 := app.Source{Kind: app.PaneX0, Law: app.LawX0}
	z := app.Source{Kind: app.PaneZScore, Law: app.LawZScore}
	wrong := app.Source{Kind: app.PaneWrongSum, Law: app.LawWrongSum}
	type row struct {
		compare app.Compare
		mode    app.Mode
		want    []app.Source
		xt      int // State.XtPane
	}
	tests := []row{
		{app.CompareNone, app.ClosedForm, []app.Source{closed}, 0},
		{app.CompareNone, app.Markov, []app.Source{chain}, 0},
		{app.CompareSchedules, app.ClosedForm, []app.Source{closed, {Kind: app.PaneSecond, Law: app.LawClosedForm, Second: true}}, 0},
		{app.CompareSchedules, app.Markov, []app.Source{chain, {Kind: app.PaneSecond, Law: app.LawChain, Second: true}}, 0},
		{app.CompareModes, app.ClosedForm, []app.Source{closed, chain}, 0},
		{app.CompareModes, app.Markov, []app.Source{closed, chain}, 1},
		{app.CompareWrongSum, app.ClosedForm, []app.Source{closed, wrong}, 0},
		{app.CompareWrongSum, app.Markov, []app.Source{closed, wrong}, 0}, // no chain on screen: the closed form
		{app.CompareNormalise, app.ClosedForm, []app.Source{x0, z, closed}, 2},
		{app.CompareNormalise, app.Markov, []app.Source{x0, z, chain}, 2},
	}
	for _, tc := range tests {
		s := app.Default()
		s.Compare, s.Mode = tc.compare, tc.mode
		got := s.Sources()
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s/%s: sources %+v, want %+v", tc.compare, tc.mode, got, tc.want)
		}
		if i := s.XtPane(); i != tc.xt {
			t.Errorf("%s/%s: XtPane %d, want %d", tc.compare, tc.mode, i, tc.xt)
		}
		kinds := s.PaneKinds()
		for i := range got {
			if i < len(kinds) && kinds[i] != got[i].Kind {
				t.Errorf("%s/%s: PaneKinds %v do not name the sources", tc.compare, tc.mode, kinds)
				break
			}
		}
	}
	// Every Compare value has a row above.
	for _, c := range app.Compares {
		if !slices.ContainsFunc(tests, func(r row) bool { return r.compare == c }) {
			t.Errorf("compare %q is not in the table", c)
		}
	}
}

// The single view is the one-pane case: its pane is the frame of the
// state's mode, the frame an export of the same size shows.
func TestSingleViewIsOnePane(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		e := newEngine(t, `{"mode": "`+mode+`", "t": 300}`)
		panes, changed := e.Panes()
		if !changed || len(panes) != 1 || panes[0].Kind != mode {
			t.Fatalf("%s: %d panes (changed %v), want one %q", mode, len(panes), changed, mode)
		}
		frame, _ := e.Frame()
		if !bytes.Equal(panes[0].RGBA, frame) {
			t.Errorf("%s: the single pane differs from Frame", mode)
		}
		st := e.State()
		movie := app.NewMovie(e.Schedule(), e.X0(), st.Mode, st.Seed)
		if !bytes.Equal(movie.Image(300).Pix, frame) {
			t.Errorf("%s: the export's frame differs from the page's", mode)
		}
		if _, changed := e.Panes(); changed {
			t.Errorf("%s: panes changed without a change of state", mode)
		}
	}
}

// A pane is recomputed only when what it shows changes: the second
// schedule touches only the second pane, and x_0 and its z-score do not
// move with t.
func TestPanesRecomputeWhatChanged(t *testing.T) {
	e := newEngine(t, `{"compare": "normalise", "t": 100}`)
	first, _ := e.Panes()
	before := make([][]byte, len(first))
	for i, p := range first {
		before[i] = append([]byte(nil), p.RGBA...)
	}
	setT(t, e, 200)
	panes, changed := e.Panes()
	if !changed {
		t.Fatal("a new t changed no pane")
	}
	for i, want := range []bool{true, true, false} { // x_0, z-score: the same; x_t: moved
		if same := bytes.Equal(before[i], panes[i].RGBA); same != want {
			t.Errorf("pane %d (%s) unchanged = %v, want %v", i, panes[i].Kind, same, want)
		}
	}

	s := e.State()
	s.Compare, s.CompareSchedule = app.CompareSchedules, diffusion.Cosine
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	panes, _ = e.Panes()
	main := append([]byte(nil), panes[0].RGBA...)
	s.CompareSchedule = diffusion.Sigmoid
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	panes, changed = e.Panes()
	if !changed || !bytes.Equal(panes[0].RGBA, main) {
		t.Errorf("another second schedule: changed %v, first pane the same %v", changed, bytes.Equal(panes[0].RGBA, main))
	}
	sig, err := diffusion.NewSchedule(s.SecondConfig())
	if err != nil {
		t.Fatal(err)
	}
	x0 := e.X0()
	eps := make([]float32, len(x0.Pix))
	diffusion.Noise{Seed: uint64(s.Seed)}.Fill(eps, 0)
	want := make([]byte, 4*x0.N())
	diffusion.ClosedFormRGBA(want, x0.Pix, eps, float32(sig.SqrtAlphaBar(200)), float32(sig.SqrtOneMinusAlphaBar(200)))
	if !bytes.Equal(panes[1].RGBA, want) {
		t.Error("the second pane is not x_t under sigmoid")
	}
}

// PlacePanes: one pane is the single view's FitPicture; more are
// PaneLayout's cells on whole pixels.
func TestPlacePanes(t *testing.T) {
	tests := []struct {
		name            string
		n, w, h, sw, sh int
	}{
		{"one, close in shape: fills", 1, 256, 256, 640, 668},
		{"one, wide screen: whole", 1, 256, 256, 1600, 700},
		{"two side by side", 2, 256, 256, 1200, 600},
		{"three in a grid", 3, 256, 171, 800, 800},
		{"two in an embed shaped for them: cut to their cells", 2, 256, 256, 640, 310},
		{"three in a row, cut", 3, 256, 256, 640, 226},
	}
	for _, tc := range tests {
		got := app.PlacePanes(tc.n, tc.w, tc.h, tc.sw, tc.sh)
		if len(got) != tc.n {
			t.Fatalf("%s: %d placements, want %d", tc.name, len(got), tc.n)
		}
		if tc.n == 1 {
			scale, x, y := app.FitPicture(tc.w, tc.h, tc.sw, tc.sh)
			if got[0] != (app.Placement{X: x, Y: y, Scale: scale, Src: image.Rect(0, 0, tc.w, tc.h)}) {
				t.Errorf("%s: %+v, want FitPicture's %g at (%g, %g)", tc.name, got[0], scale, x, y)
			}
			continue
		}
		rects, scale := app.PaneLayout(tc.n, tc.w, tc.h, tc.sw, tc.sh, app.PaneGap(tc.sw))
		for i, p := range got {
			dx, dy := p.X-rects[i].X*float64(tc.sw), p.Y-rects[i].Y*float64(tc.sh)
			if p.Scale != scale || p.X != float64(int(p.X)) || p.Y != float64(int(p.Y)) || dx < -0.5 || dx > 0.5 || dy < -0.5 || dy > 0.5 {
				t.Errorf("%s: pane %d at %+v, want PaneLayout's %+v (scale %g) on whole pixels", tc.name, i, p, rects[i], scale)
			}
			// The part shown is centred in the picture and, scaled, covers
			// the pane's rectangle to within a picture pixel.
			src := p.Src
			if !src.In(image.Rect(0, 0, tc.w, tc.h)) || src.Min.X+src.Max.X-tc.w > 1 || src.Min.X+src.Max.X-tc.w < -1 || src.Min.Y+src.Max.Y-tc.h > 1 || src.Min.Y+src.Max.Y-tc.h < -1 {
				t.Errorf("%s: pane %d shows %v of a %d×%d picture: not a centred part", tc.name, i, src, tc.w, tc.h)
			}
			if math.Abs(float64(src.Dx())*scale-rects[i].W*float64(tc.sw)) > scale || math.Abs(float64(src.Dy())*scale-rects[i].H*float64(tc.sh)) > scale {
				t.Errorf("%s: pane %d shows %v at scale %g, its rectangle is %.1f×%.1f px", tc.name, i, src, scale, rects[i].W*float64(tc.sw), rects[i].H*float64(tc.sh))
			}
		}
	}
}
