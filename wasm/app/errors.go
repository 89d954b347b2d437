package app

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"dissolve/diffusion"
)

// Code says what a refused value should have been. Each language has one
// message for each code (messages.go); the page fills it with the error's
// fields, so the English text is Go's and the Korean text is the table's.
type Code string

// The codes. A field refused for its type or its value gets the code of
// what it allows, so the message always tells the allowed values: an
// integer field refused for 2.5 or for 5000 both give CodeRange.
const (
	CodeType         Code = "type"          // {field} must be {kind}
	CodeRange        Code = "range"         // {field} must be {kind} in {interval}
	CodeOption       Code = "option"        // {field} must be one of {options}
	CodeOrder        Code = "order"         // betaEnd must be >= betaStart ({min})
	CodeLength       Code = "length"        // a string longer than MaxString
	CodeUnknown      Code = "unknown"       // a field that does not exist
	CodeUnknownParam Code = "unknown-param" // a URL parameter that does not exist
	CodeUnknownOpt   Code = "unknown-option"
	CodeObject       Code = "object"    // a state patch that is not a JSON object
	CodeOptions      Code = "options"   // export options that are not a JSON object
	CodeQuery        Code = "query"     // a malformed URL query
	CodeSeparator    Code = "separator" // URL parameters joined by ";" ({fields})
	CodeFileEmpty    Code = "file-empty"
	CodeFileSize     Code = "file-size"    // {max} MiB
	CodeFileCorrupt  Code = "file-corrupt" // {format}
	CodeFileFormat   Code = "file-format"  // {optionsOr}
	CodeFilePixels   Code = "file-pixels"  // {side}, {megapixels}
	CodePathSize     Code = "path-size"    // {max} KiB
	CodePathList     Code = "path-list"
	CodePathStops    Code = "path-stops" // 1..{max} stops
	CodeStopObject   Code = "stop-object"
	CodeStopText     Code = "stop-text" // 1..{max} characters
)

// Codes lists every code, in the order of the message tables.
var Codes = []Code{CodeType, CodeRange, CodeOption, CodeOrder, CodeLength, CodeUnknown,
	CodeUnknownParam, CodeUnknownOpt, CodeObject, CodeOptions, CodeQuery, CodeSeparator, CodeFileEmpty,
	CodeFileSize, CodeFileCorrupt, CodeFileFormat, CodeFilePixels, CodePathSize, CodePathList,
	CodePathStops, CodeStopObject, CodeStopText}

// FieldError is a refused value, structured so that each language can say
// it: the field at fault, the code of what it allows, the allowed interval
// or options, and what was given. Error() is the English message, e.g.
//
//	t must be an integer in 0..T (1000), got 2000
type FieldError struct {
	Field string `json:"field,omitempty"`
	Code  Code   `json:"code"`
	// Kind is the word for the value's kind ("integer", "number", "speed",
	// "boolean", "bit", "string"; see Words), for CodeType and CodeRange.
	Kind string `json:"kind,omitempty"`
	// Min and Max bound CodeRange (closed unless MinOpen, MaxOpen); MaxField
	// names the field whose value Max is ("T" for t). For CodeOrder, Min is
	// the value of the field Other that this one must not be below.
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MinOpen  bool     `json:"minOpen,omitempty"`
	MaxOpen  bool     `json:"maxOpen,omitempty"`
	MaxField string   `json:"maxField,omitempty"`
	Other    string   `json:"other,omitempty"`
	Options  []string `json:"options,omitempty"`
	// Args are the further numbers or names a code's message uses (see
	// messages.go), already formatted.
	Args map[string]string `json:"args,omitempty"`
	Got  string            `json:"got,omitempty"`
}

func (e *FieldError) Error() string { return e.Message("en") }

// Message is the error in lang ("en" or "ko"; anything else is English).
func (e *FieldError) Message(lang string) string {
	table, ok := Messages[lang]
	if !ok {
		table, lang = Messages[langEn], langEn
	}
	return fill(table[e.Code], lang, e)
}

// fill replaces the {name} placeholders of a message template.
func fill(tmpl, lang string, e *FieldError) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		b.WriteString(e.arg(tmpl[i+1:i+1+j], lang))
		tmpl = tmpl[i+2+j:]
	}
}

// arg is the value of one placeholder; the page's JavaScript fills the
// same placeholders the same way (web/errors.js).
func (e *FieldError) arg(name, lang string) string {
	switch name {
	case "field":
		return e.Field
	case "kind":
		return Words[lang][e.Kind]
	case "interval":
		return e.interval()
	case "min":
		return formatNumber(e.Min)
	case "max":
		return formatNumber(e.Max)
	case "other":
		return e.Other
	case "options":
		return strings.Join(e.Options, ", ")
	case "optionsOr": // "PNG, JPEG, GIF or WebP"
		n := len(e.Options)
		if n < 2 {
			return strings.Join(e.Options, "")
		}
		return strings.Join(e.Options[:n-1], ", ") + " " + Words[lang]["or"] + " " + e.Options[n-1]
	case "got":
		return e.Got
	}
	if v, ok := e.Args[name]; ok {
		return v
	}
	return "{" + name + "}"
}

// interval is "0..1000", "0..T (1000)" or "(0, 1)".
func (e *FieldError) interval() string {
	lo, hi := formatNumber(e.Min), formatNumber(e.Max)
	if e.MaxField != "" {
		hi = e.MaxField
		if e.Max != nil {
			hi += " (" + formatNumber(e.Max) + ")"
		}
	}
	if e.MinOpen || e.MaxOpen {
		l, r := "[", "]"
		if e.MinOpen {
			l = "("
		}
		if e.MaxOpen {
			r = ")"
		}
		return l + lo + ", " + hi + r
	}
	return lo + ".." + hi
}

func formatNumber(x *float64) string {
	if x == nil {
		return ""
	}
	if *x == math.Trunc(*x) && math.Abs(*x) < 1<<53 {
		return strconv.FormatInt(int64(*x), 10) // 4294967295, not 4.294967295e+09
	}
	return strconv.FormatFloat(*x, 'g', -1, 64)
}

func num(x float64) *float64 { return &x }

// rangeError is CodeRange for an integer or number field.
func rangeError(field, kind string, min, max float64, got string) *FieldError {
	return &FieldError{Field: field, Code: CodeRange, Kind: kind, Min: num(min), Max: num(max), Got: got}
}

// optionError is CodeOption.
func optionError(field string, options []string, got string) *FieldError {
	return &FieldError{Field: field, Code: CodeOption, Options: options, Got: got}
}

// typeError is CodeType.
func typeError(field, kind, got string) *FieldError {
	return &FieldError{Field: field, Code: CodeType, Kind: kind, Got: got}
}

// AsFieldError returns err as a *FieldError (itself or the one it wraps),
// or nil.
func AsFieldError(err error) *FieldError {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// ErrorField returns the public name of the field an error is about, or ""
// when it names none.
func ErrorField(err error) string {
	if fe := AsFieldError(err); fe != nil {
		return fe.Field
	}
	var de *diffusion.ParamError
	if errors.As(err, &de) {
		return de.Field
	}
	return ""
}
