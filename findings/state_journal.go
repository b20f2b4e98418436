package findings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The delivery journal is a JSON Lines file next to the state
// (STATE.journal) that [Deliver] appends to, syncing each record, while it
// sends: between the state saves of two runs, it is the record of what
// was found and what each sink was sent and accepted. [LoadState] folds
// it into the state it reads; [State.Save] removes it once the state it
// wrote holds everything.
//
//	{"op":"found","findings":[{"finding":{...},"sent_at":"..."}]}  a group about to be sent, with their stamps
//	{"op":"send","sink":"file:f.jsonl","ids":["a","b"]}            about to call the sink's Send
//	{"op":"sent","sink":"file:f.jsonl","ids":["a","b"],"accepted":["a"]}  Send returned
//
// A "send" without its "sent" is a Send the run did not see the end of:
// its findings are in flight to that sink (Pending.InFlight).
type journalRecord struct {
	Op       string         `json:"op"`
	Findings []journalFound `json:"findings,omitempty"`
	Sink     string         `json:"sink,omitempty"`
	IDs      []string       `json:"ids,omitempty"`
	Accepted []string       `json:"accepted,omitempty"`
}

type journalFound struct {
	Finding Finding   `json:"finding"`
	SentAt  time.Time `json:"sent_at"`
}

// journalPath returns the journal of the state file at path.
func journalPath(path string) string { return path + ".journal" }

// foldJournal applies the journal of the state file at path, if any, to
// s. A last line without its newline is a record whose write the run did
// not finish, so whatever it announced did not start: it is ignored.
func (s *State) foldJournal(path string) error {
	jp := journalPath(path)
	b, err := os.ReadFile(jp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read delivery journal: %w", err)
	}
	if i := bytes.LastIndexByte(b, '\n'); i < len(b)-1 {
		b = b[:i+1] // a torn last record
	}
	pending := make(map[string]*Pending, len(s.Pending))
	for _, p := range s.Pending {
		pending[p.Finding.ID] = p
	}
	line := 0
	for len(b) > 0 {
		var text []byte
		text, b, _ = bytes.Cut(b, []byte{'\n'})
		line++
		var r journalRecord
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		err := dec.Decode(&r)
		if err == nil {
			err = r.check()
		}
		if err != nil {
			return fmt.Errorf("%s:%d: expected a delivery journal record, found %q: %v", jp, line, truncateBytes(string(text), 80), err)
		}
		switch r.Op {
		case "found":
			for _, jf := range r.Findings {
				id := jf.Finding.ID
				if s.Delivered(id) {
					continue
				}
				if p := pending[id]; p != nil {
					if p.SentAt.IsZero() {
						p.SentAt = jf.SentAt
					}
					continue
				}
				p := &Pending{Finding: jf.Finding, SentAt: jf.SentAt}
				pending[id] = p
				s.Pending = append(s.Pending, p)
			}
		case "send":
			for _, id := range r.IDs {
				if p := pending[id]; p != nil && !slices.Contains(p.DeliveredTo, r.Sink) {
					p.InFlight = addName(p.InFlight, r.Sink)
				}
			}
		case "sent":
			for _, id := range r.IDs {
				if p := pending[id]; p != nil {
					p.InFlight = slices.DeleteFunc(p.InFlight, func(n string) bool { return n == r.Sink })
				}
			}
			for _, id := range r.Accepted {
				if p := pending[id]; p != nil {
					p.DeliveredTo = addName(p.DeliveredTo, r.Sink)
				}
			}
		}
	}
	for _, p := range s.Pending {
		if len(p.InFlight) == 0 {
			p.InFlight = nil
		}
	}
	slices.SortFunc(s.Pending, func(a, b *Pending) int { return strings.Compare(a.Finding.ID, b.Finding.ID) })
	return nil
}

// check reports what a decoded record lacks.
func (r *journalRecord) check() error {
	switch r.Op {
	case "found":
		for _, f := range r.Findings {
			if f.Finding.ID == "" {
				return errors.New("a finding without id")
			}
		}
		return nil
	case "send", "sent":
		if r.Sink == "" {
			return errors.New("no sink")
		}
		return nil
	}
	return fmt.Errorf("op %q, expected found, send or sent", r.Op)
}

// addName adds name to the sorted set names.
func addName(names []string, name string) []string {
	if i, ok := slices.BinarySearch(names, name); !ok {
		names = slices.Insert(names, i, name)
	}
	return names
}

// journal appends records to a delivery journal, syncing each.
type journal struct {
	path string
	f    *os.File
}

// openJournal opens the journal of the state file at path for appending,
// creating it (and syncing its folder) when new. A torn last record, left
// by a write that failed, is cut off first, so that the next record
// starts on a line of its own.
func openJournal(path string) (*journal, error) {
	jp := journalPath(path)
	old, err := os.ReadFile(jp)
	isNew := errors.Is(err, fs.ErrNotExist)
	if err != nil && !isNew {
		return nil, err
	}
	f, err := os.OpenFile(jp, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if n := len(old); n > 0 && old[n-1] != '\n' {
		err = f.Truncate(int64(bytes.LastIndexByte(old, '\n') + 1))
	}
	if err == nil && isNew {
		err = syncDir(filepath.Dir(jp))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &journal{path: jp, f: f}, nil
}

// write appends r and syncs the file: when it returns nil, r survives a
// crash.
func (j *journal) write(r *journalRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("cannot write delivery journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("cannot sync delivery journal %s: %w", j.path, err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// syncDir syncs a folder, so that a file created or renamed in it
// survives a crash. Not every OS syncs folders: an error of the sync
// itself is ignored.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	d.Sync()
	return d.Close()
}
