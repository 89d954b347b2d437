package reverse_test

import (
	"math"
	"testing"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// drawOracle knows the image of each loss draw: draw k of an estimate over
// m draws uses image k·N/m, and the draws come in order.
type drawOracle struct {
	set *reverse.Dataset
	m   int
	k   *int
}

func (o drawOracle) Denoise(dst, _ []float32, _ int) {
	o.set.Image(dst, *o.k*o.set.Len()/o.m)
	*o.k++
}

// TestOracleLossZero: knowing x_0, the loss is exactly 0 at every t (and so
// at t = 1), and the VLB terms reduce to their variance part.
func TestOracleLossZero(t *testing.T) {
	_, test := mnistSets(t)
	set := test.Subset(50)
	s := mustSchedule(t, diffusion.LessonConfig())
	p := reverse.NewPosterior(s)
	for _, tt := range []int{1, 2, 500, 1000} {
		k := 0
		got := reverse.SimpleLoss(s, drawOracle{set, 50, &k}, set, tt, 50, 1)
		if got.Mean != 0 || got.StdErr != 0 || got.M != 50 {
			t.Errorf("t=%d: oracle loss %+v, want exactly 0", tt, got)
		}
		if tt == 1 {
			continue
		}
		k = 0
		small := reverse.VLBTerm(s, p, drawOracle{set, 50, &k}, reverse.Small, set, tt, 50, 1)
		k = 0
		large := reverse.VLBTerm(s, p, drawOracle{set, 50, &k}, reverse.Large, set, tt, 50, 1)
		r := p.Var[tt] / s.Beta[tt]
		if small.Mean != 0 || math.Abs(large.Mean-0.5*(r-1-math.Log(r))) > 1e-15 {
			t.Errorf("t=%d: oracle VLB small %v large %v", tt, small.Mean, large.Mean)
		}
	}
}

// TestVLBMatchesHoEq12: with σ_t² = β̃_t, Ho et al.'s eq. 12 writes the KL
// term through ε: L_{t−1} = β_t²/(2σ_t²α_t(1 − ᾱ_t))·‖ε − ε̂‖² — an
// independent route to the same number (same draws).
func TestVLBMatchesHoEq12(t *testing.T) {
	train, _ := mnistSets(t)
	set := train.Subset(200)
	s := mustSchedule(t, diffusion.LessonConfig())
	p := reverse.NewPosterior(s)
	m := reverse.NewIdeal(s, set)
	for _, tt := range []int{2, 30, 300, 900} {
		simple := reverse.SimpleLoss(s, m, set, tt, 40, 3)
		vlb := reverse.VLBTerm(s, p, m, reverse.Small, set, tt, 40, 3)
		k := s.Beta[tt] * s.Beta[tt] / (2 * p.Var[tt] * s.Alpha[tt] * s.OneMinusAlphaBar(tt))
		if !relClose(vlb.Mean, k*simple.Mean, 1e-9) {
			t.Errorf("t=%d: VLB %v, eq. 12 gives %v", tt, vlb.Mean, k*simple.Mean)
		}
	}
}

// TestDecoderNLL: at t = 1 the VLB term is the discretised decoder's
// −ln p(x_0 | x_1)/D; for the oracle (x̂_0 = x_0) each pixel's bin is
// centred on the mean: −ln(Φ(δ/σ) − Φ(−δ/σ)) inside, −ln Φ(δ/σ) at ±1,
// δ = 1/255.
func TestDecoderNLL(t *testing.T) {
	_, test := mnistSets(t)
	set := test.Subset(10)
	s := mustSchedule(t, diffusion.LessonConfig())
	p := reverse.NewPosterior(s)
	k := 0
	got := reverse.VLBTerm(s, p, drawOracle{set, 10, &k}, reverse.Large, set, 1, 10, 1)
	sd := math.Sqrt(s.Beta[1])
	x := make([]float32, set.Dim())
	var want float64
	for n := range 10 {
		for _, v := range set.Image(x, n) {
			if v == -1 || v == 1 {
				want -= math.Log(diffusion.NormalCDF(1 / 255.0 / sd))
			} else {
				want -= math.Log(diffusion.NormalCDF(1/255.0/sd) - diffusion.NormalCDF(-1/255.0/sd))
			}
		}
	}
	want /= float64(10 * set.Dim())
	if !relClose(got.Mean, want, 1e-9) {
		t.Errorf("decoder NLL %v, want %v", got.Mean, want)
	}
}

// mean is the denoiser that always answers the data set's mean image: the
// best constant, and the ideal denoiser's limit as t → T.
type meanDenoiser []float32

func (m meanDenoiser) Denoise(dst, _ []float32, _ int) { copy(dst, m) }

// TestIdealLossIsFloor: over x_0 uniform on a training set, the ideal
// denoiser's L_simple is at or below every other denoiser's at every tested
// t (within two standard errors): the local one, the data mean, the ideal
// denoiser of other digits, and the ideal denoiser told the wrong step. On
// held-out digits it is higher (memorisation), and the local denoiser's gap
// between training and held-out digits is the smaller one.
func TestIdealLossIsFloor(t *testing.T) {
	train, test := mnistSets(t)
	set := train.Subset(200)
	s := mustSchedule(t, diffusion.LessonConfig())
	ideal := reverse.NewIdeal(s, set)
	other := reverse.NewIdeal(s, test.Subset(200))
	meanImg := make([]float32, set.Dim())
	x := make([]float32, set.Dim())
	for n := range set.Len() {
		for i, v := range set.Image(x, n) {
			meanImg[i] += v / float32(set.Len())
		}
	}
	local := reverse.NewLocal(s, set, false)
	for _, tt := range []int{10, 100, 300, 700} {
		floor := reverse.SimpleLoss(s, ideal, set, tt, 200, 7)
		rivals := map[string]reverse.Denoiser{
			"local": local, "mean": meanDenoiser(meanImg), "other digits": other,
			"wrong step": wrongStep{ideal, tt / 2},
		}
		for name, den := range rivals {
			got := reverse.SimpleLoss(s, den, set, tt, 200, 7)
			if floor.Mean > got.Mean+2*math.Hypot(floor.StdErr, got.StdErr) {
				t.Errorf("t=%d: ideal training loss %.4g ± %.2g above %s's %.4g ± %.2g", tt, floor.Mean, floor.StdErr, name, got.Mean, got.StdErr)
			}
		}
	}
	// Memorisation: at t = 100 the ideal denoiser knows its training digits
	// and guesses held-out ones; the local one generalises better.
	const tt = 100
	held := test.Subset(1000)
	idealTrain := reverse.SimpleLoss(s, ideal, set, tt, 200, 8)
	idealHeld := reverse.SimpleLoss(s, ideal, held, tt, 200, 8)
	localTrain := reverse.SimpleLoss(s, local, set, tt, 200, 8)
	localHeld := reverse.SimpleLoss(s, local, held, tt, 200, 8)
	t.Logf("t=%d: ideal train %.4f held-out %.4f; local train %.4f held-out %.4f", tt, idealTrain.Mean, idealHeld.Mean, localTrain.Mean, localHeld.Mean)
	if idealHeld.Mean-idealTrain.Mean <= 3*math.Hypot(idealHeld.StdErr, idealTrain.StdErr) {
		t.Errorf("no memorisation gap for the ideal denoiser: train %v, held-out %v", idealTrain, idealHeld)
	}
	if localHeld.Mean-localTrain.Mean >= idealHeld.Mean-idealTrain.Mean {
		t.Errorf("local gap %.4g not below the ideal gap %.4g", localHeld.Mean-localTrain.Mean, idealHeld.Mean-idealTrain.Mean)
	}
	if localHeld.Mean >= idealHeld.Mean {
		t.Errorf("local held-out loss %.4g not below the ideal one %.4g", localHeld.Mean, idealHeld.Mean)
	}
}

// wrongStep is a denoiser told the wrong step.
type wrongStep struct {
	d reverse.Denoiser
	t int
}

func (w wrongStep) Denoise(dst, xt []float32, _ int) { w.d.Denoise(dst, xt, w.t) }
