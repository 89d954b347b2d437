package compute

import (
	"fmt"
	"strconv"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// model is a request's schedule, data set and denoiser.
type model struct {
	s     *diffusion.Schedule
	d     *reverse.Dataset
	den   reverse.Denoiser
	ideal *reverse.Ideal // den itself for the ideal denoiser
}

func (e *Engine) model(a ModelArgs) (*model, error) {
	s, err := diffusion.NewSchedule(a.Config())
	if err != nil {
		return nil, err
	}
	if err := oneOf("denoiser", a.Denoiser, "ideal", "local", "oracle"); err != nil {
		return nil, err
	}
	d, err := e.set(a.Dataset, a.DatasetSize, "dataset", "datasetSize")
	if err != nil {
		return nil, err
	}
	m := &model{s: s, d: d, ideal: reverse.NewIdeal(s, d)}
	switch a.Denoiser {
	case "ideal":
		m.den = m.ideal
	case "local":
		m.den = reverse.NewLocal(s, d, false)
	case "oracle":
		if a.Oracle < 0 || a.Oracle >= d.Len() {
			return nil, &diffusion.ParamError{Field: "oracle", Allowed: fmt.Sprintf("an integer in 0..%d (a training image)", d.Len()-1), Got: strconv.Itoa(a.Oracle)}
		}
		m.den = reverse.Oracle{X0: d.Image(make([]float32, d.Dim()), a.Oracle)}
	}
	return m, nil
}

// Match is a sample's nearest training image (reverse.Novelty).
type Match struct {
	Index    int     `json:"index"`
	Label    int     `json:"label"` // the image's label (MNIST: its digit), −1 if the set has none
	Distance float64 `json:"distance"`
	Novelty  float64 `json:"novelty"`
}

func matchOf(d *reverse.Dataset, x []float32) Match {
	m := reverse.Novelty(d, x)
	label := -1
	if d.Labels != nil {
		label = int(d.Labels[m.Index])
	}
	return Match{Index: m.Index, Label: label, Distance: m.Distance, Novelty: m.Novelty}
}

// SampleResult is one reverse run. Frame k (k indexes Frames) is the
// visited step t = Timesteps[Frames[k]]: XT[k·D:(k+1)·D] holds x_t and
// X0[k·D:(k+1)·D] the denoiser's x̂_0(x_t, t), the picture it sees in the
// noise; at t = 0 that is x_0 itself.
type SampleResult struct {
	W int `json:"width"`
	H int `json:"height"`
	C int `json:"planes"`
	// Timesteps are the steps visited, from x_T's to 0 (S + 1 of them).
	Timesteps []int `json:"timesteps"`
	Frames    []int `json:"frames"`
	// EffectiveN[i] is the ideal denoiser's 1/Σw² at x_{Timesteps[i]}, for
	// every step i taken (S of them), whatever denoiser drives the run.
	EffectiveN []float64 `json:"effectiveN"`
	// Nearest is x_0's nearest training image in the model's subset.
	Nearest Match `json:"nearest"`
	N       int   `json:"n"` // the subset's size

	XT, X0, Final []float32 `json:"-"`
	// NearestX is the nearest training image, as numbers in [−1, 1].
	NearestX []float32 `json:"-"`
}

// Arrays are the result's pictures, for typed arrays: xt and x0 (the
// frames, float32, planes one after the other as reverse.Dataset's), final
// (x_0), nearestX (its nearest training image).
func (r *SampleResult) Arrays() map[string]any {
	return map[string]any{"xt": r.XT, "x0": r.X0, "final": r.Final, "nearestX": r.NearestX}
}

// watched is a denoiser that also records, at every call, the ideal
// denoiser's effective N at that x_t (computing the ideal denoiser too when
// it is not the one driving).
type watched struct {
	den     reverse.Denoiser
	ideal   *reverse.Ideal
	isIdeal bool // den is ideal
	scratch []float32
	effN    []float64
}

func (w *watched) Denoise(dst, xt []float32, t int) {
	if !w.isIdeal {
		if w.scratch == nil {
			w.scratch = make([]float32, len(xt))
		}
		w.ideal.Denoise(w.scratch, xt, t)
	}
	w.den.Denoise(dst, xt, t)
	w.effN = append(w.effN, w.ideal.Stats().EffectiveN)
}

// sampler makes the model of ma and a sampler of sa over the denoiser
// den(model) gives.
func (e *Engine) sampler(ma ModelArgs, sa SamplerArgs, den func(*model) reverse.Denoiser) (*model, *reverse.Sampler, error) {
	m, err := e.model(ma)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := sa.config(m.s)
	if err != nil {
		return nil, nil, err
	}
	sp, err := reverse.NewSampler(m.s, den(m), cfg)
	if err != nil {
		return nil, nil, err
	}
	return m, sp, nil
}

// Sample runs the reverse process for a.Seed and returns its frames.
func (e *Engine) Sample(a SampleArgs) (*SampleResult, error) {
	if err := checkSeed("seed", a.Seed); err != nil {
		return nil, err
	}
	if a.Every < 0 {
		return nil, &diffusion.ParamError{Field: "every", Allowed: "an integer ≥ 0 (0: the last frame only)", Got: strconv.Itoa(a.Every)}
	}
	var w *watched
	m, sp, err := e.sampler(a.ModelArgs, a.SamplerArgs, func(m *model) reverse.Denoiser {
		w = &watched{den: m.den, ideal: m.ideal, isIdeal: a.Denoiser == "ideal"}
		return w
	})
	if err != nil {
		return nil, err
	}
	ts := sp.Timesteps()
	S, D := len(ts), m.d.Dim()
	r := &SampleResult{W: m.d.W, H: m.d.H, C: m.d.C, N: m.d.Len(), Timesteps: append(append(make([]int, 0, S+1), ts...), 0)}
	keep := func(k int) bool { return k == S || (a.Every > 0 && (k == 0 || k%a.Every == 0)) }
	for k := 0; k <= S; k++ {
		if keep(k) {
			r.Frames = append(r.Frames, k)
		}
	}
	r.XT = make([]float32, 0, len(r.Frames)*D)
	r.X0 = make([]float32, 0, len(r.Frames)*D)
	x := make([]float32, D)
	sp.Sample(x, a.Seed, func(i, _ int, x, x0 []float32) {
		// Called for x_T (i = −1) and after each step i with x at step i+1
		// and the x̂_0 of step i, at x_{ts[i]}.
		if i >= 0 && keep(i) {
			r.X0 = append(r.X0, x0...)
		}
		if keep(i + 1) {
			r.XT = append(r.XT, x...)
		}
	})
	r.X0 = append(r.X0, x...) // at t = 0, x̂_0 is x_0
	r.Final = x
	r.EffectiveN = w.effN
	r.Nearest = matchOf(m.d, x)
	r.NearestX = m.d.Image(make([]float32, D), r.Nearest.Index)
	return r, nil
}

// GridResult is one x_0 per seed, in the seeds' order.
type GridResult struct {
	W       int     `json:"width"`
	H       int     `json:"height"`
	C       int     `json:"planes"`
	Nearest []Match `json:"nearest"`
	N       int     `json:"n"`
	// Final holds the samples (K·D float32), NearestPix their nearest
	// training images' bytes (K·D; byte b is b/127.5 − 1).
	Final      []float32 `json:"-"`
	NearestPix []uint8   `json:"-"`
	// FinalRGBA and NearestRGBA are the same pictures as the page shows
	// them, W·H RGBA pixels each (diffusion.ToRGBA), for a canvas.
	FinalRGBA, NearestRGBA []uint8 `json:"-"`
}

// Arrays are final, nearestPix, finalRGBA and nearestRGBA.
func (r *GridResult) Arrays() map[string]any {
	return map[string]any{"final": r.Final, "nearestPix": r.NearestPix, "finalRGBA": r.FinalRGBA, "nearestRGBA": r.NearestRGBA}
}

// rgba appends picture x (planes one after the other, 1 or 3 of them) to
// dst as RGBA pixels, by the page's rule (diffusion.ToRGBA; one plane is
// grey).
func rgba(dst []uint8, x []float32, planes int) []uint8 {
	rgb := x
	if planes == 1 {
		rgb = make([]float32, 3*len(x))
		for c := range 3 {
			copy(rgb[c*len(x):], x)
		}
	}
	out := make([]uint8, 4*len(rgb)/3)
	diffusion.ToRGBA(out, rgb)
	return append(dst, out...)
}

// Grid runs one reverse process per seed, as one batch.
func (e *Engine) Grid(a GridArgs) (*GridResult, error) {
	if len(a.Seeds) < 1 || len(a.Seeds) > MaxGrid {
		return nil, &diffusion.ParamError{Field: "seeds", Allowed: fmt.Sprintf("a list of 1 to %d seeds", MaxGrid), Got: fmt.Sprintf("%d seeds", len(a.Seeds))}
	}
	for _, s := range a.Seeds {
		if err := checkSeed("seeds", s); err != nil {
			return nil, err
		}
	}
	m, sp, err := e.sampler(a.ModelArgs, a.SamplerArgs, func(m *model) reverse.Denoiser { return m.den })
	if err != nil {
		return nil, err
	}
	K, D := len(a.Seeds), m.d.Dim()
	r := &GridResult{W: m.d.W, H: m.d.H, C: m.d.C, N: m.d.Len(), Final: make([]float32, K*D), NearestPix: make([]uint8, K*D)}
	xs := make([][]float32, K)
	for k := range xs {
		xs[k] = r.Final[k*D : (k+1)*D : (k+1)*D]
	}
	sp.SampleBatch(xs, a.Seeds)
	for k, x := range xs {
		match := matchOf(m.d, x)
		r.Nearest = append(r.Nearest, match)
		copy(r.NearestPix[k*D:], m.d.Bytes(match.Index))
		r.FinalRGBA = rgba(r.FinalRGBA, x, m.d.C)
		r.NearestRGBA = rgba(r.NearestRGBA, m.d.Image(make([]float32, D), match.Index), m.d.C)
	}
	return r, nil
}

// LossResult is L_simple(t) at each t of the request, on the training
// subset (Train…) and on the held-out set (Test…): Monte Carlo means over
// M images and their standard errors.
type LossResult struct {
	Ts          []int     `json:"ts"`
	TrainMean   []float64 `json:"trainMean"`
	TrainStdErr []float64 `json:"trainStdErr"`
	TestMean    []float64 `json:"testMean"`
	TestStdErr  []float64 `json:"testStdErr"`
	M           int       `json:"m"`
	N           int       `json:"n"`
}

// MaxLossSteps and MaxLossImages bound the steps and the images of one
// Loss request.
const (
	MaxLossSteps  = 1000
	MaxLossImages = 10000
)

// Loss estimates L_simple(t) (reverse.SimpleLoss) of the ideal or local
// denoiser over its training subset and over held-out images.
func (e *Engine) Loss(a LossArgs) (*LossResult, error) {
	if err := oneOf("denoiser", a.Denoiser, "ideal", "local"); err != nil {
		return nil, err
	}
	if err := checkSeed("seed", a.Seed); err != nil {
		return nil, err
	}
	m, err := e.model(a.ModelArgs)
	if err != nil {
		return nil, err
	}
	test, err := e.set(a.Test, 0, "test", "test")
	if err != nil {
		return nil, err
	}
	if test.W != m.d.W || test.H != m.d.H || test.C != m.d.C {
		return nil, &diffusion.ParamError{Field: "test", Allowed: fmt.Sprintf("a set of %d×%d×%d images, as %q", m.d.W, m.d.H, m.d.C, a.Dataset), Got: fmt.Sprintf("%d×%d×%d", test.W, test.H, test.C)}
	}
	if len(a.Ts) < 1 || len(a.Ts) > MaxLossSteps {
		return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("a list of 1 to %d steps", MaxLossSteps), Got: fmt.Sprintf("%d steps", len(a.Ts))}
	}
	for _, t := range a.Ts {
		if t < 1 || t > m.s.T {
			return nil, &diffusion.ParamError{Field: "ts", Allowed: fmt.Sprintf("steps in 1..%d (T)", m.s.T), Got: strconv.Itoa(t)}
		}
	}
	if a.M < 1 || a.M > MaxLossImages {
		return nil, &diffusion.ParamError{Field: "m", Allowed: fmt.Sprintf("an integer in 1..%d", MaxLossImages), Got: strconv.Itoa(a.M)}
	}
	r := &LossResult{Ts: a.Ts, N: m.d.Len(), M: min(a.M, m.d.Len(), test.Len())}
	for _, t := range a.Ts {
		tr := reverse.SimpleLoss(m.s, m.den, m.d, t, r.M, a.Seed)
		te := reverse.SimpleLoss(m.s, m.den, test, t, r.M, a.Seed)
		r.TrainMean = append(r.TrainMean, tr.Mean)
		r.TrainStdErr = append(r.TrainStdErr, tr.StdErr)
		r.TestMean = append(r.TestMean, te.Mean)
		r.TestStdErr = append(r.TestStdErr, te.StdErr)
	}
	return r, nil
}
