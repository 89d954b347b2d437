//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"runtime"
	"syscall/js"

	"dissolve/wasm/app"
)

// The bridge is the only door from JavaScript into Go. It defines
// window.dissolveCore in the stage's window; web/app.js wraps it as the
// public window.ddpm of the page. Every function answers with a JSON
// string, {"error": "..."} on failure, so no Go error and no Go panic ever
// crosses into JavaScript as anything but a message.
type bridge struct {
	game   *Game
	lib    *app.Library
	frames *frameSource // the video export's movie (bridge_export.go)
}

// reply is the envelope of answers that can fail. A refusal carries the
// English message and, when a field is at fault, its structured form
// (field, code, min, max, options, got: app.FieldError), from which the
// page says it in its own language.
type reply struct {
	State *app.State `json:"state,omitempty"`
	Error string     `json:"error,omitempty"`
	*app.FieldError
	Field string `json:"field,omitempty"` // also for errors without a code
	Stop  int    `json:"stop,omitempty"`  // a teacher's path: the stop at fault, from 1
}

// extensions are further groups of core functions, each in its own file
// (instruments, exports), registered from init functions.
var extensions []func(b *bridge, core js.Value)

func (b *bridge) install(core js.Value) {
	for _, ext := range extensions {
		ext(b, core)
	}
	b.installUploads(core)
	b.export(core, "getState", func(args []js.Value) (any, error) {
		s := b.game.eng.State()
		return s, nil
	})
	b.export(core, "setState", func(args []js.Value) (any, error) {
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return nil, errors.New("setState takes one object, such as {t: 250}")
		}
		p, err := app.ParsePatchJSON([]byte(args[0].String()))
		if err != nil {
			return nil, err
		}
		s, err := b.game.eng.State().Apply(p, b.lib)
		if err != nil {
			return nil, err
		}
		if err := b.game.eng.SetState(s); err != nil {
			return nil, err
		}
		return reply{State: &s}, nil
	})
	b.export(core, "frame", func(args []js.Value) (any, error) {
		s := b.game.eng.State()
		return struct {
			State   app.State   `json:"state"`
			Readout app.Readout `json:"readout"`
		}{s, b.game.eng.Readout()}, nil
	})
	b.export(core, "schedule", func(args []js.Value) (any, error) {
		return b.game.eng.Table(), nil
	})
	b.export(core, "stats", func(args []js.Value) (any, error) {
		if s := b.game.eng.State(); s.Direction == app.Reverse { // x_t of the run, its match (bridge_reverse.go)
			if r := b.game.stateRun(s); r != nil {
				return r.Stats(s.Step), nil
			}
			return nil, errors.New("stats: the reverse run is still being computed (await ddpm.reverseReady())")
		}
		return b.game.eng.Stats(), nil
	})
	b.export(core, "liveStats", func(args []js.Value) (any, error) {
		return b.game.eng.LiveStats(), nil
	})
	b.export(core, "perf", func(args []js.Value) (any, error) {
		if len(args) > 0 && args[0].Type() == js.TypeBoolean && args[0].Bool() {
			runtime.GC() // perf({collect: true}): heapLiveBytes now
		}
		return struct {
			PerfReport
			memoryReport
		}{b.game.perf.report(), b.game.memory()}, nil
	})
	b.export(core, "query", func(args []js.Value) (any, error) {
		return b.game.eng.State().Query(), nil
	})
	b.export(core, "images", func(args []js.Value) (any, error) {
		return b.lib.Names(), nil
	})
	b.export(core, "schema", func(args []js.Value) (any, error) {
		return app.Describe(b.game.eng.State(), b.lib), nil
	})
	// loadImage(bytes Uint8Array, resolve, reject): decodes off the calling
	// turn of the event loop and answers through the callbacks.
	b.export(core, "loadImage", func(args []js.Value) (any, error) {
		if len(args) < 3 || args[0].Type() != js.TypeObject || args[1].Type() != js.TypeFunction || args[2].Type() != js.TypeFunction {
			return nil, errors.New("loadImage takes (Uint8Array, resolve, reject)")
		}
		n := args[0].Get("length").Int()
		if n > app.MaxUploadBytes {
			return nil, app.FileSizeError(n)
		}
		data := make([]byte, n)
		js.CopyBytesToGo(data, args[0])
		resolve, reject := args[1], args[2]
		go func() {
			defer func() {
				if r := recover(); r != nil {
					reject.Invoke(mustJSON(reply{Error: fmt.Sprintf("internal error while decoding the picture: %v", r)}))
				}
			}()
			img, err := app.DecodeUpload(data)
			if err != nil {
				reject.Invoke(mustJSON(errorReply(err)))
				return
			}
			b.game.mu.Lock()
			err = b.useUpload(img)
			b.game.mu.Unlock()
			if err != nil {
				reject.Invoke(mustJSON(errorReply(err)))
				return
			}
			bounds := img.Bounds()
			resolve.Invoke(mustJSON(map[string]int{"width": bounds.Dx(), "height": bounds.Dy()}))
		}()
		return nil, nil
	})
}

// installUploads defines the core's half of a large upload (web/upload.js):
//
//	uploadHeader(head Uint8Array, n) → app.UploadPlan, or a refusal (the limits)
//	loadPixels(w, h, rgba Uint8Array, width, height) → {width, height}
//	uploadCorrupt(format, detail) → the refusal of an undecodable picture
//
// The page reads the header from the file's first bytes; a picture larger
// than the core keeps (app.UploadPlan) is decoded and reduced in a Web
// Worker, and only its reduced RGBA enters Go's memory.
func (b *bridge) installUploads(core js.Value) {
	b.export(core, "uploadHeader", func(args []js.Value) (any, error) {
		if len(args) < 2 || args[0].Type() != js.TypeObject || args[1].Type() != js.TypeNumber {
			return nil, errors.New("uploadHeader takes (Uint8Array, file size)")
		}
		n := args[1].Int()
		head := make([]byte, min(args[0].Get("length").Int(), max(n, 0)))
		js.CopyBytesToGo(head, args[0])
		cfg, format, err := app.UploadHeader(head, n)
		if errors.Is(err, app.ErrShortHeader) {
			return map[string]bool{"more": true}, nil
		}
		if err != nil {
			return nil, err
		}
		return app.PlanUpload(cfg, format, n), nil
	})
	b.export(core, "loadPixels", func(args []js.Value) (any, error) {
		if len(args) < 5 || args[2].Type() != js.TypeObject {
			return nil, errors.New("loadPixels takes (width, height, Uint8Array, original width, original height)")
		}
		w, h := args[0].Int(), args[1].Int()
		n := args[2].Get("length").Int()
		if n != 4*w*h || w < 1 || h < 1 || w > app.MaxKeptSide || h > app.MaxKeptSide {
			return app.LoadPixels(w, h, nil) // refused with the reason, before any copy
		}
		rgba := make([]byte, n)
		js.CopyBytesToGo(rgba, args[2])
		img, err := app.LoadPixels(w, h, rgba)
		if err != nil {
			return nil, err
		}
		if err := b.useUpload(img); err != nil {
			return nil, err
		}
		return map[string]int{"width": args[3].Int(), "height": args[4].Int()}, nil
	})
	b.export(core, "uploadCorrupt", func(args []js.Value) (any, error) {
		if len(args) < 2 {
			return nil, errors.New("uploadCorrupt takes (format, detail)")
		}
		return nil, app.UploadCorrupt(args[0].String(), args[1].String())
	})
}

// useUpload makes img the picture named "upload" and shows it, or keeps
// the previous one if the state cannot take it. The caller holds the lock.
func (b *bridge) useUpload(img image.Image) error {
	prevUpload := b.lib.Upload
	b.game.eng.SetUpload(img)
	b.lib.UploadGen++
	s := b.game.eng.State()
	s.Image = app.UploadImage
	err := b.game.eng.SetState(s)
	if err != nil {
		b.lib.Upload = prevUpload
	}
	return err
}

// export defines core[name]. The function holds the game's lock, recovers
// from any panic, and turns every outcome into a JSON string.
func (b *bridge) export(core js.Value, name string, fn func(args []js.Value) (any, error)) {
	core.Set(name, js.FuncOf(func(this js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				msg := fmt.Sprintf("internal error in %s (recovered; the previous state is kept): %v", name, r)
				reportError(msg)
				result = mustJSON(reply{Error: msg})
			}
		}()
		b.game.mu.Lock()
		defer b.game.mu.Unlock()
		v, err := fn(args)
		if err != nil {
			return mustJSON(errorReply(err))
		}
		return mustJSON(v)
	}))
}

func errorReply(err error) reply {
	r := reply{Error: err.Error(), FieldError: app.AsFieldError(err), Field: app.ErrorField(err)}
	var pe *app.PathError
	if errors.As(err, &pe) {
		r.Stop = pe.Stop
	}
	return r
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		data, _ = json.Marshal(reply{Error: "internal error: " + err.Error()})
	}
	return string(data)
}

// reportError tells the page (through web/stage.js) and the console.
func reportError(msg string) {
	defer func() { recover() }() // reporting must never panic in turn
	if stage := js.Global().Get("dissolveStage"); stage.Truthy() && stage.Get("error").Type() == js.TypeFunction {
		stage.Call("error", msg)
		return
	}
	js.Global().Get("console").Call("error", msg)
}
