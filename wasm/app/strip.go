package app

import "dissolve/diffusion"

// The snapshot strip: x_t at evenly spaced t, as in the DDPM paper's
// figures.

// StripFrames is the snapshot strip (core function strip()): x_t at Count
// evenly spaced t from 0 to T, as in the figures of Ho et al. 2020, each a
// W×H thumbnail.
type StripFrames struct {
	Steps []int  `json:"steps"`
	W     int    `json:"w"`
	H     int    `json:"h"`
	RGBA  []byte `json:"rgba"` // Count frames of W·H·4 bytes, one after the other (base64 in JSON)
}

// StripThumb is the longer side of a strip thumbnail, in pixels.
const StripThumb = 96

// SnapshotStrip returns x_t at t_k = round(k·T/(count−1)), k = 0..count−1
// (FrameSteps), for the current picture, seed, schedule and mode, each a
// thumbnail of the picture's own pixels (paneInputs.thumbnail): in closed
// form exactly the pixels of the full picture at those t; in the Markov
// mode a chain of the thumbnail's own.
func (e *Engine) SnapshotStrip(count int) StripFrames {
	count = min(max(count, 2), 32)
	in := e.in.thumbnail(StripThumb)
	src := e.state.Mode.Source()
	tw, th := in.x0.W, in.x0.H
	sf := StripFrames{W: tw, H: th, RGBA: make([]byte, count*tw*th*4)}
	sf.Steps = FrameSteps(in.sched.T, count) // the steps of the exported strip too
	var xt []float32
	for k, t := range sf.Steps {
		xt = in.values(src, t, xt, 1)
		diffusion.ToRGBA(sf.RGBA[k*tw*th*4:(k+1)*tw*th*4], xt)
	}
	return sf
}
