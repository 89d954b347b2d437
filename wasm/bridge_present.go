//go:build js && wasm

package main

import (
	"errors"
	"syscall/js"

	"dissolve/wasm/app"
)

// Presentation mode's core functions (web/present.js):
//
//	validatePath(json) → {stops: []app.PathStop}, or {error, field, stop}:
//	                     a teacher's path checked with setState's
//	                     validation from the current state (app.ParsePath);
//	                     nothing is applied
//	residual()         → app.ResidualView: x_T, √ᾱ_T·x_0 and that magnified
func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		b.export(core, "validatePath", func(args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeString {
				return nil, errors.New("validatePath takes the path's JSON text")
			}
			stops, err := app.ParsePath([]byte(args[0].String()), b.game.eng.State(), b.lib)
			if err != nil {
				return nil, err // with its stop and field (errorReply)
			}
			return map[string]any{"stops": stops}, nil
		})
		b.export(core, "residual", func(args []js.Value) (any, error) {
			return b.game.eng.Residual(), nil
		})
	})
}
