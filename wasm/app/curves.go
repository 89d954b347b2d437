package app

import (
	"math"

	"dissolve/diffusion"
)

// The schedule's curves: ᾱ_t, √ᾱ_t against √(1 − ᾱ_t), β_t and log-SNR,
// for the state's schedule and the others on the same T and β range.

// ScheduleCurve is one schedule's curves for the plots.
type ScheduleCurve struct {
	Name                 string    `json:"name"`
	Step                 []int     `json:"t"`
	AlphaBar             []JSFloat `json:"alphaBar"`
	SqrtAlphaBar         []JSFloat `json:"sqrtAlphaBar"`
	SqrtOneMinusAlphaBar []JSFloat `json:"sqrtOneMinusAlphaBar"`
	Beta                 []JSFloat `json:"beta"`
	LogSNR               []JSFloat `json:"logSNR"`
	// Crossing is the fractional t where √ᾱ_t = √(1 − ᾱ_t) (ᾱ_t = ½), or
	// null if ᾱ never falls to ½.
	Crossing  JSFloat `json:"crossing"`
	AlphaBarT JSFloat `json:"alphaBarT"` // ᾱ_T
}

// CurvePoints is the most points a curve has: schedules with a larger T are
// sampled at evenly spaced t (always including 0 and T).
const CurvePoints = 1001

// ScheduleCurves returns the curves of every schedule (diffusion.ScheduleNames
// order) with the state's T, β range and zero-terminal-SNR flag, the
// state's own schedule first.
func (e *Engine) ScheduleCurves() []ScheduleCurve {
	cfg := e.state.Config()
	names := []string{cfg.Schedule}
	for _, n := range diffusion.ScheduleNames() {
		if n != cfg.Schedule {
			names = append(names, n)
		}
	}
	var out []ScheduleCurve
	for _, name := range names {
		c := cfg
		c.Schedule = name
		s := e.in.sched
		if name != cfg.Schedule {
			var err error
			if s, err = diffusion.NewSchedule(c); err != nil {
				continue
			}
		}
		out = append(out, Curve(s))
	}
	return out
}

// Curve samples one schedule's curves at up to CurvePoints steps.
func Curve(s *diffusion.Schedule) ScheduleCurve {
	c := ScheduleCurve{Name: s.Schedule, Crossing: JSFloat(s.SignalNoiseCrossing()), AlphaBarT: JSFloat(s.AlphaBar[s.T])}
	points := min(s.T+1, CurvePoints)
	last := -1
	for k := 0; k < points; k++ {
		t := k
		if points < s.T+1 {
			t = int(math.Round(float64(k) * float64(s.T) / float64(points-1)))
		}
		if t == last {
			continue
		}
		last = t
		c.Step = append(c.Step, t)
		c.AlphaBar = append(c.AlphaBar, JSFloat(s.AlphaBar[t]))
		c.SqrtAlphaBar = append(c.SqrtAlphaBar, JSFloat(s.SqrtAlphaBar(t)))
		c.SqrtOneMinusAlphaBar = append(c.SqrtOneMinusAlphaBar, JSFloat(s.SqrtOneMinusAlphaBar(t)))
		c.Beta = append(c.Beta, JSFloat(s.Beta[t]))
		c.LogSNR = append(c.LogSNR, JSFloat(s.LogSNR(t)))
	}
	return c
}
