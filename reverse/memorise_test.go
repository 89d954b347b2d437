package reverse_test

import (
	"slices"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// digitShape is a measure of "looks like a handwritten digit" that needs
// no classifier: MNIST digits are nearly black and white (most pixels at
// paper or full ink) with an ink fraction in a narrow band. A sample passes
// when its ink fraction (pixels above mid-grey) lies within all 60,000
// training digits' 0.5th–99.5th percentiles and its share of saturated pixels
// (|x| > 0.8) is at least the training set's 0.5th percentile (so about 1.5%
// of real digits fail it). Gaussian noise fails the
// second (about 42% saturated, against ≥ 85% for digits), a blank or a
// smudge the first.
type digitShape struct{ inkLo, inkHi, satLo float64 }

func shapeOf(x []float32) (ink, sat float64) {
	for _, v := range x {
		if v > 0 {
			ink++
		}
		if v > 0.8 || v < -0.8 {
			sat++
		}
	}
	return ink / float64(len(x)), sat / float64(len(x))
}

func newDigitShape(d *reverse.Dataset) digitShape {
	x := make([]float32, d.Dim())
	var inks, sats []float64
	for n := range d.Len() {
		ink, sat := shapeOf(d.Image(x, n))
		inks = append(inks, ink)
		sats = append(sats, sat)
	}
	slices.Sort(inks)
	slices.Sort(sats)
	p := func(v []float64, q float64) float64 { return v[int(q*float64(len(v)-1))] }
	return digitShape{p(inks, 0.005), p(inks, 0.995), p(sats, 0.005)}
}

func (s digitShape) ok(x []float32) bool {
	ink, sat := shapeOf(x)
	return ink >= s.inkLo && ink <= s.inkHi && sat >= s.satLo
}

// samples draws 64 samples (seeds 0…63) with den as one batch.
func samples(t *testing.T, s *diffusion.Schedule, den reverse.Denoiser, cfg reverse.Config, D int) [][]float32 {
	t.Helper()
	sp, err := reverse.NewSampler(s, den, cfg)
	if err != nil {
		t.Fatal(err)
	}
	xs := make([][]float32, 64)
	seeds := make([]uint64, 64)
	for k := range xs {
		xs[k] = make([]float32, D)
		seeds[k] = uint64(k)
	}
	sp.SampleBatch(xs, seeds)
	return xs
}

// TestIdealMemorises: every one of 64 samples of the ideal denoiser over
// 1,000 MNIST training digits is a copy of a training digit (novelty below
// 0.05; in fact the run ends exactly on a training image), for DDIM and
// DDPM.
func TestIdealMemorises(t *testing.T) {
	t.Parallel()
	train, _ := mnistSets(t)
	d := train.Subset(1000)
	s := mustSchedule(t, diffusion.LessonConfig())
	m := reverse.NewIdeal(s, d)
	for _, cfg := range []reverse.Config{
		{Method: reverse.DDIM, Eta: 0, Steps: 50, Spacing: reverse.Trailing},
		{Method: reverse.DDIM, Eta: 1, Steps: 20, Spacing: reverse.Leading, Clip: true},
	} {
		distinct := map[int]bool{}
		for k, x := range samples(t, s, m, cfg, d.Dim()) {
			match := reverse.Novelty(d, x)
			if match.Novelty >= 0.05 {
				t.Errorf("%+v seed %d: novelty %.3f (nearest #%d at %.3g), want a copy", cfg, k, match.Novelty, match.Index, match.Distance)
			}
			distinct[match.Index] = true
		}
		// Memorising is not collapsing: the 64 copies are of many digits.
		if len(distinct) < 40 {
			t.Errorf("%+v: only %d distinct training digits among 64 samples", cfg, len(distinct))
		}
	}
}

// TestLocalCreates: the local (LS) denoiser of Kamb & Ganguli over the
// same kind of data makes digits that are in no data set: median novelty
// above 0.5 over 64 samples, and at least 80% of them pass the digit
// measure (the rest are the odd broken stroke the paper shows too).
func TestLocalCreates(t *testing.T) {
	t.Parallel()
	train, _ := mnistSets(t)
	d := train.Subset(500)
	s := mustSchedule(t, diffusion.LessonConfig())
	shape := newDigitShape(train)
	loc := reverse.NewLocal(s, d, false)
	xs := samples(t, s, loc, reverse.Config{Method: reverse.DDIM, Eta: 0, Steps: 10, Spacing: reverse.Trailing}, d.Dim())
	nov := make([]float64, len(xs))
	digits := 0
	for k, x := range xs {
		nov[k] = reverse.Novelty(d, x).Novelty
		if shape.ok(x) {
			digits++
		}
	}
	slices.Sort(nov)
	med := (nov[31] + nov[32]) / 2
	t.Logf("local: median novelty %.3f (min %.3f, max %.3f); %d of 64 pass the digit measure", med, nov[0], nov[63], digits)
	if med <= 0.5 {
		t.Errorf("median novelty %.3f, want > 0.5", med)
	}
	if digits < 52 {
		t.Errorf("%d of 64 local samples pass the digit measure, want ≥ 52", digits)
	}
}

// TestDigitShapeSeparates: the digit measure passes training and test
// digits and fails noise and blanks (so the tests above can fail).
func TestDigitShapeSeparates(t *testing.T) {
	train, test := mnistSets(t)
	shape := newDigitShape(train)
	x := make([]float32, 784)
	pass := 0
	for n := range 500 {
		if shape.ok(test.Image(x, n)) {
			pass++
		}
	}
	if pass < 480 {
		t.Errorf("%d of 500 test digits pass the digit measure, want ≥ 96%%", pass)
	}
	noise := gauss(784, 1, 1)
	blank := make([]float32, 784)
	for i := range blank {
		blank[i] = -1
	}
	if shape.ok(noise) || shape.ok(blank) {
		t.Error("noise or a blank passes the digit measure")
	}
}
