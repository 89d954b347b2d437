package compute

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"dissolve/diffusion"
)

// Ops are the operations Do knows, as a worker's requests name them.
var Ops = []string{"load", "sets", "sample", "grid", "loss", "chain", "picture"}

// FieldError is a request that could not be read: not JSON, a field of the
// wrong type, or a field the operation does not have. Field names it when
// known.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Message }

// ErrorField returns the request field an error of Do is about, or "".
func ErrorField(err error) string {
	var pe *diffusion.ParamError
	var fe *FieldError
	switch {
	case errors.As(err, &pe):
		return pe.Field
	case errors.As(err, &fe):
		return fe.Field
	}
	return ""
}

// Arrays returns the typed-array part of a result of Do (nil if it has
// none): name → []float32 or []uint8.
func Arrays(result any) map[string]any {
	if r, ok := result.(interface{ Arrays() map[string]any }); ok {
		return r.Arrays()
	}
	return nil
}

// Do runs operation op with its JSON arguments args (absent fields take
// the defaults: Defaults, DefaultGrid, DefaultLoss) and, for load, the
// file's bytes (for picture, the picture's). The result's JSON encoding is its numbers; Arrays(result)
// its pictures. A panic is recovered and returned as an error: a worker
// keeps serving.
func (e *Engine) Do(op string, args, file []byte) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, fmt.Errorf("internal error in %s (recovered; the worker goes on): %v", op, r)
		}
	}()
	switch op {
	case "load":
		var a LoadArgs
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Load(a, file)
	case "sets":
		return e.Sets(), nil
	case "sample":
		a := Defaults()
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Sample(a)
	case "grid":
		a := DefaultGrid()
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Grid(a)
	case "loss":
		a := DefaultLoss()
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Loss(a)
	case "chain":
		a := ChainArgs{ScheduleArgs: Defaults().ScheduleArgs}
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Chain(a)
	case "picture":
		var a PictureArgs
		if err := decode(op, args, &a); err != nil {
			return nil, err
		}
		return e.Picture(a, file)
	}
	return nil, &FieldError{"op", fmt.Sprintf("op must be one of %s, got %q", strings.Join(Ops, ", "), op)}
}

// decode reads args onto dst, refusing unknown fields (a misspelt field
// would otherwise silently keep its default).
func decode(op string, args []byte, dst any) error {
	if len(bytes.TrimSpace(args)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			return &FieldError{"", op + ": the arguments must be one JSON object"}
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return &FieldError{"", fmt.Sprintf("%s: the arguments are not a JSON object but a JSON %s", op, te.Value)}
		}
		// Field is a path through embedded structs ("SamplerArgs.steps"):
		// the request's own name is its last part.
		f := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
		return &FieldError{f, fmt.Sprintf("%s must be %s, got a JSON %s", f, jsonKind(te.Type.Kind().String()), te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &FieldError{name, fmt.Sprintf("%s has no field %q", op, name)}
	}
	return &FieldError{"", fmt.Sprintf("%s: the arguments are not a JSON object: %v", op, err)}
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "an integer"
	case strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "true or false"
	case k == "slice":
		return "a list"
	}
	return "a " + k
}
