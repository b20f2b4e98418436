package archive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestS3Put(t *testing.T) {
	endpoint := startVersitygw(t)
	s := newTestS3(t, endpoint, nil)
	ctx := context.Background()
	if _, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	big := make([]byte, 13<<20) // above the part size: a multipart upload of 2 parts
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	f := func(key string, body []byte, seekable bool) {
		t.Helper()
		uri := "s3://" + testBucket + "/" + key
		var r io.Reader = bytes.NewReader(body)
		size := int64(len(body))
		if !seekable {
			r, size = struct{ io.Reader }{r}, -1 // hides Seek and ReadAt
		}
		if err := s.Put(ctx, uri, r, size); err != nil {
			t.Fatalf("put %s: %v", uri, err)
		}
		got, err := s.Get(ctx, uri)
		if err != nil {
			t.Fatalf("get %s: %v", uri, err)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("%s: got %d bytes; want %d (content differs)", uri, len(got), len(body))
		}
	}
	f("pq/.hunt-convert.json", []byte(`{"version":1}`), true)
	f("pq/empty", nil, true)
	f("pq/big.parquet", big, true)
	f("pq/big-stream.parquet", big, false)
	f("pq/.hunt-convert.json", []byte(`{"version":1,"sources":{}}`), true) // replaced

	// Delete, then Get says the key does not exist; deleting again is fine.
	uri := "s3://" + testBucket + "/pq/big.parquet"
	if err := s.Delete(ctx, uri); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, uri); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, err := s.Get(ctx, uri); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), uri) {
		t.Errorf("get after delete: %v; want an error naming %s matching fs.ErrNotExist", err, uri)
	}
}

func TestS3Put_Failure(t *testing.T) {
	endpoint := startVersitygw(t)
	s := newTestS3(t, endpoint, func(c *S3Config) { c.Retries = 1 })
	ctx := context.Background()
	for _, uri := range []string{"s3://logs", "s3://logs/pq/", "logs/x"} {
		if err := s.Put(ctx, uri, strings.NewReader("x"), 1); err == nil {
			t.Errorf("put %q: no error; want one", uri)
		}
		if _, err := s.Get(ctx, uri); err == nil {
			t.Errorf("get %q: no error; want one", uri)
		}
	}
	// No bucket: the error names the URI and is not fs.ErrNotExist.
	uri := "s3://no-such-bucket/pq/x"
	if err := s.Put(ctx, uri, strings.NewReader("x"), 1); err == nil || !strings.Contains(err.Error(), uri) {
		t.Errorf("put into a missing bucket: %v; want an error naming %s", err, uri)
	}
	if _, err := s.Get(ctx, uri); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("get from a missing bucket: %v; want an error that is not fs.ErrNotExist", err)
	}
}
