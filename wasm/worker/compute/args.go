package compute

import (
	"fmt"
	"strconv"
	"strings"

	"dissolve/diffusion"
	"dissolve/reverse"
)

// MaxSeed is the largest seed, as the page's state allows (2³² − 1).
const MaxSeed = 1<<32 - 1

// MaxGrid is the most seeds one Grid request may hold.
const MaxGrid = 64

// ScheduleArgs are the noise schedule's fields, named as in the page's
// state (diffusion.Config). Absent fields keep the lesson's values
// (Defaults).
type ScheduleArgs struct {
	Schedule        string  `json:"schedule"`
	T               int     `json:"T"`
	BetaStart       float64 `json:"betaStart"`
	BetaEnd         float64 `json:"betaEnd"`
	ZeroTerminalSNR bool    `json:"zeroTerminalSNR"`
}

// Config returns the schedule's configuration.
func (a ScheduleArgs) Config() diffusion.Config {
	return diffusion.Config{Schedule: a.Schedule, T: a.T, BetaStart: a.BetaStart, BetaEnd: a.BetaEnd, ZeroTerminalSNR: a.ZeroTerminalSNR}
}

// ModelArgs choose the denoiser and the data set it knows.
type ModelArgs struct {
	ScheduleArgs
	// Denoiser is ideal, local (LS, Kamb & Ganguli) or oracle (knows
	// training image Oracle and returns it).
	Denoiser string `json:"denoiser"`
	// Dataset names a loaded set (Load); DatasetSize keeps its first
	// DatasetSize images (0: all).
	Dataset     string `json:"dataset"`
	DatasetSize int    `json:"datasetSize"`
	Oracle      int    `json:"oracle"`
}

// SamplerArgs are the sampler's settings (reverse.Config), named as in
// the page's state.
type SamplerArgs struct {
	Sampler  string  `json:"sampler"`  // ddpm or ddim
	Variance string  `json:"variance"` // small or large (DDPM)
	Eta      float64 `json:"eta"`      // 0..1 (DDIM)
	Steps    int     `json:"steps"`    // 1..T (DDIM)
	Spacing  string  `json:"spacing"`  // leading, trailing or linspace (DDIM)
	Clip     bool    `json:"clip"`
}

// SampleArgs are Sample's arguments.
type SampleArgs struct {
	ModelArgs
	SamplerArgs
	Seed uint64 `json:"seed"`
	// Every keeps the frames of every Every-th visited step (and always the
	// first and the last); 0 keeps only the last.
	Every int `json:"every"`
}

// GridArgs are Grid's arguments: one sample per seed.
type GridArgs struct {
	ModelArgs
	SamplerArgs
	Seeds []uint64 `json:"seeds"`
}

// LossArgs are Loss's arguments: L_simple(t) of the model at each t in
// Ts, over M training images (of the model's subset) and M images of the
// held-out set Test, with ε from Seed.
type LossArgs struct {
	ModelArgs
	Test string `json:"test"`
	Ts   []int  `json:"ts"`
	M    int    `json:"m"`
	Seed uint64 `json:"seed"`
}

// Defaults are the values of absent fields: the lesson's schedule, the
// ideal denoiser over the whole set "train", DDIM with η = 0 over 50
// trailing steps, every frame.
func Defaults() SampleArgs {
	c := diffusion.LessonConfig()
	return SampleArgs{
		ModelArgs: ModelArgs{
			ScheduleArgs: ScheduleArgs{Schedule: c.Schedule, T: c.T, BetaStart: c.BetaStart, BetaEnd: c.BetaEnd},
			Denoiser:     "ideal",
			Dataset:      "train",
		},
		SamplerArgs: SamplerArgs{Sampler: "ddim", Variance: "small", Steps: 50, Spacing: "trailing"},
		Every:       1,
	}
}

// DefaultGrid and DefaultLoss are Grid's and Loss's defaults (those of
// Defaults; the loss over 64 images of "test" at 10 steps).
func DefaultGrid() GridArgs {
	d := Defaults()
	return GridArgs{ModelArgs: d.ModelArgs, SamplerArgs: d.SamplerArgs}
}

func DefaultLoss() LossArgs {
	d := Defaults()
	return LossArgs{ModelArgs: d.ModelArgs, Test: "test", Ts: []int{1, 10, 50, 100, 200, 300, 500, 700, 900, 1000}, M: 64}
}

func oneOf(field, got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return &diffusion.ParamError{Field: field, Allowed: "one of " + strings.Join(allowed, ", "), Got: strconv.Quote(got)}
}

func checkSeed(field string, s uint64) error {
	if s > MaxSeed {
		return &diffusion.ParamError{Field: field, Allowed: fmt.Sprintf("an integer in 0..%d", uint64(MaxSeed)), Got: strconv.FormatUint(s, 10)}
	}
	return nil
}

// config checks a against schedule s and returns the reverse.Config.
func (a SamplerArgs) config(s *diffusion.Schedule) (reverse.Config, error) {
	var c reverse.Config
	if err := oneOf("sampler", a.Sampler, "ddpm", "ddim"); err != nil {
		return c, err
	}
	c.Clip = a.Clip
	if a.Sampler == "ddpm" {
		c.Method = reverse.DDPM
		if err := oneOf("variance", a.Variance, "small", "large"); err != nil {
			return c, err
		}
		if a.Variance == "large" {
			c.Variance = reverse.Large
		}
		return c, nil
	}
	c.Method = reverse.DDIM
	if !(a.Eta >= 0 && a.Eta <= 1) {
		return c, &diffusion.ParamError{Field: "eta", Allowed: "a number in 0..1", Got: strconv.FormatFloat(a.Eta, 'g', -1, 64)}
	}
	if a.Steps < 1 || a.Steps > s.T {
		return c, &diffusion.ParamError{Field: "steps", Allowed: fmt.Sprintf("an integer in 1..%d (T)", s.T), Got: strconv.Itoa(a.Steps)}
	}
	sp, err := reverse.ParseSpacing(a.Spacing)
	if err != nil {
		return c, &diffusion.ParamError{Field: "spacing", Allowed: "one of leading, trailing, linspace", Got: strconv.Quote(a.Spacing)}
	}
	c.Eta, c.Steps, c.Spacing = a.Eta, a.Steps, sp
	return c, nil
}
