package app

import (
	"dissolve/dataset"
	"dissolve/diffusion"
)

// Mode is how x_t is produced from x_0.
type Mode string

const (
	// ClosedForm is x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε with one ε for every t:
	// scrubbing t moves along a straight line between x_0 and ε.
	ClosedForm Mode = "closed"
	// Markov is the chain x_t = √α_t x_{t−1} + √(1−α_t) ε_t with fresh
	// noise at every step; x_t depends only on (seed, t).
	Markov Mode = "markov"
)

// Limits of the controls. Every error message quotes them.
const (
	MinSize  = 32
	MaxSize  = 1024
	MinSpeed = 1    // steps per second
	MaxSpeed = 5000 // steps per second
	MaxSeed  = 1<<32 - 1
	DefaultT = 1000
	langEn   = "en"
	langKo   = "ko"
	// MaxString is the longest string any field accepts; longer input is
	// refused before it is parsed further.
	MaxString = 64
)

// State is everything that decides what the page shows. It is a value: Apply
// returns a new State and leaves the receiver untouched, so an invalid patch
// can never leave half of itself behind.
//
// Its public names (window.ddpm.getState(), setState, the URL) are the
// Schema's; MarshalJSON writes them in the Schema's order.
type State struct {
	Step            int // current time step t, 0..T
	T               int // number of steps T, 1..10000
	Schedule        string
	BetaStart       float64
	BetaEnd         float64
	ZeroTerminalSNR bool
	Mode            Mode
	Playing         bool
	Speed           float64 // steps per second while playing
	Seed            uint32
	Image           string
	Size            int // processing size: the longer side of x_0 in pixels
	Lang            string
	Compare         Compare // side-by-side panes (compare.go)
	CompareSchedule string  // the second schedule of Compare "schedules"

	// The reverse process (reverse_state.go).
	Direction   Direction
	Sampler     string  // "ddpm" or "ddim"
	Variance    string  // DDPM's σ_t²: "small" (β̃_t) or "large" (β_t)
	Eta         float64 // DDIM's η in [0, 1]
	Steps       int     // DDIM's S in 1..T
	Denoiser    string  // "ideal", "local" or "oracle"
	Dataset     string  // "digits", "photos" or "uploads"
	DatasetSize int     // how many training images, 1..the data set's size
}

// Default is the lesson's configuration: linear β from 1e-4 to 0.02 over
// T = 1000 steps, the built-in photograph, playing.
func Default() State {
	c := diffusion.LessonConfig()
	return State{
		Step:      0,
		T:         c.T,
		Schedule:  c.Schedule,
		BetaStart: c.BetaStart,
		BetaEnd:   c.BetaEnd,
		Mode:      ClosedForm,
		Playing:   true,
		Speed:     200,
		Seed:      1,
		Image:     DefaultImage,
		Size:      256,
		Lang:      langEn,

		Compare:         CompareNone,
		CompareSchedule: diffusion.Cosine,

		Direction:   Forward,
		Sampler:     SamplerDDIM,
		Variance:    VarianceSmall,
		Eta:         0,
		Steps:       DefaultSteps,
		Denoiser:    DenoiserIdeal,
		Dataset:     DatasetDigits,
		DatasetSize: dataset.PageTrainDigits,
	}
}

// Config is the schedule part of the state.
func (s State) Config() diffusion.Config {
	return diffusion.Config{
		Schedule:        s.Schedule,
		T:               s.T,
		BetaStart:       s.BetaStart,
		BetaEnd:         s.BetaEnd,
		ZeroTerminalSNR: s.ZeroTerminalSNR,
	}
}

// clip keeps echoed user input short in messages.
func clip(s string) string {
	if len(s) > MaxString {
		return s[:MaxString] + "…"
	}
	return s
}

// ImageSet answers which picture names are valid right now: the built-in
// ones, and "upload" once a picture has been uploaded.
type ImageSet interface {
	Has(name string) bool
	Names() []string
}
