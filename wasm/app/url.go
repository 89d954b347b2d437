package app

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// URL parameters mirror the state. Their names are the state's JSON names,
// except that "playing" is "play" (0 or 1) and "zeroTerminalSNR" may be
// given as 0/1 as well as false/true:
//
//	?schedule=cosine&T=500&t=250&mode=markov&play=0&seed=7&image=tiny&size=256&lang=ko
//
// Parameters the page does not own (embed, path: a teacher's path that
// web/present.js loads, and anything a host adds) are
// left to the JavaScript side and ignored here.
var queryNames = map[string]string{
	"t": "t", "T": "T", "schedule": "schedule", "betaStart": "betaStart",
	"betaEnd": "betaEnd", "zeroTerminalSNR": "zeroTerminalSNR", "mode": "mode",
	"play": "playing", "playing": "playing", "speed": "speed", "seed": "seed",
	"image": "image", "size": "size", "lang": "lang",
	"compare": "compare", "compareSchedule": "compareSchedule",
}

// Passive parameters belong to the page's JavaScript, not to the state.
var passiveParams = map[string]bool{"embed": true, "path": true}

// ParseQuery reads the state parameters of a URL query string. Each
// invalid parameter becomes one error (naming it and its allowed values)
// and is left out of the patch; the valid ones are kept.
func ParseQuery(query string) (Patch, []error) {
	values, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	var errs []error
	if err != nil {
		errs = append(errs, fmt.Errorf("the URL query is malformed: %v", err))
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var p Patch
	for _, k := range keys {
		if passiveParams[k] {
			continue
		}
		name, ok := queryNames[k]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown URL parameter %q; the parameters are t, T, schedule, betaStart, betaEnd, zeroTerminalSNR, mode, play, speed, seed, image, size, lang, compare, compareSchedule, embed, path", clip(k)))
			continue
		}
		v := values[k][len(values[k])-1]
		if err := p.setQuery(name, v); err != nil {
			errs = append(errs, err)
		}
	}
	return p, errs
}

func (p *Patch) setQuery(name, v string) error {
	switch name {
	case "t", "T", "size", "seed":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || (name == "seed" && (n < 0 || n > MaxSeed)) {
			return &FieldError{Field: name, Allowed: intRange(name), Got: fmt.Sprintf("%q", clip(v))}
		}
		p.setInt(name, int(n))
	case "betaStart", "betaEnd", "speed":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return &FieldError{Field: name, Allowed: "a number", Got: fmt.Sprintf("%q", clip(v))}
		}
		p.setFloat(name, f)
	case "playing", "zeroTerminalSNR":
		switch v {
		case "1", "true":
			p.setBool(name, true)
		case "0", "false":
			p.setBool(name, false)
		default:
			field := name
			if name == "playing" {
				field = "play"
			}
			return &FieldError{Field: field, Allowed: "0 or 1", Got: fmt.Sprintf("%q", clip(v))}
		}
	default:
		p.setText(name, v)
	}
	return nil
}

// ApplyEach applies the fields of p one at a time, so that one invalid field
// (say t beyond a T that was also given) is reported without losing the
// others. Fields are applied schedule first, so that t is checked against
// the new T.
func (s State) ApplyEach(p Patch, images ImageSet) (State, []error) {
	var errs []error
	parts := []Patch{
		{T: p.T, Schedule: p.Schedule, BetaStart: p.BetaStart, BetaEnd: p.BetaEnd, ZeroTerminalSNR: p.ZeroTerminalSNR},
		{Step: p.Step}, {Mode: p.Mode}, {Playing: p.Playing}, {Speed: p.Speed},
		{Seed: p.Seed}, {Image: p.Image}, {Size: p.Size}, {Lang: p.Lang},
		{Compare: p.Compare}, {CompareSchedule: p.CompareSchedule},
	}
	for _, part := range parts {
		if part.Empty() {
			continue
		}
		n, err := s.Apply(part, images)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s = n
	}
	return s, errs
}

// Query encodes the whole state as URL parameters, in a fixed order, so
// that a shared link reproduces the state exactly (with the same seed, the
// same pixels). An uploaded picture cannot travel in a URL; its state is
// encoded with the default picture instead.
func (s State) Query() string {
	image := s.Image
	if image == UploadImage {
		image = DefaultImage
	}
	play := "0"
	if s.Playing {
		play = "1"
	}
	zsnr := "0"
	if s.ZeroTerminalSNR {
		zsnr = "1"
	}
	parts := []string{
		"schedule=" + url.QueryEscape(s.Schedule),
		"T=" + strconv.Itoa(s.T),
		"betaStart=" + strconv.FormatFloat(s.BetaStart, 'g', -1, 64),
		"betaEnd=" + strconv.FormatFloat(s.BetaEnd, 'g', -1, 64),
		"zeroTerminalSNR=" + zsnr,
		"t=" + strconv.Itoa(s.Step),
		"mode=" + string(s.Mode),
		"play=" + play,
		"speed=" + strconv.FormatFloat(s.Speed, 'g', -1, 64),
		"seed=" + strconv.FormatUint(uint64(s.Seed), 10),
		"image=" + url.QueryEscape(image),
		"size=" + strconv.Itoa(s.Size),
		"lang=" + s.Lang,
	}
	parts = append(parts, s.compareQuery()...)
	return strings.Join(parts, "&")
}
