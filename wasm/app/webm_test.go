package app_test

import (
	"encoding/binary"
	"math"
	"testing"

	"dissolve/wasm/app"
)

// ebml is a parsed EBML element.
type ebml struct {
	id   uint64
	data []byte
}

// readVint reads an EBML variable-length integer: the position of the
// first set bit of the first byte gives the length; keepMarker keeps
// that bit (IDs keep it, sizes do not).
func readVint(b []byte, keepMarker bool) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	n := 1
	for n <= 8 && b[0]&(0x80>>(n-1)) == 0 {
		n++
	}
	if n > 8 || len(b) < n {
		return 0, 0
	}
	v := uint64(b[0])
	if !keepMarker {
		v &^= 0x80 >> (n - 1)
	}
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n
}

func parseEBML(t *testing.T, b []byte) []ebml {
	t.Helper()
	var out []ebml
	for len(b) > 0 {
		id, n := readVint(b, true)
		if n == 0 {
			t.Fatalf("bad element ID at % x", b[:min(8, len(b))])
		}
		size, m := readVint(b[n:], false)
		if m == 0 || uint64(len(b)-n-m) < size {
			t.Fatalf("element %x: size %d past the end (%d left)", id, size, len(b)-n-m)
		}
		out = append(out, ebml{id, b[n+m : n+m+int(size)]})
		b = b[n+m+int(size):]
	}
	return out
}

func child(t *testing.T, els []ebml, id uint64) ebml {
	t.Helper()
	for _, e := range els {
		if e.id == id {
			return e
		}
	}
	t.Fatalf("no element %x", id)
	return ebml{}
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// TestMuxWebM: the file parses as EBML into a header with DocType webm
// and one Segment that holds exactly Info (ms timecodes, the duration),
// Tracks (one VP9 track of the size) and Clusters whose SimpleBlocks
// carry the frames in order, at their times, key frames flagged; a 40 s
// video needs a second cluster (block times are 16-bit milliseconds).
func TestMuxWebM(t *testing.T) {
	var frames []app.WebMFrame
	for k := range 81 { // 0.5 s apart: 40 s
		frames = append(frames, app.WebMFrame{Data: []byte{byte(k), 1, 2, 3}, TimeUS: int64(k) * 500000, Key: k%30 == 0})
	}
	data, err := app.MuxWebM(app.WebMVideo{Codec: "V_VP9", Width: 192, Height: 144, DurationUS: 40500000}, frames)
	if err != nil {
		t.Fatal(err)
	}
	top := parseEBML(t, data)
	if len(top) != 2 || top[0].id != 0x1A45DFA3 || top[1].id != 0x18538067 {
		t.Fatalf("top level: %d elements", len(top))
	}
	if dt := child(t, parseEBML(t, top[0].data), 0x4282); string(dt.data) != "webm" {
		t.Errorf("DocType %q", dt.data)
	}
	seg := parseEBML(t, top[1].data)
	info := parseEBML(t, child(t, seg, 0x1549A966).data)
	if s := beUint(child(t, info, 0x2AD7B1).data); s != 1000000 {
		t.Errorf("TimecodeScale %d", s)
	}
	if d := math.Float64frombits(binary.BigEndian.Uint64(child(t, info, 0x4489).data)); d != 40500 {
		t.Errorf("Duration %v ms, want 40500", d)
	}
	track := parseEBML(t, child(t, parseEBML(t, child(t, seg, 0x1654AE6B).data), 0xAE).data)
	video := parseEBML(t, child(t, track, 0xE0).data)
	if string(child(t, track, 0x86).data) != "V_VP9" || beUint(child(t, track, 0xD7).data) != 1 || beUint(child(t, track, 0x83).data) != 1 ||
		beUint(child(t, video, 0xB0).data) != 192 || beUint(child(t, video, 0xBA).data) != 144 {
		t.Errorf("track entry wrong")
	}
	k, clusters := 0, 0
	for _, e := range seg {
		if e.id != 0x1F43B675 {
			continue
		}
		clusters++
		els := parseEBML(t, e.data)
		base := int64(beUint(child(t, els, 0xE7).data))
		for _, b := range els {
			if b.id != 0xA3 {
				continue
			}
			if b.data[0] != 0x81 {
				t.Fatalf("block %d: track % x", k, b.data[0])
			}
			rel := int64(int16(binary.BigEndian.Uint16(b.data[1:3])))
			if base+rel != int64(k)*500 || (b.data[3]&0x80 != 0) != (k%30 == 0) || b.data[4] != byte(k) {
				t.Errorf("block %d: at %d ms, flags %x, first byte %d", k, base+rel, b.data[3], b.data[4])
			}
			k++
		}
	}
	if k != 81 || clusters < 2 {
		t.Errorf("%d blocks in %d clusters, want 81 in at least 2", k, clusters)
	}
	if _, err := app.MuxWebM(app.WebMVideo{Codec: "V_AV1", Width: 1, Height: 1}, frames); err == nil {
		t.Error("AV1 accepted")
	}
	if _, err := app.MuxWebM(app.WebMVideo{Codec: "V_VP8", Width: 1, Height: 1}, frames[1:]); err == nil {
		t.Error("a video starting without a key frame accepted")
	}
}
