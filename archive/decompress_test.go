package archive

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestDecompress(t *testing.T) {
	const text = "2 123456789012 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n"
	var zs bytes.Buffer
	zw, _ := zstd.NewWriter(&zs)
	zw.Write([]byte(text))
	zw.Close()
	two := append(gz(t, text), gz(t, text)...) // multi-member gzip
	for _, tc := range []struct {
		name string
		in   []byte
		want string
		c    Compression
	}{
		{"gzip", gz(t, text), text, Gzip},
		{"gzip multi-member", two, text + text, Gzip},
		{"zstd", zs.Bytes(), text, Zstd},
		{"plain", []byte(text), text, None},
		{"empty", nil, "", None},
		{"short", []byte("x"), "x", None},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, c, err := Decompress(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil || string(b) != tc.want || c != tc.c {
				t.Errorf("got %q, %v, %v; want %q, %v", b, c, err, tc.want, tc.c)
			}
		})
	}
}

func TestDecompress_Failure(t *testing.T) {
	data := gz(t, strings.Repeat("x", 1000))
	if _, _, err := Decompress(bytes.NewReader(data[:5])); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated header: got %v; want unexpected EOF", err)
	}
	bad := bytes.Clone(data)
	bad[len(bad)-5] ^= 0xff // CRC
	r, _, err := Decompress(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err == nil || !strings.HasPrefix(err.Error(), "gzip: ") {
		t.Errorf("bad CRC: got %v; want a gzip error", err)
	}
}
