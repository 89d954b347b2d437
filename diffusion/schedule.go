package diffusion

import (
	"math"
	"strconv"
	"strings"
)

// MaxT is the largest number of steps a schedule may have.
const MaxT = 10000

// Schedule names, as they appear in URLs and JSON.
const (
	Linear       = "linear"        // β linear in t (Ho et al. 2020)
	ScaledLinear = "scaled-linear" // √β linear in t (DDPM code's "quad")
	Cosine       = "cosine"        // ᾱ_t = f(t/T)/f(0), f(u) = cos²(((u + s)/(1 + s))·π/2), s = 0.008 (Nichol & Dhariwal 2021)
	Sigmoid      = "sigmoid"       // β = sigmoid(linspace(−6, 6, T))·(β_end − β_start) + β_start (diffusers)
)

// ScheduleNames returns the schedule names in the order a menu shows them.
func ScheduleNames() []string {
	return []string{Linear, ScaledLinear, Cosine, Sigmoid}
}

// Config chooses a noise schedule.
type Config struct {
	Schedule        string  // one of ScheduleNames()
	T               int     // number of steps, 1..MaxT
	BetaStart       float64 // β_1 in (0, 1); used by linear, scaled-linear, sigmoid (cosine ignores both betas)
	BetaEnd         float64 // β_T in (0, 1), >= BetaStart
	ZeroTerminalSNR bool    // Lin et al. 2023 rescaling, applied after the base schedule: ᾱ_T = 0 exactly
}

// LessonConfig is the lesson's schedule: T = 1000, β linear from 1e-4 to
// 0.02 (np.linspace, both ends included).
func LessonConfig() Config {
	return Config{Schedule: Linear, T: 1000, BetaStart: 1e-4, BetaEnd: 0.02}
}

// ParamError reports an invalid schedule parameter. Field is the JSON/URL
// name (schedule, T, betaStart, betaEnd, zeroTerminalSNR).
type ParamError struct {
	Field   string
	Allowed string // e.g. "an integer in 1..10000"
	Got     string // the offending value, formatted
}

func (e *ParamError) Error() string {
	return e.Field + " must be " + e.Allowed + ", got " + e.Got
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Validate returns nil if c describes a schedule, or a *ParamError naming the
// first bad field and its allowed range. The betas are checked only for the
// schedules that use them (not for cosine).
func (c Config) Validate() error {
	known := false
	for _, n := range ScheduleNames() {
		known = known || c.Schedule == n
	}
	if !known {
		return &ParamError{"schedule", "one of " + strings.Join(ScheduleNames(), ", "), strconv.Quote(c.Schedule)}
	}
	if c.T < 1 || c.T > MaxT {
		return &ParamError{"T", "an integer in 1.." + strconv.Itoa(MaxT), strconv.Itoa(c.T)}
	}
	if c.Schedule == Cosine {
		return nil
	}
	in01 := func(x float64) bool { return x > 0 && x < 1 } // false for NaN
	if !in01(c.BetaStart) {
		return &ParamError{"betaStart", "a number in (0, 1)", formatFloat(c.BetaStart)}
	}
	if !in01(c.BetaEnd) {
		return &ParamError{"betaEnd", "a number in (0, 1)", formatFloat(c.BetaEnd)}
	}
	if c.BetaEnd < c.BetaStart {
		return &ParamError{"betaEnd", ">= betaStart (" + formatFloat(c.BetaStart) + ")", formatFloat(c.BetaEnd)}
	}
	return nil
}

// Schedule holds the per-step tables of a noise schedule. They are indexed by
// t = 0..T (length T+1): index 0 is t = 0, no noise (Beta[0] = 0,
// Alpha[0] = 1, AlphaBar[0] = 1), and index t = 1..T is the lesson's β_t,
// α_t = 1 − β_t and ᾱ_t = α_1·α_2·…·α_t. So numpy's beta_t[i] is Beta[i+1].
//
// The tables are computed once by NewSchedule and must be treated as read
// only. They never hold NaN or ±Inf. Methods taking a step t clamp it into
// the valid range instead of panicking (a slider may overshoot).
type Schedule struct {
	Config
	Beta, Alpha, AlphaBar []float64

	// oneMinus[t] = 1 − ᾱ_t computed by the recurrence
	// 1 − ᾱ_t = β_t + α_t·(1 − ᾱ_{t−1}), which keeps full relative precision
	// even when β is tiny (1 − AlphaBar[t] would cancel).
	oneMinus []float64
	// wrong[t] = Σ_{s≤t} √(ᾱ_t/ᾱ_s)·√β_s, the wrong-algebra noise coefficient.
	wrong []float64
}

// NewSchedule validates c and computes its tables. The base schedules follow
// their sources operation by operation in float64:
//
//	linear:        β_t = np.linspace(β_start, β_end, T)[t−1]
//	               (y_i = β_start + i·step, step = (β_end − β_start)/(T − 1), last = β_end)
//	scaled-linear: β_t = np.linspace(√β_start, √β_end, T)[t−1]²
//	cosine:        β_t = min(1 − ᾱ(t/T)/ᾱ((t−1)/T), 0.999), ᾱ(u) = cos²((u + 0.008)/1.008 · π/2)
//	sigmoid:       β_t = sigmoid(np.linspace(−6, 6, T)[t−1])·(β_end − β_start) + β_start
//
// and then ᾱ_t = cumprod(1 − β) as np.cumprod does it (a sequential product).
// With ZeroTerminalSNR the base schedule is rescaled as in Lin et al. 2023,
// Algorithm 1 (diffusers rescale_zero_terminal_snr): √ᾱ_t is shifted so that
// √ᾱ_T = 0 and scaled so that √ᾱ_1 keeps its value, squared, and turned back
// into α_t = ᾱ_t/ᾱ_{t−1} (α_1 = ᾱ_1), β_t = 1 − α_t, so β_T = 1 and ᾱ_T = 0.
func NewSchedule(c Config) (*Schedule, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	T := c.T
	beta := make([]float64, T+1) // beta[0] = 0 is t = 0
	switch c.Schedule {
	case Linear:
		copy(beta[1:], linspace(c.BetaStart, c.BetaEnd, T))
	case ScaledLinear:
		for i, r := range linspace(math.Sqrt(c.BetaStart), math.Sqrt(c.BetaEnd), T) {
			beta[i+1] = float64(r * r)
		}
	case Cosine:
		// improved-diffusion betas_for_alpha_bar with max_beta = 0.999.
		abar := func(u float64) float64 {
			c := math.Cos((u + 0.008) / 1.008 * math.Pi / 2)
			return c * c
		}
		for i := 0; i < T; i++ {
			t1 := float64(i) / float64(T)
			t2 := float64(i+1) / float64(T)
			beta[i+1] = math.Min(1-abar(t2)/abar(t1), 0.999)
		}
	case Sigmoid:
		for i, x := range linspace(-6, 6, T) {
			sig := 1 / (1 + detExp(-x))
			beta[i+1] = float64(sig*(c.BetaEnd-c.BetaStart)) + c.BetaStart
		}
	}
	for t := 1; t <= T; t++ {
		// β > 0 always holds in exact arithmetic; guard against underflow
		// (e.g. scaled-linear with β_start near the smallest float64).
		beta[t] = math.Min(math.Max(beta[t], math.SmallestNonzeroFloat64), 1)
	}
	if c.ZeroTerminalSNR {
		beta = rescaleZeroTerminalSNR(beta)
	}
	s := &Schedule{Config: c, Beta: beta}
	s.fill()
	return s, nil
}

// linspace computes np.linspace(start, stop, num) with endpoint=True:
// y_i = start + i·step, step = (stop − start)/(num − 1), last set to stop;
// num = 1 gives [start].
func linspace(start, stop float64, num int) []float64 {
	y := make([]float64, num)
	if num == 1 {
		y[0] = start
		return y
	}
	div := float64(num - 1)
	delta := stop - start
	step := delta / div
	for i := range y {
		if step == 0 {
			// numpy's any_step_zero branch: (i/div)·delta.
			y[i] = float64(float64(i)/div*delta) + start
		} else {
			y[i] = float64(float64(i)*step) + start
		}
	}
	y[num-1] = stop
	return y
}

// fill derives Alpha, AlphaBar and the private tables from Beta.
func (s *Schedule) fill() {
	T := len(s.Beta) - 1
	s.Alpha = make([]float64, T+1)
	s.AlphaBar = make([]float64, T+1)
	s.oneMinus = make([]float64, T+1)
	s.wrong = make([]float64, T+1)
	s.Alpha[0], s.AlphaBar[0] = 1, 1
	for t := 1; t <= T; t++ {
		a := 1 - s.Beta[t]
		s.Alpha[t] = a
		s.AlphaBar[t] = s.AlphaBar[t-1] * a
		s.oneMinus[t] = s.Beta[t] + float64(a*s.oneMinus[t-1])
		s.wrong[t] = float64(math.Sqrt(a)*s.wrong[t-1]) + math.Sqrt(s.Beta[t])
	}
}

// rescaleZeroTerminalSNR applies Lin et al. 2023, Algorithm 1, to beta
// (index 0 unused) and returns the new betas. In exact arithmetic it is
// diffusers' rescale_zero_terminal_snr:
//
//	s_t = (√ᾱ_t − √ᾱ_T)·√ᾱ_1/(√ᾱ_1 − √ᾱ_T),  ᾱ'_t = s_t²,
//	α'_1 = ᾱ'_1, α'_t = ᾱ'_t/ᾱ'_{t−1},  β'_t = 1 − α'_t.
//
// It is evaluated without cancellation, so that tiny betas (where ᾱ_t and
// α'_t round to 1) still give positive β': the differences
// √ᾱ_{u−1} − √ᾱ_u = ᾱ_{u−1}β_u/(√ᾱ_{u−1} + √ᾱ_u) are summed to give
// √ᾱ_t − √ᾱ_T, and β'_t = (s_{t−1} − s_t)(s_{t−1} + s_t)/s_{t−1}². β'_1 = β_1
// (the scaling keeps ᾱ_1) and β'_T = 1. For T = 1, β'_1 = 1.
func rescaleZeroTerminalSNR(beta []float64) []float64 {
	T := len(beta) - 1
	out := make([]float64, T+1)
	out[T] = 1
	if T == 1 {
		return out
	}
	tmp := &Schedule{Beta: beta}
	tmp.fill()
	ab := tmp.AlphaBar
	inc := make([]float64, T+1) // inc[u] = √ᾱ_{u−1} − √ᾱ_u
	for u := 2; u <= T; u++ {
		inc[u] = ab[u-1] * beta[u] / (math.Sqrt(ab[u-1]) + math.Sqrt(ab[u]))
	}
	d := make([]float64, T+1) // d[t] = √ᾱ_t − √ᾱ_T
	for t := T - 1; t >= 1; t-- {
		d[t] = d[t+1] + inc[t+1]
	}
	scale := 0.0
	if d[1] > 0 {
		scale = math.Sqrt(ab[1]) / d[1]
	}
	out[1] = beta[1]
	for t := 2; t < T; t++ {
		// Rounded products: sPrev + sCur must not become a fused multiply-add.
		sPrev, sCur := float64(d[t-1]*scale), float64(d[t]*scale)
		b := 1.0 // ᾱ' already underflowed to 0
		if sPrev > 0 {
			b = scale * inc[t] * (sPrev + sCur) / sPrev / sPrev
		}
		out[t] = math.Min(math.Max(b, math.SmallestNonzeroFloat64), 1)
	}
	return out
}

func (s *Schedule) clamp(t int) int { return min(max(t, 0), len(s.Beta)-1) }

// SqrtAlphaBar returns √ᾱ_t, the weight of x_0 in x_t (t clamped to 0..T).
func (s *Schedule) SqrtAlphaBar(t int) float64 { return math.Sqrt(s.AlphaBar[s.clamp(t)]) }

// SqrtOneMinusAlphaBar returns √(1 − ᾱ_t), the weight of ε in x_t.
func (s *Schedule) SqrtOneMinusAlphaBar(t int) float64 { return math.Sqrt(s.oneMinus[s.clamp(t)]) }

// OneMinusAlphaBar returns 1 − ᾱ_t, the variance of the noise in x_t given
// x_0, computed without cancellation (see Schedule).
func (s *Schedule) OneMinusAlphaBar(t int) float64 { return s.oneMinus[s.clamp(t)] }

// SNR returns the signal-to-noise ratio ᾱ_t/(1 − ᾱ_t): +Inf at t = 0, and 0
// at t = T under zero terminal SNR.
func (s *Schedule) SNR(t int) float64 {
	t = s.clamp(t)
	return s.AlphaBar[t] / s.oneMinus[t]
}

// LogSNR returns ln SNR_t = ln ᾱ_t − ln(1 − ᾱ_t): +Inf at t = 0, −Inf where
// ᾱ_t = 0.
func (s *Schedule) LogSNR(t int) float64 {
	t = s.clamp(t)
	return math.Log(s.AlphaBar[t]) - math.Log(s.oneMinus[t])
}

// PosteriorVariance returns β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t, the variance
// of q(x_{t−1} | x_t, x_0) (Ho et al. 2020, eq. 7), for t in 1..T (clamped);
// β̃_1 = 0.
func (s *Schedule) PosteriorVariance(t int) float64 {
	t = max(s.clamp(t), 1)
	return s.oneMinus[t-1] / s.oneMinus[t] * s.Beta[t]
}

// PosteriorMeanCoef returns the coefficients of the posterior mean
// μ̃_t(x_t, x_0) = c0·x_0 + ct·x_t (Ho et al. 2020, eq. 7):
//
//	c0 = √ᾱ_{t−1}·β_t/(1 − ᾱ_t),  ct = √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)
//
// for t in 1..T (clamped). At t = 1, c0 = 1 and ct = 0.
func (s *Schedule) PosteriorMeanCoef(t int) (c0, ct float64) {
	t = max(s.clamp(t), 1)
	c0 = math.Sqrt(s.AlphaBar[t-1]) * s.Beta[t] / s.oneMinus[t]
	ct = math.Sqrt(s.Alpha[t]) * s.oneMinus[t-1] / s.oneMinus[t]
	return c0, ct
}

// PriorKL returns the mean over the dimensions of x0 of
// KL(q(x_T | x_0) ‖ N(0, 1)) = ½(ᾱ_T·(x_0² − 1) − ln(1 − ᾱ_T)) in nats: how
// far the last frame's law still is from pure noise. It is 0 if ᾱ_T = 0
// (and for an empty x0).
func (s *Schedule) PriorKL(x0 []float32) float64 {
	ab := s.AlphaBar[len(s.AlphaBar)-1]
	if ab == 0 || len(x0) == 0 {
		return 0
	}
	var sq float64
	for _, v := range x0 {
		sq += float64(v) * float64(v)
	}
	sq /= float64(len(x0))
	ln1m := math.Log1p(-ab) // ln(1 − ᾱ_T), from the accurate side
	if ab > 0.5 {
		ln1m = math.Log(s.oneMinus[len(s.oneMinus)-1])
	}
	return 0.5 * (ab*(sq-1) - ln1m)
}

// JumpCoef returns the coefficients of the exact jump
// q(x_to | x_from) = N(a·x_from, b²·I):
//
//	a = √(ᾱ_to/ᾱ_from),  b = √(1 − ᾱ_to/ᾱ_from)
//
// The ratio is the product α_{from+1}·…·α_to, so it is defined even where ᾱ
// underflows. Steps are clamped to 0..T; from > to is treated as from = to
// (a = 1, b = 0). JumpCoef(0, t) = (SqrtAlphaBar(t), SqrtOneMinusAlphaBar(t)).
func (s *Schedule) JumpCoef(from, to int) (a, b float64) {
	r, v := s.ratio(s.clamp(from), s.clamp(to))
	return math.Sqrt(r), math.Sqrt(v)
}

// ratio returns ᾱ_b/ᾱ_a = α_{a+1}·…·α_b and 1 − ᾱ_b/ᾱ_a (by the cancellation-
// free recurrence), for a ≤ b; (1, 0) if a >= b.
func (s *Schedule) ratio(a, b int) (r, v float64) {
	r = 1
	for t := a + 1; t <= b; t++ {
		r *= s.Alpha[t]
		v = s.Beta[t] + float64(s.Alpha[t]*v)
	}
	return r, v
}

// SignalNoiseCrossing returns the fractional step where signal and noise
// weigh the same, √ᾱ_t = √(1 − ᾱ_t), i.e. ᾱ_t = ½, interpolating ᾱ linearly
// between integer steps. It returns NaN if ᾱ_T > ½.
func (s *Schedule) SignalNoiseCrossing() float64 {
	for t := 1; t < len(s.AlphaBar); t++ {
		if s.AlphaBar[t] <= 0.5 {
			prev, cur := s.AlphaBar[t-1], s.AlphaBar[t]
			return float64(t-1) + (prev-0.5)/(prev-cur)
		}
	}
	return math.NaN()
}

// WrongSumStd returns the noise coefficient that the wrong algebra
// "Aε + Bε = (A + B)ε" gives for x_t from x_0, unrolling
// x_t = √α_t·x_{t−1} + √β_t·ε while adding the coefficients of ε instead of
// their squares:
//
//	Σ_{s=1..t} √(ᾱ_t/ᾱ_s)·√β_s    (the right one is √(1 − ᾱ_t))
//
// t is clamped to 0..T.
func (s *Schedule) WrongSumStd(t int) float64 { return s.wrong[s.clamp(t)] }

// TwoStepVariance returns the variance of the noise in x_2 given x_0 after two
// steps with α_1 and α_2: right = 1 − α_1α_2 (variances add:
// α_2(1 − α_1) + (1 − α_2)), and wrong = (√(α_2(1 − α_1)) + √(1 − α_2))², what
// writing Aε₁ + Bε₂ = (A + B)ε gives.
func TwoStepVariance(alpha1, alpha2 float64) (right, wrong float64) {
	right = 1 - alpha1*alpha2
	w := math.Sqrt(alpha2*(1-alpha1)) + math.Sqrt(1-alpha2)
	return right, w * w
}
