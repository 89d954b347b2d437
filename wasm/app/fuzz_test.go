package app_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dissolve/wasm/app"
)

// The fuzz targets cover every parser of outside input in this package:
// the URL query, the JSON state patch, uploads, the export options and a
// teacher's path. Their seed corpora run in every `go test`; `make soak`
// runs each for a minute (scripts/fuzz.sh). The invariant is the page's:
// no panic, and whatever is accepted leaves a state that is valid by the
// schema (it encodes as JSON, and its link reads back to itself).

// validState fails the test if s is not a state the schema accepts.
func validState(t *testing.T, s app.State) {
	t.Helper()
	if _, err := json.Marshal(s); err != nil {
		t.Fatalf("the state does not encode: %v (%+v)", err, s)
	}
	full := app.Patch{}
	for _, f := range app.Schema {
		full[f.Name] = f.Get(s)
	}
	if _, err := app.Default().Apply(full, lib()); err != nil {
		t.Fatalf("the state is not valid by the schema: %v (%+v)", err, s)
	}
	p, errs := app.ParseQuery(s.Query())
	back, applyErrs := app.Default().ApplyEach(p, lib())
	if len(errs)+len(applyErrs) != 0 || (s.Image != app.UploadImage && back != s) {
		t.Fatalf("the link %q reads back as %+v (%v %v), want %+v", s.Query(), back, errs, applyErrs, s)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, q := range []string{"", "?t=250", "schedule=cosine&betaStart=NaN", "T=100&t=500", "play=maybe&seed=-3",
		"compare=schedules&compareSchedule=sigmoid", "direction=reverse&sampler=ddpm&steps=0", "%zz", "t=1e3",
		"betaStart=0.5&betaEnd=0.1&schedule=cosine", "dataset=photos&datasetSize=9", "size=" + strings.Repeat("9", 80),
		"t=5;T=10&seed=3", ";;=&;%zz=1;", "embed=abc&parentOrigin=https://blog.example/x", "parentOrigin=http://[::1]:80/"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		p, _ := app.ParseQuery(q)
		s, _ := app.Default().ApplyEach(p, lib())
		validState(t, s)
	})
}

func FuzzParsePatchJSON(f *testing.F) {
	for _, p := range []string{`{}`, `{"t": 250}`, `{"t": 2.5}`, `{"betaStart": null}`, `[1]`, `{"schedule": "cosine", "T": 500, "t": 500}`,
		`{"seed": 4294967296}`, `{"image": "upload"}`, `{"eta": 1e-320}`, `{"direction": "reverse", "steps": 1}`, `{"t": -0}`, `{"t": 1e400}`} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := app.ParsePatchJSON(data)
		if err != nil {
			if app.AsFieldError(err) == nil {
				t.Fatalf("%q: an unstructured error %v", data, err)
			}
			return
		}
		s, err := app.Default().Apply(p, lib())
		if err != nil {
			if app.AsFieldError(err) == nil {
				t.Fatalf("%q: an unstructured error %v", data, err)
			}
			return
		}
		validState(t, s)
	})
}

// uploadSeeds are real files of every format, whole, truncated and with
// headers that lie.
func uploadSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"stripes.png", "warm.jpg", "truncated.jpg", "bomb.png", "not-an-image.png"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "web", "e2e", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	img := image.NewRGBA(image.Rect(0, 0, 9, 7))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	seeds = append(seeds, b.Bytes(), b.Bytes()[:b.Len()/2])
	b.Reset()
	jpeg.Encode(&b, img, nil)
	seeds = append(seeds, b.Bytes())
	b.Reset()
	anim := &gif.GIF{}
	for k := 0; k < 3; k++ { // an animated GIF: the first frame is the picture
		fr := image.NewPaletted(image.Rect(0, 0, 5, 4), palette.Plan9)
		fr.SetColorIndex(k, k, uint8(k*50))
		anim.Image, anim.Delay = append(anim.Image, fr), append(anim.Delay, 10)
	}
	gif.EncodeAll(&b, anim)
	seeds = append(seeds, b.Bytes())
	big := image.NewGray16(image.Rect(0, 0, 1, 1))
	big.SetGray16(0, 0, color.Gray16{Y: 0xffff})
	b.Reset()
	png.Encode(&b, big)
	seeds = append(seeds, b.Bytes())
	// A WebP header (RIFF) with nothing behind it, and zero bytes.
	seeds = append(seeds, []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), nil)
	return seeds
}

func FuzzDecodeUpload(f *testing.F) {
	for _, s := range uploadSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := app.DecodeUpload(data)
		if err != nil {
			if app.AsFieldError(err) == nil {
				t.Fatalf("an unstructured error %v", err)
			}
			return
		}
		b := img.Bounds()
		if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > app.MaxUploadSide || b.Dy() > app.MaxUploadSide ||
			float64(b.Dx())*float64(b.Dy()) > app.MaxUploadPixels {
			t.Fatalf("accepted a %v picture", b)
		}
	})
}

// FuzzUploadHeader: the page's first look at an upload (a prefix of the
// file, web/upload.js) never panics, refuses with a FieldError or asks for
// more, accepts only what the limits allow, and on the whole file agrees
// with DecodeUpload's own check.
func FuzzUploadHeader(f *testing.F) {
	for _, s := range uploadSeeds(f) {
		f.Add(s, uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		head := data[:min(int(cut), len(data))]
		cfg, format, err := app.UploadHeader(head, len(data))
		if err != nil {
			if err != app.ErrShortHeader && app.AsFieldError(err) == nil {
				t.Fatalf("an unstructured error %v", err)
			}
			if err == app.ErrShortHeader && len(head) == len(data) {
				t.Fatal("asked for more bytes than the file has")
			}
			return
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > app.MaxUploadSide || cfg.Height > app.MaxUploadSide ||
			float64(cfg.Width)*float64(cfg.Height) > app.MaxUploadPixels {
			t.Fatalf("accepted a %d×%d picture", cfg.Width, cfg.Height)
		}
		p := app.PlanUpload(cfg, format, len(data))
		if p.Browser && (p.RWidth < 1 || p.RHeight < 1 || max(p.RWidth, p.RHeight) > app.MaxKeptSide) {
			t.Fatalf("plan %+v", p)
		}
		if len(head) == len(data) {
			if _, err := app.DecodeUpload(data); err != nil && app.AsFieldError(err).Code != app.CodeFileCorrupt {
				t.Fatalf("the header was accepted, DecodeUpload refused it with %v", err)
			}
		}
	})
}

func FuzzParseGIFOptions(f *testing.F) {
	for _, o := range []string{`{}`, `{"frames": 60, "fps": 20}`, `{"colors": 100}`, `{"spacing": "t", "label": true}`, `null`, `{"size": 1e9}`, `{"dither": null}`} {
		f.Add([]byte(o))
	}
	def := app.DefaultGIFOptions(app.Default())
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := app.ParseGIFOptions(data, def)
		if err != nil {
			if o != def {
				t.Fatalf("refused, but returned %+v", o)
			}
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("accepted options that do not validate: %v", err)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("..", "..", "web", "lessons", "example.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, p := range []string{`[]`, `[{}]`, `[{"state": {"t": 5000}, "text": {"en": "x"}}]`, `[{"text": {"en": "a", "ko": "가"}, "chart": "alphabar"}]`, `{"a": 1}`} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stops, err := app.ParsePath(data, app.Default(), lib())
		if err != nil {
			return
		}
		s := app.Default()
		for _, st := range stops {
			p, err := app.ParsePatchJSON(st.State)
			if err != nil {
				t.Fatalf("an accepted stop's state does not parse: %v", err)
			}
			if s, err = s.Apply(p, lib()); err != nil {
				t.Fatalf("an accepted stop's state does not apply: %v", err)
			}
		}
		validState(t, s)
	})
}
