package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// Writing is for `hunt convert` publishing Parquet files and its manifest
// under an S3 prefix: whole objects, one request (or one multipart upload)
// each, with the retries of the client. Reading logs never needs it.

// objectURI splits an s3:// URI that must name one object.
func objectURI(uri string) (bucket, key string, err error) {
	bucket, key, err = ParseS3URI(uri)
	if err != nil {
		return "", "", err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return "", "", fmt.Errorf("%q: expected s3://bucket/key, found a prefix", uri)
	}
	return bucket, key, nil
}

// Put writes body as the object at uri, replacing any object there. size
// is body's length when known (-1 if not); it sizes the parts so that a
// large body fits in S3's 10,000 parts. Bodies above the part size
// ([S3Config.PartSize], at least 5 MiB) go up as a multipart upload with
// [S3Config.Concurrency] parts in flight, which is aborted if it fails.
// Every request is retried like reads (throttling, 5xx, resets) as long as
// its body can be rewound: pass an io.ReadSeeker (an *os.File) to avoid
// buffering parts in memory. Request checksums are sent only when S3
// requires them, as for reads, so S3-compatible servers accept the upload.
func (s *S3) Put(ctx context.Context, uri string, body io.Reader, size int64) error {
	bucket, key, err := objectURI(uri)
	if err != nil {
		return err
	}
	part := max(s.cfg.PartSize, manager.MinUploadPartSize)
	if size > part*int64(manager.MaxUploadParts) {
		part = size/int64(manager.MaxUploadParts) + 1
	}
	up := manager.NewUploader(s.clientFor(ctx, bucket), func(u *manager.Uploader) {
		u.PartSize = part
		u.Concurrency = s.cfg.Concurrency
		u.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	if _, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: body}); err != nil {
		return fmt.Errorf("%s: put: %w", uri, err)
	}
	return nil
}

// Get returns the raw bytes of the object at uri (not decompressed), read
// with the retries and resumption of [S3.Open]. It is for small objects
// such as manifests: the whole object is held in memory. A missing object
// is an error matching [fs.ErrNotExist], as os.ReadFile reports a missing
// file.
func (s *S3) Get(ctx context.Context, uri string) ([]byte, error) {
	r, err := s.GetReader(ctx, uri)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// GetReader is [S3.Get] as a stream, for a caller that may stop reading
// before the end (a manifest's summary). The caller must Close it.
func (s *S3) GetReader(ctx context.Context, uri string) (io.ReadCloser, error) {
	if _, _, err := objectURI(uri); err != nil {
		return nil, err
	}
	r, err := s.openRaw(ctx, Object{URI: uri, Size: -1})
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("%w (%w)", err, fs.ErrNotExist)
		}
		return nil, err
	}
	return r, nil
}

// Delete removes the object at uri. Deleting a missing object is not an
// error (S3 reports success).
func (s *S3) Delete(ctx context.Context, uri string) error {
	bucket, key, err := objectURI(uri)
	if err != nil {
		return err
	}
	if _, err := s.clientFor(ctx, bucket).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
		return fmt.Errorf("%s: delete: %w", uri, err)
	}
	return nil
}

// isNotFound reports whether err is S3 saying the key does not exist.
func isNotFound(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return false
}
