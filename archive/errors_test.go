package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/klauspost/compress/zstd"
)

// TestErrTruncated: a stream cut short is one class of error, whichever
// layer saw it, and keeps its message. (Short S3 bodies and files that
// shrank are in TestS3Open_ShortBody and TestOpen_Shrunk.)
func TestErrTruncated(t *testing.T) {
	text := strings.Repeat("2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n", 200)
	g := gz(t, text)
	var zs bytes.Buffer
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(text))
	zw.Close()
	z := zs.Bytes()
	for _, tc := range []struct {
		name string
		in   []byte
		want string // the whole message, unchanged by the classification
	}{
		{"gzip header", g[:5], "gzip header: unexpected EOF"},
		{"gzip body", g[:len(g)/2], "gzip: unexpected EOF"},
		{"gzip trailer", g[:len(g)-3], "gzip: unexpected EOF"},
		{"gzip second member", append(bytes.Clone(g), g[:15]...), "gzip: unexpected EOF"},
		{"zstd frame", z[:len(z)/2], "zstd: unexpected EOF"},
		{"zstd header", z[:5], "zstd: unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := readAllDecompressed(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v; want %q", err, tc.want)
			}
			if !errors.Is(err, ErrTruncated) || !errors.Is(err, parsers.ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("%v: want it to wrap ErrTruncated, parsers.ErrTruncated and io.ErrUnexpectedEOF", err)
			}
		})
	}
}

// TestErrTruncated_NotCorrupt: corrupt input is not reported as truncated.
func TestErrTruncated_NotCorrupt(t *testing.T) {
	g := gz(t, strings.Repeat("x", 1000))
	crc := bytes.Clone(g)
	crc[len(crc)-5] ^= 0xff
	err := readAllDecompressed(crc)
	if err == nil || errors.Is(err, ErrTruncated) {
		t.Errorf("bad CRC: got %v; want an error that is not ErrTruncated", err)
	}
}

// readAllDecompressed decompresses in and returns the first error, from
// Decompress or from reading.
func readAllDecompressed(in []byte) error {
	r, _, err := Decompress(bytes.NewReader(in))
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.ReadAll(r)
	return err
}

func TestObjectError(t *testing.T) {
	inner := errors.New("boom")
	for _, tc := range []struct {
		uri  string
		err  error
		want string
	}{
		{"s3://b/k.json.gz", inner, "s3://b/k.json.gz: boom"},
		{"logs/a.json", inner, "logs/a.json: boom"},
		// An error that names the object already is not prefixed again.
		{"s3://b/k.json.gz", fmt.Errorf("s3://b/k.json.gz: get: %w", inner), "s3://b/k.json.gz: get: boom"},
		{"/tmp/x.gz", &fs.PathError{Op: "open", Path: "/tmp/x.gz", Err: fs.ErrNotExist}, "open /tmp/x.gz: file does not exist"},
		// An error about another object whose name starts with this
		// one's does not name it.
		{"a.json", errors.New("a.json.gz: boom"), "a.json: a.json.gz: boom"},
		{"s3://b/a", errors.New(`get "s3://b/a" (attempt 2): boom`), `get "s3://b/a" (attempt 2): boom`},
		{"s3://b/a", errors.New("s3://b/a/b: boom"), "s3://b/a: s3://b/a/b: boom"},
		{"", inner, "boom"},
	} {
		e := &ObjectError{URI: tc.uri, Err: tc.err}
		if got := e.Error(); got != tc.want {
			t.Errorf("ObjectError{%q, %q}.Error() = %q; want %q", tc.uri, tc.err, got, tc.want)
		}
		if !errors.Is(e, tc.err) {
			t.Errorf("ObjectError{%q, %q}: errors.Is does not find the wrapped error", tc.uri, tc.err)
		}
		var oe *ObjectError
		if !errors.As(fmt.Errorf("scan: %w", e), &oe) || oe.URI != tc.uri {
			t.Errorf("errors.As through a wrap: got %+v; want URI %q", oe, tc.uri)
		}
	}
}
