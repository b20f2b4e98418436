package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hunt-sec/hunt/archive"
)

// s3Dest is an s3:// DST of `hunt convert`. The converter writes the run's
// files into a local staging folder; publish uploads them under the prefix
// with the same relative paths, and the manifest is written last.
//
// S3 has no rename, so uploaded files are visible before the manifest says
// their sources are done. To keep a crash in that window from doubling
// rows, publish first records the run in the manifest's Pending list; the
// next run deletes every part-RUN-*.parquet of a pending run (they hold
// only rows of sources the manifest does not list, which it converts
// again) before it converts anything. The manifest stays the one source of
// truth for which source objects were converted.
type s3Dest struct {
	s     *archive.S3
	uri   string // "s3://bucket/prefix/" (always ending in '/')
	stage string // local folder the converter writes into
	read  []byte // the manifest as read, to skip rewriting it unchanged
}

// openS3Dest connects to the S3 prefix dst, reads its manifest, deletes the
// files of runs that never finished publishing, and makes a staging folder.
// The caller must call close.
func openS3Dest(ctx context.Context, common commonFlags, dst string, stderr io.Writer) (*s3Dest, *convertManifest, error) {
	bucket, prefix, err := archive.ParseS3URI(dst)
	if err != nil {
		return nil, nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	awsCfg, err := common.awsConfig(ctx)
	if err != nil {
		return nil, nil, err
	}
	s, err := archive.NewS3(ctx, archive.S3Config{AWS: awsCfg, EndpointURL: common.endpointURL, UsePathStyle: common.endpointURL != ""})
	if err != nil {
		return nil, nil, err
	}
	d := &s3Dest{s: s, uri: "s3://" + bucket + "/" + prefix}
	man := &convertManifest{Version: 1, Sources: map[string]convertedSource{}}
	d.read, err = s.Get(ctx, d.uri+convertManifestName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.read = nil
	case err != nil:
		return nil, nil, err
	default:
		if err := json.Unmarshal(d.read, man); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", d.uri+convertManifestName, err)
		}
		if man.Sources == nil {
			man.Sources = map[string]convertedSource{}
		}
	}
	if len(man.Pending) > 0 {
		n, err := d.deleteRuns(ctx, man.Pending)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot remove the files of unfinished run %s: %w", strings.Join(man.Pending, ", "), err)
		}
		fmt.Fprintf(stderr, "hunt convert: removed %d files of unfinished run %s under %s\n", n, strings.Join(man.Pending, ", "), d.uri)
		man.Pending = nil
	}
	if d.stage, err = os.MkdirTemp("", "hunt-convert-"); err != nil {
		return nil, nil, err
	}
	return d, man, nil
}

// close removes the staging folder.
func (d *s3Dest) close() { os.RemoveAll(d.stage) }

// deleteRuns deletes the part files of runs under the prefix: every object
// a query of it would read (or skip) whose name is part-RUN-*.
func (d *s3Dest) deleteRuns(ctx context.Context, runs []string) (int, error) {
	plan, err := d.s.Plan(ctx, d.uri, archive.Facts{})
	if err != nil {
		return 0, err
	}
	objs := plan.Objects
	for _, p := range plan.Pruned {
		if p.Object.URI != "" {
			objs = append(objs, p.Object)
		}
	}
	n := 0
	for _, o := range objs {
		name := path.Base(o.Key)
		for _, run := range runs {
			if strings.HasPrefix(name, "part-"+run+"-") {
				if err := d.s.Delete(ctx, o.URI); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

// writeManifest writes m as the prefix's manifest, unless it is what was
// read.
func (d *s3Dest) writeManifest(ctx context.Context, m *convertManifest) error {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if bytes.Equal(b, d.read) {
		return nil
	}
	if err := d.s.Put(ctx, d.uri+convertManifestName, bytes.NewReader(b), int64(len(b))); err != nil {
		return err
	}
	d.read = b
	return nil
}

// uploadWorkers is how many files publish uploads at once; each large file
// is also uploaded in parallel parts.
const uploadWorkers = 8

// publish records c's run as pending in the manifest m and uploads c's
// files to their final keys. The caller then writes m with the run's
// sources (and no pending run) to finish.
func (d *s3Dest) publish(ctx context.Context, c *converter, m *convertManifest) error {
	if len(c.files) == 0 {
		return nil
	}
	m.Pending = []string{c.run}
	if err := d.writeManifest(ctx, m); err != nil {
		return err
	}
	files := make(chan convertFile)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(uploadWorkers, len(c.files)) {
		wg.Go(func() {
			for f := range files {
				if err := d.upload(ctx, f); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, f := range c.files {
		files <- f
	}
	close(files)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	m.Pending = nil
	return nil
}

// upload puts the staged file f at its final path under the prefix.
func (d *s3Dest) upload(ctx context.Context, f convertFile) error {
	rel, err := filepath.Rel(d.stage, f.final)
	if err != nil {
		return err
	}
	r, err := os.Open(f.tmp)
	if err != nil {
		return err
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return err
	}
	return d.s.Put(ctx, d.uri+filepath.ToSlash(rel), r, st.Size())
}
