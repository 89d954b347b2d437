package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"dissolve/diffusion"
)

// Limits of the exports. Every error message quotes them.
const (
	MinExportFrames = 2   // a movie or strip needs x_0 and x_T at least
	MaxGIFFrames    = 120 // 120 frames of 512² are 31 MB before compression
	MaxStripFrames  = 20
	MinGIFFPS       = 1
	MaxGIFFPS       = 50 // GIF delays are whole hundredths of a second: 2 cs is 50 fps
	MinExportSize   = MinSize
	MaxExportSize   = 512
)

// Movie renders the x_t of one state at any t, exactly as the page does at
// the same processing size: the same schedule, the same x_0, the same seed
// and the same mode, so a frame of an export has the bits of the frame on
// screen.
//
//	closed form: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, ε = Noise{seed} stream 0
//	Markov:      the chain's Trajectory from x_0 with Noise{seed}
//
// A Movie is not safe for concurrent use.
type Movie struct {
	sched *diffusion.Schedule
	x0    *diffusion.Planar
	mode  Mode
	seed  uint32

	eps  []float32
	traj *diffusion.Trajectory
}

// NewMovie prepares the frames of x0 under sched. x0 and sched are read,
// never written.
func NewMovie(sched *diffusion.Schedule, x0 *diffusion.Planar, mode Mode, seed uint32) *Movie {
	return &Movie{sched: sched, x0: x0, mode: mode, seed: seed}
}

// Bounds is the size of a frame.
func (m *Movie) Bounds() image.Rectangle { return image.Rect(0, 0, m.x0.W, m.x0.H) }

// T is the schedule's number of steps.
func (m *Movie) T() int { return m.sched.T }

// RGBA writes x_t as RGBA bytes (4·W·H) to dst; t is clamped to 0..T.
func (m *Movie) RGBA(t int, dst []byte) {
	t = min(max(t, 0), m.sched.T)
	if m.mode == Markov {
		if m.traj == nil {
			m.traj = diffusion.NewTrajectory(m.sched, m.x0.Pix, uint64(m.seed))
		}
		m.traj.RGBAAt(t, dst)
		return
	}
	if m.eps == nil {
		m.eps = make([]float32, len(m.x0.Pix))
		diffusion.Noise{Seed: uint64(m.seed)}.Fill(m.eps, 0)
	}
	a, b := m.sched.SqrtAlphaBar(t), m.sched.SqrtOneMinusAlphaBar(t)
	diffusion.ClosedFormRGBA(dst, m.x0.Pix, m.eps, float32(a), float32(b))
}

// Image returns x_t as an image.
func (m *Movie) Image(t int) *image.RGBA {
	img := image.NewRGBA(m.Bounds())
	m.RGBA(t, img.Pix)
	return img
}

// FrameSteps returns n time steps spread evenly over 0..T, both ends
// included: t_k = round(k·T/(n − 1)) for k = 0..n−1 (halves rounded up).
// When n − 1 > T some steps repeat. n must be at least 2.
func FrameSteps(T, n int) []int {
	steps := make([]int, n)
	for k := range steps {
		steps[k] = (2*k*T + (n - 1)) / (2 * (n - 1))
	}
	return steps
}

// Frame spacings: which steps t the frames of an export show.
const (
	SpacingT      = "t"      // evenly in t (FrameSteps)
	SpacingLogSNR = "logsnr" // evenly in log-SNR (FrameStepsLogSNR): more frames where the picture fades fastest
)

// GIF palettes: colour cubes of 252 (6×7×6, 8-bit codes), 64 (4×4×4,
// 6-bit codes) or 27 (3×3×3, 5-bit codes) colours.
var gifCubes = map[int][3]int{252: {6, 7, 6}, 64: {4, 4, 4}, 27: {3, 3, 3}}

// FrameStepsLogSNR returns n time steps from 0 to T, both ends included,
// spread evenly in log-SNR λ_t = ln(ᾱ_t/(1 − ᾱ_t)) rather than in t. λ is
// +∞ at t = 0 (x_0 itself), so the first frame is t = 0 and the other n − 1
// are spaced evenly in λ from λ_1 to λ_L, L being the last step with a
// finite λ (T, or T − 1 under zero terminal SNR, whose λ_T is −∞; the
// last frame is then T):
//
//	target_k = λ_1 + (k − 1)/(n − 2)·(λ_L − λ_1), k = 1..n−1,
//	t_k = the step whose λ is nearest to target_k,
//
// moved on to t_{k−1} + 1 where the nearest step was taken already (near
// t = 1 one step of the lesson's schedule moves λ by more than the
// spacing), and back so that the steps left fit before T. The steps are
// strictly increasing when n ≤ T + 1; for more frames than steps it is
// FrameSteps. In the lesson's schedule λ falls by a third of its range
// (9.2 to 2.2) in the first tenth of the steps, where the picture fades
// fastest: evenly in t that tenth gets a tenth of the frames, evenly in λ
// a third; the second half (t > 500, ᾱ_t < 0.08) gets 16 of 40 frames
// instead of 20.
func FrameStepsLogSNR(sched *diffusion.Schedule, n int) []int {
	T := sched.T
	if n > T+1 || n < 3 {
		return FrameSteps(T, n)
	}
	last := T
	for last > 1 && math.IsInf(sched.LogSNR(last), -1) {
		last--
	}
	lo, hi := sched.LogSNR(1), sched.LogSNR(last)
	steps := make([]int, n)
	for k := 1; k < n; k++ {
		target := lo + float64(k-1)/float64(n-2)*(hi-lo)
		t := nearestLogSNR(sched, target, 1, last)
		t = max(t, steps[k-1]+1)
		t = min(t, T-(n-1-k))
		steps[k] = t
	}
	steps[n-1] = T
	return steps
}

// nearestLogSNR is the step in a..b whose λ (decreasing in t) is nearest
// to target.
func nearestLogSNR(sched *diffusion.Schedule, target float64, a, b int) int {
	// The first step in a..b with λ ≤ target.
	i, j := a, b+1
	for i < j {
		m := (i + j) / 2
		if sched.LogSNR(m) <= target {
			j = m
		} else {
			i = m + 1
		}
	}
	switch {
	case i > b:
		return b
	case i == a:
		return a
	}
	if target-sched.LogSNR(i) < sched.LogSNR(i-1)-target {
		return i
	}
	return i - 1
}

// GIFOptions choose an animated GIF of x_0 → x_T. The zero values of
// Spacing, Colors and Label are the first export's behaviour: frames evenly
// in t, 252 colours, no label.
type GIFOptions struct {
	Frames  int    `json:"frames"`  // number of frames, MinExportFrames..MaxGIFFrames, at Steps(schedule)
	FPS     int    `json:"fps"`     // frames per second, MinGIFFPS..MaxGIFFPS (stored as a delay of round(100/FPS) cs)
	Size    int    `json:"size"`    // longer side in pixels, MinExportSize..MaxExportSize
	Dither  bool   `json:"dither"`  // Floyd–Steinberg error diffusion onto the palette
	Spacing string `json:"spacing"` // SpacingLogSNR or SpacingT ("" is SpacingT)
	Colors  int    `json:"colors"`  // 252, 64 or 27 (0 is 252)
	Label   bool   `json:"label"`   // "t = …" drawn into each frame's top-left corner
}

// Default export settings, chosen by measurement (README, "Exports"): the
// default GIF of the astronaut is about 1 MB where 60 frames of 256², 252
// colours, evenly in t, made 5.0 MB.
const (
	DefaultExportFrames = 40
	DefaultExportFPS    = 16
	DefaultExportSize   = 192
	DefaultGIFColors    = 64
)

// DefaultGIFOptions are 40 frames at 16 fps, 192 pixels (or the page's
// processing size if smaller), 64 colours dithered, evenly in log-SNR,
// labelled with t.
func DefaultGIFOptions(s State) GIFOptions {
	return GIFOptions{
		Frames: DefaultExportFrames, FPS: DefaultExportFPS, Size: min(max(s.Size, MinExportSize), DefaultExportSize),
		Dither: true, Spacing: SpacingLogSNR, Colors: DefaultGIFColors, Label: true,
	}
}

// Steps are the time steps of the frames under sched.
func (o GIFOptions) Steps(sched *diffusion.Schedule) []int {
	if o.Spacing == SpacingLogSNR {
		return FrameStepsLogSNR(sched, o.Frames)
	}
	return FrameSteps(sched.T, o.Frames)
}

func (o GIFOptions) cube() [3]int {
	if c, ok := gifCubes[o.Colors]; ok {
		return c
	}
	return cubeLevels
}

// Delay is the GIF frame delay in hundredths of a second.
func (o GIFOptions) Delay() int { return (200/o.FPS + 1) / 2 }

// Validate names the first field out of range.
func (o GIFOptions) Validate() error {
	if o.Frames < MinExportFrames || o.Frames > MaxGIFFrames {
		return rangeError("frames", "integer", MinExportFrames, MaxGIFFrames, fmt.Sprint(o.Frames))
	}
	if o.FPS < MinGIFFPS || o.FPS > MaxGIFFPS {
		return rangeError("fps", "integer", MinGIFFPS, MaxGIFFPS, fmt.Sprint(o.FPS))
	}
	if err := validSpacing(o.Spacing); err != nil {
		return err
	}
	if _, ok := gifCubes[o.Colors]; !ok && o.Colors != 0 {
		return optionError("colors", []string{"252", "64", "27"}, fmt.Sprint(o.Colors))
	}
	return validExportSize(o.Size)
}

func validSpacing(s string) error {
	if s != "" && s != SpacingT && s != SpacingLogSNR {
		return optionError("spacing", []string{SpacingLogSNR, SpacingT}, clip(strconv.Quote(s)))
	}
	return nil
}

func validExportSize(size int) error {
	if size < MinExportSize || size > MaxExportSize {
		return rangeError("size", "integer", MinExportSize, MaxExportSize, fmt.Sprint(size))
	}
	return nil
}

// ParseGIFOptions reads options from a JSON object such as
// {"frames": 60, "fps": 20, "size": 256, "dither": true}; missing fields
// keep their value in def. Unknown fields, wrong types and values out of
// range are errors naming the field.
func ParseGIFOptions(data []byte, def GIFOptions) (GIFOptions, error) {
	o := def
	err := parseOptions(data, map[string]any{"frames": &o.Frames, "fps": &o.FPS, "size": &o.Size, "dither": &o.Dither,
		"spacing": &o.Spacing, "colors": &o.Colors, "label": &o.Label})
	if err != nil {
		return def, err
	}
	if err := o.Validate(); err != nil {
		return def, err
	}
	return o, nil
}

// StripOptions choose a strip of snapshots x_{t_0}, …, x_{t_{n−1}} side by
// side, each labelled with its t.
type StripOptions struct {
	Frames int `json:"frames"` // MinExportFrames..MaxStripFrames, at FrameSteps(T, Frames)
	Size   int `json:"size"`   // longer side of each snapshot, MinExportSize..MaxExportSize
}

// DefaultStripOptions are 8 snapshots of 128 pixels.
func DefaultStripOptions() StripOptions { return StripOptions{Frames: 8, Size: 128} }

// Validate names the first field out of range.
func (o StripOptions) Validate() error {
	if o.Frames < MinExportFrames || o.Frames > MaxStripFrames {
		return rangeError("frames", "integer", MinExportFrames, MaxStripFrames, fmt.Sprint(o.Frames))
	}
	return validExportSize(o.Size)
}

// ParseStripOptions is ParseGIFOptions for a strip: {"frames": 8, "size": 128}.
func ParseStripOptions(data []byte, def StripOptions) (StripOptions, error) {
	o := def
	if err := parseOptions(data, map[string]any{"frames": &o.Frames, "size": &o.Size}); err != nil {
		return def, err
	}
	if err := o.Validate(); err != nil {
		return def, err
	}
	return o, nil
}

// parseOptions sets the fields of a JSON object: *int fields take JSON
// integers, *bool fields true or false, *string fields strings.
func parseOptions(data []byte, fields map[string]any) error {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return &FieldError{Code: CodeOptions, Options: names, Got: clip(string(data))}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		switch dst := fields[k].(type) {
		case *int:
			n, err := jsonInt(v)
			if err != nil {
				return typeError(k, "integer", clip(string(v)))
			}
			*dst = n
		case *bool:
			if err := json.Unmarshal(v, dst); err != nil || string(v) == "null" {
				return typeError(k, "boolean", clip(string(v)))
			}
		case *string:
			if err := json.Unmarshal(v, dst); err != nil || string(v) == "null" {
				return typeError(k, "string", clip(string(v)))
			}
		default:
			return &FieldError{Field: clip(k), Code: CodeUnknownOpt, Options: names}
		}
	}
	return nil
}

// The GIF palette is a fixed colour cube of 6 red × 7 green × 6 blue
// levels (252 colours), each level round(i·255/(n − 1)). Noise frames use
// the whole RGB cube evenly, so an adaptive palette (median cut) would
// end up close to a uniform cube anyway; a fixed cube also makes finding
// the nearest colour a per-channel rounding instead of a search, and lets
// every frame share the GIF's global colour table. Green gets the extra
// level because the eye is most sensitive to it.
var cubeLevels = [3]int{6, 7, 6}

// Palette returns the GIF palette: index = (r·7 + g)·6 + b for the level
// numbers r, g, b.
func Palette() color.Palette { return CubePalette(cubeLevels) }

func levelValue(i, n int) uint8 { return uint8((i*255*2 + (n - 1)) / (2 * (n - 1))) }

// nearestLevel is the level of n whose value is closest to v in 0..255.
func nearestLevel(v, n int) int { return (v*(n-1)*2 + 255) / (2 * 255) }

// Quantize maps the RGBA pixels src (4 bytes each, alpha ignored) of a
// w×h image onto the palette, writing indices to dst (w·h bytes). Without
// dither each channel is rounded to its nearest level. With dither it is
// Floyd–Steinberg error diffusion (7/16 right, 3/16 down-left, 5/16 down,
// 1/16 down-right), done per channel, which for a product palette is the
// same as diffusing the RGB error vector: local averages of the picture
// survive the 6–7 levels per channel.
func Quantize(dst, src []byte, w, h int, dither bool) {
	quantizeCube(dst, src, w, h, dither, cubeLevels)
}

// CubePalette is the palette of a colour cube of levels[0] red ×
// levels[1] green × levels[2] blue levels, index (r·levels[1] + g)·levels[2] + b.
func CubePalette(levels [3]int) color.Palette {
	p := make(color.Palette, 0, levels[0]*levels[1]*levels[2])
	for r := range levels[0] {
		for g := range levels[1] {
			for b := range levels[2] {
				p = append(p, color.RGBA{levelValue(r, levels[0]), levelValue(g, levels[1]), levelValue(b, levels[2]), 255})
			}
		}
	}
	return p
}

// QuantizeColors is Quantize onto the palette of a GIF with colors
// colours (252, 64 or 27; GIFOptions.Colors).
func QuantizeColors(dst, src []byte, w, h int, dither bool, colors int) {
	quantizeCube(dst, src, w, h, dither, GIFOptions{Colors: colors}.cube())
}

func quantizeCube(dst, src []byte, w, h int, dither bool, cube [3]int) {
	nr, ng, nb := cube[0], cube[1], cube[2]
	var lv [3][256]uint8 // value of each level, indexed by level
	for c, n := range cube {
		for i := range n {
			lv[c][i] = levelValue(i, n)
		}
	}
	if !dither {
		for i := range w * h {
			r := nearestLevel(int(src[4*i]), nr)
			g := nearestLevel(int(src[4*i+1]), ng)
			b := nearestLevel(int(src[4*i+2]), nb)
			dst[i] = uint8((r*ng+g)*nb + b)
		}
		return
	}
	// Errors in sixteenths, for this row and the next, with one pixel of
	// margin on each side.
	cur := make([]int32, 3*(w+2))
	next := make([]int32, 3*(w+2))
	for y := range h {
		clear(next)
		for x := range w {
			var lvl [3]int
			for c := range 3 {
				v := int32(src[4*(y*w+x)+c])*16 + cur[3*(x+1)+c]
				v = (v + 8) >> 4 // back to 0..255, rounded
				v = min(max(v, 0), 255)
				l := nearestLevel(int(v), cube[c])
				lvl[c] = l
				e := v - int32(lv[c][l]) // the error, in levels of 1
				cur[3*(x+2)+c] += e * 7
				next[3*x+c] += e * 3
				next[3*(x+1)+c] += e * 5
				next[3*(x+2)+c] += e
			}
			dst[y*w+x] = uint8((lvl[0]*ng+lvl[1])*nb + lvl[2])
		}
		cur, next = next, cur
	}
}

// GIFEncoder writes an animated GIF of x_0 → x_T one frame at a time, so
// that a caller can report progress, give the event loop a turn, or stop
// between frames. Each frame is encoded by image/gif (LZW and blocks) as a
// one-frame GIF against the shared global palette; the encoder keeps the
// first file's header, adds the looping extension image/gif writes for
// animations (NETSCAPE2.0, loop forever), and joins the frames' image
// blocks.
type GIFEncoder struct {
	movie  *Movie
	opts   GIFOptions
	steps  []int
	pal    color.Palette
	rgba   []byte
	pm     *image.Paletted
	out    bytes.Buffer
	frame  bytes.Buffer
	next   int
	closed bool
}

// NewGIFEncoder prepares an encoder for m (whose size is the GIF's size)
// with the frame count, speed and dithering of o (o.Size is not used: m
// has its size already).
func NewGIFEncoder(m *Movie, o GIFOptions) (*GIFEncoder, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	b := m.Bounds()
	pal := CubePalette(o.cube())
	return &GIFEncoder{
		movie: m, opts: o, steps: o.Steps(m.sched), pal: pal,
		rgba: make([]byte, 4*b.Dx()*b.Dy()),
		pm:   image.NewPaletted(b, pal),
	}, nil
}

// Frames is the number of frames; Done the number encoded so far.
func (e *GIFEncoder) Frames() int { return len(e.steps) }

// Done is the number of frames encoded so far.
func (e *GIFEncoder) Done() int { return e.next }

// Steps are the time steps of the frames.
func (e *GIFEncoder) Steps() []int { return e.steps }

// Next encodes the next frame. It returns io.EOF once every frame is in.
func (e *GIFEncoder) Next() error {
	if e.next >= len(e.steps) {
		return io.EOF
	}
	one, head, err := e.encodeFrame(e.steps[e.next])
	if err != nil {
		return err
	}
	if e.next == 0 {
		e.out.Write(one[:head])
		e.out.Write(netscapeLoop)
	}
	e.out.Write(one[head : len(one)-1]) // the frame's blocks, without the trailer
	e.next++
	return nil
}

// netscapeLoop is the application extension "loop forever" (what
// image/gif writes for an animation with LoopCount 0).
var netscapeLoop = append(append([]byte{0x21, 0xff, 0x0b}, "NETSCAPE2.0"...), 0x03, 0x01, 0x00, 0x00, 0x00)

// encodeFrame encodes x_t as a one-frame GIF against the shared palette
// and returns it with the length of its header (where its blocks start).
func (e *GIFEncoder) encodeFrame(t int) ([]byte, int, error) {
	b := e.movie.Bounds()
	e.movie.RGBA(t, e.rgba)
	if e.opts.Label {
		LabelFrame(e.rgba, b.Dx(), b.Dy(), t)
	}
	quantizeCube(e.pm.Pix, e.rgba, b.Dx(), b.Dy(), e.opts.Dither, e.opts.cube())
	e.frame.Reset()
	g := &gif.GIF{
		Image:  []*image.Paletted{e.pm},
		Delay:  []int{e.opts.Delay()},
		Config: image.Config{ColorModel: e.pal, Width: b.Dx(), Height: b.Dy()},
	}
	if err := gif.EncodeAll(&e.frame, g); err != nil {
		return nil, 0, err
	}
	one := e.frame.Bytes()
	head, err := gifHeaderLen(one)
	if err != nil {
		return nil, 0, err
	}
	return one, head, nil
}

// EstimateSamples is how many frames EstimateGIFSize encodes.
const EstimateSamples = 5

// EstimateGIFSize is the expected size in bytes of the GIF of m with
// options o, without making it: it encodes EstimateSamples of its frames
// (the first, the last and three evenly between them, by frame number),
// exactly as the export would, and counts
//
//	header + loop extension + Frames × (mean size of the sampled frames) + trailer.
//
// A frame's size depends on how much noise it holds, which grows
// smoothly along the frames, so the mean of evenly sampled frames is
// close to the mean of all (tested within 15% of the real size).
func EstimateGIFSize(m *Movie, o GIFOptions) (int, error) {
	e, err := NewGIFEncoder(m, o)
	if err != nil {
		return 0, err
	}
	n := len(e.steps)
	k := min(n, EstimateSamples)
	head, sum := 0, 0
	for i := range k {
		idx := (2*i*(n-1) + (k - 1)) / (2 * (k - 1))
		one, h, err := e.encodeFrame(e.steps[idx])
		if err != nil {
			return 0, err
		}
		head = h
		sum += len(one) - 1 - h
	}
	return head + len(netscapeLoop) + (sum*n+k/2)/k + 1, nil
}

// gifHeaderLen is the length of a GIF's header, logical screen descriptor
// and global colour table: where its first block starts.
func gifHeaderLen(b []byte) (int, error) {
	if len(b) < 14 || string(b[:6]) != "GIF89a" || b[len(b)-1] != 0x3b {
		return 0, errors.New("gif export: unexpected output from image/gif")
	}
	n := 13
	if packed := b[10]; packed&0x80 != 0 {
		n += 3 << (packed&7 + 1)
	}
	if n >= len(b) {
		return 0, errors.New("gif export: unexpected output from image/gif")
	}
	return n, nil
}

// Bytes finishes the file (after the last Next) and returns it.
func (e *GIFEncoder) Bytes() ([]byte, error) {
	if e.next < len(e.steps) {
		return nil, fmt.Errorf("gif export: %d of %d frames encoded", e.next, len(e.steps))
	}
	if !e.closed {
		e.out.WriteByte(0x3b) // trailer
		e.closed = true
	}
	return e.out.Bytes(), nil
}

// EncodeGIF writes the whole GIF of m with options o to w.
func EncodeGIF(w io.Writer, m *Movie, o GIFOptions) error {
	enc, err := NewGIFEncoder(m, o)
	if err != nil {
		return err
	}
	for {
		if err := enc.Next(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
	}
	data, err := enc.Bytes()
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Strip layout, in pixels. The labels are basicfont's 7×13 glyphs
// magnified twice: digits 20 px tall, the line 26 px.
const (
	stripPad    = 8
	stripScale  = 2
	stripLabelH = 13*stripScale + 6
)

var (
	stripBackground = color.RGBA{0x11, 0x13, 0x18, 0xff}
	labelColor      = color.RGBA{0xf1, 0xf3, 0xf7, 0xff}
)

// textMask draws s in basicfont.Face7x13 at its own size: an alpha mask
// 13 pixels tall, as wide as the text.
func textMask(s string) *image.Alpha {
	face := basicfont.Face7x13
	w := font.MeasureString(face, s).Ceil()
	mask := image.NewAlpha(image.Rect(0, 0, w, 13))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(0, 11)}
	d.DrawString(s)
	return mask
}

// drawText draws s magnified k times (every font pixel a k×k square) with
// its top-left corner at (x, y) of the RGBA pixels pix (stride 4·w, height h).
func drawText(pix []byte, w, h, x, y int, s string, k int, c color.RGBA) {
	mask := textMask(s)
	mb := mask.Bounds()
	for my := range mb.Dy() {
		for mx := range mb.Dx() {
			if mask.AlphaAt(mx, my).A < 128 {
				continue
			}
			for dy := range k {
				for dx := range k {
					px, py := x+mx*k+dx, y+my*k+dy
					if px < 0 || py < 0 || px >= w || py >= h {
						continue
					}
					i := 4 * (py*w + px)
					pix[i], pix[i+1], pix[i+2], pix[i+3] = c.R, c.G, c.B, 255
				}
			}
		}
	}
}

// LabelScale is the magnification of the "t = …" label of a w×h frame:
// 1 up to 127 pixels, then one more for every 96 (2 at 192², 5 at 512²),
// so the label keeps about the same share of the frame.
func LabelScale(w, h int) int { return max(1, (min(w, h)+64)/96) }

// LabelFrame draws "t = …" into the top-left corner of the w×h RGBA frame
// pix: light text, magnified LabelScale times, on a dark box (the frame's
// pixels there darkened to a quarter), legible over a picture or noise.
func LabelFrame(pix []byte, w, h, t int) {
	k := LabelScale(w, h)
	label := "t = " + strconv.Itoa(t)
	tw := font.MeasureString(basicfont.Face7x13, label).Ceil() * k
	pad := 2 * k
	bw, bh := min(tw+2*pad, w), min(13*k+pad, h)
	for y := range bh {
		for x := range bw {
			i := 4 * (y*w + x)
			pix[i], pix[i+1], pix[i+2] = pix[i]/4, pix[i+1]/4, pix[i+2]/4
		}
	}
	drawText(pix, w, h, pad, pad/2, label, k, labelColor)
}

// StripLabelWidth is the width of the label "t = T" (the widest) in a
// strip: 112 pixels for T = 1000.
func StripLabelWidth(T int) int {
	return font.MeasureString(basicfont.Face7x13, "t = "+strconv.Itoa(T)).Ceil() * stripScale
}

// Strip draws the snapshots x_t at FrameSteps(T, frames) left to right on
// the page's background, each with "t = …" under it in 2× basicfont
// (digits 20 px tall). Each snapshot has a cell as wide as the snapshot,
// or as the widest label where snapshots are narrower (centred in it).
func Strip(m *Movie, frames int) *image.RGBA {
	steps := FrameSteps(m.T(), frames)
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	cell := max(w, StripLabelWidth(m.T()))
	out := image.NewRGBA(image.Rect(0, 0, frames*cell+(frames+1)*stripPad, h+2*stripPad+stripLabelH))
	draw.Draw(out, out.Bounds(), image.NewUniform(stripBackground), image.Point{}, draw.Src)
	ow, oh := out.Bounds().Dx(), out.Bounds().Dy()
	for k, t := range steps {
		cx := stripPad + k*(cell+stripPad)
		x := cx + (cell-w)/2
		draw.Draw(out, image.Rect(x, stripPad, x+w, stripPad+h), m.Image(t), image.Point{}, draw.Src)
		label := "t = " + strconv.Itoa(t)
		lw := font.MeasureString(basicfont.Face7x13, label).Ceil() * stripScale
		drawText(out.Pix, ow, oh, cx+(cell-lw)/2, stripPad+h+4, label, stripScale, labelColor)
	}
	return out
}

// EncodePNG writes img as a PNG, compressed for speed (the browser waits).
func EncodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

// CSVColumns are the columns of the schedule table, in order.
var CSVColumns = []string{"t", "beta", "alpha", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr", "posterior_variance"}

// WriteScheduleCSV writes the schedule as CSV: a header (CSVColumns), then
// one row per t = 0..T of
//
//	t, β_t, α_t, ᾱ_t, √ᾱ_t, √(1 − ᾱ_t), SNR_t = ᾱ_t/(1 − ᾱ_t), β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t
//
// from the schedule's own methods, each number in the shortest form that
// parses back to the same float64 (strconv 'g', −1). At t = 0 there is no
// noise: β = 0, α = ᾱ = 1, SNR = Infinity, and β̃_0 is written as 0 (the
// page's convention). ±Inf are written Infinity and −Infinity, NaN as NaN,
// which both JavaScript's Number and Go's strconv.ParseFloat read.
func WriteScheduleCSV(w io.Writer, s *diffusion.Schedule) error {
	var b bytes.Buffer
	b.WriteString(strings.Join(CSVColumns, ","))
	b.WriteString("\r\n")
	for t := 0; t <= s.T; t++ {
		b.WriteString(strconv.Itoa(t))
		pv := 0.0
		if t >= 1 {
			pv = s.PosteriorVariance(t)
		}
		for _, v := range []float64{s.Beta[t], s.Alpha[t], s.AlphaBar[t], s.SqrtAlphaBar(t), s.SqrtOneMinusAlphaBar(t), s.SNR(t), pv} {
			b.WriteByte(',')
			b.WriteString(csvFloat(v))
		}
		b.WriteString("\r\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

func csvFloat(v float64) string {
	switch {
	case v != v:
		return "NaN"
	case v > 1.7976931348623157e308:
		return "Infinity"
	case v < -1.7976931348623157e308:
		return "-Infinity"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
