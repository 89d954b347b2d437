//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
	"time"
	"unsafe"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// The Markov chain fed by the compute workers (web/markov.js). A node n_t
// of the chain does not depend on x_0, so the workers compute the nodes of
// the coming steps (the compute op chain) and the core installs them
// (app.Engine.InstallChain): showing a step then costs only the RGBA
// conversion; a worker sent x_0 (chainPicture) converts the frames too
// (app.Engine.InstallChainFrame), and showing a step costs a copy. While
// fed, the game computes no node ahead itself, and a playing page whose
// next step has not arrived keeps showing the last one (for at most
// chainWait; then it computes the step as without workers).
//
//	chainFeed(on)              → {on}: the page's workers feed the chain (on), or not
//	chainWants()               → {t, chains: [app.ChainWant…]}: the nodes to compute
//	chainPicture(pic, bytes)   → {picture, width, height}: copies x_0 (3·W·H float32s) into
//	                             bytes, a Uint8Array of 12·W·H; refused if pic is not its key
//	chainInstall(key, t, node[, pic, rgba])
//	                           → {installed: true, frame}, or a refusal (a stale node, a wrong size);
//	                             node is a Uint8Array holding 3·W·H float32s, rgba one of
//	                             4·W·H bytes converted from the picture pic (frame: it was kept;
//	                             a frame of another picture is left out, the node installed)
//	chainReady(t)              → {ready}: step t can be shown without computing a node
//	chainStats()               → {on, installed, frames, framesShown, stale, noRoom, held,
//	                              mainNodes, installMs, t, digest, frameDigest}
type chainFeed struct {
	on        bool
	installed int       // nodes installed
	frames    int       // of them, with the worker's RGBA frame
	stale     int       // nodes refused as stale (ErrStaleNode)
	noRoom    int       // nodes refused for want of room (diffusion.ErrNoRoom)
	held      int       // frames that kept the last step, waiting for a node
	mainNodes int       // nodes computed on the main thread while fed
	heldSince time.Time // the step the player wants has been missing since
	scratch   []float32 // the node being installed
	rgba      []byte    // the frame being installed
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
			frame := len(args) >= 5 && args[3].Type() == js.TypeString && args[4].Type() == js.TypeObject
			if frame {
				u8 := args[4]
				if u8.Get("byteLength").Type() != js.TypeNumber || u8.Get("byteLength").Int() != 4*len(n)/3 {
					return nil, fmt.Errorf("chainInstall: the frame must be a Uint8Array of %d bytes", 4*len(n)/3)
				}
				if cap(g.feed.rgba) < 4*len(n)/3 {
					g.feed.rgba = make([]byte, 4*len(n)/3)
				}
				g.feed.rgba = g.feed.rgba[:4*len(n)/3]
				js.CopyBytesToGo(g.feed.rgba, u8)
				frame, err = g.eng.InstallChainFrame(key, args[3].String(), t, n, g.feed.rgba, ahead)
			} else {
				err = g.eng.InstallChain(key, t, n, ahead)
			}
			if err != nil {
				if errors.Is(err, diffusion.ErrNoRoom) {
					g.feed.noRoom++
				}
				if errors.Is(err, app.ErrStaleNode) {
					g.feed.stale++
				}
				return nil, err
			}
			g.feed.installed++
			if frame {
				g.feed.frames++
			}
			g.feed.installMs = append(g.feed.installMs, float64(time.Since(t0).Microseconds())/1000)
			if len(g.feed.installMs) > 256 {
				g.feed.installMs = g.feed.installMs[1:]
			}
			return map[string]bool{"installed": true, "frame": frame}, nil
		})
		b.export(core, "chainPicture", func(args []js.Value) (any, error) {
			if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeObject {
				return nil, errors.New("chainPicture takes (picture key, Uint8Array)")
			}
			x0, err := g.eng.ChainPicture(args[0].String())
			if err != nil {
				return nil, err
			}
			if args[1].Get("byteLength").Type() != js.TypeNumber || args[1].Get("byteLength").Int() != 4*len(x0) {
				return nil, fmt.Errorf("chainPicture: the Uint8Array must have %d bytes", 4*len(x0))
			}
			if len(x0) > 0 {
				js.CopyBytesToJS(args[1], unsafe.Slice((*byte)(unsafe.Pointer(&x0[0])), 4*len(x0)))
			}
			p := g.eng.X0()
			return map[string]any{"picture": args[0].String(), "width": p.W, "height": p.H}, nil
		})
		b.export(core, "chainReady", func(args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeNumber {
				return nil, errors.New("chainReady takes a step")
			}
			return map[string]bool{"ready": g.eng.ChainReady(args[0].Int())}, nil
		})
		b.export(core, "chainStats", func(args []js.Value) (any, error) {
			s := g.eng.State()
			rgba, _ := g.eng.Frame()
			return struct {
				On          bool         `json:"on"`
				Installed   int          `json:"installed"`
				Frames      int          `json:"frames"`      // installed with the worker's RGBA
				FramesShown int          `json:"framesShown"` // frames drawn from those
				Stale       int          `json:"stale"`
				NoRoom      int          `json:"noRoom"`
				Held        int          `json:"held"`
				MainNodes   int          `json:"mainNodes"`
				InstallMs   app.Quantile `json:"installMs"`
				Step        int          `json:"t"`
				Digest      string       `json:"digest"`      // of x_t of the state's mode (app.FrameChecksum)
				FrameDigest string       `json:"frameDigest"` // of its RGBA bytes, as drawn (app.BytesChecksum)
			}{g.feed.on, g.feed.installed, g.feed.frames, g.eng.ChainFramesShown(), g.feed.stale, g.feed.noRoom, g.feed.held, g.feed.mainNodes,
				app.Quantiles(g.feed.installMs), s.Step, app.FrameChecksum(g.eng.Xt()), app.BytesChecksum(rgba)}, nil
		})
	})
}
