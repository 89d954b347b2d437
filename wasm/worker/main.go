//go:build js && wasm

// Command worker is the compute-only browser build (web/worker.wasm): the
// reverse process of package compute, run inside a Web Worker
// (web/worker.js) so that the page's main thread, which draws, stays free.
// It imports no Ebiten and no image decoders, so it stays small.
//
// It defines globalThis.dissolveCompute.call(op, args, bytes):
//
//   - op: "load", "sets", "sample", "grid" or "loss" (compute.Ops);
//   - args: the request's fields as a JSON string;
//   - bytes: a Uint8Array, the data set file for "load" (else undefined).
//
// It returns {json, arrays}: the result's numbers as a JSON string and its
// pictures as typed arrays (Float32Array, Uint8Array) over fresh
// ArrayBuffers the worker can transfer; or {error, field} when the request
// is refused. A Go panic is recovered and reported as an error: the
// module keeps running and the next request is served.
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"unsafe"

	"dissolve/wasm/worker/compute"
)

func main() {
	e := compute.NewEngine()
	api := js.Global().Get("Object").New()
	api.Set("call", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return call(e, args)
	}))
	api.Set("ops", js.ValueOf(anySlice(compute.Ops)))
	js.Global().Set("dissolveCompute", api)
	select {} // serve calls until the worker is terminated
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// call runs one request; see the package comment.
func call(e *compute.Engine, args []js.Value) (reply js.Value) {
	op := "?"
	defer func() {
		if r := recover(); r != nil {
			reply = errorValue(fmt.Sprintf("internal error in %s (recovered; the worker goes on): %v", op, r), "")
		}
	}()
	if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
		return errorValue("dissolveCompute.call takes (op string, args JSON string[, bytes Uint8Array])", "")
	}
	op = args[0].String()
	var file []byte
	if len(args) > 2 && args[2].Type() == js.TypeObject {
		file = make([]byte, args[2].Get("byteLength").Int())
		js.CopyBytesToGo(file, args[2])
	}
	result, err := e.Do(op, []byte(args[1].String()), file)
	if err != nil {
		return errorValue(err.Error(), compute.ErrorField(err))
	}
	meta, err := json.Marshal(result)
	if err != nil {
		return errorValue("internal error: "+err.Error(), "")
	}
	arrays := js.Global().Get("Object").New()
	for name, a := range compute.Arrays(result) {
		arrays.Set(name, typedArray(a))
	}
	out := js.Global().Get("Object").New()
	out.Set("json", string(meta))
	out.Set("arrays", arrays)
	return out
}

func errorValue(msg, field string) js.Value {
	v := js.Global().Get("Object").New()
	v.Set("error", msg)
	v.Set("field", field)
	return v
}

// typedArray copies a into a new typed array of its element type: the
// bytes as they lie in memory, little-endian like every browser's typed
// arrays.
func typedArray(a any) js.Value {
	var b []byte
	kind := "Uint8Array"
	switch s := a.(type) {
	case []uint8:
		b = s
	case []float32:
		b, kind = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), 4*len(s)), "Float32Array"
	case []float64:
		b, kind = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), 8*len(s)), "Float64Array"
	default:
		panic(fmt.Sprintf("no typed array for %T", a))
	}
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	if kind == "Uint8Array" {
		return u8
	}
	return js.Global().Get(kind).New(u8.Get("buffer"))
}
