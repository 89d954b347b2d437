//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"unsafe"

	"dissolve/wasm/app"
	"dissolve/wasm/worker/compute"
	"dissolve/wasm/worker/jsapi"
)

// The reverse direction's core functions. The run is computed by the page's
// compute workers (web/workers.js, wasm/worker) and handed over here to be
// drawn:
//
//	reverseKey()                          → the key of the run the state needs (app.Library.RunKey)
//	uploadSubset()                        → the uploaded picture as a data set, base64 in JSON
//	compute(op, argsJSON, bytes)          → the compute workers' requests (jsapi.Call), run here on
//	                                        the main thread when no worker can start
//	setReverseRun(metaJSON, xt, x0, near) → {}: shows the run; xt, x0 and near (or null) are
//	                                        Uint8Arrays holding float32s (little-endian), meta is
//	                                        {key, width, height, planes, timesteps, frames, effectiveN, nearest}
//	reverseHistogram()                    → app.ReverseHistogram: the run's x_t at the cursor against N(0, 1)
//	                                        (a refusal while the run is being computed)
//	reverseStep()                         → app.ReverseStep: the sampler's step at the cursor, with its numbers
//	                                        (from the state alone: no run needed)
func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		// compute answers with JavaScript objects (typed arrays), not JSON,
		// and needs no lock: its engine is its own.
		var engine *compute.Engine
		core.Set("compute", js.FuncOf(func(_ js.Value, args []js.Value) any {
			if engine == nil {
				engine = compute.NewEngine()
			}
			return jsapi.Call(engine, args)
		}))
		b.export(core, "reverseHistogram", func(args []js.Value) (any, error) {
			s := b.game.eng.State()
			if s.Direction != app.Reverse {
				return nil, errors.New("reverseHistogram: the page runs forward (direction=reverse shows the way back)")
			}
			if r := b.game.stateRun(s); r != nil {
				return r.Histogram(s.Step), nil
			}
			return nil, errors.New("reverseHistogram: the reverse run is still being computed (await ddpm.reverseReady())")
		})
		b.export(core, "reverseStep", func(args []js.Value) (any, error) {
			st, err := b.game.eng.ReverseStep()
			return st, err
		})
		b.export(core, "reverseKey", func(args []js.Value) (any, error) {
			return b.lib.RunKey(b.game.eng.State()), nil
		})
		// uploadSubset() → a Uint8Array: the uploaded picture as a data set
		// (app.Library.UploadSubset), for the workers to load as "uploads".
		b.export(core, "uploadSubset", func(args []js.Value) (any, error) {
			data, err := b.lib.UploadSubset()
			if err != nil {
				return nil, err
			}
			return data, nil // JSON: base64
		})
		b.export(core, "setReverseRun", func(args []js.Value) (any, error) {
			if len(args) < 4 || args[0].Type() != js.TypeString {
				return nil, errors.New("setReverseRun takes (metaJSON, xt, x0, nearest or null)")
			}
			var meta struct { // the run's JSON as compute writes it, and its key
				Key string `json:"key"`
				compute.SampleResult
			}
			if err := json.Unmarshal([]byte(args[0].String()), &meta); err != nil {
				return nil, fmt.Errorf("setReverseRun: %v", err)
			}
			r := &app.ReverseRun{Key: meta.Key, W: meta.W, H: meta.H, C: meta.C, Timesteps: meta.Timesteps,
				Frames: meta.Frames, EffectiveN: meta.EffectiveN, Nearest: app.ReverseMatch(meta.Nearest)}
			// Checked before anything is copied: a run refused leaves the
			// last one shown, its memory untouched.
			lengths := []int{-1, -1, -1} // x_t, x̂_0, the nearest image (-1: none)
			for i, v := range args[1:4] {
				if i == 2 && !v.Truthy() {
					continue
				}
				n, err := floatCount(v)
				if err != nil {
					return nil, err
				}
				lengths[i] = n
			}
			if err := r.ValidateLengths(lengths[0], lengths[1], lengths[2]); err != nil {
				return nil, err
			}
			// The new run takes over the old one's buffers: a 1000-step run is
			// megabytes, and fresh ones each time would make the garbage
			// collector stop the page for long. Not while an export that
			// runs on reads the old run (movieSource): its frames stay.
			var xt, x0 []float32
			if old := b.game.rev.run; old != nil && !b.game.rev.runKept {
				xt, x0 = old.XT, old.X0
			}
			b.game.rev.run, b.game.rev.runKept = nil, false
			var err error
			if r.XT, err = floats(xt, args[1]); err != nil {
				return nil, err
			}
			if r.X0, err = floats(x0, args[2]); err != nil {
				return nil, err
			}
			if lengths[2] >= 0 {
				if r.NearestX, err = floats(nil, args[3]); err != nil {
					return nil, err
				}
			}
			b.game.rev.run = r
			return struct{}{}, nil
		})
	})
}

// floatCount is the number of little-endian float32s a Uint8Array holds.
func floatCount(v js.Value) (int, error) {
	if v.Type() != js.TypeObject || v.Get("byteLength").Type() != js.TypeNumber {
		return 0, errors.New("setReverseRun: pictures must be Uint8Arrays of float32s")
	}
	n := v.Get("byteLength").Int()
	if n%4 != 0 || n > 1<<28 {
		return 0, fmt.Errorf("setReverseRun: %d bytes are not float32s", n)
	}
	return n / 4, nil
}

// floats reads a Uint8Array of little-endian float32s, into buf when it
// has room.
func floats(buf []float32, v js.Value) ([]float32, error) {
	n, err := floatCount(v)
	if err != nil {
		return nil, err
	}
	n *= 4
	// One copy, straight into the floats: wasm is little-endian, as the
	// typed arrays are.
	f := buf[:0]
	if cap(f) < n/4 {
		f = make([]float32, n/4)
	}
	f = f[:n/4]
	if len(f) > 0 && js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), n), v) != n {
		return nil, errors.New("setReverseRun: short copy")
	}
	return f, nil
}
