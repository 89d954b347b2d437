//go:build js && wasm

// Command worker is the compute-only browser build (web/worker.wasm): the
// reverse process of package compute, run inside a Web Worker
// (web/worker.js) so that the page's main thread, which draws, stays free.
// It imports no Ebiten and no image decoders, so it stays small.
//
// It defines globalThis.dissolveCompute.call(op, args, bytes):
//
//   - op: "load", "sets", "sample", "grid", "loss", "chain" or "picture"
//     (compute.Ops);
//   - args: the request's fields as a JSON string;
//   - bytes: a Uint8Array, the data set file for "load", x_0's float32s
//     for "picture" (else undefined).
//
// It returns {json, arrays}: the result's numbers as a JSON string and its
// pictures as typed arrays (Float32Array, Uint8Array) over fresh
// ArrayBuffers the worker can transfer; or {error, field} when the request
// is refused. A Go panic is recovered and reported as an error: the
// module keeps running and the next request is served.
package main

import (
	"runtime/debug"
	"syscall/js"

	"dissolve/wasm/worker/compute"
	"dissolve/wasm/worker/jsapi"
)

func main() {
	debug.SetMemoryLimit(compute.MemoryLimit) // the heap stays near what is live
	debug.SetGCPercent(compute.GCPercent)
	e := compute.NewEngine()
	api := js.Global().Get("Object").New()
	api.Set("call", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return jsapi.Call(e, args)
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
