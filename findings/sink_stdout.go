package findings

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// StdoutSink writes findings as JSON Lines (the [Finding] JSON tags) to a
// writer, normally standard output. A finding is accepted once its line was
// written without error.
type StdoutSink struct {
	w        io.Writer
	dryRun   bool
	accepted acceptedSet
	buf      []byte // one Send's lines, written with one Write
}

// NewStdoutSink returns a sink writing to opts.Stdout. With opts.DryRun it
// writes the same lines but accepts nothing.
func NewStdoutSink(opts SinkOptions) *StdoutSink {
	opts = opts.withDefaults()
	return &StdoutSink{w: opts.Stdout, dryRun: opts.DryRun, accepted: acceptedSet{}}
}

// Name returns "stdout".
func (s *StdoutSink) Name() string { return "stdout" }

// Send writes one JSON line per finding not accepted before.
func (s *StdoutSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	todo, accepted, rejected := s.accepted.pending(fs)
	if err := ctx.Err(); err != nil {
		return accepted, sendErr(s.Name(), append(rejected, notSent(todo, err)...), err)
	}
	var err error
	s.buf, err = appendJSONLines(s.buf[:0], todo)
	if err != nil {
		return accepted, sendErr(s.Name(), append(rejected, notSent(todo, err)...), err)
	}
	if _, err := s.w.Write(s.buf); err != nil {
		err = fmt.Errorf("cannot write findings: %w", err)
		return accepted, sendErr(s.Name(), append(rejected, notSent(todo, err)...), err)
	}
	if s.dryRun {
		return nil, sendErr(s.Name(), rejected, nil)
	}
	for _, f := range todo {
		s.accepted.add(f.ID)
		accepted = append(accepted, f.ID)
	}
	return accepted, sendErr(s.Name(), rejected, nil)
}

// appendJSONLines appends one JSON line per finding to dst.
func appendJSONLines(dst []byte, fs []Finding) ([]byte, error) {
	start := len(dst)
	for i := range fs {
		if i > 0 && cap(dst)-len(dst) < minLinesRoom {
			// Room for the other lines, projected from the lines so far
			// (plus an eighth): a Sigma pack's Send of 1,000 findings is
			// ~8 MB of lines, and append grew it a quarter at a time,
			// allocating five times that.
			rest := (len(dst) - start) / i * (len(fs) - i)
			dst = slices.Grow(dst, rest+rest/8)
		}
		n := len(dst)
		var ok bool
		if dst, ok = appendFindingJSON(dst, &fs[i]); ok {
			dst = append(dst, '\n')
			continue
		}
		dst = dst[:n] // a value only encoding/json encodes
		b, err := json.Marshal(&fs[i])
		if err != nil {
			return dst, fmt.Errorf("finding %s: cannot encode as JSON: %w", fs[i].ID, err)
		}
		dst = append(append(dst, b...), '\n')
	}
	return dst, nil
}

// minLinesRoom is the room left in a buffer of lines below which
// appendJSONLines makes room for all of them.
const minLinesRoom = 64 << 10

// notSent rejects every finding of fs because the send stopped with err.
func notSent(fs []Finding, err error) []Rejection {
	r := make([]Rejection, len(fs))
	for i := range fs {
		r[i] = Rejection{ID: fs[i].ID, Code: "NotSent", Message: err.Error()}
	}
	return r
}
