package findings

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StateVersion is the version of the state file format State writes. It
// reads version 1 too, which had no format marker.
const StateVersion = 2

// stateFormat is the value of a state file's "format" key.
const stateFormat = "hunt-state"

// State is what `hunt run` remembers between runs, kept in one local JSON
// file: per source, the objects already read and by which hunts; per finding
// ID, when it was delivered; and the findings found but not yet accepted by
// every sink.
//
// # Objects: a set below a horizon
//
// CloudTrail and flow-log keys carry their delivery date, and objects arrive
// late and out of key order (CloudTrail retries for days; flow logs are
// named after their capture window, delivered minutes later). A pure
// watermark on keys would miss an object that lands behind it; a pure set
// grows forever. So each stream of a source (the objects of one account,
// region and kind of log, whose dates advance together) keeps a horizon, and
// the source the set of objects read at or after them (key → version: the
// ETag, or size and modification time for local files, so a rewritten
// object is read again). An object dated before its stream's horizon counts
// as read (the run reports how many were skipped that way);
// [State.AdvanceAt] moves each stream's horizon to the newest object date
// read in it minus the late-arrival window, never for a date from the future,
// and drops the set entries behind it. Separate streams keep a region whose
// deliveries lag behind another's from being skipped. Objects whose key has
// no date stay in the set until they disappear from the listing.
//
// Each object records the set of hunts that read it (interned in
// HuntSets), so `hunt run --hunt A` and a later `hunt run` (all hunts) read
// the object again only for the hunts that have not seen it. A hunt added to
// the library later starts at the horizon: backfill it with --since.
//
// # Findings
//
// Findings maps each delivered finding ID to when it was delivered and
// until when its window runs. A finding whose ID is there is suppressed: the
// ID hashes the hunt, the dedup key and the window bucket, so a second run
// over the same data, or a late object adding rows to a finding already
// sent, emits nothing. Pending holds findings some sink has not accepted yet,
// with the sinks that did; the next run re-sends them to the others.
//
// # Consistency
//
// State is written whole, to a temporary file that is synced and renamed
// over the old one ([State.Save]), after the sinks accepted the findings: a
// crash before the rename leaves the previous state, so the next run reads
// the same objects again. What the crashed run sent is in the delivery
// journal [Deliver] kept next to the state, which [LoadState] folds in, so
// those findings are not sent again (see the package documentation).
// [LockState] keeps two runs from overlapping.
type State struct {
	// Format is "hunt-state": a file that does not say so is not a state.
	Format  string `json:"format"`
	Version int    `json:"version"`
	// UpdatedAt is when the state was last saved.
	UpdatedAt time.Time `json:"updated_at"`
	// Sources maps a source (a local path or an s3:// prefix as given to
	// `hunt run`) to what was read from it.
	Sources map[string]*SourceState `json:"sources"`
	// HuntSets interns the sets of hunt IDs objects were read by: name → sorted IDs.
	HuntSets map[string][]string `json:"hunt_sets"`
	// Findings maps delivered finding IDs to their delivery.
	Findings map[string]*Delivery `json:"findings"`
	// Pending are findings not yet accepted by every sink, sorted by ID.
	Pending []*Pending `json:"pending,omitempty"`
	// Responses records the WAF blocks and IAM responses hunt made
	// (`hunt run --respond`); absent until the first one.
	Responses *ResponseState `json:"responses,omitempty"`

	// path is the file the state was loaded from: [Deliver] journals next
	// to it. Empty for a state made by NewState.
	path string
}

// SourceState is what was read from one source.
type SourceState struct {
	// Horizon: objects of the stream "" dated before it count as read.
	Horizon time.Time `json:"horizon,omitzero"`
	// Horizons are the horizons of the source's other streams (an
	// account, region and kind of log: see [State.NeededIn]), so a region
	// whose deliveries lag behind another's is not skipped.
	Horizons map[string]time.Time `json:"horizons,omitempty"`
	// Objects maps object keys read at or after the horizon to their version.
	Objects map[string]*ObjectState `json:"objects"`
}

// ObjectState records one object read.
type ObjectState struct {
	Version string    `json:"version"`
	Date    time.Time `json:"date,omitzero"` // the key's date; zero when it has none
	Hunts   string    `json:"hunts"`         // name in State.HuntSets
	Stream  string    `json:"stream,omitempty"`
}

// Delivery records a finding every sink accepted.
type Delivery struct {
	HuntID      string    `json:"hunt_id"`
	DeliveredAt time.Time `json:"delivered_at"`
	LastSeen    time.Time `json:"last_seen"`
	// Until is when the finding's suppression window ends; zero for hunts
	// with window 0 (one finding per key, ever), which are kept for good.
	Until time.Time `json:"until,omitzero"`
}

// Pending is a finding not yet accepted by every sink.
type Pending struct {
	Finding     Finding  `json:"finding"`
	DeliveredTo []string `json:"delivered_to,omitempty"` // sink names that accepted it
	// InFlight names the sinks a Send of the finding was cut short to (the
	// run died before it returned): the destination may hold it already.
	InFlight []string `json:"in_flight,omitempty"`
	// SentAt is when this version of the finding was first sent; every
	// re-send of it carries the same stamp (Security Hub's UpdatedAt), so a
	// destination that already holds it ignores the repeat.
	SentAt time.Time `json:"sent_at,omitzero"`
}

// NewState returns an empty state.
func NewState() *State {
	return &State{Format: stateFormat, Version: StateVersion, Sources: map[string]*SourceState{}, HuntSets: map[string][]string{}, Findings: map[string]*Delivery{}}
}

// LoadState reads the state file at path; a missing file is an empty state.
// A file that does not say it is a hunt state is an error, never an empty
// state (that would deliver every finding again): it must be a JSON object
// with "format": "hunt-state", a known version and the keys updated_at,
// sources, hunt_sets and findings. Version 1 files, written before the
// format marker, are recognised by that full shape.
//
// The delivery journal next to the file (see [Deliver]), left by a run
// that ended before saving the state, is folded in: findings it sent are
// pending with the sinks that accepted them, and those whose Send was cut
// short are in flight. Deliver journals next to path from then on.
func LoadState(path string) (*State, error) {
	s, err := readState(path)
	if err != nil {
		return nil, err
	}
	if err := s.foldJournal(path); err != nil {
		return nil, err
	}
	s.path = path
	return s, nil
}

// readState reads the state file at path, without its journal.
func readState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewState(), nil
	}
	if err != nil {
		return nil, err
	}
	if err := checkStateShape(path, b); err != nil {
		return nil, err
	}
	s := &State{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s: offset %d: expected a hunt state file (JSON), found invalid JSON: %v", path, se.Offset, err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s: offset %d (%s): expected %s, found JSON %s", path, te.Offset, te.Field, te.Type, te.Value)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: offset %d: expected a hunt state file (JSON), found invalid JSON: truncated", path, len(b))
		}
		return nil, fmt.Errorf("%s: expected a hunt state file, found: %v", path, err)
	}
	if s.Version != 1 && s.Version != StateVersion {
		return nil, fmt.Errorf("%s: version: expected 1 or %d, found %d", path, StateVersion, s.Version)
	}
	s.Format, s.Version = stateFormat, StateVersion // written back in the current format
	for _, m := range []bool{s.Sources == nil, s.HuntSets == nil, s.Findings == nil} {
		if m {
			return nil, fmt.Errorf("%s: expected sources, hunt_sets and findings objects, found null", path)
		}
	}
	for name, src := range s.Sources {
		if src == nil || src.Objects == nil {
			return nil, fmt.Errorf("%s: sources[%q]: expected an object with objects, found null", path, name)
		}
		for key, o := range src.Objects {
			if o == nil {
				return nil, fmt.Errorf("%s: sources[%q].objects[%q]: expected an object, found null", path, name, key)
			}
			if _, ok := s.HuntSets[o.Hunts]; !ok {
				return nil, fmt.Errorf("%s: sources[%q].objects[%q].hunts: expected a name in hunt_sets, found %q", path, name, key, o.Hunts)
			}
		}
	}
	for id, d := range s.Findings {
		if d == nil {
			return nil, fmt.Errorf("%s: findings[%q]: expected an object, found null", path, id)
		}
	}
	for i, p := range s.Pending {
		if p == nil {
			return nil, fmt.Errorf("%s: pending[%d]: expected an object, found null", path, i)
		}
	}
	return s, nil
}

// checkStateShape checks that b says it is a hunt state: a JSON object with
// the format marker (or, for version 1, without it) and every required key.
// Invalid JSON is left to the decoder, which knows the offset.
func checkStateShape(path string, b []byte) error {
	// The keys, and the values of the small ones: a map of raw values
	// would copy the findings and sources of a large state once more.
	var keys map[string]stateKey
	if err := json.Unmarshal(b, &keys); err != nil || keys == nil {
		var te *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &te) {
			return nil // not JSON: the decoder says where
		}
		found := "null"
		switch c := bytes.TrimSpace(b); c[0] {
		case '[':
			found = "an array"
		case '"':
			found = "a string"
		case 't', 'f':
			found = "a boolean"
		case 'n':
		default:
			found = "a number"
		}
		return fmt.Errorf("%s: expected a hunt state file (a JSON object), found %s", path, found)
	}
	f, marked := keys["format"]
	if marked && string(f) != `"`+stateFormat+`"` {
		return fmt.Errorf("%s: format: expected %q, found %s", path, stateFormat, truncateBytes(string(f), 80))
	}
	required := []string{"format", "version", "updated_at", "sources", "hunt_sets", "findings"}
	if !marked && string(keys["version"]) == "1" {
		required = required[1:] // version 1 predates the marker
	}
	var missing []string
	for _, k := range required {
		if _, ok := keys[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: expected a hunt state file (\"format\": %q, version %d), found an object without %s",
			path, stateFormat, StateVersion, strings.Join(missing, ", "))
	}
	return nil
}

// stateKey is the value of a top-level key of a state file, cut to its
// first 100 bytes: enough for the checks (the format marker, the
// version) and their messages.
type stateKey []byte

func (k *stateKey) UnmarshalJSON(b []byte) error {
	*k = append((*k)[:0], b[:min(len(b), 100)]...)
	return nil
}

// Save writes s to path atomically: to a temporary file in the same folder,
// synced, then renamed over path, and the folder synced. Unused hunt sets are
// dropped first. If s was loaded from path, the delivery journal next to it
// is removed afterwards: s holds what it recorded.
func (s *State) Save(path string, now time.Time) error {
	used := map[string]bool{}
	for _, src := range s.Sources {
		for _, o := range src.Objects {
			used[o.Hunts] = true
		}
	}
	for name := range s.HuntSets {
		if !used[name] {
			delete(s.HuntSets, name)
		}
	}
	s.UpdatedAt = now.UTC()
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriter(tmp)
	err = s.write(w)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	if s.path == path {
		// The journal was folded into s when it was loaded, and Deliver
		// recorded its sends in s: the file just written holds it all.
		if err := os.Remove(journalPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot remove delivery journal: %w", err)
		}
	}
	return nil
}

// write writes s as json.MarshalIndent(s, "", "  ") does, and a newline,
// one delivered finding at a time: a state that records many findings is
// not built up in memory as one text (twice over, marshalled and
// indented) to be saved.
func (s *State) write(w *bufio.Writer) error {
	rest := *s
	rest.Findings = nil
	b, err := json.MarshalIndent(&rest, "", "  ")
	if err != nil {
		return err
	}
	// The findings go where the copy without them says null: the only
	// line indented once that holds the key (values have no raw
	// newlines, nested keys are indented further).
	const mark = "\n  \"findings\": null"
	at := bytes.Index(b, []byte(mark))
	if s.Findings == nil {
		w.Write(b)
		return w.WriteByte('\n')
	}
	if at < 0 {
		return errors.New("BUG: the state's JSON has no findings key")
	}
	at += len(mark) - len("null")
	w.Write(b[:at])
	if len(s.Findings) == 0 {
		w.WriteString("{}")
	} else {
		ids := make([]string, 0, len(s.Findings))
		for id := range s.Findings {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		w.WriteByte('{')
		for i, id := range ids {
			k, err := json.Marshal(id)
			if err != nil {
				return err
			}
			v, err := json.MarshalIndent(s.Findings[id], "    ", "  ")
			if err != nil {
				return err
			}
			w.WriteString("\n    ")
			w.Write(k)
			w.WriteString(": ")
			w.Write(v)
			if i < len(ids)-1 {
				w.WriteByte(',')
			}
		}
		w.WriteString("\n  }")
	}
	w.Write(b[at+len("null"):])
	return w.WriteByte('\n')
}

// ObjectVersion identifies an object's content for the state: its ETag when
// it has one (S3), else its size and modification time (local files).
func ObjectVersion(etag string, size int64, mtime time.Time) string {
	if etag != "" {
		return "etag:" + etag
	}
	return "size:" + strconv.FormatInt(size, 10) + ",mtime:" + mtime.UTC().Format(time.RFC3339Nano)
}

// Horizon returns the oldest horizon of source's streams (zero when none):
// listing may skip what is dated before it, since every stream counts such
// objects as read. A stream the state has never seen has no horizon and
// does not lower it.
func (s *State) Horizon(source string) time.Time {
	src := s.Sources[source]
	if src == nil {
		return time.Time{}
	}
	h := src.Horizon
	for _, sh := range src.Horizons {
		if h.IsZero() || sh.Before(h) {
			h = sh
		}
	}
	return h
}

// horizon is the horizon of one stream of src.
func (src *SourceState) horizon(stream string) time.Time {
	if stream == "" {
		return src.Horizon
	}
	return src.Horizons[stream]
}

// Needed is [State.NeededIn] for objects of the stream "".
func (s *State) Needed(source, key, version string, date time.Time, hunts []string) []string {
	need, _ := s.NeededIn(source, "", key, version, date, hunts)
	return need
}

// NeededIn returns which of hunts still have to read the object key of
// source at version: none when the object is dated before its stream's
// horizon (behind is then true: it counts as read, whether it was or not)
// or was read at this version by all of them, else those that did not
// read it. A stream ("cloudtrail/111122223333/us-east-1") groups the
// objects delivered together, whose dates advance together.
func (s *State) NeededIn(source, stream, key, version string, date time.Time, hunts []string) (need []string, behind bool) {
	src := s.Sources[source]
	if src == nil {
		return hunts, false
	}
	if h := src.horizon(stream); !date.IsZero() && date.Before(h) {
		return nil, true
	}
	o := src.Objects[key]
	if o == nil || o.Version != version {
		return hunts, false
	}
	done := s.HuntSets[o.Hunts]
	for _, h := range hunts {
		if !slices.Contains(done, h) {
			need = append(need, h)
		}
	}
	return need, false
}

// ReadBy returns the hunts that read the object key of source at
// version, nil when it was not read.
func (s *State) ReadBy(source, key, version string) []string {
	if src := s.Sources[source]; src != nil {
		if o := src.Objects[key]; o != nil && o.Version == version {
			return s.HuntSets[o.Hunts]
		}
	}
	return nil
}

// MarkRead is [State.MarkReadIn] for objects of the stream "".
func (s *State) MarkRead(source, key, version string, date time.Time, hunts []string) {
	s.MarkReadIn(source, "", key, version, date, hunts)
}

// MarkReadIn records that hunts read the object key of source's stream at
// version. If the same version was read before, the hunt sets are
// combined.
func (s *State) MarkReadIn(source, stream, key, version string, date time.Time, hunts []string) {
	src := s.Sources[source]
	if src == nil {
		src = &SourceState{Objects: map[string]*ObjectState{}}
		s.Sources[source] = src
	}
	set := slices.Clone(hunts)
	if o := src.Objects[key]; o != nil && o.Version == version {
		set = append(set, s.HuntSets[o.Hunts]...)
	}
	slices.Sort(set)
	set = slices.Compact(set)
	src.Objects[key] = &ObjectState{Version: version, Date: date.UTC(), Hunts: s.intern(set), Stream: stream}
}

// intern returns the name of a sorted hunt set, adding it when new.
func (s *State) intern(set []string) string {
	sum := sha256.Sum256([]byte(strings.Join(set, "\n")))
	name := hex.EncodeToString(sum[:6])
	s.HuntSets[name] = set
	return name
}

// Advance is [State.AdvanceAt] without a clock: no object date is taken
// for one from the future.
func (s *State) Advance(source string, late time.Duration, listed map[string]bool) {
	s.AdvanceAt(source, late, listed, time.Time{})
}

// FutureSlack is how far past now an object's date may be and still move
// its stream's horizon: clocks and time zones differ by hours, not days.
// A key dated further ahead (2099) is kept in the object list but would
// otherwise make every later object of its stream count as read.
const FutureSlack = 24 * time.Hour

// AdvanceAt moves the horizon of each stream of source to the newest
// object date read in it minus late (never backwards), leaving out dates
// more than [FutureSlack] after now (when now is not zero), and drops the
// objects dated before their stream's horizon. listed, when not nil, is
// every key the latest listing of the source returned: objects without a
// date that are no longer listed are dropped too.
func (s *State) AdvanceAt(source string, late time.Duration, listed map[string]bool, now time.Time) {
	src := s.Sources[source]
	if src == nil {
		return
	}
	newest := map[string]time.Time{}
	for _, o := range src.Objects {
		if !now.IsZero() && o.Date.After(now.Add(FutureSlack)) {
			continue
		}
		if o.Date.After(newest[o.Stream]) {
			newest[o.Stream] = o.Date
		}
	}
	for stream, n := range newest {
		if n.IsZero() {
			continue
		}
		if h := n.Add(-late); h.After(src.horizon(stream)) {
			if stream == "" {
				src.Horizon = h
			} else {
				if src.Horizons == nil {
					src.Horizons = map[string]time.Time{}
				}
				src.Horizons[stream] = h
			}
		}
	}
	for key, o := range src.Objects {
		switch {
		case !o.Date.IsZero() && o.Date.Before(src.horizon(o.Stream)):
			delete(src.Objects, key)
		case o.Date.IsZero() && listed != nil && !listed[key]:
			delete(src.Objects, key)
		}
	}
}

// Delivered reports whether every sink accepted the finding id in an earlier run.
func (s *State) Delivered(id string) bool {
	_, ok := s.Findings[id]
	return ok
}

// MarkDelivered records that every sink accepted f, and drops it from Pending.
// window is f's hunt's suppression window.
func (s *State) MarkDelivered(f *Finding, window time.Duration, at time.Time) {
	d := &Delivery{HuntID: f.HuntID, DeliveredAt: at.UTC(), LastSeen: f.LastSeen.UTC()}
	if window > 0 {
		d.Until = Bucket(f.FirstSeen, window).Add(window)
	}
	s.Findings[f.ID] = d
	s.Pending = slices.DeleteFunc(s.Pending, func(p *Pending) bool { return p.Finding.ID == f.ID })
}

// AddPending records f as found but not accepted by every sink; deliveredTo
// names the sinks that did accept it. A finding already pending keeps its
// first version (the one some sinks may already hold) and gains the sinks.
func (s *State) AddPending(f Finding, deliveredTo []string) {
	for _, p := range s.Pending {
		if p.Finding.ID == f.ID {
			p.DeliveredTo = append(p.DeliveredTo, deliveredTo...)
			slices.Sort(p.DeliveredTo)
			p.DeliveredTo = slices.Compact(p.DeliveredTo)
			return
		}
	}
	dt := slices.Clone(deliveredTo)
	slices.Sort(dt)
	s.Pending = append(s.Pending, &Pending{Finding: f, DeliveredTo: slices.Compact(dt)})
	slices.SortFunc(s.Pending, func(a, b *Pending) int { return strings.Compare(a.Finding.ID, b.Finding.ID) })
}

// PendingFinding returns the pending entry of id, or nil.
func (s *State) PendingFinding(id string) *Pending {
	for _, p := range s.Pending {
		if p.Finding.ID == id {
			return p
		}
	}
	return nil
}

// ForgetBefore drops delivered findings whose window ended before t. Call it
// with a time older than every source's horizon: rows that old are not read
// again by incremental runs, so those IDs cannot come back (a --since
// backfill past t may raise them again).
func (s *State) ForgetBefore(t time.Time) int {
	n := 0
	for id, d := range s.Findings {
		if !d.Until.IsZero() && d.Until.Before(t) {
			delete(s.Findings, id)
			n++
		}
	}
	return n
}
