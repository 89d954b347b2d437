package reverse

import (
	"fmt"
	"math"
)

// Spacing says which S of the T training steps a shortened sampler (DDIM)
// visits. The names and formulas are diffusers' timestep_spacing (Lin et al.
// 2023, Table 2), written for diffusers' 0-based timestep τ = t − 1:
//
//	leading:  τ_i = i·⌊T/S⌋ + offset,  i = S−1 … 0   (diffusers' default; starts at
//	          t = (S−1)·⌊T/S⌋ + 1 + offset, not at T)
//	trailing: τ_i = round(T − i·T/S) − 1,  i = 0 … S−1 (starts at t = T)
//	linspace: τ_i = round(linspace(0, T−1, S))[i], reversed
//
// round is NumPy's (half to even).
type Spacing int

const (
	Leading Spacing = iota
	Trailing
	Linspace
)

var spacingNames = [...]string{"leading", "trailing", "linspace"}

func (s Spacing) String() string {
	if s >= 0 && int(s) < len(spacingNames) {
		return spacingNames[s]
	}
	return fmt.Sprintf("Spacing(%d)", int(s))
}

// ParseSpacing returns the spacing named name.
func ParseSpacing(name string) (Spacing, error) {
	for i, n := range spacingNames {
		if n == name {
			return Spacing(i), nil
		}
	}
	return 0, fmt.Errorf("spacing must be one of leading, trailing, linspace, got %q", name)
}

// Timesteps returns the steps a sampler with S steps out of T visits, in the
// lesson's t (1..T, t = τ + 1), from the noisiest down: ts[0] > ts[1] > … >
// ts[S−1] ≥ 1. The sampler goes ts[i] → ts[i+1] and, last, ts[S−1] → 0.
// offset is diffusers' steps_offset and applies to leading only. Repeated
// steps (possible for linspace when S is close to T) are dropped, so the
// result may be shorter than S only in that case.
func Timesteps(T, S int, spacing Spacing, offset int) ([]int, error) {
	if T < 1 {
		return nil, fmt.Errorf("T must be at least 1, got %d", T)
	}
	if S < 1 || S > T {
		return nil, fmt.Errorf("steps must be an integer in 1..%d, got %d", T, S)
	}
	tau := make([]int, S)
	switch spacing {
	case Leading:
		if offset < 0 || offset >= T {
			return nil, fmt.Errorf("steps offset must be in 0..%d, got %d", T-1, offset)
		}
		ratio := T / S
		for i := range S {
			tau[i] = (S-1-i)*ratio + offset
		}
	case Trailing:
		ratio := float64(T) / float64(S)
		for i := range S {
			// np.arange(T, 0, -ratio): T − i·ratio, computed as NumPy does.
			tau[i] = int(math.RoundToEven(float64(T)-float64(i)*ratio)) - 1
		}
	case Linspace:
		var step float64
		if S > 1 {
			step = float64(T-1) / float64(S-1)
		}
		for i := range S {
			v := float64(S-1-i) * step
			if i == 0 {
				v = float64(T - 1)
			}
			tau[i] = int(math.RoundToEven(v))
		}
	default:
		return nil, fmt.Errorf("spacing must be one of leading, trailing, linspace, got %v", spacing)
	}
	ts := make([]int, 0, S)
	for _, v := range tau {
		t := min(max(v+1, 1), T)
		if len(ts) > 0 && ts[len(ts)-1] <= t {
			continue
		}
		ts = append(ts, t)
	}
	return ts, nil
}
