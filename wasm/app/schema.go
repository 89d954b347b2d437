package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"dissolve/diffusion"
)

// Kind is the type of a state field's value: how it is read from JSON and
// from the URL, and which control shows it.
type Kind string

const (
	KindInteger Kind = "integer" // a JSON integer; the Go value is an int
	KindNumber  Kind = "number"  // a finite JSON number; float64
	KindBoolean Kind = "boolean" // true or false (0 or 1 in the URL); bool
	KindEnum    Kind = "enum"    // one of Options; string
)

// When says that a field applies only while another field's value is in
// In (or not in Not): the betas do not shape the cosine schedule, the
// second schedule is shown only by the "schedules" comparison. A field
// that does not apply is still validated and kept.
type When struct {
	Field string   `json:"field"`
	In    []string `json:"in,omitempty"`
	Not   []string `json:"not,omitempty"`
}

// Field is one state field: its public names, its kind and what it
// allows, its default, and how it reads and writes a State. Schema lists
// them all; every other piece of the page (the JSON patch and the URL
// parsers, the link encoder, the postMessage check, the controls, the
// README's table) reads them from there.
type Field struct {
	Name  string `json:"name"`  // JSON name: getState, setState, postMessage
	Query string `json:"query"` // URL parameter name
	Kind  Kind   `json:"kind"`
	// Word is the {kind} word of its messages (see Words).
	Word string `json:"-"`
	// Min..Max bound integer and number fields (open ends for the betas);
	// MaxField names what the maximum is when it depends on the state
	// (t ≤ T; datasetSize ≤ the size of the data set), and maxOf gives it.
	Min, Max         float64 `json:"-"`
	MinOpen, MaxOpen bool    `json:"-"`
	MaxField         string  `json:"-"`
	Step             float64 `json:"-"` // the control's step; 0 for "any"
	// Options are an enum's values in menu order; images ask the picture
	// library instead (options). Presets are the values a menu offers for
	// an integer or number field that accepts any value in its range.
	Options []string  `json:"-"`
	Presets []float64 `json:"-"`
	When    *When     `json:"-"`
	// OmitDefault leaves the field out of links while it has its default,
	// so that links made before the field existed stay as they were.
	OmitDefault bool `json:"-"`
	// Doc is the meaning the README's table gives; DefaultDoc, when set,
	// replaces the default there (a default that depends on the visitor).
	Doc, DefaultDoc string `json:"-"`

	options func(images ImageSet) []string
	maxOf   func(s State, images ImageSet) float64 // the maximum, when MaxField names it
	get     func(s *State) any
	set     func(s *State, v any)
}

// Schema lists the state's fields in the order of getState(). Adding a
// field means adding it to State, here, and to the message tables if it
// brings a new code; docs/architecture.md walks through it.
var Schema = []Field{
	{Name: "t", Query: "t", Kind: KindInteger, Word: "integer", Min: 0, MaxField: "T", Step: 1, maxOf: maxT,
		Doc: "time step shown",
		get: func(s *State) any { return s.Step },
		set: func(s *State, v any) { s.Step = v.(int) }},
	{Name: "T", Query: "T", Kind: KindInteger, Word: "integer", Min: 1, Max: diffusion.MaxT, Step: 1,
		Doc: "number of steps",
		get: func(s *State) any { return s.T },
		set: func(s *State, v any) { s.T = v.(int) }},
	{Name: "schedule", Query: "schedule", Kind: KindEnum, Options: diffusion.ScheduleNames(),
		Doc: "noise schedule",
		get: func(s *State) any { return s.Schedule },
		set: func(s *State, v any) { s.Schedule = v.(string) }},
	{Name: "betaStart", Query: "betaStart", Kind: KindNumber, Word: "number", Min: 0, Max: 1, MinOpen: true, MaxOpen: true,
		When: &When{Field: "schedule", Not: []string{diffusion.Cosine}},
		Doc:  "β_1 (cosine does not use it)",
		get:  func(s *State) any { return s.BetaStart },
		set:  func(s *State, v any) { s.BetaStart = v.(float64) }},
	{Name: "betaEnd", Query: "betaEnd", Kind: KindNumber, Word: "number", Min: 0, Max: 1, MinOpen: true, MaxOpen: true,
		When: &When{Field: "schedule", Not: []string{diffusion.Cosine}},
		Doc:  "β_T, at least β_1 (cosine does not use it)",
		get:  func(s *State) any { return s.BetaEnd },
		set:  func(s *State, v any) { s.BetaEnd = v.(float64) }},
	{Name: "zeroTerminalSNR", Query: "zeroTerminalSNR", Kind: KindBoolean,
		Doc: "rescale so that ᾱ_T = 0 (Lin et al. 2023)",
		get: func(s *State) any { return s.ZeroTerminalSNR },
		set: func(s *State, v any) { s.ZeroTerminalSNR = v.(bool) }},
	{Name: "mode", Query: "mode", Kind: KindEnum, Options: []string{string(ClosedForm), string(Markov)},
		Doc: "`closed` (one ε) or `markov` (fresh ε each step)",
		get: func(s *State) any { return string(s.Mode) },
		set: func(s *State, v any) { s.Mode = Mode(v.(string)) }},
	{Name: "playing", Query: "play", Kind: KindBoolean,
		Doc: "playing", DefaultDoc: "`1` (`0` when the system asks for reduced motion)",
		get: func(s *State) any { return s.Playing },
		set: func(s *State, v any) { s.Playing = v.(bool) }},
	{Name: "speed", Query: "speed", Kind: KindNumber, Word: "speed", Min: MinSpeed, Max: MaxSpeed, Step: 1,
		Presets: []float64{10, 30, 60, 120, 200, 500, 1000},
		Doc:     "steps per second while playing",
		get:     func(s *State) any { return s.Speed },
		set:     func(s *State, v any) { s.Speed = v.(float64) }},
	{Name: "seed", Query: "seed", Kind: KindInteger, Word: "integer", Min: 0, Max: MaxSeed, Step: 1,
		Doc: "noise seed: the same seed gives the same pixels",
		get: func(s *State) any { return int(s.Seed) },
		set: func(s *State, v any) { s.Seed = uint32(v.(int)) }},
	{Name: "image", Query: "image", Kind: KindEnum,
		Doc:     "picture (`upload` too once one is uploaded; a link carries the default instead)",
		options: func(images ImageSet) []string { return images.Names() },
		get:     func(s *State) any { return s.Image },
		set:     func(s *State, v any) { s.Image = v.(string) }},
	{Name: "size", Query: "size", Kind: KindInteger, Word: "integer", Min: MinSize, Max: MaxSize, Step: 1,
		Presets: []float64{32, 64, 128, 256, 512, 768, 1024},
		Doc:     "processing size (longer side, pixels)",
		get:     func(s *State) any { return s.Size },
		set:     func(s *State, v any) { s.Size = v.(int) }},
	{Name: "lang", Query: "lang", Kind: KindEnum, Options: Languages,
		Doc: "language", DefaultDoc: "the browser's (`ko` for Korean, else `en`)",
		get: func(s *State) any { return s.Lang },
		set: func(s *State, v any) { s.Lang = v.(string) }},
	{Name: "compare", Query: "compare", Kind: KindEnum, Options: compareNames(), OmitDefault: true,
		Doc: "side-by-side panes (`modes`: closed form against Markov chain)",
		get: func(s *State) any { return string(s.Compare) },
		set: func(s *State, v any) { s.Compare = Compare(v.(string)) }},
	{Name: "compareSchedule", Query: "compareSchedule", Kind: KindEnum, Options: diffusion.ScheduleNames(), OmitDefault: true,
		When: &When{Field: "compare", In: []string{string(CompareSchedules)}},
		Doc:  "the second schedule of `compare=schedules`",
		get:  func(s *State) any { return s.CompareSchedule },
		set:  func(s *State, v any) { s.CompareSchedule = v.(string) }},

	// The reverse process (reverse_state.go).
	{Name: "direction", Query: "direction", Kind: KindEnum, Options: []string{string(Forward), string(Reverse)}, OmitDefault: true,
		Doc: "`forward`: the picture dissolves into noise; `reverse`: noise turns back into a picture",
		get: func(s *State) any { return string(s.Direction) },
		set: func(s *State, v any) { s.Direction = Direction(v.(string)) }},
	{Name: "sampler", Query: "sampler", Kind: KindEnum, Options: []string{SamplerDDPM, SamplerDDIM}, OmitDefault: true,
		When: &When{Field: "direction", In: []string{string(Reverse)}},
		Doc:  "the reverse sampler: `ddpm` (every step, fresh noise) or `ddim` (fewer steps)",
		get:  func(s *State) any { return s.Sampler },
		set:  func(s *State, v any) { s.Sampler = v.(string) }},
	{Name: "variance", Query: "variance", Kind: KindEnum, Options: []string{VarianceSmall, VarianceLarge}, OmitDefault: true,
		When: &When{Field: "sampler", In: []string{SamplerDDPM}},
		Doc:  "DDPM's noise per step: `small` (β̃_t) or `large` (β_t)",
		get:  func(s *State) any { return s.Variance },
		set:  func(s *State, v any) { s.Variance = v.(string) }},
	{Name: "eta", Query: "eta", Kind: KindNumber, Word: "number", Min: 0, Max: 1, Step: 0.05, OmitDefault: true,
		When: &When{Field: "sampler", In: []string{SamplerDDIM}},
		Doc:  "DDIM's η: 0 is deterministic, 1 is as noisy as DDPM",
		get:  func(s *State) any { return s.Eta },
		set:  func(s *State, v any) { s.Eta = v.(float64) }},
	{Name: "steps", Query: "steps", Kind: KindInteger, Word: "integer", Min: 1, MaxField: "T", Step: 1, maxOf: maxT, OmitDefault: true,
		Presets: []float64{10, 20, 50, 100, 250, 1000},
		When:    &When{Field: "sampler", In: []string{SamplerDDIM}},
		Doc:     "DDIM's number of steps S",
		get:     func(s *State) any { return s.Steps },
		set:     func(s *State, v any) { s.Steps = v.(int) }},
	{Name: "denoiser", Query: "denoiser", Kind: KindEnum, Options: []string{DenoiserIdeal, DenoiserLocal, DenoiserOracle}, OmitDefault: true,
		When: &When{Field: "direction", In: []string{string(Reverse)}},
		Doc:  "`ideal`: the best possible denoiser of the data set (it memorises); `local`: patch by patch (it creates); `oracle`: knows x_0",
		get:  func(s *State) any { return s.Denoiser },
		set:  func(s *State, v any) { s.Denoiser = v.(string) }},
	{Name: "dataset", Query: "dataset", Kind: KindEnum, OmitDefault: true,
		When:    &When{Field: "direction", In: []string{string(Reverse)}},
		Doc:     "the training set: MNIST `digits`, the built-in `photos`, or `uploads` once a picture is uploaded",
		options: datasetNames,
		get:     func(s *State) any { return s.Dataset },
		set:     func(s *State, v any) { s.Dataset = v.(string) }},
	{Name: "datasetSize", Query: "datasetSize", Kind: KindInteger, Word: "integer", Min: 1, MaxField: "dataset", Step: 1, OmitDefault: true,
		maxOf:   func(s State, images ImageSet) float64 { return float64(datasetSize(s.Dataset, images)) },
		Presets: []float64{100, 1000, 10000},
		When:    &When{Field: "direction", In: []string{string(Reverse)}},
		Doc:     "how many training images (up to the data set's size: 10000 digits, 3 photos)",
		get:     func(s *State) any { return s.DatasetSize },
		set:     func(s *State, v any) { s.DatasetSize = v.(int) }},
}

func maxT(s State, _ ImageSet) float64 { return float64(s.T) }

func compareNames() []string {
	names := make([]string, len(Compares))
	for i, c := range Compares {
		names[i] = string(c)
	}
	return names
}

// FieldNamed returns the field with JSON name name.
func FieldNamed(name string) (Field, bool) {
	i := slices.IndexFunc(Schema, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return Schema[i], true
}

// Fields lists the public field names in the order of getState().
var Fields = func() []string {
	names := make([]string, len(Schema))
	for i, f := range Schema {
		names[i] = f.Name
	}
	return names
}()

// OptionsFor returns f's allowed values now (the pictures depend on the
// library), nil for fields that are not enums.
func (f Field) OptionsFor(images ImageSet) []string {
	if f.options != nil {
		return f.options(images)
	}
	return f.Options
}

// Get returns f's value in s: an int, float64, bool or string.
func (f Field) Get(s State) any { return f.get(&s) }

// refusal is the error for a value f does not allow: CodeRange for
// integer and number fields, CodeOption for enums, CodeType for booleans.
// s is the state the value would enter (t's maximum is its T).
func (f Field) refusal(s State, images ImageSet, got string) *FieldError {
	switch f.Kind {
	case KindInteger, KindNumber:
		e := rangeError(f.Name, f.Word, f.Min, f.Max, got)
		e.MinOpen, e.MaxOpen = f.MinOpen, f.MaxOpen
		if f.maxOf != nil {
			e.MaxField = f.MaxField
			e.Max = nil
			if s.T > 0 { // nil while parsing, before the state is known
				e.Max = num(f.maxOf(s, images))
			}
		}
		return e
	case KindEnum:
		return optionError(f.Name, f.OptionsFor(images), got)
	}
	return typeError(f.Name, "boolean", got)
}

// check returns nil if v is allowed in s.
func (f Field) check(v any, s State, images ImageSet) error {
	switch f.Kind {
	case KindInteger, KindNumber:
		x := toFloat(v)
		hi := f.Max
		if f.maxOf != nil {
			hi = f.maxOf(s, images)
		}
		lowOK := x > f.Min || (!f.MinOpen && x == f.Min)
		highOK := x < hi || (!f.MaxOpen && x == hi)
		if !(lowOK && highOK) { // also refuses NaN
			return f.refusal(s, images, formatValue(v))
		}
	case KindEnum:
		if !slices.Contains(f.OptionsFor(images), v.(string)) {
			return f.refusal(s, images, strconv.Quote(clip(v.(string))))
		}
	}
	return nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

func formatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return strconv.Quote(clip(x))
	}
	return fmt.Sprint(v)
}

// readJSON reads f's value from a JSON value. Integers accept 12 and 12.0
// but not 12.5, "12", true or 1e300; null (what JSON.stringify makes of
// NaN and ±Infinity) is refused like any other wrong value.
func (f Field) readJSON(raw json.RawMessage, s State, images ImageSet) (any, error) {
	got := clip(string(raw))
	switch f.Kind {
	case KindInteger:
		n, err := jsonInt(raw)
		if err != nil {
			return nil, f.refusal(s, images, got)
		}
		return n, nil
	case KindNumber:
		var x float64
		if string(raw) == "null" || json.Unmarshal(raw, &x) != nil {
			return nil, f.refusal(s, images, got)
		}
		return x, nil
	case KindBoolean:
		var b bool
		if string(raw) == "null" || json.Unmarshal(raw, &b) != nil {
			return nil, f.refusal(s, images, got)
		}
		return b, nil
	}
	var str string
	if string(raw) == "null" || json.Unmarshal(raw, &str) != nil {
		return nil, f.refusal(s, images, got)
	}
	if len(str) > MaxString {
		return nil, &FieldError{Field: f.Name, Code: CodeLength, Max: num(MaxString), Got: strconv.Quote(clip(str))}
	}
	return str, nil
}

// readQuery reads f's value from a URL parameter's text. Booleans are 0
// or 1 (true and false are accepted too).
func (f Field) readQuery(text string, s State, images ImageSet) (any, error) {
	got := strconv.Quote(clip(text))
	switch f.Kind {
	case KindInteger:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < math.MinInt32 || n > 1<<53 {
			return nil, f.refusal(s, images, got)
		}
		return int(n), nil
	case KindNumber:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, f.refusal(s, images, got)
		}
		return x, nil
	case KindBoolean:
		switch text {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
		return nil, &FieldError{Field: f.Query, Code: CodeType, Kind: "bit", Got: got}
	}
	if len(text) > MaxString {
		return nil, &FieldError{Field: f.Query, Code: CodeLength, Max: num(MaxString), Got: got}
	}
	return text, nil
}

// queryText is f's value as a URL parameter.
func (f Field) queryText(s State) string {
	switch v := f.Get(s).(type) {
	case bool:
		if v {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case int:
		return strconv.Itoa(v)
	default:
		return fmt.Sprint(v)
	}
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
	x, err := n.Float64()
	if err != nil || x != math.Trunc(x) || math.Abs(x) > 1<<53 {
		return 0, fmt.Errorf("not an integer")
	}
	return int(x), nil
}

// Patch is a partial State: the values of the fields it names, by JSON
// name, already read to their kind (int, float64, bool or string) but not
// yet checked against their ranges; Apply does that.
type Patch map[string]any

// Empty reports whether the patch changes nothing.
func (p Patch) Empty() bool { return len(p) == 0 }

// ParsePatchJSON reads a patch from a JSON object such as
// {"t": 250, "schedule": "cosine"}. Unknown fields and values of the wrong
// type are errors that name the field and what it allows; nothing is
// applied by parsing.
func ParsePatchJSON(data []byte) (Patch, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, &FieldError{Code: CodeObject, Got: clip(string(data))}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report errors in a stable order
	p := Patch{}
	var d State // no T yet: t's message says 0..T
	for _, k := range keys {
		f, ok := FieldNamed(k)
		if !ok {
			return nil, &FieldError{Field: clip(k), Code: CodeUnknown, Options: Fields, Got: strconv.Quote(clip(k))}
		}
		v, err := f.readJSON(raw[k], d, noImages{})
		if err != nil {
			return nil, err
		}
		p[k] = v
	}
	return p, nil
}

// noImages stands in for the picture library while parsing: the picture
// names are checked by Apply.
type noImages struct{}

func (noImages) Has(string) bool { return false }
func (noImages) Names() []string { return nil }

// Apply returns s changed by p, or an error naming the first invalid field
// (and s unchanged). Every field is checked whatever the other fields say
// (the betas under the cosine schedule too). Fields bounded by another
// (t ≤ T) are checked after it; when T shrinks below the current t
// without a new t, t is clamped to T: a consequence, not an error (so are
// DDIM's steps, and the data set's size when the data set changes).
func (s State) Apply(p Patch, images ImageSet) (State, error) {
	n := s
	for pass := 0; pass < 2; pass++ { // unbounded fields first, then t
		for _, f := range Schema {
			v, ok := p[f.Name]
			if !ok || (f.maxOf != nil) != (pass == 1) {
				continue
			}
			if err := f.check(v, n, images); err != nil {
				return s, err
			}
			f.set(&n, v)
		}
		if pass == 0 {
			if n.BetaEnd < n.BetaStart {
				field, got := "betaEnd", n.BetaEnd
				return s, &FieldError{Field: field, Code: CodeOrder, Other: "betaStart", Min: num(n.BetaStart), Got: formatValue(got)}
			}
			if err := n.Config().Validate(); err != nil {
				return s, err // cannot happen: the schema checks more than Validate
			}
		}
	}
	for _, f := range Schema { // t beyond a smaller T becomes T
		if _, given := p[f.Name]; !given && f.maxOf != nil {
			if hi := f.maxOf(n, images); toFloat(f.Get(n)) > hi {
				f.set(&n, int(hi))
			}
		}
	}
	return n, nil
}

// ApplyEach applies the fields of p one at a time, so that one invalid
// field (say t beyond a T that was also given) is reported without losing
// the others. The betas go together (one bounds the other); t goes after T.
func (s State) ApplyEach(p Patch, images ImageSet) (State, []error) {
	var errs []error
	try := func(part Patch) {
		if part.Empty() {
			return
		}
		n, err := s.Apply(part, images)
		if err != nil {
			errs = append(errs, err)
			return
		}
		s = n
	}
	betas, betasTried := Patch{}, false
	for _, name := range []string{"betaStart", "betaEnd"} {
		if v, ok := p[name]; ok {
			betas[name] = v
		}
	}
	for pass := 0; pass < 2; pass++ {
		for _, f := range Schema {
			v, ok := p[f.Name]
			if !ok || (f.maxOf != nil) != (pass == 1) {
				continue
			}
			switch {
			case betas[f.Name] == nil:
				try(Patch{f.Name: v})
			case !betasTried:
				try(betas)
				betasTried = true
			}
		}
	}
	return s, errs
}

// FieldDescription is a field as window.ddpm.schema() describes it to the
// page, with its limits resolved for the current state and pictures.
type FieldDescription struct {
	Name     string    `json:"name"`
	Query    string    `json:"query"`
	Kind     Kind      `json:"kind"`
	Min      *float64  `json:"min,omitempty"`
	Max      *float64  `json:"max,omitempty"`
	MaxField string    `json:"maxField,omitempty"`
	MinOpen  bool      `json:"minOpen,omitempty"`
	MaxOpen  bool      `json:"maxOpen,omitempty"`
	Step     *float64  `json:"step,omitempty"` // absent: any value
	Options  []string  `json:"options,omitempty"`
	Presets  []float64 `json:"presets,omitempty"`
	Default  any       `json:"default"`
	When     *When     `json:"when,omitempty"`
	Codes    []Code    `json:"codes"`
	Doc      string    `json:"doc"`
}

// Codes returns the codes f's errors can carry.
func (f Field) Codes() []Code {
	switch f.Kind {
	case KindInteger, KindNumber:
		if f.Name == "betaEnd" {
			return []Code{CodeRange, CodeOrder}
		}
		return []Code{CodeRange}
	case KindEnum:
		return []Code{CodeOption, CodeLength}
	}
	return []Code{CodeType}
}

// Describe is f for the page: t's maximum is s.T, the pictures are the
// library's now.
func (f Field) Describe(s State, images ImageSet) FieldDescription {
	d := FieldDescription{Name: f.Name, Query: f.Query, Kind: f.Kind, MaxField: f.MaxField,
		MinOpen: f.MinOpen, MaxOpen: f.MaxOpen, Options: f.OptionsFor(images), Presets: f.Presets,
		Default: f.Get(Default()), When: f.When, Codes: f.Codes(), Doc: f.Doc}
	if f.Kind == KindInteger || f.Kind == KindNumber {
		d.Min, d.Max = num(f.Min), num(f.Max)
		if f.maxOf != nil {
			d.Max = num(f.maxOf(s, images))
		}
		if f.Step > 0 {
			d.Step = num(f.Step)
		}
	}
	return d
}

// Description is what window.ddpm.schema() returns: the fields, the
// message tables and the limits the page's controls and checks need.
type Description struct {
	MaxString     int                          `json:"maxString"`
	Fields        []FieldDescription           `json:"fields"`
	PassiveParams []string                     `json:"passiveParams"`
	Languages     []string                     `json:"languages"`
	Codes         []Code                       `json:"codes"`
	Messages      map[string]map[Code]string   `json:"messages"`
	Words         map[string]map[string]string `json:"words"`
	Prefixes      map[string]map[string]string `json:"prefixes"`
	// Panes is the number of panes of each comparison.
	Panes  map[string]int `json:"panes"`
	Upload UploadLimits   `json:"upload"`
	// Export is the export panel's defaults and limits; BuiltinFiles the
	// built-in pictures' files the stage fetches (web/images).
	Export       ExportDefaults `json:"export"`
	BuiltinFiles []string       `json:"builtinFiles"`
}

// ExportDefaults are the exports' default options for a state and the
// limits of their fields.
type ExportDefaults struct {
	GIF    GIFOptions     `json:"gif"`
	Strip  StripOptions   `json:"strip"`
	Limits map[string]int `json:"limits"`
}

// DefaultExports returns the exports' defaults for s.
func DefaultExports(s State) ExportDefaults {
	return ExportDefaults{GIF: DefaultGIFOptions(s), Strip: DefaultStripOptions(), Limits: map[string]int{
		"minFrames": MinExportFrames, "maxGIFFrames": MaxGIFFrames, "maxStripFrames": MaxStripFrames,
		"minFPS": MinGIFFPS, "maxFPS": MaxGIFFPS, "minSize": MinExportSize, "maxSize": MaxExportSize,
	}}
}

// UploadLimits are the limits of an uploaded picture.
type UploadLimits struct {
	MaxBytes  int      `json:"maxBytes"`
	MaxPixels int      `json:"maxPixels"`
	MaxSide   int      `json:"maxSide"`
	Formats   []string `json:"formats"`
}

// Describe returns the schema for the page, resolved for s and images.
func Describe(s State, images ImageSet) Description {
	d := Description{MaxString: MaxString, PassiveParams: PassiveParams, Languages: Languages,
		Codes: Codes, Messages: Messages, Words: Words, Prefixes: Prefixes, Panes: map[string]int{},
		Upload:       UploadLimits{MaxBytes: MaxUploadBytes, MaxPixels: MaxUploadPixels, MaxSide: MaxUploadSide, Formats: UploadFormats},
		Export:       DefaultExports(s),
		BuiltinFiles: BuiltinFiles()}
	for _, f := range Schema {
		d.Fields = append(d.Fields, f.Describe(s, images))
	}
	for _, c := range Compares {
		p := Default()
		p.Compare = c
		d.Panes[string(c)] = len(p.PaneKinds())
	}
	return d
}
