//go:build browser

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The monkey test's knobs. make test runs the defaults; make soak runs it
// for MONKEY_DURATION=5m. A failure names its seed and the actions before
// it: MONKEY_SEED=<seed> replays the same sequence of actions (as far as
// the run gets in its time), and MONKEY_VERBOSE=1 logs every action.
const (
	monkeySeedDefault     = 13
	monkeyDurationDefault = 30 * time.Second
	// monkeyHistory is how many of the last actions a failure lists.
	monkeyHistory = 25
)

// TestMonkey plays with the page as a bored student and a hostile
// program would, from a fixed seed: clicks on the page's controls, keys
// (Space, ←/→ with and without Shift, N/P, F, Home/End, L, Esc, Tab),
// slider and stage drags, menu changes (every option of every menu,
// direction=reverse, the denoiser, the sampler, compare included),
// uploads and drops of generated files (PNG, JPEG, GIF of odd sizes, a
// truncated PNG, a PNG header claiming 10⁶×10⁶ pixels, text, zero bytes),
// window.ddpm calls with values generated from ddpm.schema() (inside the
// ranges, outside them, of the wrong type, junk objects) and junk
// postMessages, from the page to itself and from two child frames (a
// same-origin one and a sandboxed one), up to 2 MB each.
//
// After every action: no uncaught exception, no console error (a Go
// panic recovered at the bridge is reported with console.error, an
// unrecovered one prints "panic:"; both count), and getState() valid by
// the schema: every field present, of its kind, inside its range (t ≤ T,
// betaStart ≤ betaEnd) or one of its options. A setState with a value
// outside the schema must throw and change nothing; one that is accepted
// must return what it was given. At the end the page still draws frames
// and answers a setState/getState round trip. The error box showing
// refusals is the page working as designed and is not counted.
func TestMonkey(t *testing.T) {
	seed := int64(monkeySeedDefault)
	if s := os.Getenv("MONKEY_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("MONKEY_SEED=%q: %v", s, err)
		}
		seed = v
	}
	duration := envDuration(t, "MONKEY_DURATION", monkeyDurationDefault)
	t.Logf("monkey: seed %d (replay with MONKEY_SEED=%d), for %v (MONKEY_DURATION)", seed, seed, duration)

	started := time.Now()
	base := startServer(t, repoRoot(t))
	ctx := newBrowserFor(t, duration+3*time.Minute)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html")
	waitReady(t, ctx)

	m := &monkey{t: t, ctx: ctx, rng: rand.New(rand.NewSource(seed)), seed: seed, counts: map[string]int{}}
	m.files = monkeyFiles(t, m.rng)
	m.children()
	m.check("start")

	actions := []struct {
		weight int
		name   string
		do     func() string
	}{
		{8, "click", m.click},
		{8, "key", m.key},
		{4, "drag", m.drag},
		{8, "menu", m.menu},
		{3, "number", m.number},
		{3, "upload", m.upload},
		{10, "setState", m.setState},
		{3, "junkState", m.junkState},
		{4, "api", m.api},
		{6, "postMessage", m.postMessage},
	}
	total := 0
	for _, a := range actions {
		total += a.weight
	}
	verbose := os.Getenv("MONKEY_VERBOSE") != ""
	t.Logf("monkey: the page is ready after %v", time.Since(started).Round(time.Millisecond))
	end := time.Now().Add(duration)
	for time.Now().Before(end) {
		at := time.Now()
		r := m.rng.Intn(total)
		for _, a := range actions {
			if r -= a.weight; r < 0 {
				m.n++
				m.counts[a.name]++
				what := a.do()
				line := fmt.Sprintf("#%d %s: %s", m.n, a.name, what)
				if verbose {
					t.Logf("%s (%v)", line, time.Since(at).Round(time.Millisecond))
				}
				m.check(line)
				break
			}
		}
		if t.Failed() {
			break
		}
	}
	if t.Failed() {
		return
	}
	m.finish()

	names := make([]string, 0, len(m.counts))
	for k := range m.counts {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, m.counts[k])
	}
	outcome := "pass"
	if t.Failed() {
		outcome = "FAIL"
	}
	t.Logf("monkey: seed %d, %d actions in %v (%s); setState accepted %d, refused %d; %s: 0 exceptions, 0 Go panics, 0 console errors, the state valid after every action",
		seed, m.n, duration, strings.Join(parts, ", "), m.accepted, m.refused, outcome)
}

// envDuration reads a duration such as 5m from the environment variable
// name, def if it is unset.
func envDuration(t testing.TB, name string, def time.Duration) time.Duration {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q is not a positive duration such as 90s or 5m", name, s)
	}
	return d
}

// monkey holds one run: the random source every choice comes from (so a
// seed replays the run), the last actions, and the child frames' script
// contexts that post messages.
type monkey struct {
	t        *testing.T
	ctx      context.Context
	rng      *rand.Rand
	seed     int64
	n        int
	counts   map[string]int
	history  []string
	files    []monkeyFile
	frames   []runtime.ExecutionContextID // child frames: same-origin, sandboxed
	errSeen  int
	accepted int
	refused  int
}

// fail stops the run, naming the seed and the last actions.
func (m *monkey) fail(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("monkey (seed %d, MONKEY_SEED=%d replays it): %s\nthe last actions:\n  %s%s",
		m.seed, m.seed, fmt.Sprintf(format, args...), strings.Join(m.history, "\n  "), recorded(m.ctx))
}

// eval runs a JavaScript expression (awaited) in the page; an error fails
// the run (the actions catch what the page throws themselves).
func (m *monkey) eval(expr string, out any) {
	m.t.Helper()
	if err := evalJSONErr(m.ctx, expr, out); err != nil {
		m.fail("evaluating %s: %v", abbreviate(expr), err)
	}
}

func (m *monkey) pick(n int) int { return m.rng.Intn(n) }

func (m *monkey) chance(p float64) bool { return m.rng.Float64() < p }

// ---- the checks ------------------------------------------------------------

// schemaField is one of ddpm.schema().fields, as the state check reads it.
type schemaField struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Min      *float64 `json:"min"`
	Max      *float64 `json:"max"`
	MinOpen  bool     `json:"minOpen"`
	MaxOpen  bool     `json:"maxOpen"`
	MaxField string   `json:"maxField"`
	Options  []string `json:"options"`
}

// snapshot is the page's state and its schema at one moment.
type snapshot struct {
	State  map[string]any `json:"state"`
	Fields []schemaField  `json:"fields"`
	Err    string         `json:"err"`
}

func (m *monkey) snapshot() snapshot {
	m.t.Helper()
	var s snapshot
	m.eval(`(() => {
		try { return {state: window.ddpm.getState(), fields: window.ddpm.schema().fields}; }
		catch (e) { return {err: String(e && e.stack || e)}; }
	})()`, &s)
	if s.Err != "" {
		m.fail("getState() or schema() threw: %s", s.Err)
	}
	return s
}

// check runs after every action: no new console error, no exception, and
// the state valid by the schema.
func (m *monkey) check(what string) {
	m.t.Helper()
	m.history = append(m.history, what)
	if len(m.history) > monkeyHistory {
		m.history = m.history[len(m.history)-monkeyHistory:]
	}
	s := m.snapshot()
	if errs := consoleErrors(m.ctx); len(errs) > m.errSeen {
		m.fail("the page logged errors (exceptions, console.error, a Go panic):\n  %s", strings.Join(errs[m.errSeen:], "\n  "))
	}
	if problems := invalidState(s); len(problems) > 0 {
		m.fail("getState() is not valid by the schema: %s\nstate: %v", strings.Join(problems, "; "), s.State)
	}
}

// invalidState lists what in s.State breaks s.Fields.
func invalidState(s snapshot) []string {
	var bad []string
	known := map[string]bool{}
	for _, f := range s.Fields {
		known[f.Name] = true
		v, ok := s.State[f.Name]
		if !ok {
			bad = append(bad, f.Name+" is missing")
			continue
		}
		switch f.Kind {
		case "integer", "number":
			x, ok := v.(float64)
			if !ok {
				bad = append(bad, fmt.Sprintf("%s = %v is not a number", f.Name, v))
				continue
			}
			if f.Kind == "integer" && x != math.Trunc(x) {
				bad = append(bad, fmt.Sprintf("%s = %v is not an integer", f.Name, x))
			}
			hi := math.Inf(1)
			if f.Max != nil {
				hi = *f.Max
			}
			if f.MaxField != "" {
				if y, ok := s.State[f.MaxField].(float64); ok && y < hi {
					hi = y
				}
			}
			lo := math.Inf(-1)
			if f.Min != nil {
				lo = *f.Min
			}
			if x < lo || x > hi || (f.MinOpen && x == lo) || (f.MaxOpen && x == hi) || math.IsNaN(x) {
				bad = append(bad, fmt.Sprintf("%s = %v is outside %v..%v", f.Name, x, lo, hi))
			}
		case "boolean":
			if _, ok := v.(bool); !ok {
				bad = append(bad, fmt.Sprintf("%s = %v is not a boolean", f.Name, v))
			}
		case "enum":
			str, ok := v.(string)
			if !ok || !contains(f.Options, str) {
				bad = append(bad, fmt.Sprintf("%s = %v is not one of %q", f.Name, v, f.Options))
			}
		default:
			bad = append(bad, fmt.Sprintf("%s has an unknown kind %q", f.Name, f.Kind))
		}
	}
	for k := range s.State {
		if !known[k] {
			bad = append(bad, "unknown field "+k)
		}
	}
	if b0, ok := s.State["betaStart"].(float64); ok {
		if b1, ok := s.State["betaEnd"].(float64); ok && b1 < b0 {
			bad = append(bad, fmt.Sprintf("betaEnd %v < betaStart %v", b1, b0))
		}
	}
	return bad
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// finish: leave presentation and fullscreen, then the page must still
// draw frames, answer a setState/getState round trip, and play (in a
// light state: a 1024² Markov chain under a loaded machine may not reach
// the next t in 3 s).
func (m *monkey) finish() {
	m.t.Helper()
	for i := 0; i < 2; i++ {
		m.send(kb.Escape, false)
	}
	m.eval(`(async () => { if (document.fullscreenElement) await document.exitFullscreen(); return true; })()`, nil)
	var rt struct {
		OK   bool           `json:"ok"`
		Err  string         `json:"err"`
		Got  map[string]any `json:"got"`
		Perf struct {
			Frames int `json:"frames"`
		} `json:"perf"`
		T0 float64 `json:"t0"`
		T1 float64 `json:"t1"`
	}
	m.eval(`(async () => {
		try {
			const want = {t: 7, seed: 4242, playing: false, size: 64, mode: 'closed', direction: 'forward', speed: 200, T: 1000};
			window.ddpm.setState(want);
			const got = window.ddpm.getState();
			const ok = Object.keys(want).every(k => got[k] === want[k]);
			window.ddpm.setState({playing: true});
			const t0 = window.ddpm.getState().t;
			await new Promise(r => setTimeout(r, 3500));
			return {ok, got, perf: window.ddpm.perf(), t0, t1: window.ddpm.getState().t};
		} catch (e) { return {err: String(e && e.message || e)}; }
	})()`, &rt)
	switch {
	case rt.Err != "":
		m.fail("the round trip at the end threw: %s", rt.Err)
	case !rt.OK:
		m.fail("setState({t: 7, seed: 4242, playing: false, size: 64, mode: 'closed', …}) then getState() gave %v", rt.Got)
	case rt.Perf.Frames < 3:
		m.fail("the page drew %d frames in the last 3 s at the end: it no longer animates", rt.Perf.Frames)
	case rt.T0 == rt.T1:
		m.fail("playing, t stayed at %v for 3.5 s at the end", rt.T0)
	}
	m.check("finish")
	m.t.Logf("monkey: at the end the page drew %d frames in 3 s and t moved %v → %v", rt.Perf.Frames, rt.T0, rt.T1)
}

// ---- the actions -----------------------------------------------------------

// target is an element the page shows, at its centre in the viewport.
type target struct {
	ID   string  `json:"id"`
	Tag  string  `json:"tag"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
	Text string  `json:"text"`
}

// targets lists the visible elements matching sel, each scrolled into
// view only when chosen (see reach).
func (m *monkey) targets(sel string) int {
	var n int
	m.eval(fmt.Sprintf(`[...document.querySelectorAll(%s)].filter(e => e.getClientRects().length > 0 && !e.disabled).length`, jsString(sel)), &n)
	return n
}

// reach scrolls the i-th visible element matching sel into view and
// returns where it is.
func (m *monkey) reach(sel string, i int) target {
	var tg target
	m.eval(fmt.Sprintf(`(() => {
		const e = [...document.querySelectorAll(%s)].filter(e => e.getClientRects().length > 0 && !e.disabled)[%d];
		if (!e) return {};
		e.scrollIntoView({block: 'center', inline: 'center'});
		const r = e.getBoundingClientRect();
		return {id: e.id, tag: e.tagName.toLowerCase(), x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height,
			text: (e.textContent || '').trim().slice(0, 30)};
	})()`, jsString(sel), i), &tg)
	return tg
}

func (m *monkey) mouse(typ input.DispatchMouseEventType, x, y float64, pressed bool) {
	opts := []chromedp.MouseOption{chromedp.ButtonLeft}
	if typ == chromedp.MouseMoved && !pressed {
		opts = []chromedp.MouseOption{chromedp.ButtonNone}
	}
	if err := chromedp.Do(m.ctx, chromedp.MouseEvent(typ, x, y, opts...)); err != nil {
		m.fail("mouse %s at (%.0f, %.0f): %v", typ, x, y, err)
	}
}

// clickable: the controls a student clicks (menus are changed by menu and
// by keys: a click would open a native popup).
const clickable = `button, input[type=checkbox], input[type=range], input[type=number], summary, iframe#stage, canvas, a[href^="#"]`

// click presses and releases the left button on a random control.
func (m *monkey) click() string {
	n := m.targets(clickable)
	if n == 0 {
		return "nothing to click"
	}
	tg := m.reach(clickable, m.pick(n))
	if tg.Tag == "" {
		return "the target went away"
	}
	x := tg.X + (m.rng.Float64()-0.5)*tg.W*0.8
	y := tg.Y + (m.rng.Float64()-0.5)*tg.H*0.8
	m.mouse(chromedp.MousePressed, x, y, true)
	m.mouse(chromedp.MouseReleased, x, y, false)
	return fmt.Sprintf("%s#%s %q at (%.0f, %.0f)", tg.Tag, tg.ID, tg.Text, x, y)
}

func (m *monkey) send(key string, shift bool) {
	var opts []chromedp.KeyOption
	if shift {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	if err := chromedp.Do(m.ctx, chromedp.KeyEvent(key, opts...)); err != nil {
		m.fail("key %q: %v", key, err)
	}
}

// key presses one of the page's keys (on whatever has the focus: the
// page, the stage, a menu or a slider), sometimes after moving the focus
// to the stage or the page.
func (m *monkey) key() string {
	keys := []struct{ key, name string }{
		{" ", "Space"}, {kb.ArrowLeft, "←"}, {kb.ArrowRight, "→"}, {kb.ArrowUp, "↑"}, {kb.ArrowDown, "↓"},
		{"n", "N"}, {"p", "P"}, {"f", "F"}, {kb.Home, "Home"}, {kb.End, "End"},
		{"l", "L"}, {kb.Escape, "Esc"}, {kb.Tab, "Tab"}, {kb.PageDown, "PageDown"}, {kb.PageUp, "PageUp"}, {kb.Enter, "Enter"},
	}
	where := ""
	switch m.pick(4) {
	case 0:
		m.eval(`(() => { document.getElementById('stage').focus(); return true; })()`, nil)
		where = " on the stage"
	case 1:
		m.eval(`(() => { if (document.activeElement) document.activeElement.blur(); return true; })()`, nil)
		where = " on the page"
	}
	k := keys[m.pick(len(keys))]
	shift := m.chance(0.3)
	m.send(k.key, shift)
	var focus string
	m.eval(`(() => { const a = document.activeElement; return a ? (a.id || a.tagName.toLowerCase()) : ''; })()`, &focus)
	if shift {
		return fmt.Sprintf("Shift+%s%s (focus now %s)", k.name, where, focus)
	}
	return fmt.Sprintf("%s%s (focus now %s)", k.name, where, focus)
}

// drag drags across the t slider or the picture (which scrubs t), with
// the mouse, in a few moves.
func (m *monkey) drag() string {
	sel := "#t"
	if m.chance(0.5) {
		sel = "#stage"
	}
	if m.targets(sel) == 0 {
		return sel + " is hidden"
	}
	tg := m.reach(sel, 0)
	x0 := tg.X + (m.rng.Float64()-0.5)*tg.W
	x1 := tg.X + (m.rng.Float64()-0.5)*tg.W*1.4 // sometimes past the end
	y := tg.Y + (m.rng.Float64()-0.5)*tg.H*0.5
	m.mouse(chromedp.MouseMoved, x0, y, false)
	m.mouse(chromedp.MousePressed, x0, y, true)
	steps := 2 + m.pick(6)
	for i := 1; i <= steps; i++ {
		m.mouse(chromedp.MouseMoved, x0+(x1-x0)*float64(i)/float64(steps), y, true)
	}
	m.mouse(chromedp.MouseReleased, x1, y, false)
	return fmt.Sprintf("%s from x=%.0f to x=%.0f", sel, x0, x1)
}

// menu sets a random menu (<select>) to a random option of its own, as a
// student choosing from it does (input and change events); 7 times in 10
// one of the state's menus (direction, sampler, denoiser, compare, …), so
// that a short run reaches them too.
func (m *monkey) menu() string {
	var out struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	}
	m.eval(fmt.Sprintf(`(() => {
		let all = [...document.querySelectorAll('select')].filter(e => !e.disabled && e.options.length > 0);
		if (%t) {
			const fields = new Set(window.ddpm.schema().fields.map(f => f.name));
			all = all.filter(e => fields.has(e.id));
		}
		if (all.length === 0) return {};
		const s = all[%d %% all.length];
		const o = s.options[%d %% s.options.length];
		s.value = o.value;
		s.dispatchEvent(new Event('input', {bubbles: true}));
		s.dispatchEvent(new Event('change', {bubbles: true}));
		return {id: s.id || s.name, value: o.value};
	})()`, m.chance(0.7), m.pick(1<<20), m.pick(1<<20)), &out)
	return fmt.Sprintf("#%s = %q", out.ID, out.Value)
}

// number types into a number field (T, β, η, the seed): valid, out of
// range, or not a number.
func (m *monkey) number() string {
	vals := []string{"0", "-1", "1", "7", "250", "1000", "10001", "0.5", "1e-9", "0.02", "0.0001", "1e308", "abc", "", "NaN", "4294967296", "-0"}
	v := vals[m.pick(len(vals))]
	var id string
	m.eval(fmt.Sprintf(`(() => {
		const all = [...document.querySelectorAll('input[type=number]')].filter(e => !e.disabled);
		if (all.length === 0) return '';
		const e = all[%d %% all.length];
		e.value = %s;
		e.dispatchEvent(new Event('input', {bubbles: true}));
		e.dispatchEvent(new Event('change', {bubbles: true}));
		return e.id;
	})()`, m.pick(1<<20), jsString(v)), &id)
	return fmt.Sprintf("#%s = %q", id, v)
}

// monkeyFile is a generated file to upload or drop.
type monkeyFile struct {
	name, mime string
	data       []byte
	path       string
}

// monkeyFiles makes the files: pictures of odd sizes in each format,
// broken ones, and things that are not pictures, each written to disk for
// the file inputs.
func monkeyFiles(t *testing.T, rng *rand.Rand) []monkeyFile {
	t.Helper()
	picture := func(w, h int) *image.NRGBA {
		img := image.NewNRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = byte(rng.Intn(256))
		}
		return img
	}
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var files []monkeyFile
	add := func(name, mime string, data []byte) {
		files = append(files, monkeyFile{name: name, mime: mime, data: data})
	}
	for _, sz := range [][2]int{{1, 1}, {3, 7}, {33, 17}, {257, 5}, {5, 301}, {640, 480}} {
		img := picture(sz[0], sz[1])
		add(fmt.Sprintf("odd-%dx%d.png", sz[0], sz[1]), "image/png", enc(func(b *bytes.Buffer) error { return png.Encode(b, img) }))
		add(fmt.Sprintf("odd-%dx%d.jpg", sz[0], sz[1]), "image/jpeg", enc(func(b *bytes.Buffer) error { return jpeg.Encode(b, img, &jpeg.Options{Quality: 1 + rng.Intn(100)}) }))
	}
	g16 := image.NewGray16(image.Rect(0, 0, 31, 9))
	for i := range g16.Pix {
		g16.Pix[i] = byte(rng.Intn(256))
	}
	add("gray16.png", "image/png", enc(func(b *bytes.Buffer) error { return png.Encode(b, g16) }))
	pal := image.NewPaletted(image.Rect(0, 0, 19, 23), color.Palette{color.Black, color.White, color.RGBA{200, 30, 30, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = byte(rng.Intn(3))
	}
	add("anim.gif", "image/gif", enc(func(b *bytes.Buffer) error {
		return gif.EncodeAll(b, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{5, 5}})
	}))
	whole := enc(func(b *bytes.Buffer) error { return png.Encode(b, picture(64, 48)) })
	add("truncated.png", "image/png", whole[:len(whole)/2])
	add("huge-header.png", "image/png", hugeHeaderPNG(1000000, 1000000))
	add("empty.png", "image/png", nil)
	add("notes.txt", "text/plain", []byte("this is not a picture\n"))
	noise := make([]byte, 4096)
	rng.Read(noise)
	add("noise.jpg", "image/jpeg", noise)
	add("path.json", "application/json", []byte(`{"stops": [{"t": 5}, {"t": "x"}, 7]}`))
	add("bad.json", "application/json", []byte(`{"stops": [`))

	dir := t.TempDir()
	for i := range files {
		files[i].path = filepath.Join(dir, files[i].name)
		if err := os.WriteFile(files[i].path, files[i].data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// hugeHeaderPNG is a PNG signature and an IHDR chunk (with its CRC) that
// claims w×h pixels, and nothing after it.
func hugeHeaderPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// upload gives a generated file to the page: through a file input, as a
// drop on the page or on the picture, or to ddpm.loadImage.
func (m *monkey) upload() string {
	f := m.files[m.pick(len(m.files))]
	b64 := base64.StdEncoding.EncodeToString(f.data)
	switch m.pick(4) {
	case 0:
		var inputs []string
		m.eval(`[...document.querySelectorAll('input[type=file]')].map(e => '#' + e.id)`, &inputs)
		if len(inputs) == 0 {
			return "no file input"
		}
		sel := inputs[m.pick(len(inputs))]
		if err := chromedp.Do(m.ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{f.path})); err != nil {
			m.fail("uploading %s into %s: %v", f.name, sel, err)
		}
		m.settle()
		return fmt.Sprintf("%s into %s", f.name, sel)
	case 1, 2:
		onStage := m.pick(2) == 0
		m.eval(fmt.Sprintf(`(async () => {
			const win = %t ? document.getElementById('stage').contentWindow : window;
			const bytes = Uint8Array.from(atob(%s), c => c.charCodeAt(0));
			const dt = new win.DataTransfer();
			dt.items.add(new win.File([bytes], %s, {type: %s}));
			win.document.body.dispatchEvent(new win.DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));
			win.document.body.dispatchEvent(new win.DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
			await new Promise(r => setTimeout(r, 50));
			return true;
		})()`, onStage, jsString(b64), jsString(f.name), jsString(f.mime)), nil)
		m.settle()
		if onStage {
			return fmt.Sprintf("drop %s on the picture", f.name)
		}
		return fmt.Sprintf("drop %s on the page", f.name)
	default:
		var res string
		arg := []string{"bytes", "bytes.buffer", "new Blob([bytes])", "bytes.subarray(1)"}[m.pick(4)]
		m.eval(fmt.Sprintf(`(async () => {
			const bytes = Uint8Array.from(atob(%s), c => c.charCodeAt(0));
			try { const r = await window.ddpm.loadImage(%s); return 'resolved ' + JSON.stringify(r); }
			catch (e) { return 'rejected: ' + (e instanceof Error ? '' : 'NOT AN Error: ') + e.message; }
		})()`, jsString(b64), arg), &res)
		if strings.HasPrefix(res, "rejected: NOT AN Error") {
			m.fail("loadImage(%s) rejected with a non-Error: %s", f.name, res)
		}
		return fmt.Sprintf("loadImage(%s of %s): %s", arg, f.name, abbreviate(res))
	}
}

// settle waits for the page's next two animation frames and a pause for
// an upload to be decoded.
func (m *monkey) settle() {
	m.eval(`new Promise(r => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => r(true))), 100))`, nil)
}

// ---- values from the schema --------------------------------------------

// value is a JavaScript expression for a field: valid says whether the
// schema allows it (as far as one field can tell: t against the current
// T), bad whether it is certainly refused; neither for junk such as null.
type value struct {
	js         string
	valid, bad bool
}

func (m *monkey) number64(lo, hi float64) float64 {
	if m.chance(0.5) && lo > 0 && hi/lo > 100 { // log-uniform over wide ranges
		return lo * math.Pow(hi/lo, m.rng.Float64())
	}
	return lo + (hi-lo)*m.rng.Float64()
}

func jsNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// valueFor makes a value for field f of the current schema and state.
func (m *monkey) valueFor(f schemaField, st map[string]any) value {
	lo, hi := math.Inf(-1), math.Inf(1)
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	if f.MaxField != "" {
		if y, ok := st[f.MaxField].(float64); ok && y < hi {
			hi = y
		}
	}
	if m.chance(0.6) { // valid
		switch f.Kind {
		case "integer":
			if m.chance(0.2) {
				return value{js: jsNum([]float64{lo, hi}[m.pick(2)]), valid: true}
			}
			return value{js: jsNum(math.Floor(m.number64(lo, hi+0.999))), valid: true}
		case "number":
			x := m.number64(lo, hi)
			if (f.MinOpen && x <= lo) || (f.MaxOpen && x >= hi) {
				x = (lo + hi) / 2
			}
			return value{js: jsNum(x), valid: true}
		case "boolean":
			return value{js: strconv.FormatBool(m.chance(0.5)), valid: true}
		case "enum":
			return value{js: jsString(f.Options[m.pick(len(f.Options))]), valid: true}
		}
	}
	// Invalid for every kind, then for this one.
	junk := []value{
		{js: "null"}, {js: "undefined"},
		{js: "{}", bad: true}, {js: "[]", bad: true}, {js: "[1, 2]", bad: true},
		{js: "{valueOf() { return 3; }}", bad: true},
	}
	var own []value
	switch f.Kind {
	case "integer", "number":
		span := math.Max(1, hi-lo)
		if math.IsInf(span, 0) {
			span = 1e6
		}
		own = []value{
			{js: "NaN", bad: true}, {js: "Infinity", bad: true}, {js: "-Infinity", bad: true},
			{js: jsString(jsNum(lo)), bad: true}, {js: "true", bad: true}, {js: `"12abc"`, bad: true},
			{js: jsNum(hi + 1 + math.Floor(m.rng.Float64()*span)), bad: true},
			{js: jsNum(lo - 1 - math.Floor(m.rng.Float64()*span)), bad: true},
			{js: "1e308", bad: hi < 1e308}, {js: "-1e308", bad: lo > -1e308},
		}
		if f.MinOpen {
			own = append(own, value{js: jsNum(lo), bad: true})
		}
		if f.MaxOpen {
			own = append(own, value{js: jsNum(hi), bad: true})
		}
		if f.Kind == "integer" {
			own = append(own, value{js: jsNum(math.Min(hi, lo+1) - 0.5), bad: true})
		}
	case "boolean":
		own = []value{{js: `"true"`, bad: true}, {js: "1", bad: true}, {js: "0", bad: true}, {js: `"yes"`, bad: true}}
	case "enum":
		own = []value{
			{js: `"nope"`, bad: true}, {js: `""`, bad: true}, {js: "42", bad: true}, {js: "true", bad: true},
			{js: fmt.Sprintf("%s.repeat(%d)", jsString("x"), 65+m.pick(100000)), bad: true},
			{js: jsString(strings.ToUpper(f.Options[m.pick(len(f.Options))]) + " "), bad: true},
			{js: jsString("<img src=x onerror=alert(1)>"), bad: true},
		}
	}
	if m.chance(0.25) {
		return junk[m.pick(len(junk))]
	}
	return own[m.pick(len(own))]
}

// patch is a setState argument of 1 to 3 fields (sometimes an unknown
// one), in JavaScript, and whether the schema refuses it for certain.
func (m *monkey) patch(s snapshot) (js string, bad bool) {
	n := 1 + m.pick(3)
	var parts []string
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		if m.chance(0.05) {
			parts = append(parts, fmt.Sprintf("%s: 1", jsString([]string{"nope", "__proto__x", "T ", "constructor"}[m.pick(4)])))
			bad = true
			continue
		}
		f := s.Fields[m.pick(len(s.Fields))]
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		v := m.valueFor(f, s.State)
		parts = append(parts, fmt.Sprintf("%s: %s", jsString(f.Name), v.js))
		bad = bad || v.bad
	}
	return "{" + strings.Join(parts, ", ") + "}", bad
}

// setState calls ddpm.setState with a patch from the schema. A patch with
// a value the schema refuses must throw an Error and leave the state as
// it was (t aside: the page may be playing); an accepted one must be
// what the returned state holds.
func (m *monkey) setState() string {
	s := m.snapshot()
	p, bad := m.patch(s)
	var out struct {
		Threw   bool           `json:"threw"`
		IsError bool           `json:"isError"`
		Message string         `json:"message"`
		Field   string         `json:"field"`
		Before  map[string]any `json:"before"`
		After   map[string]any `json:"after"`
		Got     map[string]any `json:"got"`
		Patch   map[string]any `json:"patch"`
	}
	m.eval(fmt.Sprintf(`(() => {
		const patch = %s;
		const before = window.ddpm.getState();
		try {
			const got = window.ddpm.setState(patch);
			return {threw: false, got, patch: JSON.parse(JSON.stringify(patch, (k, v) => typeof v === 'number' && !Number.isFinite(v) ? String(v) : v) || 'null')};
		} catch (e) {
			return {threw: true, isError: e instanceof Error, message: String(e && e.message), field: e && typeof e.field === 'string' ? e.field : '',
				before, after: window.ddpm.getState()};
		}
	})()`, p), &out)
	desc := "setState(" + abbreviate(p) + ")"
	if out.Threw {
		m.refused++
		if !out.IsError {
			m.fail("%s threw a non-Error: %s", desc, out.Message)
		}
		delete(out.Before, "t")
		delete(out.After, "t")
		if fmt.Sprint(out.Before) != fmt.Sprint(out.After) {
			m.fail("%s threw (%s) but changed the state:\nbefore %v\nafter  %v", desc, out.Message, out.Before, out.After)
		}
		return desc + " → refused: " + abbreviate(out.Message)
	}
	m.accepted++
	if bad {
		m.fail("%s was accepted, but the schema refuses it: the state is now %v", desc, out.Got)
	}
	for k, v := range out.Patch {
		if v == nil {
			continue
		}
		if got, ok := out.Got[k]; ok && fmt.Sprint(got) != fmt.Sprint(v) {
			m.fail("%s was accepted but the state has %s = %v", desc, k, got)
		}
	}
	return desc + " → accepted"
}

// junkState hands setState things that are not a patch. All but an
// empty object and a Proxy that lists a valid field must throw an Error.
func (m *monkey) junkState() string {
	junk := []struct {
		js    string
		throw bool
	}{
		{"null", true}, {"undefined", true}, {"42", true}, {`"t=5"`, true}, {"[]", true}, {"[{t: 5}]", true},
		{"new Map([['t', 5]])", true}, {"new Set(['t'])", true},
		{"new (class Patch { constructor() { this.t = 5; } })()", true}, {"{t: undefined}", true},
		{"Object.create({t: 5})", true}, {"new Date()", true}, {"/t/", true}, {"() => 5", true},
		{"{toJSON() { return {t: 'x'}; }}", true}, {"{t: 5, get seed() { throw new Error('getter'); }}", true},
		{"Object.assign([], {t: 3})", true}, {"{t: 1n}", true}, {"{t: Symbol('t')}", true}, {"{seed: 3, t: () => 1}", true},
		{"Object.create(null)", false},
		{"new Proxy({}, {ownKeys() { return ['t']; }, getOwnPropertyDescriptor() { return {value: 1, enumerable: true, configurable: true}; }})", false},
	}
	j := junk[m.pick(len(junk))]
	var res string
	m.eval(fmt.Sprintf(`(() => {
		try { window.ddpm.setState(%s); return 'returned'; }
		catch (e) { return (e instanceof Error ? 'threw: ' : 'threw a non-Error: ') + e.message; }
	})()`, j.js), &res)
	if strings.HasPrefix(res, "threw a non-Error") {
		m.fail("setState(%s) %s", j.js, res)
	}
	if j.throw && res == "returned" {
		m.fail("setState(%s) returned without a word: it is not a patch", j.js)
	}
	return fmt.Sprintf("setState(%s) %s", j.js, abbreviate(res))
}

// api calls the rest of window.ddpm, with good and bad options.
func (m *monkey) api() string {
	calls := []string{
		"ddpm.getState()", "ddpm.schema()", "ddpm.schedule()", "ddpm.stats()", "ddpm.perf()",
		"ddpm.shareURL()", "ddpm.embedHTML()", "ddpm.exportCSV().length",
		"ddpm.estimateExport({frames: 2 + %d %% 119, size: 32 + %d %% 481})",
		"ddpm.estimateExport({frames: %d, fps: 'x'})",
		"ddpm.exportGIF({frames: 2, size: 32, fps: %d %% 60})",
		"ddpm.exportGIF({frames: 1000 + %d})", "ddpm.exportGIF({spacing: 'nope', colors: %d})", "ddpm.exportGIF(%d)",
		"ddpm.exportWebM({bitrate: -%d})", "ddpm.exportStripPNG({frames: 2 + %d %% 19, size: 32})",
		"ddpm.exportStripPNG({frames: %d, size: 'big'})", "ddpm.exportPNG()",
		"Promise.race([ddpm.reverseReady(), new Promise(r => setTimeout(r, 1500))])",
		"ddpm.loadImage(%d)",
	}
	c := calls[m.pick(len(calls))]
	if strings.Contains(c, "%d") {
		args := make([]any, strings.Count(c, "%d"))
		for i := range args {
			args[i] = m.pick(1 << 16)
		}
		c = fmt.Sprintf(c, args...)
	}
	var res string
	m.eval(fmt.Sprintf(`(async () => {
		const ddpm = window.ddpm;
		try {
			const r = await Promise.race([Promise.resolve(%s), new Promise(r => setTimeout(() => r('still running after 5 s'), 5000))]);
			return 'ok: ' + (r instanceof Blob ? 'Blob ' + r.type + ' ' + r.size : String(JSON.stringify(r)).slice(0, 60));
		} catch (e) { return (e instanceof Error ? 'threw: ' : 'threw a non-Error: ') + e.message; }
	})()`, c), &res)
	if strings.HasPrefix(res, "threw a non-Error") {
		m.fail("%s %s", c, res)
	}
	return c + " " + abbreviate(res)
}

// ---- postMessage -------------------------------------------------------

// children adds two child frames to the page, a same-origin one and a
// sandboxed (opaque-origin) one, and makes a script context in each
// (DevTools' own: the page's CSP allows no inline script) to post from.
func (m *monkey) children() {
	m.eval(`(async () => {
		for (const [name, sandbox] of [['monkey-same', null], ['monkey-sandboxed', 'allow-scripts']]) {
			const f = document.createElement('iframe');
			f.name = name;
			if (sandbox) f.setAttribute('sandbox', sandbox);
			f.style.cssText = 'width: 10px; height: 10px; position: absolute; left: 0; bottom: 0';
			document.body.append(f);
		}
		await new Promise(r => setTimeout(r, 100));
		return true;
	})()`, nil)
	tree, err := chromedp.Call(m.ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		m.fail("frame tree: %v", err)
	}
	ft := tree.FrameTree
	for _, name := range []string{"monkey-same", "monkey-sandboxed"} {
		var id cdp.FrameID
		for _, c := range ft.ChildFrames {
			if c.Frame.Name == name {
				id = c.Frame.ID
			}
		}
		if id == "" {
			m.fail("child frame %s not found", name)
		}
		world, err := chromedp.Call(m.ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: id, WorldName: "monkey"})
		if err != nil {
			m.fail("a script context in %s: %v", name, err)
		}
		ctxID := world.ExecutionContextID
		m.frames = append(m.frames, ctxID)
	}
}

// postMessage sends junk, and requests of the demo's protocol with junk
// in them, from the page itself or one of the child frames.
func (m *monkey) postMessage() string {
	s := m.snapshot()
	p, _ := m.patch(s)
	msgs := []string{
		`"hello"`, "42", "null", "undefined", "[1, 2, 3]", "true", "new Date()", "new Map([[1, 2]])",
		"{type: 'nope'}", "{type: 'ddpm:bogus'}", "{type: 42}", "{type: ['ddpm:getState']}", "{type: 'ddpm:setState'}",
		"{type: 'ddpm:setState', state: " + p + "}",
		"{type: 'ddpm:setState', state: " + p + ", id: %d}",
		"{type: 'ddpm:setState', state: 'x'}", "{type: 'ddpm:setState', state: []}", "{type: 'ddpm:setState', state: {}}",
		"{type: 'ddpm:setState', state: {t: NaN}}", "{type: 'ddpm:setState', state: {betaStart: Infinity}}",
		"{type: 'ddpm:getState', id: 'x'.repeat(%d)}", "{type: 'ddpm:getState', id: {}}", "{type: 'ddpm:getState', id: %d}",
		"{type: 'ddpm:play', extra: 1}", "{type: 'ddpm:pause'}", "{type: 'ddpm:play'}",
		"{type: 'ddpm:state', state: {t: 5}}", "{type: 'ddpm:ready'}", "{type: 'ddpm:error', message: 'x'}",
		"'x'.repeat(2000000)", "{type: 'ddpm:setState', state: {schedule: 'x'.repeat(1000000)}}",
		"{type: 'ddpm:getState', ['x'.repeat(100000)]: 1}", "new Uint8Array(%d)", "{type: 'ddpm:setState', state: {t: 5, ['k' + 'x'.repeat(5000)]: 1}}",
	}
	msg := msgs[m.pick(len(msgs))]
	if strings.Contains(msg, "%d") {
		msg = fmt.Sprintf(msg, m.pick(1<<20))
	}
	from := m.pick(len(m.frames) + 1)
	// A value the structured clone refuses (a patch with a method in it)
	// is not sent: the sender's postMessage throws a DataCloneError.
	post := fmt.Sprintf(`(() => {
		const target = window.parent === window ? window : window.parent;
		try { target.postMessage(%s, '*'); } catch (e) { if (e.name !== 'DataCloneError') throw e; }
		return true;
	})()`, msg)
	if from == 0 {
		m.eval(post, nil)
	} else {
		res, err := chromedp.Call(m.ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: post, ContextID: m.frames[from-1]})
		if err == nil && res.ExceptionDetails != nil {
			err = fmt.Errorf("%s", res.ExceptionDetails.Text)
		}
		if err != nil {
			m.fail("posting %s from a child frame: %v", abbreviate(msg), err)
		}
	}
	// The message arrives in a later task: give it two frames.
	m.settle()
	return fmt.Sprintf("from %s: %s", []string{"the page", "the same-origin child", "the sandboxed child"}[from], abbreviate(msg))
}
