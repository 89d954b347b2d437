package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

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
	MinSize   = 32
	MaxSize   = 1024
	MinSpeed  = 1    // steps per second
	MaxSpeed  = 5000 // steps per second
	MaxSeed   = 1<<32 - 1
	DefaultT  = 1000
	minStep   = 0
	langEn    = "en"
	langKo    = "ko"
	maxString = 64
)

// State is everything that decides what the page shows. It is a value: Apply
// returns a new State and leaves the receiver untouched, so an invalid patch
// can never leave half of itself behind.
//
// JSON names are the public names of window.ddpm.getState() and of the URL.
type State struct {
	Step            int     `json:"t"` // current time step t, 0..T
	T               int     `json:"T"` // number of steps T, 1..10000
	Schedule        string  `json:"schedule"`
	BetaStart       float64 `json:"betaStart"`
	BetaEnd         float64 `json:"betaEnd"`
	ZeroTerminalSNR bool    `json:"zeroTerminalSNR"`
	Mode            Mode    `json:"mode"`
	Playing         bool    `json:"playing"`
	Speed           float64 `json:"speed"` // steps per second while playing
	Seed            uint32  `json:"seed"`
	Image           string  `json:"image"`
	Size            int     `json:"size"` // processing size: the longer side of x_0 in pixels
	Lang            string  `json:"lang"`
	Compare         Compare `json:"compare"`         // side-by-side panes (compare.go)
	CompareSchedule string  `json:"compareSchedule"` // the second schedule of Compare "schedules"
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

// FieldError names the field at fault and what it allows, e.g.
// "t must be an integer in 0..T (1000), got 2000".
type FieldError struct {
	Field   string
	Allowed string
	Got     string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s must be %s, got %s", e.Field, e.Allowed, e.Got)
}

// Patch is a partial State: nil fields are left as they are.
type Patch struct {
	Step            *int
	T               *int
	Schedule        *string
	BetaStart       *float64
	BetaEnd         *float64
	ZeroTerminalSNR *bool
	Mode            *Mode
	Playing         *bool
	Speed           *float64
	Seed            *uint32
	Image           *string
	Size            *int
	Lang            *string
	Compare         *Compare
	CompareSchedule *string
}

// Fields lists the public field names in the order of getState().
var Fields = []string{"t", "T", "schedule", "betaStart", "betaEnd", "zeroTerminalSNR",
	"mode", "playing", "speed", "seed", "image", "size", "lang", "compare", "compareSchedule"}

// Empty reports whether the patch changes nothing.
func (p Patch) Empty() bool { return p == Patch{} }

// ParsePatchJSON reads a patch from a JSON object such as
// {"t": 250, "schedule": "cosine"}. Unknown fields and values of the wrong
// type are errors that name the field; nothing is applied by parsing.
func ParsePatchJSON(data []byte) (Patch, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return Patch{}, fmt.Errorf("state patch must be an object such as {\"t\": 250}, got %s", clip(string(data)))
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report errors in a stable order
	var p Patch
	for _, k := range keys {
		if err := p.setJSON(k, raw[k]); err != nil {
			return Patch{}, err
		}
	}
	return p, nil
}

func (p *Patch) setJSON(key string, v json.RawMessage) error {
	if string(v) == "null" { // JSON.stringify turns NaN and Infinity into null
		return &FieldError{Field: key, Allowed: allowedJSON(key), Got: "null"}
	}
	switch key {
	case "t", "T", "size", "seed":
		n, err := jsonInt(v)
		if err != nil || (key == "seed" && (n < 0 || n > MaxSeed)) {
			return &FieldError{Field: key, Allowed: intRange(key), Got: clip(string(v))}
		}
		p.setInt(key, n)
	case "betaStart", "betaEnd", "speed":
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			return &FieldError{Field: key, Allowed: "a number", Got: clip(string(v))}
		}
		p.setFloat(key, f)
	case "zeroTerminalSNR", "playing":
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return &FieldError{Field: key, Allowed: "true or false", Got: clip(string(v))}
		}
		p.setBool(key, b)
	case "schedule", "mode", "image", "lang", "compare", "compareSchedule":
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return &FieldError{Field: key, Allowed: "a string", Got: clip(string(v))}
		}
		p.setText(key, s)
	default:
		return fmt.Errorf("unknown field %q; the fields are %s", clip(key), strings.Join(Fields, ", "))
	}
	return nil
}

// setInt, setFloat, setBool and setText put a value, already read from JSON
// or from the URL, into the patch field with that public name. Range checks
// are Apply's.
func (p *Patch) setInt(name string, n int) {
	switch name {
	case "t":
		p.Step = &n
	case "T":
		p.T = &n
	case "size":
		p.Size = &n
	case "seed":
		s := uint32(n)
		p.Seed = &s
	}
}

func (p *Patch) setFloat(name string, f float64) {
	switch name {
	case "betaStart":
		p.BetaStart = &f
	case "betaEnd":
		p.BetaEnd = &f
	case "speed":
		p.Speed = &f
	}
}

func (p *Patch) setBool(name string, b bool) {
	switch name {
	case "playing":
		p.Playing = &b
	case "zeroTerminalSNR":
		p.ZeroTerminalSNR = &b
	}
}

func (p *Patch) setText(name, s string) {
	switch name {
	case "schedule":
		p.Schedule = &s
	case "mode":
		m := Mode(s)
		p.Mode = &m
	case "image":
		p.Image = &s
	case "lang":
		p.Lang = &s
	case "compare":
		c := Compare(s)
		p.Compare = &c
	case "compareSchedule":
		p.CompareSchedule = &s
	}
}

func allowedJSON(key string) string {
	switch key {
	case "t", "T", "size", "seed":
		return intRange(key)
	case "betaStart", "betaEnd", "speed":
		return "a finite number"
	case "zeroTerminalSNR", "playing":
		return "true or false"
	}
	return "a string"
}

// jsonInt accepts 12 and 12.0 but not 12.5, "12", true or 1e300.
func jsonInt(v json.RawMessage) (int, error) {
	if len(v) == 0 || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		return 0, fmt.Errorf("not a number") // json.Number would accept "3"
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, err
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("not an integer")
	}
	return int(f), nil
}

func intRange(field string) string {
	switch field {
	case "t":
		return "an integer in 0..T"
	case "T":
		return fmt.Sprintf("an integer in 1..%d", diffusion.MaxT)
	case "size":
		return fmt.Sprintf("an integer in %d..%d", MinSize, MaxSize)
	case "seed":
		return fmt.Sprintf("an integer in 0..%d", MaxSeed)
	}
	return "an integer"
}

// clip keeps echoed user input short in messages.
func clip(s string) string {
	if len(s) > maxString {
		return s[:maxString] + "…"
	}
	return s
}

// Apply returns s changed by p, or an error naming the first invalid field
// (and s unchanged). When T shrinks below the current t without a new t,
// t is clamped to T: that is a consequence, not an error.
func (s State) Apply(p Patch, images ImageSet) (State, error) {
	n := s
	if p.T != nil {
		n.T = *p.T
	}
	if p.Schedule != nil {
		n.Schedule = *p.Schedule
	}
	if p.BetaStart != nil {
		n.BetaStart = *p.BetaStart
	}
	if p.BetaEnd != nil {
		n.BetaEnd = *p.BetaEnd
	}
	if p.ZeroTerminalSNR != nil {
		n.ZeroTerminalSNR = *p.ZeroTerminalSNR
	}
	if err := n.Config().Validate(); err != nil {
		return s, err
	}
	if p.Step != nil {
		if *p.Step < minStep || *p.Step > n.T {
			return s, &FieldError{Field: "t", Allowed: fmt.Sprintf("an integer in 0..T (%d)", n.T), Got: fmt.Sprint(*p.Step)}
		}
		n.Step = *p.Step
	} else if n.Step > n.T {
		n.Step = n.T
	}
	if p.Mode != nil {
		if *p.Mode != ClosedForm && *p.Mode != Markov {
			return s, &FieldError{Field: "mode", Allowed: `"closed" or "markov"`, Got: fmt.Sprintf("%q", clip(string(*p.Mode)))}
		}
		n.Mode = *p.Mode
	}
	if p.Playing != nil {
		n.Playing = *p.Playing
	}
	if p.Speed != nil {
		v := *p.Speed
		if !(v >= MinSpeed && v <= MaxSpeed) { // also rejects NaN
			return s, &FieldError{Field: "speed", Allowed: fmt.Sprintf("a number of steps per second in %d..%d", MinSpeed, MaxSpeed), Got: fmt.Sprint(v)}
		}
		n.Speed = v
	}
	if p.Seed != nil {
		n.Seed = *p.Seed
	}
	if p.Image != nil {
		if !images.Has(*p.Image) {
			return s, &FieldError{Field: "image", Allowed: "one of " + strings.Join(images.Names(), ", "), Got: fmt.Sprintf("%q", clip(*p.Image))}
		}
		n.Image = *p.Image
	}
	if p.Size != nil {
		if *p.Size < MinSize || *p.Size > MaxSize {
			return s, &FieldError{Field: "size", Allowed: intRange("size"), Got: fmt.Sprint(*p.Size)}
		}
		n.Size = *p.Size
	}
	if p.Lang != nil {
		if *p.Lang != langEn && *p.Lang != langKo {
			return s, &FieldError{Field: "lang", Allowed: `"en" or "ko"`, Got: fmt.Sprintf("%q", clip(*p.Lang))}
		}
		n.Lang = *p.Lang
	}
	if err := n.applyCompare(p); err != nil {
		return s, err
	}
	return n, nil
}

// ImageSet answers which picture names are valid right now: the built-in
// ones, and "upload" once a picture has been uploaded.
type ImageSet interface {
	Has(name string) bool
	Names() []string
}
