package findings

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FileSink appends findings as JSON Lines to a file. A Send opens the file
// (creating it with mode 0600: findings name principals and resources),
// appends all its lines with one write, syncs and closes it; only then are
// the findings accepted. A failed write accepts nothing, and may leave a
// partial last line that a reader must skip; the findings are sent again by
// the next run. A run that dies after the write but before recording it
// leaves lines the next run's [Deliver] finds with [FileSink.Recover], so
// they are not written twice.
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

// Recover returns which of ids have a line in the file, and accepts them
// from then on without writing them again; see [Recoverer]. [Deliver]
// calls it with the findings of a Send the run did not see the end of.
// A last line without its newline, cut short by a failed write, is ended
// so that the findings written next start on a line of their own.
func (s *FileSink) Recover(ids []string) ([]string, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read findings file: %w", err)
	}
	defer f.Close()
	var (
		held []string
		last byte = '\n'
		line struct {
			ID   string `json:"id"` // Finding
			Info struct {
				UID string `json:"uid"`
			} `json:"finding_info"` // OCSF
		}
	)
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		b, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: read the rest of it.
			full := append([]byte(nil), b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				b, err = r.ReadSlice('\n')
				full = append(full, b...)
			}
			b = full
		}
		if len(b) > 0 {
			last = b[len(b)-1]
		}
		if len(b) > 0 && last == '\n' {
			line.ID, line.Info.UID = "", ""
			if json.Unmarshal(b, &line) == nil {
				id := line.ID
				if s.ocsf {
					id = line.Info.UID
				}
				if want[id] {
					held = append(held, id)
					want[id] = false
					s.accepted.add(id)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", s.path, err)
		}
	}
	if last != '\n' {
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return nil, fmt.Errorf("cannot end the cut-short last line of %s: %w", s.path, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("cannot end the cut-short last line of %s: %w", s.path, err)
		}
	}
	return held, nil
}
