package findings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FileSink appends findings as JSON Lines to a file. A Send opens the file
// (creating it with mode 0600: findings name principals and resources),
// appends all its lines with one write, syncs and closes it; only then are
// the findings accepted. A failed write accepts nothing, and may leave a
// partial last line that a reader must skip; the findings are sent again by
// the next run, so the file is at-least-once.
type FileSink struct {
	path     string
	ocsf     bool // OCSF Detection Findings instead of Finding JSON
	dryRun   bool
	out      io.Writer // dry-run output
	accepted acceptedSet
	buf      []byte // one Send's lines
}

// NewFileSink returns a sink appending to path. It checks that the
// directory exists, so a typo fails before the hunts run.
func NewFileSink(path string, opts SinkOptions) (*FileSink, error) {
	return newFileSink(path, false, opts)
}

func newFileSink(path string, ocsf bool, opts SinkOptions) (*FileSink, error) {
	opts = opts.withDefaults()
	if path == "" {
		return nil, errors.New("expected a file path, found none")
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("cannot use directory of %s: %w", path, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s: expected a directory, found a file", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: expected a file, found a directory", path)
	}
	return &FileSink{path: path, ocsf: ocsf, dryRun: opts.DryRun, out: opts.Stdout, accepted: acceptedSet{}}, nil
}

// Name returns "file:PATH" (or "ocsf:PATH").
func (s *FileSink) Name() string {
	if s.ocsf {
		return "ocsf:" + s.path
	}
	return "file:" + s.path
}

// Send appends one line per finding not accepted before.
func (s *FileSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	todo, accepted, rejected := s.accepted.pending(fs)
	fail := func(err error) ([]string, error) {
		return accepted, sendErr(s.Name(), append(rejected, notSent(todo, err)...), err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if len(todo) == 0 {
		return accepted, sendErr(s.Name(), rejected, nil)
	}
	var err error
	if s.ocsf {
		s.buf, err = appendOCSFLines(s.buf[:0], todo)
	} else {
		s.buf, err = appendJSONLines(s.buf[:0], todo)
	}
	if err != nil {
		return fail(err)
	}
	if s.dryRun {
		fmt.Fprintf(s.out, "dry-run %s: would append %d finding(s), %d bytes:\n", s.Name(), len(todo), len(s.buf))
		for _, f := range todo {
			fmt.Fprintf(s.out, "  %s %s %s: %s\n", f.ID, f.Severity, f.HuntID, f.Title)
		}
		return nil, sendErr(s.Name(), rejected, nil)
	}
	if err := s.appendSync(); err != nil {
		return fail(err)
	}
	for _, f := range todo {
		s.accepted.add(f.ID)
		accepted = append(accepted, f.ID)
	}
	return accepted, sendErr(s.Name(), rejected, nil)
}

func (s *FileSink) appendSync() error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open findings file: %w", err)
	}
	_, err = f.Write(s.buf)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot append to %s: %w", s.path, err)
	}
	return nil
}
