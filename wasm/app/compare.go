package app

import "dissolve/diffusion"

// Compare chooses what the canvas shows side by side: 2 or 3 panes of the
// same picture with the same seed, all at the one cursor t.
type Compare string

const (
	// CompareNone shows one picture, x_t of the state's schedule and mode.
	CompareNone Compare = "none"
	// CompareSchedules shows x_t under the state's schedule beside x_t under
	// CompareSchedule (same T, β range, zero-terminal-SNR flag, mode, seed).
	CompareSchedules Compare = "schedules"
	// CompareModes shows the closed form x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε (one
	// ε) beside the Markov chain (fresh ε at every step): different pixels,
	// the same distribution.
	CompareModes Compare = "modes"
	// CompareWrongSum shows the closed form beside the lesson's wrong
	// algebra, √ᾱ_t x_0 + W_t ε with W_t = Schedule.WrongSumStd(t) (the
	// coefficients of the ε's added instead of their variances), same ε.
	CompareWrongSum Compare = "wrongsum"
	// CompareNormalise shows x_0, x_0 normalised in one shot ((x_0 −
	// mean)/std, diffusion.ZScore) and x_t of the state's mode.
	CompareNormalise Compare = "normalise"
)

// Compares lists the Compare values in the order a menu shows them.
var Compares = []Compare{CompareNone, CompareSchedules, CompareModes, CompareWrongSum, CompareNormalise}

// SecondConfig is the schedule of the second pane of CompareSchedules: the
// state's schedule with CompareSchedule's name.
func (s State) SecondConfig() diffusion.Config {
	c := s.Config()
	c.Schedule = s.CompareSchedule
	return c
}
