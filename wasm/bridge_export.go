//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"syscall/js"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// The exports (web/export.js wraps them as window.ddpm.exportGIF and
// friends):
//
//	exportCSV()                                       → {csv}
//	exportGIF(optionsJSON, progress, cancelled, resolve, reject)      → {frames, width, height}
//	exportStripPNG(optionsJSON, progress, cancelled, resolve, reject) → {frames, width, height}
//	exportPNG(resolve, reject)                        → {width, height}
//	exportEstimate(optionsJSON)                       → {bytes, steps, frames, width, height}
//	exportFrameInto(optionsJSON, k, holder)           → {t, width, height} ({…, steps} when holder is null)
//	exportWebMMux(videoJSON, chunks, holder)          → {bytes}; holder.webm = the file (app.MuxWebM)
//
// exportEstimate is the expected size of the GIF of those options
// (app.EstimateGIFSize: five of its frames encoded) and the steps of its
// frames. exportFrameInto writes frame k of the movie those options
// describe (its t label included if asked) as RGBA into holder.pix (a
// Uint8ClampedArray it sets),
// for the video export (web/export.js encodes it in the browser).
//
// The asynchronous ones validate their options at once (an error names the
// field), then work in a goroutine that never holds the game's lock while
// it computes. Between frames it calls progress(fraction), asks
// cancelled(), and gives the browser's event loop a turn, so the page and
// the animation keep running. The result goes to resolve as a Uint8Array;
// a failure or a cancellation to reject as a message.
func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		b.export(core, "exportCSV", func(args []js.Value) (any, error) {
			var buf bytes.Buffer
			if err := app.WriteScheduleCSV(&buf, b.game.eng.Schedule()); err != nil {
				return nil, err
			}
			return map[string]string{"csv": buf.String()}, nil
		})
		b.export(core, "exportGIF", func(args []js.Value) (any, error) {
			cb, opts, err := asyncArgs(args, "exportGIF")
			if err != nil {
				return nil, err
			}
			o, err := app.ParseGIFOptions([]byte(opts), app.DefaultGIFOptions(b.game.eng.State()))
			if err != nil {
				return nil, err
			}
			src, err := b.movieSource(o.Size, true)
			if err != nil {
				return nil, err
			}
			go cb.run(func() ([]byte, error) {
				enc, err := app.NewGIFEncoder(src.movie(), o)
				if err != nil {
					return nil, err
				}
				for enc.Done() < enc.Frames() {
					if err := cb.between(enc.Done(), enc.Frames()); err != nil {
						return nil, err
					}
					if err := enc.Next(); err != nil {
						return nil, err
					}
				}
				cb.progress.Invoke(1)
				return enc.Bytes()
			})
			return map[string]any{"frames": o.Frames, "width": src.w, "height": src.h, "steps": src.movie().Order(o.Steps(src.sched))}, nil
		})
		b.export(core, "exportEstimate", func(args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeString {
				return nil, errors.New("exportEstimate takes (optionsJSON)")
			}
			o, err := app.ParseGIFOptions([]byte(args[0].String()), app.DefaultGIFOptions(b.game.eng.State()))
			if err != nil {
				return nil, err
			}
			src, err := b.movieSource(o.Size, false)
			if err != nil {
				return nil, err
			}
			n, err := app.EstimateGIFSize(src.movie(), o)
			if err != nil {
				return nil, err
			}
			return map[string]any{"bytes": n, "steps": src.movie().Order(o.Steps(src.sched)), "frames": o.Frames, "width": src.w, "height": src.h}, nil
		})
		b.export(core, "exportFrameInto", func(args []js.Value) (any, error) {
			if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber {
				return nil, errors.New("exportFrameInto takes (optionsJSON, k, Uint8Array or null)")
			}
			key := args[0].String()
			o, err := app.ParseGIFOptions([]byte(key), app.DefaultGIFOptions(b.game.eng.State()))
			if err != nil {
				return nil, err
			}
			s := b.game.eng.State()
			key = fmt.Sprintf("%s|%s|%d|%s|%p|%p", key, s.Image, s.Seed, s.Mode, b.game.eng.X0(), b.game.eng.Schedule())
			if b.frames == nil || b.frames.key != key {
				src, err := b.movieSource(o.Size, true)
				if err != nil {
					return nil, err
				}
				m := src.movie()
				b.frames = &frameSource{key: key, src: src, m: m, steps: m.Order(o.Steps(src.sched))}
			}
			f := b.frames
			k := args[1].Int()
			if k < 0 || k >= len(f.steps) {
				return nil, fmt.Errorf("frame %d is not in 0..%d", k, len(f.steps)-1)
			}
			if len(args) < 3 || args[2].Type() != js.TypeObject {
				// No array: the movie's size and steps only.
				return map[string]any{"t": f.steps[k], "width": f.src.w, "height": f.src.h, "steps": f.steps}, nil
			}
			n := 4 * f.src.w * f.src.h
			if len(f.rgba) != n {
				f.rgba = make([]byte, n)
				// In this frame's realm: CopyBytesToJS accepts only its own
				// realm's typed arrays, and the page's are another's.
				f.pix = js.Global().Get("Uint8ClampedArray").New(n)
			}
			f.m.RGBA(f.steps[k], f.rgba)
			if o.Label {
				app.LabelFrame(f.rgba, f.src.w, f.src.h, f.steps[k])
			}
			js.CopyBytesToJS(f.pix, f.rgba)
			args[2].Set("pix", f.pix)
			return map[string]int{"t": f.steps[k], "width": f.src.w, "height": f.src.h}, nil
		})
		b.export(core, "exportWebMMux", func(args []js.Value) (any, error) {
			if len(args) < 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeObject || args[2].Type() != js.TypeObject {
				return nil, errors.New("exportWebMMux takes (videoJSON, chunks, holder)")
			}
			var v app.WebMVideo
			if err := json.Unmarshal([]byte(args[0].String()), &v); err != nil {
				return nil, fmt.Errorf("exportWebMMux: %v", err)
			}
			n := args[1].Length()
			frames := make([]app.WebMFrame, n)
			u8 := js.Global().Get("Uint8Array")
			for i := range n {
				c := args[1].Index(i)
				src := c.Get("data")
				// Into this realm's array first: CopyBytesToGo takes no other.
				own := u8.New(src.Get("length").Int())
				own.Call("set", src)
				frames[i].Data = make([]byte, own.Length())
				js.CopyBytesToGo(frames[i].Data, own)
				frames[i].TimeUS = int64(c.Get("timestamp").Float())
				frames[i].Key = c.Get("key").Truthy()
			}
			data, err := app.MuxWebM(v, frames)
			if err != nil {
				return nil, err
			}
			arr := u8.New(len(data))
			js.CopyBytesToJS(arr, data)
			args[2].Set("webm", arr)
			return map[string]int{"bytes": len(data)}, nil
		})
		b.export(core, "exportStripPNG", func(args []js.Value) (any, error) {
			cb, opts, err := asyncArgs(args, "exportStripPNG")
			if err != nil {
				return nil, err
			}
			o, err := app.ParseStripOptions([]byte(opts), app.DefaultStripOptions())
			if err != nil {
				return nil, err
			}
			src, err := b.movieSource(o.Size, true)
			if err != nil {
				return nil, err
			}
			go cb.run(func() ([]byte, error) {
				if err := cb.between(0, 2); err != nil {
					return nil, err
				}
				img := app.Strip(src.movie(), o.Frames)
				if err := cb.between(1, 2); err != nil {
					return nil, err
				}
				var buf bytes.Buffer
				if err := app.EncodePNG(&buf, img); err != nil {
					return nil, err
				}
				cb.progress.Invoke(1)
				return buf.Bytes(), nil
			})
			return map[string]int{"frames": o.Frames, "width": src.w, "height": src.h}, nil
		})
		b.export(core, "exportPNG", func(args []js.Value) (any, error) {
			if len(args) < 2 || args[0].Type() != js.TypeFunction || args[1].Type() != js.TypeFunction {
				return nil, errors.New("exportPNG takes (resolve, reject)")
			}
			var img *image.RGBA
			if s := b.game.eng.State(); s.Direction == app.Reverse { // x_t of the run, as on the canvas
				src, err := b.movieSource(app.MaxExportSize, false)
				if err != nil {
					return nil, err
				}
				img = src.movie().Image(s.Step)
			} else {
				rgba, _ := b.game.eng.Frame()
				x0 := b.game.eng.X0()
				img = &image.RGBA{Pix: append([]byte(nil), rgba...), Stride: 4 * x0.W, Rect: image.Rect(0, 0, x0.W, x0.H)}
			}
			w, h := img.Rect.Dx(), img.Rect.Dy()
			cb := &asyncCall{resolve: args[0], reject: args[1]}
			go cb.run(func() ([]byte, error) {
				var buf bytes.Buffer
				err := app.EncodePNG(&buf, img)
				return buf.Bytes(), err
			})
			return map[string]int{"width": w, "height": h}, nil
		})
	})
}

// movieSource is what an export needs from the engine, taken under the
// game's lock: the schedule (immutable once made) and x_0 at the export's
// size (the page's own when the sizes agree, which is never written to).
type movieSource struct {
	sched *diffusion.Schedule
	x0    *diffusion.Planar
	mode  app.Mode
	seed  uint32
	w, h  int
	// run is the reverse direction's run: the export then shows x_t from
	// x_T back to x_0 (size bounds its magnified side).
	run  *app.ReverseRun
	size int
}

// movieSource is the movie of the state at size. keep says it outlives
// this call (an export that runs on, a video's frames): it then takes a
// copy of the engine's x_0, whose memory the engine reuses two pictures on
// (Engine.X0), or marks the reverse run it reads as kept (the next run
// takes new memory instead of the kept one's, setReverseRun).
func (b *bridge) movieSource(size int, keep bool) (*movieSource, error) {
	s := b.game.eng.State()
	src := &movieSource{sched: b.game.eng.Schedule(), mode: s.Mode, seed: s.Seed}
	if s.Direction == app.Reverse {
		r := b.game.stateRun(s)
		if r == nil {
			return nil, errors.New("export: the reverse run is still being computed")
		}
		src.run, src.size = r, size
		if keep { // the next run must not be copied over this one's frames
			b.game.rev.runKept = true
		}
		bounds := src.movie().Bounds()
		src.w, src.h = bounds.Dx(), bounds.Dy()
		return src, nil
	}
	if size != s.Size {
		pic, err := b.lib.Picture(s.Image, size)
		if err != nil {
			return nil, err
		}
		src.x0 = diffusion.FromImage(pic, size)
	} else if x0 := b.game.eng.X0(); keep {
		src.x0 = &diffusion.Planar{W: x0.W, H: x0.H, Pix: append([]float32(nil), x0.Pix...)}
	} else {
		src.x0 = x0
	}
	src.w, src.h = src.x0.W, src.x0.H
	return src, nil
}

// frameSource is the movie of the video export under way (exportFrameInto),
// kept from one frame to the next while its options and state stay.
type frameSource struct {
	key   string
	src   *movieSource
	m     *app.Movie
	steps []int
	rgba  []byte
	pix   js.Value // a Uint8ClampedArray of this realm with the frame's RGBA
}

func (m *movieSource) movie() *app.Movie {
	if m.run != nil {
		return app.NewReverseMovie(m.sched, m.run, m.size)
	}
	return app.NewMovie(m.sched, m.x0, m.mode, m.seed)
}

// asyncCall holds the JavaScript callbacks of one export.
type asyncCall struct {
	progress, cancelled, resolve, reject js.Value
}

// asyncArgs reads (optionsJSON, progress, cancelled, resolve, reject).
func asyncArgs(args []js.Value, name string) (*asyncCall, string, error) {
	if len(args) < 5 || args[0].Type() != js.TypeString {
		return nil, "", fmt.Errorf("%s takes (optionsJSON, progress, cancelled, resolve, reject)", name)
	}
	for _, a := range args[1:5] {
		if a.Type() != js.TypeFunction {
			return nil, "", fmt.Errorf("%s takes (optionsJSON, progress, cancelled, resolve, reject)", name)
		}
	}
	return &asyncCall{progress: args[1], cancelled: args[2], resolve: args[3], reject: args[4]}, args[0].String(), nil
}

// errCancelled is the reject message of a cancelled export.
var errCancelled = errors.New("the export was cancelled")

// between runs between two frames: it reports done/total, gives the event
// loop a turn (the browser paints, the animation runs, a cancel click is
// handled) and then reports a cancellation.
func (c *asyncCall) between(done, total int) error {
	c.progress.Invoke(float64(done) / float64(total))
	yieldToBrowser()
	if c.cancelled.Invoke().Truthy() {
		return errCancelled
	}
	return nil
}

// run does the work and settles the promise: resolve(Uint8Array) or
// reject(message). A panic becomes a rejection.
func (c *asyncCall) run(work func() ([]byte, error)) {
	defer func() {
		if r := recover(); r != nil {
			c.reject.Invoke(fmt.Sprintf("internal error in the export: %v", r))
		}
	}()
	data, err := work()
	if err != nil {
		c.reject.Invoke(err.Error())
		return
	}
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	c.resolve.Invoke(arr)
}

// yieldToBrowser blocks this goroutine until a message posted on a
// MessageChannel arrives (a setTimeout(0) would do, but nested timeouts are
// clamped to 4 ms). With every goroutine blocked, the Go runtime returns to
// the browser, which runs its event loop (input, painting, the other
// callbacks) before the message.
func yieldToBrowser() {
	done := make(chan struct{})
	var f js.Func
	f = js.FuncOf(func(this js.Value, args []js.Value) any {
		f.Release()
		close(done)
		return nil
	})
	if mc := js.Global().Get("MessageChannel"); mc.Type() == js.TypeFunction {
		ch := mc.New()
		ch.Get("port1").Set("onmessage", f)
		ch.Get("port2").Call("postMessage", nil)
	} else {
		js.Global().Call("setTimeout", f, 0)
	}
	<-done
}
