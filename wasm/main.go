//go:build js && wasm

// Command wasm is the browser build of dissolve: DDPM's forward diffusion
// drawn live on an Ebiten canvas. It runs inside web/stage.html and talks
// to the page through window.dissolveCore (see bridge.go).
package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"dissolve/wasm/app"
)

// mark sets a performance mark (shown in the browser's performance panel,
// beside web/stage.js's): where start-up time goes.
func mark(name string) { js.Global().Get("performance").Call("mark", name) }

func main() {
	mark("go-main")
	// Go's WebAssembly memory never shrinks: keep the heap's peaks near
	// what is live (the caches' budgets bound that) rather than twice it.
	debug.SetMemoryLimit(app.MemoryLimit)
	debug.SetGCPercent(app.GCPercent)
	lib := &app.Library{Files: builtinFiles(), Missing: map[string]bool{}}
	var startErrors []error
	for _, f := range app.BuiltinFiles() {
		if _, ok := lib.Files[f]; !ok { // a broken deployment: say so, go on without it
			lib.Missing[f] = true
			startErrors = append(startErrors, fmt.Errorf("the picture file web/images/%s did not load; its picture is left out", f))
		}
	}
	start, urlErrors := initialState(lib)
	startErrors = append(startErrors, urlErrors...)
	eng, err := app.NewEngine(lib, start)
	if err != nil { // the default state is valid; this is a bug worth seeing
		reportError("cannot start: " + err.Error())
		return
	}
	mark("go-engine")
	game := newGame(eng)
	game.lib = lib
	game.onError = reportError
	game.onFirstFrame = func() {
		stage := js.Global().Get("dissolveStage")
		if stage.Truthy() && stage.Get("firstFrame").Type() == js.TypeFunction {
			stage.Call("firstFrame")
		}
	}

	core := js.Global().Get("Object").New()
	b := &bridge{game: game, lib: lib}
	b.install(core)
	// startErrors: the URL parameters refused, each as a bridge refusal
	// {error, field, code, …}, for the page to show in its language.
	msgs := make([]reply, len(startErrors))
	for i, e := range startErrors {
		msgs[i] = errorReply(e)
	}
	core.Set("startErrors", js.Global().Get("JSON").Call("parse", mustJSON(msgs)))
	js.Global().Set("dissolveCore", core)

	mark("go-rungame")
	ebiten.SetTPS(ebiten.SyncWithFPS)
	ebiten.SetScreenClearedEveryFrame(false) // the offscreen is unused: see Game.present
	ebiten.SetRunnableOnUnfocused(true)
	if err := ebiten.RunGameWithOptions(game, &ebiten.RunGameOptions{InitUnfocused: true}); err != nil {
		reportError("the animation stopped: " + err.Error())
	}
}

// builtinFiles takes the built-in pictures' bytes that web/stage.js fetched
// alongside the WebAssembly (window.dissolveBuiltinFiles: name → Uint8Array).
// A file that failed to load is missing; choosing it is then an error.
func builtinFiles() map[string][]byte {
	files := map[string][]byte{}
	all := js.Global().Get("dissolveBuiltinFiles")
	if all.Type() != js.TypeObject {
		return files
	}
	for _, name := range app.BuiltinFiles() {
		v := all.Get(name)
		if v.Type() != js.TypeObject {
			continue
		}
		data := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(data, v)
		files[name] = data
	}
	return files
}

// initialState is the default state, adjusted to the visitor (language,
// reduced motion), then to the URL's parameters. Invalid parameters are
// returned as errors and ignored.
func initialState(lib *app.Library) (app.State, []error) {
	s := app.Default()
	s.Image = lib.Fallback(s.Image)
	nav := js.Global().Get("navigator")
	if nav.Truthy() && strings.HasPrefix(strings.ToLower(nav.Get("language").String()), "ko") {
		s.Lang = "ko"
	}
	if mm := js.Global().Get("matchMedia"); mm.Type() == js.TypeFunction {
		if js.Global().Call("matchMedia", "(prefers-reduced-motion: reduce)").Get("matches").Bool() {
			s.Playing = false
		}
	}
	q := js.Global().Get("dissolveStartQuery")
	if q.Type() != js.TypeString {
		return s, nil
	}
	p, errs := app.ParseQuery(q.String())
	s, applyErrs := s.ApplyEach(p, lib)
	return s, append(errs, applyErrs...)
}
