package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PlanLocal plans the local files under paths (folders and files). Folders
// are walked recursively; a folder or file whose path shows an AWS log
// layout (see [ParseKey]) is pruned by f from its path alone, without being
// opened, and whole folders are skipped when their path already rules them
// out. Files whose path shows no layout are kept: only their content can
// tell. Hidden entries (name starting with '.') are skipped; symbolic links
// to files are followed, to folders not. A file named explicitly in paths is
// always planned, with facts from its path if it matches a layout. Objects
// are sorted by Key (the slash-separated path) and listed once even if
// several paths reach them.
func PlanLocal(ctx context.Context, paths []string, f Facts) (*Plan, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	p := &Plan{}
	for _, root := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		root = filepath.Clean(root)
		info, err := os.Stat(root)
		if err != nil {
			return nil, err // *fs.PathError names root
		}
		if !info.IsDir() {
			p.Objects = append(p.Objects, localObject(root, info))
			continue
		}
		if err := walkLocal(ctx, root, &f, p); err != nil {
			return nil, err
		}
	}
	p.finish()
	return p, nil
}

func walkLocal(ctx context.Context, root string, f *Facts, p *Plan) error {
	n := 0
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err // names path
		}
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		name := d.Name()
		slash := filepath.ToSlash(path)
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				p.Pruned = append(p.Pruned, Pruned{Prefix: slash + "/", Cause: PrunedHidden, Reason: "hidden"})
				return filepath.SkipDir
			}
			p.Pruned = append(p.Pruned, Pruned{Object: Object{URI: path, Key: slash}, Cause: PrunedHidden, Reason: "hidden"})
			return nil
		}
		if d.IsDir() {
			k, prec := parseKey(slash + "/")
			if c, r := f.prune(k, prec); c != PrunedUnknown {
				p.Pruned = append(p.Pruned, Pruned{Prefix: slash + "/", Cause: c, Reason: r})
				return filepath.SkipDir
			}
			p.ListedPrefixes = append(p.ListedPrefixes, slash+"/")
			return nil
		}
		var info fs.FileInfo
		if d.Type().IsRegular() {
			info, err = d.Info()
		} else {
			info, err = os.Stat(path) // follows symbolic links
		}
		if err != nil {
			return err
		}
		if info.IsDir() {
			p.Pruned = append(p.Pruned, Pruned{Prefix: slash + "/", Cause: PrunedNotFile, Reason: "symbolic link to a folder not followed"})
			return nil
		}
		if !info.Mode().IsRegular() {
			p.Pruned = append(p.Pruned, Pruned{Object: Object{URI: path, Key: slash}, Cause: PrunedNotFile, Reason: "not a regular file"})
			return nil
		}
		o := localObject(path, info)
		k, prec := parseKey(slash)
		if c, r := f.prune(k, prec); c != PrunedUnknown {
			p.Pruned = append(p.Pruned, Pruned{Object: o, Cause: c, Reason: r})
			return nil
		}
		p.Objects = append(p.Objects, o)
		return nil
	})
}

func localObject(path string, info fs.FileInfo) Object {
	slash := filepath.ToSlash(path)
	return Object{
		URI:     path,
		Key:     slash,
		Size:    info.Size(),
		ModTime: info.ModTime().UTC(),
		Facts:   ParseKey(slash),
	}
}

// isS3URI reports whether uri names an S3 object or prefix.
func isS3URI(uri string) bool { return strings.HasPrefix(uri, "s3://") }

// Open returns the decompressed content of o (gzip or zstd detected by magic
// bytes, see [Decompress]). Local objects are read from disk; s3:// objects
// through the [S3] source that planned them (objects built by hand must be
// opened with [S3.Open]). The caller must Close the reader. Errors from
// opening are [*ObjectError]s for o.URI; errors while reading are those of [Decompress] (the
// parser adds the URI and offset), and a local file that holds fewer than
// o.Size bytes (it shrank since it was planned) ends in [ErrTruncated].
func Open(ctx context.Context, o Object) (io.ReadCloser, error) {
	raw, err := openRaw(ctx, o)
	if err != nil {
		return nil, objectErr(o.URI, err)
	}
	return decompressed(raw, o.URI)
}

// openRaw returns o's raw (compressed) bytes. A local file is held to its
// planned size: if it shrank since, reading it ends in [ErrTruncated].
func openRaw(ctx context.Context, o Object) (io.ReadCloser, error) {
	if isS3URI(o.URI) {
		if o.s3 == nil {
			return nil, errors.New("no S3 client for this object: plan it with S3.Plan or open it with S3.Open")
		}
		return o.s3.openRaw(ctx, o)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	file, err := os.Open(o.URI)
	if err != nil {
		return nil, err // *fs.PathError names the path
	}
	if o.Size <= 0 {
		return file, nil // size unknown (or empty when planned)
	}
	return &sizedFile{File: file, want: o.Size}, nil
}

// sizedFile is a local file that must hold at least want bytes, its size
// when it was planned: a file cut short where its content still looks
// whole (at a line, between gzip members) is otherwise read as complete.
// A file that grew is read to its end.
type sizedFile struct {
	*os.File
	want, got int64
}

func (f *sizedFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.got += int64(n)
	if err == io.EOF && f.got < f.want {
		// No path: like the decompressor's errors, the reader's
		// caller (a parser) adds it.
		err = truncated(fmt.Errorf("file shrank after it was listed: expected %d bytes, found %d", f.want, f.got))
	}
	return n, err
}

// decompressed wraps raw (which it closes) in [Decompress].
func decompressed(raw io.ReadCloser, uri string) (io.ReadCloser, error) {
	zr, _, err := Decompress(raw)
	if err != nil {
		raw.Close()
		return nil, objectErr(uri, err)
	}
	if w, ok := zr.(*wholeReader); ok {
		return &wholeObjectReader{wholeReader: w, raw: raw}, nil
	}
	return &objectReader{ReadCloser: zr, raw: raw}, nil
}

// wholeObjectReader is an object inflated whole that closes its raw
// source too; it keeps wholeReader's Peek and Contents (parsers.InMemory).
type wholeObjectReader struct {
	*wholeReader
	raw io.Closer
}

func (r *wholeObjectReader) Close() error {
	return errors.Join(r.wholeReader.Close(), r.raw.Close())
}

// objectReader is a decompressed stream that closes its raw source too.
type objectReader struct {
	io.ReadCloser
	raw io.Closer
}

func (r *objectReader) Close() error {
	return errors.Join(r.ReadCloser.Close(), r.raw.Close())
}

// ReadAtCloser is random access to an object's raw (not decompressed)
// bytes, as Parquet readers need.
type ReadAtCloser interface {
	io.ReaderAt
	io.Closer
}

// OpenAt opens o's raw bytes for random access and returns them with the
// object's size. Use it for Parquet objects (magic "PAR1"); compressed
// streams need [Open]. For s3:// objects each ReadAt is a ranged GET with
// retries (see [S3.OpenAt]). Errors are [*ObjectError]s for o.URI. The
// caller must Close it.
func OpenAt(ctx context.Context, o Object) (ReadAtCloser, int64, error) {
	if isS3URI(o.URI) {
		if o.s3 == nil {
			return nil, 0, objectErr(o.URI, errors.New("no S3 client for this object: plan it with S3.Plan or open it with S3.OpenAt"))
		}
		return o.s3.OpenAt(ctx, o)
	}
	file, err := os.Open(o.URI)
	if err != nil {
		return nil, 0, objectErr(o.URI, err)
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, objectErr(o.URI, err)
	}
	return file, info.Size(), nil
}
