package app_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

func newEngine(t *testing.T, patch string) *app.Engine {
	t.Helper()
	s := app.Default()
	s.Size = 64
	if patch != "" {
		p, err := app.ParsePatchJSON([]byte(patch))
		if err != nil {
			t.Fatal(err)
		}
		if s, err = s.Apply(p, &app.Library{}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := app.NewEngine(testLibrary(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func setT(t *testing.T, e *app.Engine, step int) {
	t.Helper()
	s := e.State()
	s.Step = step
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
}

func frameCopy(e *app.Engine) []byte {
	f, _ := e.Frame()
	return append([]byte(nil), f...)
}

func TestFrameAtZeroIsThePicture(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		e := newEngine(t, `{"mode":"`+mode+`"}`)
		want := e.X0().Image().Pix
		if got := frameCopy(e); !bytes.Equal(got, want) {
			t.Errorf("%s: frame at t = 0 differs from x_0", mode)
		}
	}
}

func TestFramesFollowT(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		e := newEngine(t, `{"mode":"`+mode+`"}`)
		setT(t, e, 500)
		a := frameCopy(e)
		if _, changed := e.Frame(); changed {
			t.Errorf("%s: a second Frame at the same t recomputed", mode)
		}
		setT(t, e, 10)
		b := frameCopy(e)
		if bytes.Equal(a, b) {
			t.Errorf("%s: frames at t = 500 and t = 10 are equal", mode)
		}
		setT(t, e, 500)
		if c := frameCopy(e); !bytes.Equal(a, c) {
			t.Errorf("%s: coming back to t = 500 gave another frame", mode)
		}
	}
}

func TestStatsAtTheEndsOfTheLessonSchedule(t *testing.T) {
	e := newEngine(t, "")
	setT(t, e, 1000)
	s := e.Stats()
	if math.Abs(float64(s.Mean)) > 0.05 || math.Abs(float64(s.Std)-1) > 0.05 || s.KS > 0.03 {
		t.Errorf("x_T: %+v, want close to N(0, 1)", s)
	}
	setT(t, e, 0)
	if s := e.Stats(); s.KS < 0.1 {
		t.Errorf("x_0 of the photo has KS %.3f to N(0,1): implausibly Gaussian", float64(s.KS))
	}
}

func TestReadoutComesFromTheSchedule(t *testing.T) {
	e := newEngine(t, `{"t": 250}`)
	sched, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := e.Readout()
	if float64(r.AlphaBar) != sched.AlphaBar[250] || float64(r.Beta) != sched.Beta[250] ||
		float64(r.SqrtOneMinusAlphaBar) != sched.SqrtOneMinusAlphaBar(250) {
		t.Errorf("readout %+v disagrees with the schedule", r)
	}
	tab := e.Table()
	if len(tab.AlphaBar) != 1000 || float64(tab.AlphaBar[999]) != sched.AlphaBar[1000] {
		t.Errorf("table: %d values, last %v", len(tab.AlphaBar), tab.AlphaBar[len(tab.AlphaBar)-1])
	}
	// The posterior mean's coefficients, from their definitions (Ho et al.
	// eq. 7): c0 = √ᾱ_{t−1}·β_t/(1−ᾱ_t), ct = √α_t·(1−ᾱ_{t−1})/(1−ᾱ_t).
	for _, step := range []int{1, 2, 250, 1000} {
		ab, prev := sched.AlphaBar[step], sched.AlphaBar[step-1]
		c0 := math.Sqrt(prev) * sched.Beta[step] / (1 - ab)
		ct := math.Sqrt(sched.Alpha[step]) * (1 - prev) / (1 - ab)
		g0, gt := float64(tab.PosteriorMeanCoefX0[step-1]), float64(tab.PosteriorMeanCoefXt[step-1])
		if math.Abs(g0-c0) > 1e-12*math.Max(1, c0) || math.Abs(gt-ct) > 1e-9*math.Max(1e-3, ct) {
			t.Errorf("t = %d: posterior mean coefficients %g, %g; want %g, %g", step, g0, gt, c0, ct)
		}
	}
}

func TestSetStateKeepsTheOldStateOnError(t *testing.T) {
	e := newEngine(t, "")
	before := e.State()
	bad := before
	bad.T = 0
	if err := e.SetState(bad); err == nil {
		t.Fatal("want an error for T = 0")
	}
	if e.State() != before {
		t.Error("the state changed after a failed SetState")
	}
}

func TestUploadReplacesThePicture(t *testing.T) {
	e := newEngine(t, "")
	img, err := app.DecodeUpload(fixture(t, "stripes.png"))
	if err != nil {
		t.Fatal(err)
	}
	e.SetUpload(img)
	s := e.State()
	s.Image = app.UploadImage
	if err := e.SetState(s); err != nil {
		t.Fatal(err)
	}
	if w, h := e.X0().W, e.X0().H; w != 64 || h != 43 {
		t.Errorf("x_0 is %d×%d, want 64×43 (96×64 fitted to 64)", w, h)
	}
}

func TestJSFloatJSON(t *testing.T) {
	data, err := json.Marshal([]app.JSFloat{1.5, app.JSFloat(math.Inf(1)), app.JSFloat(math.Inf(-1)), app.JSFloat(math.NaN()), 4.035829765375676e-05})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "[1.5,1e999,-1e999,null,4.035829765375676e-05]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestLiveStatsSampleTheFrame(t *testing.T) {
	for _, size := range []int{64, 512} {
		e := newEngine(t, "")
		s := e.State()
		s.Size, s.Step = size, 300
		if err := e.SetState(s); err != nil {
			t.Fatal(err)
		}
		full, live := e.Stats(), e.LiveStats()
		n := 3 * e.X0().N()
		stride := app.SampleStride(n)
		if want := (n + stride - 1) / stride; live.N != want || live.N > app.MaxSampled {
			t.Errorf("size %d: live stats read %d numbers of %d, want %d", size, live.N, n, want)
		}
		core := func(f app.FrameStats) [5]app.JSFloat { return [5]app.JSFloat{f.Mean, f.Std, f.Min, f.Max, f.KS} }
		if size == 64 && core(live) != core(full) {
			t.Errorf("size 64 is read whole, but live %+v != full %+v", live, full)
		}
		// Sampling error: a wrong sample (one channel only, say) is far off.
		if math.Abs(float64(live.Mean-full.Mean)) > 0.01 || math.Abs(float64(live.Std-full.Std)) > 0.01 || math.Abs(float64(live.KS-full.KS)) > 0.01 {
			t.Errorf("size %d: live %+v too far from full %+v", size, live, full)
		}
	}
}

// In a comparison the live line describes the pane that shows x_t in the
// state's mode: at size 64 (read whole) exactly what Stats says of x_t.
func TestLiveStatsDescribeXt(t *testing.T) {
	for _, tc := range []struct {
		patch string
		pane  string
	}{
		{`{"compare":"normalise","t":1000}`, app.PaneClosed},
		{`{"compare":"normalise","t":1000,"mode":"markov"}`, app.PaneMarkov},
		{`{"compare":"modes","t":500,"mode":"markov"}`, app.PaneMarkov},
		{`{"compare":"modes","t":500}`, app.PaneClosed},
		{`{"compare":"schedules","t":500}`, app.PaneClosed},
		{`{"compare":"none","t":500}`, app.PaneClosed},
	} {
		e := newEngine(t, tc.patch)
		s := e.State()
		s.Size = 64
		if err := e.SetState(s); err != nil {
			t.Fatal(err)
		}
		full, live := e.Stats(), e.LiveStats()
		if live.Pane != tc.pane || live.Mean != full.Mean || live.Std != full.Std || live.KS != full.KS {
			t.Errorf("%s: live stats of pane %q (std %g), want %q as Stats (std %g)", tc.patch, live.Pane, live.Std, tc.pane, full.Std)
		}
	}
	// Beside the wrong sum the chain is not on screen: the closed form is.
	e := newEngine(t, `{"compare":"wrongsum","t":200,"mode":"markov"}`)
	if got := e.LiveStats().Pane; got != app.PaneClosed {
		t.Errorf("wrong sum in Markov mode: live stats of %q, want the closed form", got)
	}
}

// Playing the chain with prefetching shows the frames a fresh engine shows
// at the same steps; the closed form has nothing to prefetch.
func TestPrefetchKeepsFrames(t *testing.T) {
	e := newEngine(t, `{"mode":"markov"}`)
	fresh := newEngine(t, `{"mode":"markov"}`)
	frameCopy(e) // the chain exists from its first frame
	clock := 0.0
	for range 40 {
		s := e.State()
		ahead := app.Ahead(s, clock, 6)
		for e.Prefetch(ahead) {
		}
		clock += s.Speed / app.FrameRate
		step := app.PlayStep(s, clock, s.Step)
		setT(t, e, step)
		setT(t, fresh, step)
		if !bytes.Equal(frameCopy(e), frameCopy(fresh)) {
			t.Fatalf("frame at t = %d differs after prefetching", step)
		}
	}
	if c := newEngine(t, `{"mode":"closed"}`); c.Prefetch([]int{5, 10}) {
		t.Error("the closed form prefetched")
	}
}
