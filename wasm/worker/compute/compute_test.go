package compute_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"dissolve/dataset"
	"dissolve/diffusion"
	"dissolve/reverse"
	"dissolve/wasm/worker/compute"
)

// The tests load the first 1,000 training and 200 test digits of real
// MNIST (the GoMNIST module's files; MNIST_DIR in Node), as subset files,
// the way the page sends web/data/mnist-*.bin to a worker.

var mnist struct {
	once        sync.Once
	train, test []byte
	err         error
}

func files(t testing.TB) (train, test []byte) {
	t.Helper()
	mnist.once.Do(func() {
		dir, err := dataset.MNISTDir()
		if err != nil {
			mnist.err = err
			return
		}
		for _, f := range []struct {
			name string
			n    int
			dst  *[]byte
		}{{"train", 1000, &mnist.train}, {"test", 200, &mnist.test}} {
			d, err := dataset.LoadMNIST(dir, f.name)
			if err != nil {
				mnist.err = err
				return
			}
			var buf bytes.Buffer
			if err := dataset.WriteSubset(&buf, d.Subset(f.n)); err != nil {
				mnist.err = err
				return
			}
			*f.dst = buf.Bytes()
		}
	})
	if mnist.err != nil {
		t.Fatal(mnist.err)
	}
	return mnist.train, mnist.test
}

func engine(t testing.TB) *compute.Engine {
	t.Helper()
	train, test := files(t)
	e := compute.NewEngine()
	for name, b := range map[string][]byte{"train": train, "test": test} {
		if _, err := e.Load(compute.LoadArgs{Name: name}, b); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Checksum is SHA-256 of x's float32 bits, little-endian: what the browser
// test computes over the worker's Float32Array.
func Checksum(x []float32) string {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func field(err error) string {
	var pe *diffusion.ParamError
	if errors.As(err, &pe) {
		return pe.Field
	}
	return ""
}

func TestLoad(t *testing.T) {
	train, _ := files(t)
	e := compute.NewEngine()
	info, err := e.Load(compute.LoadArgs{Name: "train", Size: 300}, train)
	if err != nil {
		t.Fatal(err)
	}
	if want := (compute.SetInfo{Name: "train", N: 300, W: 28, H: 28, C: 1, HasLabels: true}); info != want {
		t.Errorf("Load = %+v, want %+v", info, want)
	}
	for _, c := range []struct {
		name  string
		args  compute.LoadArgs
		file  []byte
		field string
	}{
		{"empty name", compute.LoadArgs{}, train, "name"},
		{"name with a slash", compute.LoadArgs{Name: "a/b"}, train, "name"},
		{"not a subset file", compute.LoadArgs{Name: "x"}, []byte("GIF89a"), "bytes"},
		{"truncated", compute.LoadArgs{Name: "x"}, train[:len(train)-1], "bytes"},
		{"size over N", compute.LoadArgs{Name: "x", Size: 1001}, train, "size"},
		{"negative size", compute.LoadArgs{Name: "x", Size: -1}, train, "size"},
	} {
		if _, err := e.Load(c.args, c.file); field(err) != c.field {
			t.Errorf("%s: error %v (field %q), want field %q", c.name, err, field(err), c.field)
		}
	}
	if sets := e.Sets(); len(sets) != 1 || sets[0].N != 300 {
		t.Errorf("after refused loads, Sets = %+v, want only train of 300", sets)
	}
}

func TestSampleRefuses(t *testing.T) {
	e := engine(t)
	for _, c := range []struct {
		field string
		edit  func(*compute.SampleArgs)
	}{
		{"schedule", func(a *compute.SampleArgs) { a.Schedule = "quadratic" }},
		{"T", func(a *compute.SampleArgs) { a.T = 0 }},
		{"betaEnd", func(a *compute.SampleArgs) { a.BetaEnd = 1e-5 }},
		{"denoiser", func(a *compute.SampleArgs) { a.Denoiser = "best" }},
		{"dataset", func(a *compute.SampleArgs) { a.Dataset = "photos" }},
		{"datasetSize", func(a *compute.SampleArgs) { a.DatasetSize = 1001 }},
		{"datasetSize", func(a *compute.SampleArgs) { a.DatasetSize = -3 }},
		{"oracle", func(a *compute.SampleArgs) { a.Denoiser, a.Oracle = "oracle", 1000 }},
		{"sampler", func(a *compute.SampleArgs) { a.Sampler = "euler" }},
		{"variance", func(a *compute.SampleArgs) { a.Sampler, a.Variance = "ddpm", "medium" }},
		{"eta", func(a *compute.SampleArgs) { a.Eta = 1.5 }},
		{"eta", func(a *compute.SampleArgs) { a.Eta = math.NaN() }},
		{"steps", func(a *compute.SampleArgs) { a.Steps = 1001 }},
		{"steps", func(a *compute.SampleArgs) { a.Steps = 0 }},
		{"spacing", func(a *compute.SampleArgs) { a.Spacing = "even" }},
		{"seed", func(a *compute.SampleArgs) { a.Seed = 1 << 32 }},
		{"every", func(a *compute.SampleArgs) { a.Every = -1 }},
	} {
		a := compute.Defaults()
		c.edit(&a)
		r, err := e.Sample(a)
		if field(err) != c.field || r != nil {
			t.Errorf("%+v: error %v (field %q), want field %q", a, err, field(err), c.field)
		}
	}
}

// TestSampleIsTheSampler: Sample's frames are the reverse.Sampler's run,
// bit for bit, for DDIM and DDPM, each denoiser and frame stride.
func TestSampleIsTheSampler(t *testing.T) {
	e := engine(t)
	train, _ := files(t)
	d, err := dataset.ReadSubset(bytes.NewReader(train))
	if err != nil {
		t.Fatal(err)
	}
	d = d.Subset(400)
	for _, c := range []struct {
		name string
		edit func(*compute.SampleArgs)
	}{
		{"ddim ideal", func(a *compute.SampleArgs) {}},
		{"ddim eta=1 leading clip, every 3rd", func(a *compute.SampleArgs) {
			a.Eta, a.Steps, a.Spacing, a.Clip, a.Every = 1, 20, "leading", true, 3
		}},
		{"ddpm large, last frame only", func(a *compute.SampleArgs) {
			a.Sampler, a.Variance, a.T, a.Every = "ddpm", "large", 40, 0
		}},
		{"cosine zero-SNR local", func(a *compute.SampleArgs) {
			a.Schedule, a.ZeroTerminalSNR, a.Denoiser, a.Steps = diffusion.Cosine, true, "local", 5
		}},
		{"oracle", func(a *compute.SampleArgs) { a.Denoiser, a.Oracle, a.Steps = "oracle", 7, 10 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := compute.Defaults()
			a.DatasetSize, a.Seed = 400, 2026
			c.edit(&a)
			r, err := e.Sample(a)
			if err != nil {
				t.Fatal(err)
			}
			s, err := diffusion.NewSchedule(a.Config())
			if err != nil {
				t.Fatal(err)
			}
			var den reverse.Denoiser
			switch a.Denoiser {
			case "ideal":
				den = reverse.NewIdeal(s, d)
			case "local":
				den = reverse.NewLocal(s, d, false)
			case "oracle":
				den = reverse.Oracle{X0: d.Image(make([]float32, d.Dim()), a.Oracle)}
			}
			cfg := reverse.Config{Eta: a.Eta, Steps: a.Steps, Clip: a.Clip}
			cfg.Spacing, _ = reverse.ParseSpacing(a.Spacing)
			if a.Sampler == "ddpm" {
				cfg.Method = reverse.DDPM
				if a.Variance == "large" {
					cfg.Variance = reverse.Large
				}
			} else {
				cfg.Method = reverse.DDIM
			}
			sp, err := reverse.NewSampler(s, den, cfg)
			if err != nil {
				t.Fatal(err)
			}
			D := d.Dim()
			var xts, x0s [][]float32
			x := make([]float32, D)
			sp.Sample(x, a.Seed, func(i, _ int, x, x0 []float32) {
				xts = append(xts, slices.Clone(x))
				if x0 != nil {
					x0s = append(x0s, slices.Clone(x0))
				}
			})
			x0s = append(x0s, x)
			S := len(sp.Timesteps())
			if want := append(slices.Clone(sp.Timesteps()), 0); !slices.Equal(r.Timesteps, want) {
				t.Fatalf("Timesteps = %v, want %v", r.Timesteps, want)
			}
			if len(r.EffectiveN) != S {
				t.Errorf("%d effective N, want one per step (%d)", len(r.EffectiveN), S)
			}
			if got := r.EffectiveN[len(r.EffectiveN)-1]; a.Denoiser != "local" && math.Abs(got-1) > 1e-9 {
				t.Errorf("effective N at the last step = %v, want 1 (one digit left)", got)
			}
			if first := r.EffectiveN[0]; a.T == 1000 && a.ZeroTerminalSNR && first < 399 {
				t.Errorf("effective N at x_T under zero terminal SNR = %v, want 400 (uniform)", first)
			}
			if r.Frames[0] != 0 && a.Every > 0 || r.Frames[len(r.Frames)-1] != S {
				t.Errorf("Frames = %v, want the first (every > 0) and the last (%d)", r.Frames, S)
			}
			if len(r.XT) != len(r.Frames)*D || len(r.X0) != len(r.Frames)*D {
				t.Fatalf("%d and %d numbers for %d frames of %d", len(r.XT), len(r.X0), len(r.Frames), D)
			}
			for k, f := range r.Frames {
				if a.Every > 1 && f != S && f%a.Every != 0 {
					t.Errorf("frame %d is step %d, not a multiple of %d", k, f, a.Every)
				}
				if !slices.Equal(r.XT[k*D:(k+1)*D], xts[f]) || !slices.Equal(r.X0[k*D:(k+1)*D], x0s[f]) {
					t.Errorf("frame %d (t = %d) differs from the sampler's", k, r.Timesteps[f])
				}
			}
			if !slices.Equal(r.Final, x) {
				t.Error("Final differs from the sampler's x_0")
			}
			n, dist := reverse.Nearest(d, x)
			if r.Nearest.Index != n || r.Nearest.Distance != dist || r.Nearest.Label != int(d.Labels[n]) || r.N != 400 {
				t.Errorf("Nearest = %+v of %d, want #%d (digit %d) at %v of 400", r.Nearest, r.N, n, d.Labels[n], dist)
			}
			if a.Denoiser == "oracle" && (r.Nearest.Index != a.Oracle || r.Nearest.Distance > 1e-6) {
				t.Errorf("the oracle's run ends at #%d at %v, want #%d", r.Nearest.Index, r.Nearest.Distance, a.Oracle)
			}
		})
	}
}

// TestMemoriseAndCreate: the ideal denoiser's samples are copies of
// training digits, the local denoiser's new digits (the seeds the browser
// test uses).
func TestMemoriseAndCreate(t *testing.T) {
	e := engine(t)
	for seed := range uint64(4) {
		a := compute.Defaults()
		a.Seed, a.Every = seed, 0
		ideal, err := e.Sample(a)
		if err != nil {
			t.Fatal(err)
		}
		a.Denoiser, a.Steps = "local", 10
		local, err := e.Sample(a)
		if err != nil {
			t.Fatal(err)
		}
		if ideal.Nearest.Novelty >= 0.05 || local.Nearest.Novelty <= 0.5 {
			t.Errorf("seed %d: novelty %.3f (ideal) and %.3f (local), want < 0.05 and > 0.5", seed, ideal.Nearest.Novelty, local.Nearest.Novelty)
		}
	}
}

// TestGoldenSample pins the bits of one DDIM η = 0 sample of the ideal
// denoiser over 1,000 digits, every frame of x_t and x̂_0: the same natively
// and in Node (make test-wasm), as in the browser (web/e2e
// TestWorkerSampleBits). The run ends exactly on training digit #124, a 1.
func TestGoldenSample(t *testing.T) {
	e := engine(t)
	a := compute.Defaults()
	a.Seed = 2026
	r, err := e.Sample(a)
	if err != nil {
		t.Fatal(err)
	}
	const golden = "79b8f5d0d5fba96715d5b4199ba85f1deab72a3c70b7faef3dae89a10d72df8e"
	if got := Checksum(append(slices.Clone(r.XT), r.X0...)); got != golden {
		t.Errorf("checksum %s, want %s", got, golden)
	}
	if r.Nearest != (compute.Match{Index: 124, Label: 1}) {
		t.Errorf("nearest %+v, want #124, a 1, at distance 0", r.Nearest)
	}
}

// TestGridIsSamples: a grid holds, seed by seed, the bits of Sample, with
// each sample's nearest training image.
func TestGridIsSamples(t *testing.T) {
	e := engine(t)
	g := compute.DefaultGrid()
	g.Seeds, g.DatasetSize, g.Steps = []uint64{5, 0, 1 << 31, 77}, 500, 20
	r, err := e.Grid(g)
	if err != nil {
		t.Fatal(err)
	}
	D := 784
	if len(r.Final) != 4*D || len(r.NearestPix) != 4*D || len(r.Nearest) != 4 || r.N != 500 {
		t.Fatalf("grid of %d numbers, %d bytes, %d matches over %d", len(r.Final), len(r.NearestPix), len(r.Nearest), r.N)
	}
	train, _ := files(t)
	d, _ := dataset.ReadSubset(bytes.NewReader(train))
	for k, seed := range g.Seeds {
		a := compute.Defaults()
		a.ModelArgs, a.SamplerArgs, a.Seed, a.Every = g.ModelArgs, g.SamplerArgs, seed, 0
		s, err := e.Sample(a)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Final[k*D:(k+1)*D], s.Final) || r.Nearest[k] != s.Nearest {
			t.Errorf("seed %d: the grid's sample differs from Sample's", seed)
		}
		if !bytes.Equal(r.NearestPix[k*D:(k+1)*D], d.Bytes(s.Nearest.Index)) {
			t.Errorf("seed %d: nearestPix is not training image #%d", seed, s.Nearest.Index)
		}
	}
	for _, c := range []struct {
		field string
		seeds []uint64
	}{{"seeds", nil}, {"seeds", make([]uint64, compute.MaxGrid+1)}, {"seeds", []uint64{1, 1 << 32}}} {
		g.Seeds = c.seeds
		if _, err := e.Grid(g); field(err) != c.field {
			t.Errorf("%d seeds: error %v, want field %q", len(c.seeds), err, c.field)
		}
	}
}

// TestLoss: the ideal denoiser's training loss is below its held-out loss
// (memorisation) and both match reverse.SimpleLoss.
func TestLoss(t *testing.T) {
	e := engine(t)
	a := compute.DefaultLoss()
	a.Ts, a.M, a.Seed = []int{10, 300}, 32, 9
	r, err := e.Loss(a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Ts, a.Ts) || len(r.TrainMean) != 2 || len(r.TestStdErr) != 2 || r.M != 32 || r.N != 1000 {
		t.Fatalf("Loss = %+v", r)
	}
	train, test := files(t)
	dtr, _ := dataset.ReadSubset(bytes.NewReader(train))
	dte, _ := dataset.ReadSubset(bytes.NewReader(test))
	s, _ := diffusion.NewSchedule(diffusion.LessonConfig())
	ideal := reverse.NewIdeal(s, dtr)
	for i, ts := range a.Ts {
		tr := reverse.SimpleLoss(s, ideal, dtr, ts, 32, 9)
		te := reverse.SimpleLoss(s, ideal, dte, ts, 32, 9)
		if r.TrainMean[i] != tr.Mean || r.TestMean[i] != te.Mean || r.TrainStdErr[i] != tr.StdErr || r.TestStdErr[i] != te.StdErr {
			t.Errorf("t=%d: %v %v, want %+v %+v", ts, r.TrainMean[i], r.TestMean[i], tr, te)
		}
		if !(r.TrainMean[i] < r.TestMean[i]) {
			t.Errorf("t=%d: train loss %v not below held-out %v", ts, r.TrainMean[i], r.TestMean[i])
		}
	}
	for _, c := range []struct {
		field string
		edit  func(*compute.LossArgs)
	}{
		{"denoiser", func(a *compute.LossArgs) { a.Denoiser = "oracle" }},
		{"test", func(a *compute.LossArgs) { a.Test = "nope" }},
		{"ts", func(a *compute.LossArgs) { a.Ts = nil }},
		{"ts", func(a *compute.LossArgs) { a.Ts = []int{0} }},
		{"m", func(a *compute.LossArgs) { a.M = 0 }},
		{"seed", func(a *compute.LossArgs) { a.Seed = 1 << 40 }},
	} {
		b := compute.DefaultLoss()
		c.edit(&b)
		if _, err := e.Loss(b); field(err) != c.field {
			t.Errorf("%s: error %v, want field %q", c.field, err, c.field)
		}
	}
}

// TestDo: requests as the worker receives them, JSON in, JSON and arrays
// out, and every kind of bad request refused with the field named.
func TestDo(t *testing.T) {
	train, test := files(t)
	e := compute.NewEngine()
	if _, err := e.Do("load", []byte(`{"name":"train","size":200}`), train); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Do("load", []byte(`{"name":"test"}`), test); err != nil {
		t.Fatal(err)
	}
	sets, err := e.Do("sets", nil, nil)
	if b, _ := json.Marshal(sets); err != nil || !strings.HasPrefix(string(b), `[{"name":"test","n":200,`) || !strings.Contains(string(b), `},{"name":"train","n":200,"w":28,"h":28,"c":1,"labels":true}]`) {
		t.Errorf("sets = %s, %v; want test and train, by name", b, err)
	}
	r, err := e.Do("sample", []byte(`{"seed": 3, "steps": 10, "every": 5}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(r)
	var got struct {
		Width, Height, Planes int
		Timesteps, Frames     []int
		Nearest               compute.Match
		N                     int
	}
	if err := json.Unmarshal(meta, &got); err != nil {
		t.Fatal(err)
	}
	if got.Width != 28 || got.Height != 28 || got.Planes != 1 || len(got.Timesteps) != 11 || !slices.Equal(got.Frames, []int{0, 5, 10}) || got.N != 200 {
		t.Errorf("sample's JSON = %s", meta)
	}
	arr := compute.Arrays(r)
	if xt, _ := arr["xt"].([]float32); len(xt) != 3*784 {
		t.Errorf("xt has %d numbers, want 3 frames of 784", len(xt))
	}
	if _, ok := arr["final"].([]float32); !ok {
		t.Errorf("arrays %v lack final", arr)
	}
	g, err := e.Do("grid", []byte(`{"seeds":[1,2],"steps":5}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pix, _ := compute.Arrays(g)["nearestPix"].([]uint8); len(pix) != 2*784 {
		t.Errorf("grid nearestPix has %d bytes", len(pix))
	}
	for _, c := range []struct {
		op, args, field, msg string
	}{
		{"paint", `{}`, "op", "op must be one of"},
		{"sample", `{"seeed": 1}`, "seeed", `sample has no field "seeed"`},
		{"sample", `{"steps": "ten"}`, "steps", "steps must be an integer, got a JSON string"},
		{"sample", `{"eta": true}`, "eta", "eta must be a number"},
		{"sample", `{"seed": -1}`, "seed", "seed must be an integer"},
		{"sample", `{"seed": 4294967296}`, "seed", "seed must be an integer in 0..4294967295, got 4294967296"},
		{"sample", `[1]`, "", "not a JSON object"},
		{"sample", `{} {}`, "", "one JSON object"},
		{"grid", `{"seeds": 5}`, "seeds", "seeds must be a list"},
		{"loss", `{"ts": [0]}`, "ts", "ts must be steps in 1..1000 (T), got 0"},
		{"sample", `{"denoiser": "best"}`, "denoiser", `denoiser must be one of ideal, local, oracle, got "best"`},
	} {
		_, err := e.Do(c.op, []byte(c.args), nil)
		if err == nil || compute.ErrorField(err) != c.field || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s %s: error %v (field %q), want field %q and %q", c.op, c.args, err, compute.ErrorField(err), c.field, c.msg)
		}
	}
}

// TestDoRecovers: a panic inside a request (here the zero Engine's nil map)
// comes back as an error.
func TestDoRecovers(t *testing.T) {
	train, _ := files(t)
	var e compute.Engine
	_, err := e.Do("load", []byte(`{"name":"train"}`), train)
	if err == nil || !strings.Contains(err.Error(), "internal error in load (recovered") {
		t.Errorf("Do on a zero Engine: %v, want a recovered internal error", err)
	}
}
