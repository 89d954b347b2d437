//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"dissolve/wasm/app"
)

// The reverse direction's core functions. The run is computed by the page's
// compute workers (web/workers.js, wasm/worker) and handed over here to be
// drawn:
//
//	reverseKey()                          → the key of the run the state needs (app.State.ReverseKey)
//	setReverseRun(metaJSON, xt, x0, near) → {}: shows the run; xt, x0 and near (or null) are
//	                                        Uint8Arrays holding float32s (little-endian), meta is
//	                                        {key, width, height, planes, timesteps, frames, effectiveN, nearest}
func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		b.export(core, "reverseKey", func(args []js.Value) (any, error) {
			return b.game.eng.State().ReverseKey(), nil
		})
		b.export(core, "setReverseRun", func(args []js.Value) (any, error) {
			if len(args) < 4 || args[0].Type() != js.TypeString {
				return nil, errors.New("setReverseRun takes (metaJSON, xt, x0, nearest or null)")
			}
			var meta struct {
				Key        string           `json:"key"`
				W          int              `json:"width"`
				H          int              `json:"height"`
				C          int              `json:"planes"`
				Timesteps  []int            `json:"timesteps"`
				Frames     []int            `json:"frames"`
				EffectiveN []float64        `json:"effectiveN"`
				Nearest    app.ReverseMatch `json:"nearest"`
			}
			if err := json.Unmarshal([]byte(args[0].String()), &meta); err != nil {
				return nil, fmt.Errorf("setReverseRun: %v", err)
			}
			r := &app.ReverseRun{Key: meta.Key, W: meta.W, H: meta.H, C: meta.C, Timesteps: meta.Timesteps,
				Frames: meta.Frames, EffectiveN: meta.EffectiveN, Nearest: meta.Nearest}
			var err error
			if r.XT, err = floats(args[1]); err != nil {
				return nil, err
			}
			if r.X0, err = floats(args[2]); err != nil {
				return nil, err
			}
			if args[3].Truthy() {
				if r.NearestX, err = floats(args[3]); err != nil {
					return nil, err
				}
			}
			if err := r.Validate(); err != nil {
				return nil, err
			}
			b.game.rev.run = r
			return struct{}{}, nil
		})
	})
}

// floats reads a Uint8Array of little-endian float32s.
func floats(v js.Value) ([]float32, error) {
	if v.Type() != js.TypeObject || v.Get("byteLength").Type() != js.TypeNumber {
		return nil, errors.New("setReverseRun: pictures must be Uint8Arrays of float32s")
	}
	n := v.Get("byteLength").Int()
	if n%4 != 0 || n > 1<<28 {
		return nil, fmt.Errorf("setReverseRun: %d bytes are not float32s", n)
	}
	b := make([]byte, n)
	if js.CopyBytesToGo(b, v) != n {
		return nil, errors.New("setReverseRun: short copy")
	}
	f := make([]float32, n/4)
	for i := range f {
		f[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return f, nil
}
