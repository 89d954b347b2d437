//go:build browser

package e2e

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dissolve/wasm/app"
)

// reverseStats is window.ddpm.stats() in the reverse direction.
type reverseStats struct {
	T          int     `json:"t"`
	Visited    int     `json:"visited"`
	EffectiveN float64 `json:"effectiveN"`
	Novelty    float64 `json:"novelty"`
	Checksum   string  `json:"checksum"`
	Nearest    struct {
		Index    int     `json:"index"`
		Label    int     `json:"label"`
		Distance float64 `json:"distance"`
	} `json:"nearest"`
}

// TestReverseOnThePage: noise turns back into a digit on the page, the
// run computed in a worker. The ideal denoiser ends on a training digit
// (novelty < 0.05), the local one on a new digit (novelty > 0.5); DDIM
// η = 0 gives the same bits on the page as natively, and again when the
// run is made a second time; scrubbing the finished run moves x_t.
func TestReverseOnThePage(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	var ideal reverseStats
	evalJSON(t, ctx, `ddpm.stats()`, &ideal)
	native := nativeSample(t, map[string]any{"seed": 1, "every": 0})
	sum := app.FrameChecksum(native.Final)
	if ideal.Novelty >= 0.05 || ideal.Checksum != sum || ideal.Nearest.Index != native.Nearest.Index || ideal.Visited != 0 {
		t.Errorf("ideal: %+v; native: nearest #%d, checksum %s", ideal, native.Nearest.Index, sum)
	}
	screenshot(t, ctx, "reverse-ideal")

	// Scrub back over the finished run: instant, and x_t is noise at T.
	var atT reverseStats
	evalJSON(t, ctx, `(ddpm.setState({t: 1000}), ddpm.stats())`, &atT)
	if atT.Visited != 1000 || atT.Checksum == ideal.Checksum || atT.EffectiveN < 2 {
		t.Errorf("at t = T: %+v", atT)
	}

	// The local denoiser creates.
	var local reverseStats
	evalJSON(t, ctx, `(async () => { ddpm.setState({t: 0, denoiser: 'local', steps: 10}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &local)
	if local.Novelty <= 0.5 {
		t.Errorf("local: novelty %.3f, want > 0.5 (%+v)", local.Novelty, local)
	}
	screenshot(t, ctx, "reverse-local")

	// The same settings and seed again: the same bits.
	var again reverseStats
	evalJSON(t, ctx, `(async () => { ddpm.setState({denoiser: 'ideal', steps: 50}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &again)
	if again.Checksum != ideal.Checksum {
		t.Errorf("the same run twice: checksum %s then %s", ideal.Checksum, again.Checksum)
	}
	assertClean(t, ctx, base)
}

// TestReverseFieldsRefused: a bad value of every reverse field is refused
// with the field named, and nothing changes.
func TestReverseFieldsRefused(t *testing.T) {
	ctx, _ := openAt(t, "?play=0&lang=en", false)
	for _, c := range []struct{ patch, field string }{
		{`{direction: 'backwards'}`, "direction"}, {`{sampler: 'euler'}`, "sampler"}, {`{variance: 'medium'}`, "variance"},
		{`{eta: 2}`, "eta"}, {`{steps: 0}`, "steps"}, {`{denoiser: 'network'}`, "denoiser"},
		{`{dataset: 'cifar'}`, "dataset"}, {`{datasetSize: 10001}`, "datasetSize"},
	} {
		var got struct {
			Field, Code string
			Same        bool
		}
		evalJSON(t, ctx, fmt.Sprintf(`(() => { const before = JSON.stringify(ddpm.getState());
			try { ddpm.setState(%s); return {field: 'accepted'}; }
			catch (e) { return {field: e.field, code: e.code, same: JSON.stringify(ddpm.getState()) === before}; } })()`, c.patch), &got)
		if got.Field != c.field || got.Code == "" || !got.Same {
			t.Errorf("%s: %+v", c.patch, got)
		}
	}
}

// TestReverseWithoutWorkers: when no worker can start (here the worker's
// script is missing), the page computes the run on its main thread with
// the same Go code: the same bits, only slower.
func TestReverseWithoutWorkers(t *testing.T) {
	base := brokenServer(t, func(p string) bool { return p == "/web/worker.js" })
	ctx := newBrowser(t)
	navigate(t, ctx, base+"/index.html?direction=reverse&play=0&t=0&seed=1&lang=en")
	waitReady(t, ctx)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	var s reverseStats
	evalJSON(t, ctx, `ddpm.stats()`, &s)
	native := nativeSample(t, map[string]any{"seed": 1, "every": 0})
	if s.Checksum != app.FrameChecksum(native.Final) || s.Novelty >= 0.05 {
		t.Errorf("on the main thread: %+v, want the native checksum %s", s, app.FrameChecksum(native.Final))
	}
}

// TestReverseGrid: sixteen seeds at once in the workers; with the ideal
// denoiser every one is a copy of a training digit; the nearest digits
// show beside them on demand, and the grid saves as a PNG.
func TestReverseGrid(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&play=0&t=0&seed=3&datasetSize=1000&lang=en", false)
	var g struct {
		Nearest []struct {
			Index   int     `json:"index"`
			Novelty float64 `json:"novelty"`
		} `json:"nearest"`
		Width, Height int
		PNG           int
	}
	evalJSON(t, ctx, `(async () => {
		const g = await ddpm.grid();
		document.getElementById('grid-nearest').click();
		const c = document.getElementById('grid-canvas');
		const png = await ddpm.exportGridPNG();
		return {nearest: g.nearest, width: c.width, height: c.height, png: png.size};
	})()`, &g)
	if len(g.Nearest) != 16 {
		t.Fatalf("%d samples", len(g.Nearest))
	}
	for k, m := range g.Nearest {
		if m.Novelty >= 0.05 {
			t.Errorf("sample %d: novelty %.3f, want a copy (nearest #%d)", k, m.Novelty, m.Index)
		}
	}
	if g.Width != 4*(2*28+2)+3*6 || g.Height != 4*28+3*6 || g.PNG < 1000 {
		t.Errorf("grid with the nearest digits: %d×%d, PNG %d bytes", g.Width, g.Height, g.PNG)
	}
	screenshot(t, ctx, "reverse-grid", "#reverse-grid")
}

// TestReversePhotos: the built-in photographs as a data set of three. The
// ideal denoiser returns one of them; the local one a collage of patches.
func TestReversePhotos(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&dataset=photos&play=0&t=0&seed=2&lang=en", false)
	var ideal, local reverseStats
	evalJSON(t, ctx, `(async () => { await ddpm.reverseReady(); return ddpm.stats(); })()`, &ideal)
	if ideal.Novelty >= 0.05 || ideal.Nearest.Index < 0 || ideal.Nearest.Index > 2 {
		t.Errorf("ideal over the photographs: %+v", ideal)
	}
	screenshot(t, ctx, "reverse-photos", "#stage-box")
	evalJSON(t, ctx, `(async () => { ddpm.setState({denoiser: 'local', steps: 10}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &local)
	if local.Novelty <= 0.05 {
		t.Errorf("local over the photographs: %+v", local)
	}
	screenshot(t, ctx, "reverse-photos-local", "#stage-box")
}

// TestReverseUploads: an uploaded picture becomes a data set of one
// (dataset=uploads, offered once a picture is uploaded); the ideal
// denoiser gives it back.
func TestReverseUploads(t *testing.T) {
	ctx, _ := openAt(t, "?play=0&lang=en", false)
	var refused string
	evalJSON(t, ctx, `(() => { try { ddpm.setState({dataset: 'uploads'}); return ''; } catch (e) { return e.field; } })()`, &refused)
	if refused != "dataset" {
		t.Errorf("dataset=uploads before any upload: refused for %q, want dataset", refused)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#upload"), []string{filepath.Join(repoRoot(t), "web", "e2e", "testdata", "warm.jpg")})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the upload", `ddpm.getState().image === 'upload'`)
	var s reverseStats
	evalJSON(t, ctx, `(async () => { ddpm.setState({direction: 'reverse', dataset: 'uploads', t: 0}); await ddpm.reverseReady(); return ddpm.stats(); })()`, &s)
	if s.Novelty != 0 && s.Nearest.Index != 0 {
		t.Errorf("ideal over one uploaded picture: %+v", s)
	}
	if s.Nearest.Distance > 0.05 {
		t.Errorf("the sample is %.3f (RMS) from the uploaded picture, want a copy", s.Nearest.Distance)
	}
	screenshot(t, ctx, "reverse-upload", "#stage-box")
}

// TestReverseExports: the reverse run saves as a GIF from x_T back to x_0
// (the first frame noise, the last the digit, as on the canvas), as a
// strip, and the frame on screen as a PNG.
func TestReverseExports(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	data := blobBytes(t, ctx, `ddpm.exportGIF({frames: 10, size: 112, label: false})`)
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 10 || g.Config.Width != 112 || g.Config.Height != 112 {
		t.Fatalf("GIF: %d frames of %d×%d", len(g.Image), g.Config.Width, g.Config.Height)
	}
	// x_T is noise (about half the pixels light); x_0 a digit on black (few).
	light := func(img *image.Paletted) float64 {
		n := 0
		for y := 0; y < img.Rect.Dy(); y++ {
			for x := 0; x < img.Rect.Dx(); x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r > 0x8000 {
					n++
				}
			}
		}
		return float64(n) / float64(img.Rect.Dx()*img.Rect.Dy())
	}
	if first, last := light(g.Image[0]), light(g.Image[9]); first < 0.3 || last > 0.3 {
		t.Errorf("light pixels: %.2f in the first frame (x_T), %.2f in the last (x_0)", first, last)
	}
	for _, expr := range []string{`ddpm.exportStripPNG({frames: 6, size: 84})`, `ddpm.exportPNG()`} {
		img, err := png.Decode(bytes.NewReader(blobBytes(t, ctx, expr)))
		if err != nil || img.Bounds().Dx() < 84 {
			t.Errorf("%s: %v %v", expr, err, img)
		}
	}
}

// TestReverseExportKeepsItsRun: an export reads the run it started with to
// the end. A new seed mid-export brings a new run, which the page used to
// copy into the old run's memory: the GIF's later frames were then the new
// run's. The GIF made with a new run arriving mid-way is the one made
// without.
func TestReverseExportKeepsItsRun(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	const opts = `frames: 120, size: 512, dither: true, label: false`
	alone := blobBytes(t, ctx, `ddpm.exportGIF({`+opts+`})`)
	var during struct {
		GIF     string `json:"gif"`
		Arrived bool   `json:"arrived"` // the new run came before the export ended
		Seed    int    `json:"seed"`
	}
	evalJSON(t, ctx, `(async () => {
		let arrived = false, asked = false;
		const blob = await ddpm.exportGIF({`+opts+`, onProgress: () => {
			if (asked) return;
			asked = true;
			ddpm.setState({seed: 2});
			ddpm.reverseReady().then(() => { arrived = true; });
		}});
		const ended = arrived;
		const bytes = new Uint8Array(await blob.arrayBuffer());
		let s = '';
		for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
		await ddpm.reverseReady();
		return {gif: btoa(s), arrived: ended, seed: ddpm.getState().seed};
	})()`, &during)
	if !during.Arrived {
		t.Fatal("the new run arrived after the export had ended: the test needs a longer export to mean anything")
	}
	if during.Seed != 2 {
		t.Fatalf("seed %d after setState({seed: 2})", during.Seed)
	}
	got, err := base64.StdEncoding.DecodeString(during.GIF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, alone) {
		t.Errorf("the GIF made while a new run arrived (%d bytes) differs from the one made alone (%d bytes)", len(got), len(alone))
	}
}

// TestReverseLoss: the loss a perfect network reaches. On the training
// digits the ideal denoiser's loss is the floor (0 at small t: it knows
// every training digit), on held-out digits it is higher (memorisation);
// the CSV carries both denoisers.
func TestReverseLoss(t *testing.T) {
	ctx, _ := openAt(t, "?direction=reverse&play=0&datasetSize=500&lang=en", false)
	var csv string
	evalJSON(t, ctx, `ddpm.exportLossCSV({ts: [10, 300], m: 8})`, &csv)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 3 || lines[0] != "t,ideal_train,ideal_train_stderr,ideal_test,ideal_test_stderr,local_train,local_train_stderr,local_test,local_test_stderr" {
		t.Fatalf("CSV:\n%s", csv)
	}
	row := strings.Split(lines[1], ",") // t = 10
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q in %q", s, lines[1])
		}
		return v
	}
	if row[0] != "10" || num(row[1]) > 1e-6 || num(row[3]) < 0.1 || num(row[5]) < num(row[1]) {
		t.Errorf("at t = 10: ideal train %s, ideal test %s, local train %s", row[1], row[3], row[5])
	}
}

// TestREADMEReverseScreenshot: the README's second picture, the way back
// (the local denoiser's new digit beside x̂₀ and its nearest training
// digit); UPDATE_README_SCREENSHOT=1 writes it to docs/screenshot-reverse.png.
func TestREADMEReverseScreenshot(t *testing.T) {
	ctx, base := openAt(t, "?direction=reverse&denoiser=local&steps=10&play=0&t=0&seed=1&lang=en", false)
	evalJSON(t, ctx, `ddpm.reverseReady().then(() => true)`, nil)
	frames(t, ctx, 5)
	shot := screenshot(t, ctx, "readme-reverse", "main.layout")
	if os.Getenv("UPDATE_README_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join(repoRoot(t), "docs", "screenshot-reverse.png"), docsPNG(t, shot), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	assertClean(t, ctx, base)
}
