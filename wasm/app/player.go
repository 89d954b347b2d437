package app

import "math"

// HoldSeconds is how long a playing page rests at each end of the loop, on
// x_T before it starts again from x_0 and on x_0 before it moves on.
const HoldSeconds = 0.8

// Player is the page's clock, apart from Ebiten: it turns elapsed time into
// the step to show while the page plays (at State.Speed steps a second,
// resting HoldSeconds at T, wrapping to 0 and resting there, the Markov
// mode on its stride: PlayStep), and a horizontal drag over the picture into
// a step (the canvas's full width is all of 0..T). The game only feeds it
// time and pointer positions and shows what it returns.
//
// A Player is not safe for concurrent use.
type Player struct {
	clock float64 // fractional t while playing
	shown int     // the step the player showed last
	hold  float64 // seconds left to rest on x_0 or x_T

	dragging      bool
	dragX, dragAt int // where the drag started: pointer x and step
}

// Clock returns the fractional step the playing clock reads (Ahead's
// argument).
func (p *Player) Clock() float64 { return p.clock }

// Dragging reports whether a drag gesture is under way.
func (p *Player) Dragging() bool { return p.dragging }

// Tick advances the clock by dt seconds for the page in state s and
// returns the step to show, or false when the step stays. A paused page,
// or one being dragged, follows s.Step. A step set from outside (a
// slider, the API) is picked up: the clock continues from it.
//
// In the reverse direction the story runs from x_T to x_0: the clock
// counts the steps taken from T, t = T − clock, it rests on x_0 (the
// sample) and then starts again from x_T.
func (p *Player) Tick(s State, dt float64) (int, bool) {
	u, ok := p.tick(storyOf(s), dt)
	return storyStep(s, u), ok
}

// storyOf is s with its step counted along the story: t itself forward,
// T − t in reverse (where the Markov stride does not apply).
func storyOf(s State) State {
	if s.Direction == Reverse {
		s.Step, s.Mode = s.T-s.Step, ClosedForm
	}
	return s
}

// storyStep turns a step counted along the story back into t.
func storyStep(s State, u int) int {
	if s.Direction == Reverse {
		return s.T - u
	}
	return u
}

func (p *Player) tick(s State, dt float64) (int, bool) {
	if !s.Playing || p.dragging {
		p.clock = float64(s.Step)
		p.hold = 0
		return 0, false
	}
	if p.hold > 0 {
		p.hold -= dt
		if p.hold > 0 {
			return 0, false
		}
		if s.Step >= s.T {
			p.clock = 0
			p.hold = HoldSeconds
			return p.show(0), true
		}
	}
	if s.Step != p.shown { // t was set from outside
		p.clock = float64(s.Step)
	}
	p.clock += s.Speed * dt
	next := PlayStep(s, p.clock, s.Step)
	if next >= s.T {
		p.hold = HoldSeconds
	}
	return p.show(next), true
}

func (p *Player) show(t int) int {
	p.shown = t
	return t
}

// StartDrag starts a drag gesture at pointer x on a page in state s. It
// changes no step: a plain tap does nothing.
func (p *Player) StartDrag(x int, s State) {
	p.dragging, p.dragX, p.dragAt = true, x, s.Step
}

// DragTo moves the drag to pointer x on a canvas width pixels wide and
// returns the step to show: the step at the start plus the fraction of the
// width dragged times T, rounded, within 0..T. It returns false before a
// drag has started or while the width is unknown.
func (p *Player) DragTo(x, width int, s State) (int, bool) {
	if !p.dragging || width <= 0 {
		return 0, false
	}
	t := p.dragAt + int(math.Round(float64(x-p.dragX)/float64(width)*float64(s.T)))
	return p.show(min(max(t, 0), s.T)), true
}

// EndDrag ends the drag gesture.
func (p *Player) EndDrag() { p.dragging = false }
