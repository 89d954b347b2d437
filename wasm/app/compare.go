package app

import (
	"fmt"
	"slices"
	"strings"

	"dissolve/diffusion"
)

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

func (n *State) applyCompare(p Patch) error {
	if p.Compare != nil {
		if !slices.Contains(Compares, *p.Compare) {
			names := make([]string, len(Compares))
			for i, c := range Compares {
				names[i] = string(c)
			}
			return &FieldError{Field: "compare", Allowed: "one of " + strings.Join(names, ", "), Got: fmt.Sprintf("%q", clip(string(*p.Compare)))}
		}
		n.Compare = *p.Compare
	}
	if p.CompareSchedule != nil {
		if !slices.Contains(diffusion.ScheduleNames(), *p.CompareSchedule) {
			return &FieldError{Field: "compareSchedule", Allowed: "one of " + strings.Join(diffusion.ScheduleNames(), ", "), Got: fmt.Sprintf("%q", clip(*p.CompareSchedule))}
		}
		n.CompareSchedule = *p.CompareSchedule
	}
	return nil
}

// compareQuery gives the URL parameters of the comparison, only where they
// differ from the default (so that links without a comparison stay as
// they were).
func (s State) compareQuery() []string {
	var q []string
	d := Default()
	if s.Compare != d.Compare {
		q = append(q, "compare="+string(s.Compare))
	}
	if s.CompareSchedule != d.CompareSchedule {
		q = append(q, "compareSchedule="+s.CompareSchedule)
	}
	return q
}

// SecondConfig is the schedule of the second pane of CompareSchedules: the
// state's schedule with CompareSchedule's name.
func (s State) SecondConfig() diffusion.Config {
	c := s.Config()
	c.Schedule = s.CompareSchedule
	return c
}
