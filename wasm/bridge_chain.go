//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// The Markov chain fed by the compute workers (web/markov.js). A node n_t
// of the chain does not depend on x_0, so the workers compute the nodes of
// the coming steps (the compute op chain) and the core installs them
// (app.Engine.InstallChain): showing a step then costs only the RGBA
// conversion. While fed, the game computes no node ahead itself, and a
// playing page whose next step has not arrived keeps showing the last one
// (for at most chainWait; then it computes the step as without workers).
//
//	chainFeed(on)              → {on}: the page's workers feed the chain (on), or not
//	chainWants()               → {t, chains: [app.ChainWant…]}: the nodes to compute
//	chainInstall(key, t, node) → {installed: true}, or a refusal (a stale node, a wrong size);
//	                             node is a Uint8Array holding 3·W·H float32s
//	chainReady(t)              → {ready}: step t can be shown without computing a node
//	chainStats()               → {on, installed, stale, noRoom, held, mainNodes, installMs, t, digest}
type chainFeed struct {
	on        bool
	installed int       // nodes installed
	stale     int       // nodes refused as stale (ErrStaleNode)
	noRoom    int       // nodes refused for want of room (diffusion.ErrNoRoom)
	held      int       // frames that kept the last step, waiting for a node
	mainNodes int       // nodes computed on the main thread while fed
	heldSince time.Time // the step the player wants has been missing since
	scratch   []float32 // the node being installed
	installMs []float64 // Go's time per installed node (the last 256)
}

// chainWait is the longest a playing page waits for the workers' node of
// its next step before computing it on the main thread: only a stuck
// worker is that late (a dead one is replaced, and without any worker the
// page stops the feed), so a slow machine drops frames instead of making
// its main thread compute a whole path of nodes.
const chainWait = 5 * time.Second

// stepForWorkers returns the step a playing page fed by the workers shows
// when its clock reaches t: t if its node is there, else the furthest step
// between the one shown and t whose node is there, else none (false: keep
// the step shown, and the clock waits). Called with g.mu held, from
// Update.
func (g *Game) stepForWorkers(t int, now time.Time) (int, bool) {
	s := g.eng.State()
	if !g.feed.on || !s.Playing || g.play.Dragging() || t == s.Step || g.eng.ChainReady(t) {
		g.feed.heldSince = time.Time{}
		return t, true
	}
	dist := func(u int) int { return (u - s.Step + s.T + 1) % (s.T + 1) } // along the loop
	best := -1
	for _, u := range g.chainAhead() {
		if dist(u) < dist(t) && g.eng.ChainReady(u) {
			best = u
		}
	}
	if best >= 0 {
		g.feed.heldSince = time.Time{}
		return best, true
	}
	if g.feed.heldSince.IsZero() {
		g.feed.heldSince = now
	} else if now.Sub(g.feed.heldSince) > chainWait {
		g.feed.heldSince = time.Time{}
		return t, true
	}
	g.feed.held++
	return 0, false
}

// chainAhead is the steps whose nodes the workers should compute, in the
// order the page reaches them: while playing, every step on the Markov
// stride (app.MarkovStride; every step in the closed form's comparison)
// for the next WorkerAheadFrames strides after the one shown, whatever
// the frame rate makes the clock pick, through T and on from 0; paused, t
// and the neighbours ←/→ and shift+←/→ reach.
func (g *Game) chainAhead() []int {
	s := g.eng.State()
	if !s.Playing || g.play.Dragging() {
		return []int{s.Step, s.Step + 1, s.Step - 1, s.Step + 10, s.Step - 10}
	}
	return app.WorkerAhead(s)
}

func init() {
	extensions = append(extensions, func(b *bridge, core js.Value) {
		g := b.game
		b.export(core, "chainFeed", func(args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeBoolean {
				return nil, errors.New("chainFeed takes true or false")
			}
			g.feed.on = args[0].Bool()
			g.feed.heldSince = time.Time{}
			return map[string]bool{"on": g.feed.on}, nil
		})
		b.export(core, "chainWants", func(args []js.Value) (any, error) {
			return struct {
				Step   int             `json:"t"`
				Chains []app.ChainWant `json:"chains"`
			}{g.eng.State().Step, g.eng.ChainWants(g.chainAhead())}, nil
		})
		b.export(core, "chainInstall", func(args []js.Value) (any, error) {
			if len(args) < 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber {
				return nil, errors.New("chainInstall takes (key, t, Uint8Array of float32s)")
			}
			t0 := time.Now()
			key, t, ahead := args[0].String(), args[1].Int(), g.chainAhead()
			if err := g.eng.ChainAccepts(key, t, ahead); err != nil { // before copying megabytes
				g.feed.stale++
				return nil, err
			}
			n, err := floats(g.feed.scratch, args[2])
			if err != nil {
				return nil, fmt.Errorf("chainInstall: %v", err)
			}
			g.feed.scratch = n
			if err := g.eng.InstallChain(key, t, n, ahead); err != nil {
				if errors.Is(err, diffusion.ErrNoRoom) {
					g.feed.noRoom++
				}
				return nil, err
			}
			g.feed.installed++
			g.feed.installMs = append(g.feed.installMs, float64(time.Since(t0).Microseconds())/1000)
			if len(g.feed.installMs) > 256 {
				g.feed.installMs = g.feed.installMs[1:]
			}
			return map[string]bool{"installed": true}, nil
		})
		b.export(core, "chainReady", func(args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeNumber {
				return nil, errors.New("chainReady takes a step")
			}
			return map[string]bool{"ready": g.eng.ChainReady(args[0].Int())}, nil
		})
		b.export(core, "chainStats", func(args []js.Value) (any, error) {
			s := g.eng.State()
			return struct {
				On        bool         `json:"on"`
				Installed int          `json:"installed"`
				Stale     int          `json:"stale"`
				NoRoom    int          `json:"noRoom"`
				Held      int          `json:"held"`
				MainNodes int          `json:"mainNodes"`
				InstallMs app.Quantile `json:"installMs"`
				Step      int          `json:"t"`
				Digest    string       `json:"digest"` // of x_t of the state's mode (app.FrameChecksum)
			}{g.feed.on, g.feed.installed, g.feed.stale, g.feed.noRoom, g.feed.held, g.feed.mainNodes,
				app.Quantiles(g.feed.installMs), s.Step, app.FrameChecksum(g.eng.Xt())}, nil
		})
	})
}
