package compute

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"dissolve/dataset"
	"dissolve/diffusion"
	"dissolve/reverse"
)

// Engine holds the data sets one worker has loaded and what it has built
// over them. It is not safe for concurrent use: a worker runs one request
// at a time.
type Engine struct {
	sets map[string]*reverse.Dataset
	// subsets keeps the last few subsets asked for, so that a subset's
	// sparse form and median nearest-neighbour distance (cached by package
	// reverse per *Dataset) are computed once, not per request.
	subsets []subset
	// chains are the forward chains Chain keeps, most recent first.
	chains []keptChain
	// picture is the x_0 Chain converts frames with (Picture).
	picture *heldPicture
	// pictureBuf holds picture's pixels, reused at the largest size asked
	// for (a new picture's memory would otherwise grow the worker's memory
	// for good, by 12 MB at 1024²).
	pictureBuf []float32
	// chainBudget bounds what chains and picture hold (ChainBytes).
	chainBudget int
	// frames is the block the chains' nodes are cut from (chainFramesBytes,
	// made at the first chain): a new seed's chain reuses the memory of
	// the one it replaces instead of leaving it to the collector, which in
	// WebAssembly would grow the worker's memory for good.
	frames *diffusion.Frames
	// zeros is the chains' x_0 (a node does not depend on it), at the
	// largest size asked for.
	zeros []float32
	// replyNoise and replyRGBA are Chain's answer buffers, reused.
	replyNoise []float32
	replyRGBA  []byte
}

type subset struct {
	name string
	n    int
	d    *reverse.Dataset
}

// keptSubsets bounds Engine.subsets: the page's train set at one size, a
// held-out set, and a couple of sizes a slider visits.
const keptSubsets = 4

// NewEngine returns an engine with no data sets.
func NewEngine() *Engine {
	return &Engine{sets: map[string]*reverse.Dataset{}, chainBudget: ChainBytes, frames: &diffusion.Frames{MaxBytes: chainFramesBytes}}
}

// LoadArgs are Load's arguments besides the file's bytes.
type LoadArgs struct {
	// Name is how later requests refer to the set: letters, digits, '-'
	// and '_', 1 to 32 of them (e.g. "train", "test", "photos").
	Name string `json:"name"`
	// Size keeps the first Size images (0: all of them).
	Size int `json:"size"`
}

// SetInfo describes a loaded data set.
type SetInfo struct {
	Name      string `json:"name"`
	N         int    `json:"n"`
	W         int    `json:"w"`
	H         int    `json:"h"`
	C         int    `json:"c"`
	HasLabels bool   `json:"labels"`
}

// validName says whether s is 1 to 32 letters, digits, '-' or '_'.
func validName(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Load reads a subset file (dataset.ReadSubset) and keeps it as a.Name,
// replacing a set of that name. It also computes the set's median
// nearest-neighbour distance (reverse.MedianNN), the scale of novelty.
func (e *Engine) Load(a LoadArgs, file []byte) (SetInfo, error) {
	if !validName(a.Name) {
		return SetInfo{}, &diffusion.ParamError{Field: "name", Allowed: "1 to 32 letters, digits, '-' or '_'", Got: strconv.Quote(a.Name)}
	}
	d, err := dataset.ReadSubset(bytes.NewReader(file))
	if err != nil {
		return SetInfo{}, &diffusion.ParamError{Field: "bytes", Allowed: "a data set file (" + err.Error() + ")", Got: fmt.Sprintf("%d bytes", len(file))}
	}
	if a.Size < 0 || a.Size > d.Len() {
		return SetInfo{}, &diffusion.ParamError{Field: "size", Allowed: fmt.Sprintf("an integer in 0..%d (0: all)", d.Len()), Got: strconv.Itoa(a.Size)}
	}
	if a.Size > 0 {
		d = d.Subset(a.Size)
	}
	// Novelty's scale, the median nearest-neighbour distance, costs about
	// 250 nearest-image searches (2 s in a browser's worker for 10,000
	// digits): pay it now, not in the first sample.
	reverse.MedianNN(d, reverse.MedianSample)
	e.sets[a.Name] = d
	kept := e.subsets[:0]
	for _, s := range e.subsets {
		if s.name != a.Name {
			kept = append(kept, s)
		}
	}
	e.subsets = kept
	return infoOf(a.Name, d), nil
}

func infoOf(name string, d *reverse.Dataset) SetInfo {
	return SetInfo{Name: name, N: d.Len(), W: d.W, H: d.H, C: d.C, HasLabels: d.Labels != nil}
}

// Sets describes the loaded data sets, by name.
func (e *Engine) Sets() []SetInfo {
	out := []SetInfo{}
	for _, name := range slices.Sorted(maps.Keys(e.sets)) {
		out = append(out, infoOf(name, e.sets[name]))
	}
	return out
}

// set returns the first n images (0: all) of the set called name; field
// and sizeField name the request's fields in errors.
func (e *Engine) set(name string, n int, field, sizeField string) (*reverse.Dataset, error) {
	d, ok := e.sets[name]
	if !ok {
		return nil, &diffusion.ParamError{Field: field, Allowed: "the name of a loaded data set", Got: strconv.Quote(name)}
	}
	if n < 0 || n > d.Len() {
		return nil, &diffusion.ParamError{Field: sizeField, Allowed: fmt.Sprintf("an integer in 1..%d (0: all)", d.Len()), Got: strconv.Itoa(n)}
	}
	if n == 0 || n == d.Len() {
		return d, nil
	}
	for i, s := range e.subsets {
		if s.name == name && s.n == n {
			copy(e.subsets[1:i+1], e.subsets[:i]) // most recent first
			e.subsets[0] = s
			return s.d, nil
		}
	}
	s := subset{name, n, d.Subset(n)}
	if len(e.subsets) < keptSubsets {
		e.subsets = append(e.subsets, subset{})
	}
	copy(e.subsets[1:], e.subsets)
	e.subsets[0] = s
	return s.d, nil
}
