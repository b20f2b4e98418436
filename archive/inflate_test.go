package archive

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/klauspost/compress/gzip"
)

// withInflater runs fn with every inflater this binary has.
func withInflater(t *testing.T, fn func(t *testing.T, name string)) {
	t.Helper()
	defer SetInflater(Inflater())
	for _, name := range Inflaters() {
		if err := SetInflater(name); err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { fn(t, name) })
	}
}

// inflateAll reads in through Decompress with the current inflater: the
// content and the error (of Decompress or Read), as text.
func inflateAll(in []byte, src io.Reader) ([]byte, string) {
	if src == nil {
		src = bytes.NewReader(in)
	}
	r, _, err := Decompress(src)
	if err != nil {
		return nil, err.Error()
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return b, err.Error()
	}
	return b, ""
}

func TestSetInflater(t *testing.T) {
	defer SetInflater(Inflater())
	if got := Inflaters(); got[0] != Inflater() || !strings.Contains(strings.Join(got, ","), Klauspost) {
		t.Errorf("Inflaters() = %v, Inflater() = %q; want the default first and klauspost in every build", got, Inflater())
	}
	if err := SetInflater("zlib-ng"); err == nil || !strings.Contains(err.Error(), `"zlib-ng": unknown`) {
		t.Errorf("SetInflater(zlib-ng) = %v; want unknown", err)
	}
	err := SetInflater(Libdeflate)
	if hasLibdeflate != (err == nil) || (err != nil && !strings.Contains(err.Error(), "-tags libdeflate")) {
		t.Errorf("SetInflater(libdeflate) = %v with hasLibdeflate %v", err, hasLibdeflate)
	}
	if err := SetInflater(Klauspost); err != nil || Inflater() != Klauspost {
		t.Errorf("SetInflater(klauspost) = %v, Inflater() = %q", err, Inflater())
	}
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestInflaters_Agree: every inflater gives the same content and the same
// error as klauspost for good and bad gzip, so the libdeflate build reads
// archives exactly as the pure-Go build does.
func TestInflaters_Agree(t *testing.T) {
	big := strings.Repeat(`{"eventName":"GetObject","sourceIPAddress":"198.51.100.7"}`+"\n", 40000) // 2.3 MB
	small := "2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n"
	one := gz(t, big)
	var level0 bytes.Buffer // stored blocks
	zw, _ := gzip.NewWriterLevel(&level0, gzip.NoCompression)
	zw.Write([]byte(small))
	zw.Close()
	crc := bytes.Clone(one)
	crc[len(crc)-5] ^= 0xff
	size := bytes.Clone(one)
	size[len(size)-1] ^= 0x01
	corrupt := bytes.Clone(one)
	corrupt[len(corrupt)/2] ^= 0xff
	// Stored blocks, 640 KiB: a byte changed in a block's content still
	// decodes, and only the CRC tells (early: in the first block; late:
	// in the last).
	const storedLen = 640 << 10
	var stored bytes.Buffer
	zw, _ = gzip.NewWriterLevel(&stored, gzip.NoCompression)
	for i := 0; stored.Len() < storedLen; i++ {
		fmt.Fprintf(zw, "%d 123456789012 eni-%07x 10.0.%d.%d\n", i, i*7919, i%256, i/256%256)
	}
	zw.Close()
	storedEarly, storedLate := bytes.Clone(stored.Bytes()), bytes.Clone(stored.Bytes())
	storedEarly[1000] ^= 0x01
	storedLate[len(storedLate)-1000] ^= 0x01
	cases := map[string][]byte{
		"one member":                 one,
		"members, first larger":      append(gz(t, big), gz(t, small)...), // last ISIZE underestimates
		"members, last larger":       append(gz(t, small), gz(t, big)...),
		"empty member":               append(gz(t, ""), gz(t, small)...),
		"empty content":              gz(t, ""),
		"stored blocks":              level0.Bytes(),
		"stored, many blocks":        stored.Bytes(),
		"stored, early byte changed": storedEarly,
		"stored, late byte changed":  storedLate,
		"truncated in the middle":    one[:len(one)/2],
		"truncated in the trailer":   one[:len(one)-3],
		"header only":                one[:10],
		"magic only":                 one[:2],
		"bad CRC":                    crc,
		"bad size":                   size,
		"corrupt block":              corrupt,
		"trailing garbage":           append(gz(t, small), "garbage after the member"...),
		"trailing zeros":             append(gz(t, small), make([]byte, 64)...),
		"second member truncated":    append(gz(t, small), gz(t, small)[:15]...),
		"second member bad magic":    append(gz(t, small), 0x1f, 0x8c, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
		"plain text is not inflated": []byte(small),
	}
	// Each testdata .gz too.
	filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".gz") {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cases[path] = b
		}
		return nil
	})
	want := map[string]string{}
	wantErr := map[string]string{}
	SetInflater(Klauspost)
	for name, in := range cases {
		b, err := inflateAll(in, nil)
		want[name], wantErr[name] = string(b), err
	}
	SetInflater(Inflaters()[0])
	if !strings.Contains(wantErr["bad CRC"], "checksum") || wantErr["truncated in the middle"] == "" || wantErr["one member"] != "" {
		t.Fatalf("klauspost: bad CRC %q, truncated %q, good %q", wantErr["bad CRC"], wantErr["truncated in the middle"], wantErr["one member"])
	}
	for _, name := range []string{"stored, early byte changed", "stored, late byte changed"} {
		if !strings.Contains(wantErr[name], "checksum") || len(want[name]) < storedLen-(64<<10) {
			t.Fatalf("klauspost: %s: %d bytes, error %q; want a checksum error after the content", name, len(want[name]), wantErr[name])
		}
	}
	withInflater(t, func(t *testing.T, _ string) {
		for name, in := range cases {
			b, err := inflateAll(in, nil)
			if string(b) != want[name] || err != wantErr[name] {
				t.Errorf("%s: got %d bytes, error %q; want %d bytes, error %q", name, len(b), err, len(want[name]), wantErr[name])
			}
		}
		// Good objects are inflated whole, not handed to the streaming
		// inflater (which gives the same content, so only this tells a
		// whole-object inflater that failed them, say a CRC taken wrong).
		for _, name := range []string{"one member", "members, first larger", "stored, many blocks"} {
			before := wholeFallbacks.Load()
			if _, err := inflateAll(cases[name], nil); err != "" || wholeFallbacks.Load() != before {
				t.Errorf("%s: error %q, %d fallbacks to streaming; want none", name, err, wholeFallbacks.Load()-before)
			}
		}
		// A source failing part way: what was read, then its error.
		boom := errors.New("connection reset by peer")
		b, err := inflateAll(nil, &failingReader{data: one[:len(one)/3], err: boom})
		if !strings.HasPrefix(big, string(b)) || len(b) == 0 || !strings.Contains(err, boom.Error()) {
			t.Errorf("failing source: got %d bytes, error %q; want a prefix of the content, then %q", len(b), err, boom)
		}
	})
}

// TestInflaters_OverCaps: objects over the whole-object caps are streamed
// with the same result.
func TestInflaters_OverCaps(t *testing.T) {
	defer func(in, out int) { wholeMaxIn, wholeMaxOut = in, out }(wholeMaxIn, wholeMaxOut)
	text := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	in := append(gz(t, text), gz(t, text)...)
	for _, caps := range [][2]int{{len(in) - 1, 8 << 20}, {8 << 20, 1 << 20}, {8 << 20, 1<<20 + 1}, {8 << 20, 2 << 20}} {
		wholeMaxIn, wholeMaxOut = caps[0], caps[1]
		withInflater(t, func(t *testing.T, _ string) {
			b, err := inflateAll(in, nil)
			if string(b) != text+text || err != "" {
				t.Errorf("caps %v: got %d bytes, error %q; want %d bytes", caps, len(b), err, 2*len(text))
			}
		})
	}
}

// BenchmarkDecompress: one 4 MiB gzip object through Decompress with each
// inflater, read through a 64 KiB buffer as the readers do.
func BenchmarkDecompress(b *testing.B) {
	defer SetInflater(Inflater())
	var raw bytes.Buffer
	for i := 0; raw.Len() < 4<<20; i++ {
		raw.WriteString(`{"eventVersion":"1.08","eventTime":"2026-11-27T05:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"198.51.100.`)
		raw.WriteString(strings.Repeat("7", i%3+1))
		raw.WriteString(`","requestParameters":{"bucketName":"logs-`)
		raw.WriteString(strings.Repeat("x", i%17))
		raw.WriteString(`"}}` + "\n")
	}
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestSpeed)
	zw.Write(raw.Bytes())
	zw.Close()
	buf := make([]byte, 64<<10)
	for _, name := range Inflaters() {
		b.Run(name, func(b *testing.B) {
			SetInflater(name)
			src := bytes.NewReader(zb.Bytes())
			b.SetBytes(int64(raw.Len()))
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(zb.Bytes())
				r, _, err := Decompress(src)
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := r.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			}
		})
	}
}

// TestLibdeflateBuild runs this package's and bench's tests again in a
// binary built with -tags libdeflate, so the one `go test ./...` checks
// both builds. It needs cgo, a C compiler and libdeflate-dev: without them
// it skips, unless HUNT_REQUIRE_LIBDEFLATE=1 (set by .ci/run, which
// installs them).
func TestLibdeflateBuild(t *testing.T) {
	if hasLibdeflate {
		t.Skip("this is the libdeflate build")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	require := os.Getenv("HUNT_REQUIRE_LIBDEFLATE") == "1"
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	cmd := exec.Command(gobin, "test", "-count=1", "-tags", "libdeflate", "-run", "Inflater|Decompress|SetInflater|Inflate|Parse|Query|RunSuite", ".", "../bench")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.CombinedOutput()
	text := string(out)
	switch {
	case err == nil && strings.Count(text, "ok ") >= 2:
		t.Logf("go test -tags libdeflate:\n%s", text)
	case !require && (strings.Contains(text, "libdeflate.h") || strings.Contains(text, "-ldeflate") ||
		strings.Contains(text, "C compiler") || strings.Contains(text, "cgo")):
		t.Skipf("libdeflate build unavailable here (install gcc and libdeflate-dev, or set HUNT_REQUIRE_LIBDEFLATE=1 to fail):\n%s", text)
	default:
		t.Fatalf("go test -tags libdeflate: %v\n%s", err, text)
	}
}

// TestInflateWhole_GrowsOutput: a worker reading objects of growing sizes
// (the usual random sizes, each new largest) gets a new output buffer a
// few times, not at each new largest: fresh buffers are memory to fault
// in and zero. Purego (and Libdeflate in its build) inflate each object
// into the pooled buffer; the objects here are 1 MB to 4 MB of content.
func TestInflateWhole_GrowsOutput(t *testing.T) {
	line := []byte("5 vpc-01ce38e982bc4470c subnet-00040f7870279f6eb 129.13.31.101 10.11.27.54 36002 53 17 42 1 1767588107 1767588164 REJECT 0 OK\n")
	var objects [][]byte
	for size := 1 << 20; size <= 4<<20; size += 128 << 10 {
		var gz bytes.Buffer
		w := stdgzip.NewWriter(&gz)
		w.Write(bytes.Repeat(line, size/len(line)))
		w.Close()
		objects = append(objects, gz.Bytes())
	}
	inflaters := map[string]*wholeState{Purego: {flate: new(flateDecoder)}}
	if hasLibdeflate {
		s := ldPool.Get().(*wholeState)
		defer ldPool.Put(s)
		inflaters[Libdeflate] = s
	}
	for name, s := range inflaters {
		buffers, last := 0, -1
		for _, gz := range objects {
			s.in = append(s.in[:0], gz...)
			var out []byte
			var ok bool
			if s.flate != nil {
				out, ok = s.inflateFlate()
			} else {
				out, ok = s.inflateLD(s.in)
			}
			if want := bytes.Repeat(line, len(out)/len(line)); !ok || len(out) < 1<<19 || !bytes.Equal(out, want) {
				t.Fatalf("%s: ok %v, %d bytes back", name, ok, len(out))
			}
			if cap(s.out) != last {
				buffers, last = buffers+1, cap(s.out)
			}
		}
		if buffers > 3 {
			t.Errorf("%s: %d output buffers for %d objects of 1 to 4 MB; want at most 3", name, buffers, len(objects))
		}
	}
}

// purego inflates in with Purego directly: its content, and whether it
// took the object (false: it would hand it to Klauspost).
func purego(in []byte) ([]byte, bool) {
	s := &wholeState{flate: new(flateDecoder), in: append(bytes.Clone(in), make([]byte, 8)...)[:len(in)]}
	return s.inflateFlate()
}

// TestPurego_TakesGoodStreams: Purego decodes good streams itself (a
// fallback to Klauspost would hide its bugs behind the right answer):
// every compression level of the writers hunt meets (stdlib and
// Klauspost, from stored blocks to Huffman-only), data from one symbol to
// random bytes, multi-member objects, and the testdata objects.
func TestPurego_TakesGoodStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inputs [][]byte
	for i := 0; i < 60; i++ {
		data := make([]byte, r.IntN(300000))
		alpha := 1 + r.IntN(255)
		for j := range data {
			if j > 10 && r.IntN(3) == 0 {
				data[j] = data[j-1-r.IntN(10)]
			} else {
				data[j] = byte(r.IntN(alpha))
			}
		}
		inputs = append(inputs, data)
	}
	for period := 1; period <= 40; period++ { // every short match distance, long matches
		var data []byte
		for len(data) < 20000 {
			pat := make([]byte, period)
			for j := range pat {
				pat[j] = byte(r.IntN(256))
			}
			for k := r.IntN(300); k >= 0; k-- {
				data = append(data, pat...)
			}
		}
		inputs = append(inputs, data)
	}
	inputs = append(inputs, []byte{}, []byte("a"), bytes.Repeat([]byte("a"), 100000),
		bytes.Repeat([]byte(`{"eventName":"GetObject","sourceIPAddress":"198.51.100.7"}`+"\n"), 5000))
	check := func(name string, gzData, want []byte) {
		t.Helper()
		got, ok := purego(gzData)
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: Purego took it %v, %d bytes; want %d bytes", name, ok, len(got), len(want))
		}
	}
	for i, data := range inputs {
		for _, level := range []int{stdgzip.HuffmanOnly, stdgzip.NoCompression, stdgzip.BestSpeed, stdgzip.DefaultCompression, stdgzip.BestCompression} {
			var b bytes.Buffer
			zw, _ := stdgzip.NewWriterLevel(&b, level)
			zw.Name = "name.json" // FNAME
			zw.Comment = "comment"
			zw.Extra = []byte{1, 2, 3}
			zw.Write(data)
			zw.Close()
			check(fmt.Sprintf("input %d, stdlib level %d", i, level), b.Bytes(), data)
			b.Reset()
			kw, _ := gzip.NewWriterLevel(&b, level)
			kw.Write(data)
			kw.Close()
			check(fmt.Sprintf("input %d, klauspost level %d", i, level), b.Bytes(), data)
		}
	}
	two := append(gz(t, string(inputs[0])), gz(t, string(inputs[1]))...)
	check("two members", two, append(bytes.Clone(inputs[0]), inputs[1]...))
	filepath.WalkDir("../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".gz") {
			return nil
		}
		b, _ := os.ReadFile(path)
		want, werr := inflateWith(Klauspost, b)
		if werr == "" {
			check(path, b, want)
		}
		return nil
	})
}

func inflateWith(name string, in []byte) ([]byte, string) {
	defer SetInflater(Inflater())
	SetInflater(name)
	return inflateAll(in, nil)
}

// FuzzPurego: whatever the bytes, Purego through Decompress gives
// Klauspost's content and error.
func FuzzPurego(f *testing.F) {
	f.Add([]byte(gzString("hello hello hello world")))
	f.Add([]byte(gzString(strings.Repeat("2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n", 50))))
	f.Fuzz(func(t *testing.T, in []byte) {
		want, werr := inflateWith(Klauspost, in)
		got, gerr := inflateWith(Purego, in)
		if !bytes.Equal(got, want) || gerr != werr {
			t.Fatalf("purego: %d bytes, error %q; klauspost: %d bytes, error %q", len(got), gerr, len(want), werr)
		}
	})
}

func gzString(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// TestOpen_InMemory: an object inflated whole is handed over where it
// lies (parsers.InMemory, and Peek for sniffing) after any Reads, and
// reads as empty after; a streamed one offers neither.
func TestOpen_InMemory(t *testing.T) {
	content := strings.Repeat("2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000055 ACCEPT OK\n", 300)
	path := filepath.Join(t.TempDir(), "flow.log.gz")
	if err := os.WriteFile(path, []byte(gzString(content)), 0o644); err != nil {
		t.Fatal(err)
	}
	withInflater(t, func(t *testing.T, name string) {
		rc, err := Open(context.Background(), Object{URI: path, Size: int64(len(gzString(content)))})
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		mem, isMem := rc.(parsers.InMemory)
		pk, canPeek := rc.(interface{ Peek(int) ([]byte, error) })
		if whole := name != Klauspost; isMem != whole || canPeek != whole {
			t.Fatalf("InMemory %v, Peek %v; want %v", isMem, canPeek, whole)
		}
		if !isMem {
			return
		}
		if head, err := pk.Peek(8); string(head) != content[:8] || err != nil {
			t.Errorf("Peek(8) = %q, %v; want %q", head, err, content[:8])
		}
		if all, err := pk.Peek(len(content) + 1); string(all) != content || err != io.EOF {
			t.Errorf("Peek past the end = %d bytes, %v; want %d, EOF", len(all), err, len(content))
		}
		head := make([]byte, 3)
		if _, err := io.ReadFull(rc, head); err != nil || string(head) != content[:3] {
			t.Fatalf("Read = %q, %v", head, err)
		}
		if got := mem.Contents(); string(got) != content[3:] {
			t.Errorf("Contents after 3 bytes read = %d bytes; want %d", len(got), len(content)-3)
		}
		if n, err := rc.Read(head); n != 0 || err != io.EOF {
			t.Errorf("Read after Contents = %d, %v; want 0, EOF", n, err)
		}
	})
}
