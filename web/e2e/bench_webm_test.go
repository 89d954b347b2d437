//go:build browser && browserbench

package e2e

import (
	"encoding/base64"
	"strconv"
	"testing"

	"dissolve/diffusion"
	"dissolve/wasm/app"
)

// TestBenchWebMEncoders compares the two ways the page makes a WebM, at
// the default settings (40 frames of the astronaut at 192², 16 fps,
// log-SNR spacing, t labels) and several bitrates: the file's size, and
// its quality as the PSNR of the decoded frames against the exact frames
// (computed here in Go). WebCodecs frames are read at their timestamps
// (k + ½)/fps; MediaRecorder's, whose timestamps follow the clock, at
// (k + ½)/n of the duration.
//
//	go test -tags browser,browserbench -run '^TestBenchWebMEncoders$' -v ./web/e2e/
func TestBenchWebMEncoders(t *testing.T) {
	pic := builtinPicture(t, "astronaut", 192)
	sched, err := diffusion.NewSchedule(diffusion.LessonConfig())
	if err != nil {
		t.Fatal(err)
	}
	x0 := diffusion.FromImage(pic, 192)
	m := app.NewMovie(sched, x0, app.ClosedForm, 1)
	steps := app.FrameStepsLogSNR(sched, 40)
	ref := make([]byte, 0, 4*x0.N()*len(steps))
	frame := make([]byte, 4*x0.N())
	for _, s := range steps {
		m.RGBA(s, frame)
		app.LabelFrame(frame, x0.W, x0.H, s)
		ref = append(ref, frame...)
	}

	ctx, _ := openPage(t, "?play=0&image=astronaut&seed=1")
	type video struct {
		encoder string
		bitrate int
		data    string
	}
	var videos []video
	for _, enc := range []string{"webcodecs", "mediarecorder"} {
		for _, br := range []int{250000, 500000, 1000000, 2000000} {
			var b64 string
			evalJSON(t, ctx, `(async () => {
				const b = await ddpm.exportWebM({encoder: '`+enc+`', bitrate: `+strconv.Itoa(br)+`});
				const bytes = new Uint8Array(await b.arrayBuffer());
				let s = '';
				for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
				return btoa(s);
			})()`, &b64)
			videos = append(videos, video{enc, br, b64})
		}
	}
	navigate(t, ctx, "about:blank")
	evalJSON(t, ctx, `(window.ref = Uint8Array.from(atob(`+strconv.Quote(base64.StdEncoding.EncodeToString(ref))+`), (c) => c.charCodeAt(0)), ref.length)`, nil)
	for _, v := range videos {
		var r struct {
			PSNR, MinPSNR, Duration float64
			Bytes                   int
		}
		evalJSON(t, ctx, `(async () => {
			const bytes = Uint8Array.from(atob(`+strconv.Quote(v.data)+`), (c) => c.charCodeAt(0));
			const el = document.createElement('video');
			el.muted = true;
			el.src = URL.createObjectURL(new Blob([bytes], {type: 'video/webm'}));
			await new Promise((res) => { el.onloadeddata = res; });
			if (!Number.isFinite(el.duration)) await new Promise((res) => { el.ondurationchange = () => { if (Number.isFinite(el.duration)) res(); }; el.currentTime = 1e6; });
			const n = 40, w = 192, h = 192, dur = el.duration;
			const c = document.createElement('canvas'); c.width = w; c.height = h;
			const g = c.getContext('2d', {willReadFrequently: true});
			let sum = 0, worst = Infinity;
			for (let k = 0; k < n; k++) {
				const at = '`+v.encoder+`' === 'webcodecs' ? (k + 0.5) / 16 : (k + 0.5) / n * dur;
				await new Promise((res) => { el.onseeked = res; el.currentTime = at; });
				g.drawImage(el, 0, 0, w, h);
				const px = g.getImageData(0, 0, w, h).data;
				let se = 0;
				for (let i = 0, o = k * w * h * 4; i < px.length; i += 4) {
					for (let ch = 0; ch < 3; ch++) { const d = px[i + ch] - ref[o + i + ch]; se += d * d; }
				}
				const psnr = 10 * Math.log10(255 * 255 / (se / (3 * w * h)));
				sum += psnr; worst = Math.min(worst, psnr);
			}
			return {PSNR: sum / n, MinPSNR: worst, Duration: dur, Bytes: bytes.length};
		})()`, &r)
		t.Logf("BENCH webm %-13s %7d bit/s: %7d bytes, %.2f s, PSNR mean %.2f dB, worst frame %.2f dB", v.encoder, v.bitrate, r.Bytes, r.Duration, r.PSNR, r.MinPSNR)
	}
}
