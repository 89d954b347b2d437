package app_test

import (
	"fmt"
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// phi is Φ, written independently of diffusion.NormalCDF.
func phi(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }

func TestNormalBins(t *testing.T) {
	got := app.NormalBins(-4, 4, 96)
	w := 8.0 / 96
	total := 0.0
	for i, d := range got {
		lo := -4 + float64(i)*w
		want := (phi(lo+w) - phi(lo)) / w
		if math.Abs(d-want) > 1e-12 {
			t.Errorf("bin %d: %g, want %g", i, d, want)
		}
		total += d * w
	}
	if want := phi(4) - phi(-4); math.Abs(total-want) > 1e-12 {
		t.Errorf("total mass %g, want %g", total, want)
	}
	// Near the middle a bin's average density is φ(centre) to second order.
	mid := got[48] // [0, 1/12)
	if c := w / 2; math.Abs(mid-math.Exp(-c*c/2)/math.Sqrt(2*math.Pi)) > 1e-3 {
		t.Errorf("density near 0: %g", mid)
	}
}

func TestPredictedDensity(t *testing.T) {
	levels := []app.Level{{V: -0.5, W: 0.25}, {V: 0.2, W: 0.5}, {V: 0.9, W: 0.25}}
	const lo, hi, bins = -3.0, 3.0, 60
	w := (hi - lo) / bins

	// b = 0: point masses at a·v + c.
	got := app.PredictedDensity(levels, 2, 0, 0.1, lo, hi, bins)
	want := make([]float64, bins)
	for _, l := range levels {
		m := 2*l.V + 0.1
		want[int(math.Floor((m-lo)/w))] += l.W / w
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("b = 0, bin %d: %g, want %g", i, got[i], want[i])
		}
	}

	// b > 0: the bin average of the mixture's density, by Simpson's rule
	// on each bin (independent of Φ).
	for _, b := range []float64{0.05, 0.3, 1} {
		got := app.PredictedDensity(levels, 0.7, b, -0.2, lo, hi, bins)
		pdf := func(x float64) float64 {
			s := 0.0
			for _, l := range levels {
				z := (x - (0.7*l.V - 0.2)) / b
				s += l.W * math.Exp(-z*z/2) / (b * math.Sqrt(2*math.Pi))
			}
			return s
		}
		for i := range got {
			a := lo + float64(i)*w
			const m = 200
			h := w / m
			s := pdf(a) + pdf(a+w)
			for k := 1; k < m; k++ {
				c := 2.0
				if k%2 == 1 {
					c = 4
				}
				s += c * pdf(a+float64(k)*h)
			}
			avg := s * h / 3 / w
			if math.Abs(got[i]-avg) > 1e-6*math.Max(1, avg) {
				t.Errorf("b = %g, bin %d: %g, want %g", b, i, got[i], avg)
			}
		}
	}
}

func TestSampleStride(t *testing.T) {
	for _, tc := range []struct{ side, want int }{{32, 1}, {128, 1}, {209, 1}, {210, 2}, {256, 2}, {512, 6}, {1024, 24}} {
		n := 3 * tc.side * tc.side
		got := app.SampleStride(n)
		if got != tc.want || (n+got-1)/got > app.MaxSampled {
			t.Errorf("%d²: stride %d, want %d", tc.side, got, tc.want)
		}
	}
}

// The histogram's densities are the counts of the numbers on screen, and
// its readouts their mean, std and KS distance, counted here again.
func TestInstrumentsHistogram(t *testing.T) {
	for _, mode := range []string{"closed", "markov"} {
		for _, step := range []int{0, 300, 1000} {
			e := newEngine(t, fmt.Sprintf(`{"mode": %q, "t": %d}`, mode, step))
			xt := append([]float32(nil), e.Xt()...)
			r := e.Instruments(-1)
			if r.Stride != 1 || len(r.Panes) != 1 || r.Panes[0].N != len(xt) {
				t.Fatalf("stride %d, %d panes", r.Stride, len(r.Panes))
			}
			p := r.Panes[0]
			counts := make([]int, app.HistBins)
			outside := 0
			w := (app.HistHi - app.HistLo) / app.HistBins
			var sum, sum2 float64
			for _, v := range xt {
				sum += float64(v)
				sum2 += float64(v) * float64(v)
				k := int(math.Floor((float64(v) - app.HistLo) / w))
				if k < 0 || k >= app.HistBins {
					outside++
					continue
				}
				counts[k]++
			}
			n := float64(len(xt))
			for i, c := range counts {
				if want := float64(c) / (n * w); math.Abs(float64(p.Density[i])-want) > 1e-9 {
					t.Errorf("%s t=%d bin %d: density %g, want %g", mode, step, i, p.Density[i], want)
				}
			}
			mean := sum / n
			std := math.Sqrt(sum2/n - mean*mean)
			if math.Abs(float64(p.Mean)-mean) > 1e-6 || math.Abs(float64(p.Std)-std) > 1e-6 {
				t.Errorf("%s t=%d: mean %g std %g, want %g %g", mode, step, p.Mean, p.Std, mean, std)
			}
			if math.Abs(float64(p.Outside)-float64(outside)/n) > 1e-12 {
				t.Errorf("%s t=%d: outside %g, want %g", mode, step, p.Outside, float64(outside)/n)
			}
			if exact := diffusion.KSNormal(xt); float64(p.KS) > exact+1e-12 || float64(p.KS) < exact-diffusion.KSBinnedError {
				t.Errorf("%s t=%d: KS %g, exact %g", mode, step, p.KS, exact)
			}
			// The histogram follows the predicted law: the total variation
			// between the two, bin by bin, is small for 12288 numbers.
			tv := 0.0
			for i := range p.Density {
				tv += math.Abs(float64(p.Density[i]-p.Predicted[i])) * w / 2
			}
			if tv > 0.06 {
				t.Errorf("%s t=%d: histogram and q(x_t|x_0) differ by %.3f in total variation", mode, step, tv)
			}
		}
	}
}

// At t = T: the readouts of the lesson, √ᾱ_T = 0.00635 and the prior KL
// ½·mean(ᾱ_T(x_0² − 1) − ln(1 − ᾱ_T)), computed here from x_0.
func TestInstrumentsAtT(t *testing.T) {
	e := newEngine(t, `{"t": 1000}`)
	r := e.Instruments(-1)
	if got := float64(r.ResidualSignal); math.Abs(got-math.Sqrt(4.035829765375676e-05)) > 1e-15 || math.Round(got*1e5) != 635 {
		t.Errorf("residual signal %g, want √ᾱ_T ≈ 0.00635", got)
	}
	ab := 4.035829765375676e-05
	kl := 0.0
	for _, v := range e.X0().Pix {
		kl += 0.5 * (ab*(float64(v)*float64(v)-1) - math.Log1p(-ab))
	}
	kl /= float64(len(e.X0().Pix))
	if math.Abs(float64(r.KL)-kl) > 1e-12*kl || kl <= 0 {
		t.Errorf("KL %g, want %g", r.KL, kl)
	}
	st := e.Stats()
	if st.KL != r.KL || st.ResidualSignal != r.ResidualSignal || st.WrongSumStd != r.WrongSumStd || st.RightStd != r.RightStd {
		t.Errorf("stats() and instruments() disagree: %+v vs %+v", st, r)
	}
	if math.Abs(float64(st.RightStd)-math.Sqrt(1-ab)) > 1e-12 {
		t.Errorf("right std %g", st.RightStd)
	}
}

// Closed form and Markov chain: different pixels, the same law; the wrong
// sum: a std near √(ᾱ_t·var x_0 + W_t²), far above the right one.
func TestInstrumentsComparisons(t *testing.T) {
	for _, step := range []int{100, 400, 1000} {
		e := newEngine(t, fmt.Sprintf(`{"compare": "modes", "t": %d}`, step))
		r := e.Instruments(-1)
		closed, chain := r.Panes[0], r.Panes[1]
		if closed.Kind != "closed" || chain.Kind != "markov" {
			t.Fatalf("panes %s, %s", closed.Kind, chain.Kind)
		}
		if d := math.Abs(float64(closed.Std-chain.Std)) / float64(closed.Std); d > 0.02 {
			t.Errorf("t=%d: std closed %g, chain %g", step, closed.Std, chain.Std)
		}
		s := e.State()
		s.Compare = app.CompareWrongSum
		if err := e.SetState(s); err != nil {
			t.Fatal(err)
		}
		r = e.Instruments(-1)
		wrong := r.Panes[1]
		x0 := diffusion.Summarize(e.X0().Pix)
		sched := e.Schedule()
		want := math.Sqrt(sched.AlphaBar[step]*x0.Std*x0.Std + sched.WrongSumStd(step)*sched.WrongSumStd(step))
		if d := math.Abs(float64(wrong.Std)-want) / want; d > 0.02 {
			t.Errorf("t=%d: wrong-sum std %g, want ≈ %g", step, wrong.Std, want)
		}
		if float64(wrong.B) != sched.WrongSumStd(step) || !(wrong.B > r.RightStd) {
			t.Errorf("t=%d: wrong-sum coefficient %g, right %g", step, wrong.B, r.RightStd)
		}
	}
	// One-shot normalisation: mean 0 and std 1, but far from N(0, 1) in KS;
	// x_T is close to it.
	e := newEngine(t, `{"compare": "normalise", "t": 1000}`)
	r := e.Instruments(-1)
	z, xT := r.Panes[1], r.Panes[2]
	// One pane at a time gives the same numbers.
	if one := e.Instruments(1); len(one.Panes) != 1 || one.Panes[0].Index != 1 || one.Panes[0].KS != z.KS || len(one.Kinds) != 3 {
		t.Errorf("Instruments(1): %+v", one.Panes)
	}
	if math.Abs(float64(z.Mean)) > 1e-5 || math.Abs(float64(z.Std)-1) > 1e-5 {
		t.Errorf("z-score: mean %g std %g", z.Mean, z.Std)
	}
	if !(z.KS > 0.05) || !(xT.KS < 0.02) {
		t.Errorf("KS: z-scored %g, x_T %g", z.KS, xT.KS)
	}
}

// The crossing of √ᾱ_t and √(1−ᾱ_t) lies where ᾱ_t = ½, found here by an
// independent cumulative product of the lesson's β.
func TestCurveCrossing(t *testing.T) {
	const T = 1000
	ab := make([]float64, T+1)
	ab[0] = 1
	for i := 1; i <= T; i++ {
		beta := 1e-4 + float64(i-1)*(0.02-1e-4)/(T-1)
		ab[i] = ab[i-1] * (1 - beta)
	}
	k := 0
	for ab[k+1] >= 0.5 {
		k++
	}
	want := float64(k) + (ab[k]-0.5)/(ab[k]-ab[k+1])
	s, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := app.Curve(s)
	got := float64(c.Crossing)
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("crossing at t = %.6f, want %.6f", got, want)
	}
	// There the two coefficients are equal (1/√2), on the interpolated ᾱ.
	a := ab[k] + (got-float64(k))*(ab[k+1]-ab[k])
	if math.Abs(math.Sqrt(a)-math.Sqrt(1-a)) > 1e-9 {
		t.Errorf("at the crossing √ᾱ = %g, √(1−ᾱ) = %g", math.Sqrt(a), math.Sqrt(1-a))
	}
	if len(c.Step) != T+1 || c.Step[T] != T || float64(c.AlphaBarT) != 4.035829765375676e-05 {
		t.Errorf("curve: %d points, ᾱ_T %g", len(c.Step), c.AlphaBarT)
	}
	// A long schedule is sampled, ends included.
	long, err := diffusion.NewSchedule(diffusion.Config{Schedule: "cosine", T: 10000, BetaStart: 1e-4, BetaEnd: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	lc := app.Curve(long)
	if len(lc.Step) != app.CurvePoints || lc.Step[0] != 0 || lc.Step[len(lc.Step)-1] != 10000 {
		t.Errorf("T = 10000: %d points from %d to %d", len(lc.Step), lc.Step[0], lc.Step[len(lc.Step)-1])
	}
	// All four schedules, the state's first; with the state's T.
	e := newEngine(t, `{"schedule": "cosine", "T": 500}`)
	cs := e.ScheduleCurves()
	if len(cs) != 4 || cs[0].Name != "cosine" || cs[1].Name != "linear" || len(cs[2].Step) != 501 {
		t.Errorf("schedule curves: %d, first %s", len(cs), cs[0].Name)
	}
}

func TestDrownedFrequency(t *testing.T) {
	f := []app.JSFloat{0.1, 0.2, 0.3, 0.4}
	tests := []struct {
		signal []app.JSFloat
		level  float64
		want   float64
	}{
		{[]app.JSFloat{10, 5, 1, 0.5}, 2, 0.3},
		{[]app.JSFloat{10, 1, 5, 0.5}, 2, 0.4}, // above the level again at 0.3
		{[]app.JSFloat{1, 1, 1, 1}, 2, 0.1},
		{[]app.JSFloat{10, 5, 4, 3}, 2, math.NaN()},
		{[]app.JSFloat{10, 5, 4, 3}, 0, math.NaN()},
	}
	for _, tc := range tests {
		got := app.DrownedFrequency(f, tc.signal, tc.level)
		if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("%v level %g: %g, want %g", tc.signal, tc.level, got, tc.want)
		}
	}
}

// The frequency view: at t = 0 x_t is x_0 and there is no noise; at t = T
// the noise is white at level 1 − ᾱ_T and the picture's share is tiny.
func TestSpectrum(t *testing.T) {
	e := newEngine(t, `{"t": 0}`)
	r := e.Spectrum()
	if r.N != 64 || len(r.Freq) != 32 || r.Freq[0] != 1.0/64 || r.Freq[31] != 0.5 {
		t.Fatalf("tile %d, %d frequencies", r.N, len(r.Freq))
	}
	for k := range r.Xt {
		if r.Xt[k] != r.X0[k] || r.Noise[k] != 0 {
			t.Fatalf("t = 0, bin %d: x_t %g x_0 %g noise %g", k, r.Xt[k], r.X0[k], r.Noise[k])
		}
	}
	// A photograph has much more power at low than at high frequencies.
	if !(r.X0[0] > 100*r.X0[len(r.X0)-1]) {
		t.Errorf("x_0's spectrum is not falling: %g … %g", r.X0[0], r.X0[len(r.X0)-1])
	}
	for _, mode := range []string{"closed", "markov"} {
		e = newEngine(t, `{"t": 1000, "mode": "`+mode+`"}`)
		r = e.Spectrum()
		mean := 0.0
		for _, v := range r.Noise {
			mean += float64(v) / float64(len(r.Noise))
		}
		if math.Abs(mean/float64(r.NoiseLevel)-1) > 0.05 {
			t.Errorf("%s: noise level %g, want %g", mode, mean, r.NoiseLevel)
		}
		if !(r.Drowned == r.Freq[0]) {
			t.Errorf("%s: at t = T all frequencies should be drowned, got %g", mode, r.Drowned)
		}
		ab := e.Schedule().AlphaBar[1000]
		for k := range r.SignalShare {
			if float64(r.SignalShare[k]) != ab*float64(r.X0[k]) {
				t.Fatalf("signal share at bin %d", k)
			}
		}
	}
	// Halfway, fine detail is drowned and coarse is not.
	e = newEngine(t, `{"t": 150}`)
	r = e.Spectrum()
	if d := float64(r.Drowned); !(d > float64(r.Freq[0]) && d <= 0.5) {
		t.Errorf("t = 150: drowned above %g", d)
	}
}

// The strip's thumbnails are the picture's own pixels at t_k (closed form).
func TestSnapshotStrip(t *testing.T) {
	e := newEngine(t, `{"size": 256}`)
	s := e.SnapshotStrip(11)
	if s.W != 86 || s.H != 86 || len(s.Steps) != 11 || s.Steps[1] != 100 || s.Steps[10] != 1000 || len(s.RGBA) != 11*86*86*4 {
		t.Fatalf("strip %d×%d, steps %v, %d bytes", s.W, s.H, s.Steps, len(s.RGBA))
	}
	for k, step := range s.Steps {
		setT(t, e, step)
		full := frameCopy(e)
		w := e.X0().W
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				got := s.RGBA[(k*s.W*s.H+y*s.W+x)*4:][:4]
				want := full[(y*3*w+x*3)*4:][:4]
				if string(got) != string(want) {
					t.Fatalf("t=%d pixel (%d,%d): %v, want %v", step, x, y, got, want)
				}
			}
		}
	}
	// The chain's strip starts at the picture and ends in noise.
	e = newEngine(t, `{"size": 64, "mode": "markov"}`)
	s = e.SnapshotStrip(5)
	if s.W != 64 || string(s.RGBA[:64*64*4]) != string(e.X0().Image().Pix) {
		t.Error("markov strip does not start at x_0")
	}
}

// Benchmarks of the instruments at 512² (3·512² numbers), the size whose
// frame budget the page must keep: each refresh must fit in a frame.
func BenchmarkInstruments(b *testing.B) {
	for _, c := range []struct{ name, patch string }{
		{"histogram-512", `{"size": 512, "t": 300}`},
		{"histogram-512-markov", `{"size": 512, "t": 300, "mode": "markov"}`},
		{"histogram-512-normalise-all", `{"size": 512, "t": 300, "compare": "normalise"}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := newEngine(&testing.T{}, c.patch)
			e.Instruments(-1)
			for b.Loop() {
				e.Instruments(-1)
			}
		})
		b.Run(c.name+"-one-pane", func(b *testing.B) {
			e := newEngine(&testing.T{}, c.patch)
			e.Instruments(-1)
			for b.Loop() {
				e.Instruments(0)
			}
		})
	}
	b.Run("spectrum-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "t": 300}`)
		e.Spectrum()
		for b.Loop() {
			e.Spectrum()
		}
	})
	b.Run("strip-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "t": 300}`)
		for b.Loop() {
			e.SnapshotStrip(11)
		}
	})
	b.Run("panes-modes-512", func(b *testing.B) {
		e := newEngine(&testing.T{}, `{"size": 512, "compare": "modes"}`)
		step := 0
		for b.Loop() {
			step = step%1000 + 1
			s := e.State()
			s.Step = step
			_ = e.SetState(s)
			e.Panes()
		}
	})
}

// The KS readouts against cases whose distance to N(0, 1) is known in
// closed form: one point at 0 (F jumps from 0 to 1 where Φ = ½: ½); n
// points at the quantiles Φ⁻¹((i − ½)/n) (every gap is 1/(2n)); all the
// numbers at 10 (F is 0 below 10, where Φ is 1 − 7.6e-24: 1).
func TestKSKnownCases(t *testing.T) {
	quantile := func(p float64) float64 { // Φ⁻¹ by bisection on math.Erf
		lo, hi := -10.0, 10.0
		for i := 0; i < 200; i++ {
			m := (lo + hi) / 2
			if phi(m) < p {
				lo = m
			} else {
				hi = m
			}
		}
		return (lo + hi) / 2
	}
	const n = 1000
	q := make([]float32, n)
	for i := range q {
		q[i] = float32(quantile((float64(i) + 0.5) / n))
	}
	ten := make([]float32, 100)
	for i := range ten {
		ten[i] = 10
	}
	for _, tc := range []struct {
		name string
		x    []float32
		want float64
		tol  float64 // float32 rounding of the quantiles
	}{
		{"one point at 0", []float32{0}, 0.5, 1e-15},
		{"quantiles", q, 1.0 / (2 * n), 1e-7},
		{"all at 10", ten, 1, 1e-15},
	} {
		if got := diffusion.KSNormal(tc.x); math.Abs(got-tc.want) > tc.tol {
			t.Errorf("%s: exact KS %.12g, want %.12g", tc.name, got, tc.want)
		}
		if got := diffusion.Summarize(tc.x).KS; got > tc.want+tc.tol || got < tc.want-diffusion.KSBinnedError-tc.tol {
			t.Errorf("%s: binned KS (the readout) %.12g, want %.12g within the binning error", tc.name, got, tc.want)
		}
	}
}
