package app

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// WebMFrame is one encoded video frame: its bytes (a VP8 or VP9 frame as
// the browser's VideoEncoder gives it), its time in microseconds and
// whether it is a key frame.
type WebMFrame struct {
	Data   []byte
	TimeUS int64
	Key    bool
}

// WebMVideo is what MuxWebM needs to know of the video.
type WebMVideo struct {
	Codec         string // "V_VP9" or "V_VP8"
	Width, Height int
	DurationUS    int64 // the end of the last frame
}

// Matroska element IDs (the bytes of their EBML IDs), from the Matroska
// specification (RFC 9559) and the WebM subset.
const (
	idEBML               = 0x1A45DFA3
	idEBMLVersion        = 0x4286
	idEBMLReadVersion    = 0x42F7
	idEBMLMaxIDLength    = 0x42F2
	idEBMLMaxSizeLength  = 0x42F3
	idDocType            = 0x4282
	idDocTypeVersion     = 0x4287
	idDocTypeReadVersion = 0x4285
	idSegment            = 0x18538067
	idInfo               = 0x1549A966
	idTimecodeScale      = 0x2AD7B1
	idDuration           = 0x4489
	idMuxingApp          = 0x4D80
	idWritingApp         = 0x5741
	idTracks             = 0x1654AE6B
	idTrackEntry         = 0xAE
	idTrackNumber        = 0xD7
	idTrackUID           = 0x73C5
	idTrackType          = 0x83
	idFlagLacing         = 0x9C
	idCodecID            = 0x86
	idVideo              = 0xE0
	idPixelWidth         = 0xB0
	idPixelHeight        = 0xBA
	idCluster            = 0x1F43B675
	idTimecode           = 0xE7
	idSimpleBlock        = 0xA3
)

// maxClusterSpanMS keeps a block's time, relative to its cluster's, in a
// signed 16-bit number of milliseconds.
const maxClusterSpanMS = 30000

// MuxWebM writes frames as a WebM file: the EBML header, then one
// Segment of known size holding Info (millisecond timecodes and the
// Duration, so a player knows the length at once), Tracks (one video
// track) and Clusters of SimpleBlocks (a new cluster every 30 s or at a
// key frame past it). The frames must be in time order.
func MuxWebM(v WebMVideo, frames []WebMFrame) ([]byte, error) {
	if v.Codec != "V_VP9" && v.Codec != "V_VP8" {
		return nil, fmt.Errorf("webm: codec %q is not V_VP8 or V_VP9", v.Codec)
	}
	if v.Width < 1 || v.Height < 1 || len(frames) == 0 || !frames[0].Key {
		return nil, fmt.Errorf("webm: need a size and frames starting with a key frame")
	}
	var out bytes.Buffer
	out.Write(element(idEBML, concat(
		uintElement(idEBMLVersion, 1), uintElement(idEBMLReadVersion, 1),
		uintElement(idEBMLMaxIDLength, 4), uintElement(idEBMLMaxSizeLength, 8),
		element(idDocType, []byte("webm")), uintElement(idDocTypeVersion, 4), uintElement(idDocTypeReadVersion, 2),
	)))
	info := element(idInfo, concat(
		uintElement(idTimecodeScale, 1000000),
		floatElement(idDuration, float64(v.DurationUS)/1000),
		element(idMuxingApp, []byte("dissolve")), element(idWritingApp, []byte("dissolve")),
	))
	tracks := element(idTracks, element(idTrackEntry, concat(
		uintElement(idTrackNumber, 1), uintElement(idTrackUID, 1), uintElement(idTrackType, 1),
		uintElement(idFlagLacing, 0), element(idCodecID, []byte(v.Codec)),
		element(idVideo, concat(uintElement(idPixelWidth, uint64(v.Width)), uintElement(idPixelHeight, uint64(v.Height)))),
	)))
	var clusters []byte
	var blocks []byte
	clusterMS := int64(-1)
	last := int64(math.MinInt64)
	flush := func() {
		if clusterMS >= 0 {
			clusters = append(clusters, element(idCluster, concat(uintElement(idTimecode, uint64(clusterMS)), blocks))...)
		}
		blocks = nil
	}
	for i, f := range frames {
		if f.TimeUS < last {
			return nil, fmt.Errorf("webm: frame %d goes back in time", i)
		}
		last = f.TimeUS
		ms := (f.TimeUS + 500) / 1000
		if clusterMS < 0 || ms-clusterMS > maxClusterSpanMS || (f.Key && ms-clusterMS > maxClusterSpanMS/2) {
			flush()
			clusterMS = ms
		}
		block := make([]byte, 0, 4+len(f.Data))
		block = append(block, 0x81) // track 1, as a one-byte vint
		block = binary.BigEndian.AppendUint16(block, uint16(int16(ms-clusterMS)))
		var flags byte
		if f.Key {
			flags = 0x80
		}
		block = append(block, flags)
		block = append(block, f.Data...)
		blocks = append(blocks, element(idSimpleBlock, block)...)
	}
	flush()
	out.Write(element(idSegment, concat(info, tracks, clusters)))
	return out.Bytes(), nil
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// element is an EBML element: its ID's bytes, its size as an 8-byte vint
// (for every size the same width: simple and always valid), its data.
func element(id uint32, data []byte) []byte {
	var b []byte
	switch {
	case id > 0xFFFFFF:
		b = binary.BigEndian.AppendUint32(b, id)
	case id > 0xFFFF:
		b = append(b, byte(id>>16), byte(id>>8), byte(id))
	case id > 0xFF:
		b = append(b, byte(id>>8), byte(id))
	default:
		b = append(b, byte(id))
	}
	b = binary.BigEndian.AppendUint64(b, uint64(len(data))|0x01<<56)
	return append(b, data...)
}

func uintElement(id uint32, v uint64) []byte {
	n := 1
	for v>>(8*n) != 0 && n < 8 {
		n++
	}
	data := make([]byte, n)
	for i := range n {
		data[n-1-i] = byte(v >> (8 * i))
	}
	return element(id, data)
}

func floatElement(id uint32, v float64) []byte {
	return element(id, binary.BigEndian.AppendUint64(nil, math.Float64bits(v)))
}
