package archive

import (
	"context"
	"fmt"
	"io"
)

// S3 reads log archives in S3 (or an S3-compatible server).
type S3 struct{}

// Open returns the decompressed content of the s3:// object o.
func (s *S3) Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	return nil, fmt.Errorf("%s: S3 not implemented yet", o.URI)
}

// OpenAt opens the raw bytes of the s3:// object o for random access.
func (s *S3) OpenAt(ctx context.Context, o Object) (ReadAtCloser, int64, error) {
	return nil, 0, fmt.Errorf("%s: S3 not implemented yet", o.URI)
}
