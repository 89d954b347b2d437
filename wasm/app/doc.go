// Package app is the page's model, apart from Ebiten and the browser: the
// state a visitor sets, the panes it shows, the instruments' numbers and
// the exports, all computed from package diffusion and all testable
// natively. The browser build (package main in wasm/) only maps input to
// it, draws the panes it returns and hands its values to JavaScript.
//
// # Layers
//
//	state    State, Patch, Apply: every field validated whole or not at all
//	         by one schema (schema.go, errors and their messages in
//	         errors.go, messages.go); the URL (url.go), a teacher's path of
//	         states (path.go), the comparison (compare.go), the reverse
//	         direction's fields (reverse_state.go), the pictures a state may
//	         name (images.go)
//	panes    Source: what one pane shows (closed form, Markov chain, the
//	         second schedule, the wrong sum, x_0, its z-score), chosen for a
//	         state in one place, State.Sources (source.go); the single view
//	         is the one-pane case
//	engine   Engine: a State made into numbers and pixels (engine.go), with
//	         a memo for everything it keeps (memo.go)
//	views    one file an instrument: histogram.go (x_t against N(0, 1) and
//	         q(x_t | x_0)), spectrum.go (the frequency view), strip.go (the
//	         snapshots), curves.go (the schedule's curves), residual.go
//	         (x_T beside √ᾱ_T·x_0); fit.go places the panes on the screen
//	player   Player, PlayStep, Ahead: the clock, the ends of the loop, the
//	         Markov stride and the drag (player.go, play.go)
//	exports  Movie: x_t at any t with the bits of the page's frame; GIF,
//	         strip PNG and CSV (export.go), WebM muxing (webm.go)
//	reverse  ReverseRun: a run of the reverse process computed by the page's
//	         workers, and its panes (x_t, x̂_0, the nearest training image;
//	         reverse_run.go), drawn apart from the Sources for now
//
// # A frame
//
// The game calls Engine.Panes once a frame:
//
//	State ─SetState→ schedule tables, x_0            (only when they change)
//	State.Sources → []Source                          (one per pane, left to right)
//	Source, t → paneInputs.rgba → RGBA bytes          (one pass a pane, only when its frameKey changed)
//	PlacePanes → where each pane goes on the canvas
//
// paneInputs holds the schedule, x_0 and the seed, and makes what they
// derive when a source first needs it: ε of the closed form, the chains
// (diffusion.Trajectory), the second schedule, the z-score. Each is a memo
// keyed by what it depends on, so a change of state needs no list of what
// to forget. The instruments read the same sources: Instruments takes
// paneInputs.values (every stride-th number, the same bits as the
// picture) and paneInputs.law (the a, b, c of a·x_0 + c + b·ε), the
// spectrum and the strip read x_t of the state's mode (Mode.Source), and a
// Movie renders that source at the export's size. So the canvas, the
// plots, the exports and window.ddpm show the same numbers.
//
// # Where to add
//
//   - A kind of pane: a Law in source.go with its cases in paneInputs.law
//     and Source.making (and in rgba and values if it is computed in a new
//     way), a Pane… name (the page's label key), and its place in
//     State.Sources. Whatever the new law reads (a denoiser, the training
//     images) goes into paneInputs and frameKey. The canvas, the histogram
//     and its readouts take it from there.
//   - A state field: State, its entry in Schema (schema.go) and the code
//     that uses it (docs/architecture.md has the steps). If it changes a
//     pane's pixels, it goes into what State.Sources decides or into
//     paneInputs and frameKey.
//   - An instrument: a file of its own with its report type and one Engine
//     method, reading pixels and numbers through paneInputs.
package app
