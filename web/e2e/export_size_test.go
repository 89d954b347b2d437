//go:build browser

package e2e

import (
	"bytes"
	"encoding/base64"
	"image/gif"
	"image/png"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// TestExportSizes: the panel shows the expected sizes before saving; the
// default GIF (the panel's settings untouched, the page's default
// picture) is at most 1.5 MB and within 15% of its estimate; a smaller
// size setting lowers the estimate at once; log-SNR spacing gives the
// steps of app.FrameStepsLogSNR and "t" those of app.FrameSteps.
func TestExportSizes(t *testing.T) {
	ctx, base := openPage(t, "?play=0")
	var shown struct {
		GIF, WebM int
		Text      string
	}
	// The estimate is made once its line has been on screen (it is below
	// the fold of the page's 1366×768 window), not before.
	time.Sleep(3 * time.Second) // an eager estimate shows about 1 s after ready
	var early bool
	evalJSON(t, ctx, `(() => { const e = document.getElementById('export-estimate'); const early = +e.dataset.gif > 0; document.getElementById('export-gif').scrollIntoView(); return early; })()`, &early)
	if early {
		t.Error("the size estimate was made before its line was on screen")
	}
	waitFor(t, ctx, "the size estimate", `document.getElementById('export-estimate').dataset.gif > 0`)
	evalJSON(t, ctx, `(() => { const e = document.getElementById('export-estimate'); return {GIF: +e.dataset.gif, WebM: +e.dataset.webm, Text: e.textContent}; })()`, &shown)
	// The panel's own button, with its defaults.
	data := blobBytes(t, ctx, `(() => { const o = {frames: +document.getElementById('gif-frames').value, fps: +document.getElementById('gif-fps').value,
		size: +document.getElementById('gif-size').value, spacing: document.getElementById('gif-spacing').value,
		label: document.getElementById('gif-label').checked}; return ddpm.exportGIF(o); })()`)
	api := blobBytes(t, ctx, `ddpm.exportGIF()`)
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("default GIF: %d bytes, %d frames of %dx%d; estimate shown %d (%q)", len(data), len(g.Image), g.Config.Width, g.Config.Height, shown.GIF, shown.Text)
	if !bytes.Equal(data, api) {
		t.Errorf("the panel's defaults (%d bytes) and the API's (%d bytes) differ", len(data), len(api))
	}
	if len(data) > 1_500_000 {
		t.Errorf("the default GIF is %d bytes, want ≤ 1.5 MB", len(data))
	}
	if r := float64(shown.GIF) / float64(len(data)); r < 1/1.15 || r > 1.15 {
		t.Errorf("estimate %d bytes for a GIF of %d (ratio %.3f), want within 15%%", shown.GIF, len(data), r)
	}
	if !bytes.Contains([]byte(shown.Text), []byte("MB")) && !bytes.Contains([]byte(shown.Text), []byte("kB")) {
		t.Errorf("estimate text %q", shown.Text)
	}

	// A setting changes the estimate.
	evalJSON(t, ctx, `(() => { const s = document.getElementById('gif-size'); s.value = '64'; s.dispatchEvent(new Event('change')); })()`, nil)
	waitFor(t, ctx, "a new estimate", `+document.getElementById('export-estimate').dataset.gif < `+strconv.Itoa(shown.GIF/4))

	// Spacing.
	sched, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	var est struct{ Steps []int }
	evalJSON(t, ctx, `ddpm.estimateExport({frames: 40, size: 64})`, &est)
	if want := app.FrameStepsLogSNR(sched, 40); !slices.Equal(est.Steps, want) {
		t.Errorf("log-SNR steps %v, want %v", est.Steps, want)
	}
	evalJSON(t, ctx, `ddpm.estimateExport({frames: 40, size: 64, spacing: 't'})`, &est)
	if want := app.FrameSteps(1000, 40); !slices.Equal(est.Steps, want) {
		t.Errorf("t steps %v, want %v", est.Steps, want)
	}
	assertClean(t, ctx, base)
}

// TestStripLabelsLegible: the strip's labels are at least 16 pixels tall
// (the ink of "t = 1000" measured in the PNG).
func TestStripLabelsLegible(t *testing.T) {
	ctx, base := openPage(t, "?play=0&image=gradient")
	img, err := png.Decode(bytes.NewReader(blobBytes(t, ctx, `ddpm.exportStripPNG({frames: 5, size: 128})`)))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 5*128+6*8 || b.Dy() != 128+2*8+32 {
		t.Errorf("strip is %v", b)
	}
	// The last label, under the last snapshot.
	top, bottom := -1, -1
	for y := 8 + 128; y < b.Dy(); y++ {
		for x := 8 + 4*136; x < 8+4*136+128; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r>>8 > 200 {
				if top < 0 {
					top = y
				}
				bottom = y
			}
		}
	}
	if h := bottom - top + 1; top < 0 || h < 16 {
		t.Errorf("the label's text is %d px tall (rows %d..%d), want ≥ 16", h, top, bottom)
	} else {
		t.Logf("strip label text %d px tall", h)
	}
	assertClean(t, ctx, base)
}

// TestWebMExport: the video export makes a WebM (EBML header, DocType
// webm) that Chromium plays at the right width and height, with progress
// rising to 1 and cancel (AbortError soon after the abort), through
// WebCodecs (the default where the browser has a VP9 VideoEncoder: the
// duration in the header, exactly frames/fps) and through MediaRecorder
// (which stamps frames by the clock: at least frames/fps). The default
// video is within a factor 2 of its estimate and at most 1.5 MB.
func TestWebMExport(t *testing.T) {
	ctx, base := openPage(t, "?play=0&image=astronaut")
	videos := map[string][]byte{}
	for _, encoder := range []string{"webcodecs", "mediarecorder"} {
		var progress []float64
		data := blobBytes(t, ctx, `(window.progress = [], ddpm.exportWebM({frames: 20, fps: 20, size: 128, encoder: '`+encoder+`', onProgress: (p) => progress.push(p)}))`)
		evalJSON(t, ctx, `window.progress`, &progress)
		if len(data) < 4 || !bytes.Equal(data[:4], []byte{0x1a, 0x45, 0xdf, 0xa3}) || !bytes.Contains(data[:min(len(data), 160)], []byte("webm")) {
			t.Fatalf("%s: not a WebM: % x", encoder, data[:min(len(data), 40)])
		}
		if len(progress) < 20 || progress[len(progress)-1] != 1 || !slices.IsSorted(progress) {
			t.Errorf("%s: progress %v: want one call a frame, rising to 1", encoder, progress)
		}
		videos[encoder] = data
		var cancel struct {
			Name  string
			Calls int
			Ms    float64
		}
		evalJSON(t, ctx, `(async () => {
			const ac = new AbortController();
			let calls = 0, at = 0;
			const p = ddpm.exportWebM({frames: 120, fps: 10, encoder: '`+encoder+`', signal: ac.signal, onProgress: () => { if (++calls === 3) { at = performance.now(); ac.abort(); } }});
			let name = 'resolved';
			try { await p; } catch (e) { name = e.name; }
			return {Name: name, Calls: calls, Ms: performance.now() - at};
		})()`, &cancel)
		if cancel.Name != "AbortError" || cancel.Calls > 4 || cancel.Ms > 500 {
			t.Errorf("%s: cancelled video: %+v; want AbortError within 0.5 s of the abort", encoder, cancel)
		}
	}
	// The default video (WebCodecs) against its estimate.
	var def struct{ Size, Est int }
	evalJSON(t, ctx, `(async () => { const b = await ddpm.exportWebM(); return {Size: b.size, Est: ddpm.estimateExport().webm}; })()`, &def)
	t.Logf("default WebM: %d bytes, estimate %d (%.2f)", def.Size, def.Est, float64(def.Est)/float64(def.Size))
	if r := float64(def.Est) / float64(def.Size); r < 0.5 || r > 2 || def.Size > 1_500_000 {
		t.Errorf("default WebM %d bytes, estimate %d: want within a factor 2, ≤ 1.5 MB", def.Size, def.Est)
	}
	assertClean(t, ctx, base)

	// Play them where blob: media may load (the page's CSP allows no media).
	navigate(t, ctx, "about:blank")
	for _, encoder := range []string{"webcodecs", "mediarecorder"} {
		data := videos[encoder]
		var v struct {
			W, H     int
			Header   bool
			Duration float64
			Error    string
		}
		evalJSON(t, ctx, `(async () => {
			const bin = atob(`+strconv.Quote(base64.StdEncoding.EncodeToString(data))+`);
			const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
			const v = document.createElement('video');
			v.muted = true;
			v.src = URL.createObjectURL(new Blob([bytes], {type: 'video/webm'}));
			await new Promise((res, rej) => { v.onloadeddata = res; v.onerror = () => rej(new Error('video error ' + (v.error && v.error.message))); });
			const header = Number.isFinite(v.duration);
			// MediaRecorder writes no duration: seek to the end to learn it.
			if (!header) {
				await new Promise((res) => { v.ondurationchange = () => { if (Number.isFinite(v.duration)) res(); }; v.currentTime = 1e6; });
			}
			return {W: v.videoWidth, H: v.videoHeight, Header: header, Duration: v.duration};
		})().catch((e) => ({Error: String(e)}))`, &v)
		t.Logf("%s: WebM of 20 frames 128² at 20 fps: %d bytes; plays %dx%d, %.3f s (duration in the header: %v)", encoder, len(data), v.W, v.H, v.Duration, v.Header)
		if v.Error != "" || v.W != 128 || v.H != 128 {
			t.Errorf("%s: the WebM plays as %+v; want 128×128", encoder, v)
		}
		// MediaRecorder stamps frames by the clock: the first recording of
		// a fresh browser ran 4.1 s for 1 s on the 2-core machine while its
		// encoder started, later ones 1.0–1.6 s.
		if encoder == "webcodecs" && (!v.Header || math.Abs(v.Duration-1) > 0.06) {
			t.Errorf("webcodecs: duration %.3f s (in the header: %v), want 1 s", v.Duration, v.Header)
		}
		if encoder == "mediarecorder" && (v.Duration < 0.9 || v.Duration > 6) {
			t.Errorf("mediarecorder: duration %.3f s, want at least 1 s", v.Duration)
		}
	}
}
