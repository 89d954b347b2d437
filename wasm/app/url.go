package app

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// URL parameters mirror the state. Their names are the Schema's Query
// names (the JSON names, except that "playing" is "play"); booleans are 0
// or 1 (true and false are accepted too):
//
//	?schedule=cosine&T=500&t=250&mode=markov&play=0&seed=7&image=tiny&size=256&lang=ko
//
// Parameters the page does not own (PassiveParams: embed, path, and what
// a host adds) are left to the JavaScript side and ignored here.

// PassiveParams belong to the page's JavaScript, not to the state: embed
// (the embedded player, 0 or 1), path (a teacher's path that
// web/present.js loads) and parentOrigin (the only origin whose page may
// drive an embed with postMessage, web/messages.js). ParseQuery checks
// embed and parentOrigin, so that a bad value is reported like any other.
var PassiveParams = []string{"embed", "path", "parentOrigin"}

// checkPassive checks the value of the passive parameter name, as the
// page's JavaScript reads it: embed is a bit (web/boot.js turns embed mode
// on for 1 or true only); parentOrigin is an origin (ParseOrigin).
func checkPassive(name, text string) error {
	got := strconv.Quote(clip(text))
	switch name {
	case "embed":
		switch text {
		case "0", "1", "true", "false":
			return nil
		}
		return &FieldError{Field: name, Code: CodeType, Kind: "bit", Got: got}
	case "parentOrigin":
		if _, ok := ParseOrigin(text); !ok {
			return &FieldError{Field: name, Code: CodeType, Kind: "origin", Got: got}
		}
	}
	return nil
}

// ParseOrigin reads an origin as a page's URL parameter names it:
// http or https, a host (and port), nothing else but an optional final
// "/". It returns the origin as a browser serialises it (event.origin):
// scheme://host[:port], lower case. web/messages.js reads parentOrigin by
// the same rule.
func ParseOrigin(text string) (string, bool) {
	u, err := url.Parse(text)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
		strings.HasSuffix(text, "#") || strings.ContainsAny(text, " \\\t\n") {
		return "", false
	}
	host := strings.ToLower(u.Host)
	// As the browser spells it: no default port, no escapes, ASCII only
	// (an IDN host would become its punycode).
	if strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" ||
		(u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") || strings.HasSuffix(host, ":") {
		return "", false
	}
	return u.Scheme + "://" + host, true
}

// separatorErrors finds the parameters of query that ";" joins (Go's
// url.ParseQuery drops such a pair whole, with an error that names none
// of them): one error each, naming the parameters left out. It returns
// the query without them.
func separatorErrors(query string) (string, []error) {
	if !strings.Contains(query, ";") {
		return query, nil
	}
	var keep []string
	var errs []error
	for _, piece := range strings.Split(query, "&") {
		if !strings.Contains(piece, ";") {
			keep = append(keep, piece)
			continue
		}
		var names []string
		for _, part := range strings.Split(piece, ";") {
			k, _, _ := strings.Cut(part, "=")
			if u, err := url.QueryUnescape(k); err == nil {
				k = u
			}
			if k != "" {
				names = append(names, strconv.Quote(clip(k)))
			}
		}
		first := ""
		if len(names) > 0 {
			first, _ = strconv.Unquote(names[0])
		}
		errs = append(errs, &FieldError{Field: first, Code: CodeSeparator, Args: map[string]string{"fields": strings.Join(names, ", ")}, Got: strconv.Quote(clip(piece))})
	}
	return strings.Join(keep, "&"), errs
}

// queryField returns the field whose URL parameter is name; the JSON name
// "playing" is accepted for "play" too.
func queryField(name string) (Field, bool) {
	for _, f := range Schema {
		if f.Query == name || f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// QueryNames lists the URL parameters: the state's, then the passive ones.
func QueryNames() []string {
	names := make([]string, 0, len(Schema)+len(PassiveParams))
	for _, f := range Schema {
		names = append(names, f.Query)
	}
	return append(names, PassiveParams...)
}

// ParseQuery reads the state parameters of a URL query string. Each
// invalid parameter becomes one error (naming it and its allowed values)
// and is left out of the patch; the valid ones are kept.
func ParseQuery(query string) (Patch, []error) {
	query, errs := separatorErrors(strings.TrimPrefix(query, "?"))
	values, err := url.ParseQuery(query)
	if err != nil {
		errs = append(errs, &FieldError{Code: CodeQuery, Got: clip(err.Error())})
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p := Patch{}
	for _, k := range keys {
		if contains(PassiveParams, k) {
			if err := checkPassive(k, values[k][len(values[k])-1]); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		f, ok := queryField(k)
		if !ok {
			errs = append(errs, &FieldError{Field: clip(k), Code: CodeUnknownParam, Options: QueryNames(), Got: strconv.Quote(clip(k))})
			continue
		}
		v, err := f.readQuery(values[k][len(values[k])-1], State{}, noImages{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p[f.Name] = v
	}
	return p, errs
}

// Query encodes the whole state as URL parameters, in the Schema's order,
// so that a shared link reproduces the state exactly (with the same seed,
// the same pixels). An uploaded picture cannot travel in a URL; its state
// is encoded with the default picture instead.
func (s State) Query() string {
	if s.Image == UploadImage {
		s.Image = DefaultImage
	}
	d := Default()
	var parts []string
	for _, f := range Schema {
		if f.OmitDefault && f.Get(s) == f.Get(d) {
			continue
		}
		parts = append(parts, f.Query+"="+url.QueryEscape(f.queryText(s)))
	}
	return strings.Join(parts, "&")
}

// MarshalJSON writes the state as window.ddpm.getState() gives it: the
// Schema's fields, by JSON name, in its order.
func (s State) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range Schema {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.Name)
		value, err := json.Marshal(f.Get(s))
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a whole state as MarshalJSON writes it (a program
// reading getState()); fields it lacks keep their value, values are not
// range-checked (use ParsePatchJSON and Apply for input).
func (s *State) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	for _, f := range Schema {
		v, ok := raw[f.Name]
		if !ok {
			continue
		}
		x, err := f.readJSON(v, State{}, noImages{})
		if err != nil {
			return err
		}
		f.set(s, x)
	}
	return nil
}
