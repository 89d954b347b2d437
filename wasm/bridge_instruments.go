//go:build js && wasm

package main

import (
	"syscall/js"

	"dissolve/wasm/app"
)

// The instruments' core functions (web/instruments.js draws them):
//
//	instruments(pane)  → app.InstrumentReport: histogram, N(0, 1), q(x_t | x_0), readouts;
//	                     pane = index of one pane, or −1 for all
//	spectrum()         → app.SpectrumReport: radial power spectra of x_t, x_0 and the noise
//	strip(count)       → app.StripFrames: x_t at count evenly spaced t (2..32), RGBA in base64
//	scheduleCurves()   → []app.ScheduleCurve: every schedule with the state's T and β range
//	x0Stats()          → {mean, std} of x_0 (cached per picture)
//	panes()            → {kinds, rects}: the comparison's panes and where the canvas shows them
func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		b.export(core, "instruments", func(args []js.Value) (any, error) {
			return b.game.eng.Instruments(intArg(args, 0, -1)), nil
		})
		b.export(core, "spectrum", func(args []js.Value) (any, error) {
			return b.game.eng.Spectrum(), nil
		})
		b.export(core, "strip", func(args []js.Value) (any, error) {
			return b.game.eng.SnapshotStrip(intArg(args, 0, 11)), nil
		})
		b.export(core, "scheduleCurves", func(args []js.Value) (any, error) {
			return b.game.eng.ScheduleCurves(), nil
		})
		b.export(core, "x0Stats", func(args []js.Value) (any, error) {
			st := b.game.eng.X0Stats()
			return map[string]app.JSFloat{"mean": app.JSFloat(st.Mean), "std": app.JSFloat(st.Std)}, nil
		})
		b.export(core, "panes", func(args []js.Value) (any, error) {
			x0 := b.game.eng.X0()
			s := b.game.eng.State()
			kinds, w, h := s.PaneKinds(), x0.W, x0.H
			if s.Direction == app.Reverse { // the run's panes, once it is drawn
				kinds = []string{} // none until the run is drawn
				if r := b.game.stateRun(s); r != nil {
					kinds, w, h = r.ReversePanes(), r.W, r.H
				}
			}
			rects, _ := app.PaneLayout(len(kinds), w, h, b.game.screenW, b.game.screenH, app.PaneGap(b.game.screenW))
			return map[string]any{"kinds": kinds, "rects": rects}, nil
		})
	})
}

// intArg reads args[i] as an integer, or def if it is missing or not a
// number.
func intArg(args []js.Value, i, def int) int {
	if i >= len(args) || args[i].Type() != js.TypeNumber {
		return def
	}
	return args[i].Int()
}
