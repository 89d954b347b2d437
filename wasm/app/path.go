package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A teacher's path is a JSON list of stops that presentation mode walks
// (web/present.js), one screen each:
//
//	[
//	  {"state": {"t": 0, "compare": "none"},
//	   "text": {"en": "x₀ is the picture itself.", "ko": "x₀는 그림 그 자체입니다."},
//	   "chart": "histogram"},
//	  {"state": {"t": 1000}, "text": {"en": "…"}, "chart": "residual"}
//	]
//
// state is a patch of window.ddpm.setState (the fields and ranges of
// State.Apply), text is the stop's sentence in English and, optionally,
// Korean (the English one stands in for a missing Korean one), and chart
// names the one chart the stop shows (Charts; "none" when missing).

// Charts names the charts a stop can show, in the page's order.
var Charts = []string{"none", "alphabar", "coef", "beta", "logsnr", "histogram", "spectrum", "strip", "formulas", "residual", "effectiven", "loss"}

// Limits of a teacher's path.
const (
	MaxPathBytes = 64 << 10 // the file
	MaxPathStops = 50
	MaxStopText  = 600 // characters of one sentence
)

// PathStop is one validated stop of a teacher's path.
type PathStop struct {
	// State is the stop's patch, as the file gave it (validated).
	State json.RawMessage   `json:"state"`
	Text  map[string]string `json:"text"` // "en" always, "ko" when given
	Chart string            `json:"chart"`
}

// PathError is what is wrong with a teacher's path: the stop (counted from
// 1; 0 for the file as a whole) and the field at fault, e.g.
// "stop 2: t must be an integer in 0..T (1000), got 5000".
type PathError struct {
	Stop  int
	Field string // "t", "text", "chart", …; empty when no one field is at fault
	Err   error
}

func (e *PathError) Error() string {
	if e.Stop == 0 {
		return "path: " + e.Err.Error()
	}
	return fmt.Sprintf("stop %d: %s", e.Stop, e.Err.Error())
}

func (e *PathError) Unwrap() error { return e.Err }

// ParsePath reads and validates a teacher's path. Each stop's state is
// applied, in order, on top of the state the previous stops leave, starting
// from base (the page's state when the path is loaded), with the same
// validation as window.ddpm.setState; the first fault is returned as a
// *PathError. Nothing is applied to the page by parsing.
func ParsePath(data []byte, base State, images ImageSet) ([]PathStop, error) {
	if len(data) > MaxPathBytes {
		return nil, &PathError{Err: &FieldError{Code: CodePathSize, Max: num(MaxPathBytes >> 10), Got: fmt.Sprintf("%.1f", float64(len(data))/1024)}}
	}
	var raw []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, &PathError{Err: &FieldError{Code: CodePathList, Got: clip(strings.TrimSpace(string(data)))}}
	}
	if len(raw) < 1 || len(raw) > MaxPathStops {
		return nil, &PathError{Err: &FieldError{Code: CodePathStops, Max: num(MaxPathStops), Got: fmt.Sprint(len(raw))}}
	}
	stops := make([]PathStop, len(raw))
	cur := base
	for i, r := range raw {
		stop, next, err := parseStop(r, cur, images)
		if err != nil {
			return nil, &PathError{Stop: i + 1, Err: err, Field: ErrorField(err)}
		}
		stops[i] = stop
		cur = next
	}
	return stops, nil
}

var stopFields = []string{"state", "text", "chart"}

func parseStop(data json.RawMessage, cur State, images ImageSet) (PathStop, State, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return PathStop{}, cur, &FieldError{Code: CodeStopObject, Got: clip(string(data))}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(stopFields, k) {
			return PathStop{}, cur, &FieldError{Field: clip(k), Code: CodeUnknown, Options: stopFields, Got: strconv.Quote(clip(k))}
		}
	}
	stop := PathStop{Chart: "none"}

	state, ok := fields["state"]
	if !ok {
		state = json.RawMessage("{}")
	}
	p, err := ParsePatchJSON(state)
	if err != nil {
		return PathStop{}, cur, err
	}
	next, err := cur.Apply(p, images)
	if err != nil {
		return PathStop{}, cur, err
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, state); err != nil {
		return PathStop{}, cur, err
	}
	stop.State = compact.Bytes()

	textError := &FieldError{Field: "text", Code: CodeStopText, Max: num(MaxStopText), Got: clip(string(fields["text"]))}
	var text map[string]any
	if err := json.Unmarshal(fields["text"], &text); err != nil || text == nil {
		return PathStop{}, cur, textError
	}
	stop.Text = map[string]string{}
	for _, k := range []string{"en", "ko"} {
		v, has := text[k]
		if !has && k == "ko" {
			continue
		}
		s, isString := v.(string)
		if !isString || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxStopText {
			return PathStop{}, cur, textError
		}
		stop.Text[k] = s
	}
	for k := range text {
		if k != "en" && k != "ko" {
			return PathStop{}, cur, textError
		}
	}

	if c, has := fields["chart"]; has {
		var name string
		if err := json.Unmarshal(c, &name); err != nil || !contains(Charts, name) {
			return PathStop{}, cur, optionError("chart", Charts, clip(string(c)))
		}
		stop.Chart = name
	}
	return stop, next, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
