//go:build js && wasm

// Package jsapi is the JavaScript face of package compute, shared by the
// compute workers (wasm/worker) and the page's own core (wasm, which
// computes on the main thread when no worker can start): the same
// requests, the same answers.
package jsapi

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"unsafe"

	"dissolve/wasm/worker/compute"
)

// Call runs one request of dissolveCompute.call(op, argsJSON, bytes) on
// e and returns {json, arrays} or {error, field}; a panic is recovered
// and reported as an error.
func Call(e *compute.Engine, args []js.Value) (reply js.Value) {
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
		n := args[2].Get("byteLength").Int()
		if op == "picture" {
			if cap(pictureBytes) < n {
				pictureBytes = make([]byte, n)
			}
			file = pictureBytes[:n]
		} else {
			file = make([]byte, n)
		}
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

// pictureBytes holds the picture op's bytes (x_0's float32s: 12 MB at
// 1024²), reused at the largest size asked for: a new buffer for every new
// picture or size would be garbage of that size each time, and Go's
// WebAssembly memory never shrinks (a soak's size changes grew a worker by
// 24 MB each). The other ops' files (data sets) are read once.
var pictureBytes []byte

func errorValue(msg, field string) js.Value {
	v := js.Global().Get("Object").New()
	v.Set("error", msg)
	v.Set("field", field)
	return v
}

// typedArray copies a into a typed array of its element type: the bytes
// as they lie in memory, little-endian like every browser's typed arrays.
// Its ArrayBuffer is globalThis.dissolveTakeBuffer(n) when the realm
// defines it (web/worker.js: a buffer the page gave back after an earlier
// answer), else a new one.
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
	var u8 js.Value
	if take := js.Global().Get("dissolveTakeBuffer"); take.Type() == js.TypeFunction {
		u8 = js.Global().Get("Uint8Array").New(take.Invoke(len(b)))
		if u8.Get("byteLength").Int() != len(b) {
			panic(fmt.Sprintf("dissolveTakeBuffer(%d) gave %d bytes", len(b), u8.Get("byteLength").Int()))
		}
	} else {
		u8 = js.Global().Get("Uint8Array").New(len(b))
	}
	js.CopyBytesToJS(u8, b)
	if kind == "Uint8Array" {
		return u8
	}
	return js.Global().Get(kind).New(u8.Get("buffer"))
}
