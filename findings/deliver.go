package findings

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"time"
)

// A Recoverer is a [Sink] that can find out which findings of a Send cut
// short by a crash reached its destination.
type Recoverer interface {
	Sink
	// Recover returns which of ids, the findings of a Send the run did
	// not see the end of, the destination holds. From then on the sink
	// accepts those without sending them again.
	Recover(ids []string) (held []string, err error)
}

// A StampedSink is a [Sink] whose destination orders versions of a
// finding by a time the sender stamps (Security Hub's UpdatedAt): the same
// finding sent again with the same stamp changes nothing there.
type StampedSink interface {
	Sink
	// SendStamped is Send with every finding stamped at.
	SendStamped(ctx context.Context, fs []Finding, at time.Time) (accepted []string, err error)
}

// DeliverOptions configures [Deliver].
type DeliverOptions struct {
	// WindowOf returns the suppression window of a hunt, for the
	// findings recorded as delivered; nil means 0 for every hunt (each
	// finding is suppressed for good).
	WindowOf func(huntID string) time.Duration
	// DryRun says the sinks were opened with SinkOptions.DryRun: nothing
	// is written to the journal and no sink is asked to recover.
	DryRun bool
}

// DeliveryCounts says what one [Deliver] did.
type DeliveryCounts struct {
	Found      int // findings given
	Suppressed int // of those, delivered in an earlier run
	Emitted    int // findings handed to at least one sink
	Resent     int // of those, pending from an earlier run
	Delivered  int // findings every sink has now accepted
	Pending    int // findings some sink has not accepted
}

// Deliver sends the findings found, and those pending in st from earlier
// runs, to every sink that has not accepted them, and records in st which
// every sink accepted (delivered: suppressed from then on) and which are
// still pending, with the sinks that took them. Findings already
// delivered are suppressed; a finding pending from an earlier run is sent
// in the version the sinks that took it already hold, with the stamp it
// was first sent with. It returns what it did and the error of each sink
// that did not accept everything.
//
// found (nil: none) is read once, in the order sinks receive it (by hunt, first seen
// and ID: the order `hunt run` makes). Deliver handles it in groups of at
// most maxSendGroup findings (the pending ones first): each group is
// journaled, sent to every sink and recorded in st before the next one is
// read, so a run holds one group of findings at a time however many it
// finds; past groups leave only their IDs (to send each once) and what st
// records.
//
// This is the rule "state advances only after every sink accepted a
// finding": st changes in memory, and the caller saves it with
// [State.Save] afterwards. When st was loaded from a file ([LoadState]),
// Deliver writes each group's findings to the delivery journal next to it
// before sending them, and records each Send before and after the call,
// syncing each record; if a write fails (disk full, read-only folder), it
// sends nothing from then on, since nothing it sent could be recorded.
// A run that dies before saving st thus leaves a journal from which the
// next run knows what every sink accepted, and which Sends were cut
// short: those it completes without duplicates where the sink allows
// ([Recoverer], [StampedSink], SNS FIFO deduplication IDs); the findings
// of groups never reached were never sent, and the next run finds them
// again (st was not saved). st may be nil (no run state): then nothing is
// suppressed or recorded.
func Deliver(ctx context.Context, st *State, sinks []Sink, found iter.Seq[Finding], opts DeliverOptions) (DeliveryCounts, []error) {
	d := delivery{
		st: st, sinks: sinks, opts: opts, now: time.Now().UTC(),
		delivered: map[string][]string{},
		inFlight:  map[string][]string{},
		sentAt:    map[string]time.Time{},
		resent:    map[string]bool{},
		emitted:   map[string]bool{},
		seen:      map[string]struct{}{},
	}
	var old []*Pending
	if st != nil {
		// The list is made anew from the groups' outcomes (every pending
		// finding is in a group).
		old, st.Pending = st.Pending, nil
	}
	wasPending := make(map[string]bool, len(old))
	for _, p := range old {
		wasPending[p.Finding.ID] = true
	}
	// Pending from an earlier run: sent first, in the version the sinks
	// that took it already hold.
	for _, p := range old {
		id := p.Finding.ID
		d.todo = append(d.todo, p.Finding)
		d.delivered[id] = slices.Clone(p.DeliveredTo)
		d.inFlight[id] = slices.Clone(p.InFlight)
		d.resent[id] = true
		d.sentAt[id] = p.SentAt
		if p.SentAt.IsZero() {
			d.sentAt[id] = d.now // pending since before stamps were kept
		}
		if len(d.todo) == maxSendGroup {
			d.flush(ctx)
		}
	}
	d.flush(ctx)
	if found == nil {
		found = func(func(Finding) bool) {}
	}
	for f := range found {
		d.c.Found++
		_, twice := d.seen[f.ID]
		switch {
		case twice:
		case wasPending[f.ID]:
			// Sent above, in the version the sinks hold.
		case st != nil && st.Delivered(f.ID):
			d.c.Suppressed++
		default:
			d.seen[f.ID] = struct{}{}
			d.todo = append(d.todo, f)
			d.sentAt[f.ID] = d.now
			if len(d.todo) == maxSendGroup {
				d.flush(ctx)
			}
		}
	}
	d.flush(ctx)
	if d.j != nil {
		d.j.close()
	}
	if st != nil {
		slices.SortFunc(d.pending, func(a, b *Pending) int { return strings.Compare(a.Finding.ID, b.Finding.ID) })
		st.Pending = d.pending
	}
	return d.c, d.errs
}

// delivery is one [Deliver] under way. The maps hold the current group.
type delivery struct {
	st    *State
	sinks []Sink
	opts  DeliverOptions
	now   time.Time

	c         DeliveryCounts
	todo      []Finding           // the group: at most maxSendGroup findings
	delivered map[string][]string // finding ID → sinks that accepted it
	inFlight  map[string][]string // finding ID → sinks a cut-short Send went to
	sentAt    map[string]time.Time
	resent    map[string]bool     // pending from an earlier run
	emitted   map[string]bool     // handed to a sink in this run
	seen      map[string]struct{} // IDs of the found findings so far: each is sent once
	pending   []*Pending          // the findings of past groups some sink has not accepted
	j         *journal            // nil: not journaling (yet)
	sentAny   bool                // a group was journaled: sending started
	stopped   bool                // a journal write failed: nothing more is sent
	errs      []error
}

// flush journals, sends and records the group in todo, then empties it.
func (d *delivery) flush(ctx context.Context) {
	if len(d.todo) == 0 {
		return
	}
	sortFindings(d.todo)
	if !d.stopped && d.st != nil && d.st.path != "" && !d.opts.DryRun {
		if err := d.journalFound(); err != nil {
			what := "nothing was sent"
			if d.sentAny {
				what = "the findings from then on were not sent"
			}
			d.errs = append(d.errs, fmt.Errorf("cannot record the delivery in %s, so %s: %w", journalPath(d.st.path), what, err))
			d.stopped = true
		}
	}
	if !d.stopped {
		d.sentAny = true
		d.send(ctx, d.sinks, !d.opts.DryRun)
	}
	d.record()
	clear(d.todo) // let the group's findings go
	d.todo = d.todo[:0]
	clear(d.delivered)
	clear(d.inFlight)
	clear(d.sentAt)
	clear(d.resent)
	clear(d.emitted)
}

// journalFound writes the group's findings to the journal, opening it
// first: the check that the state's folder takes writes, before any Send
// of them.
func (d *delivery) journalFound() error {
	if d.j == nil {
		j, err := openJournal(d.st.path)
		if err != nil {
			return err
		}
		d.j = j
	}
	r := &journalRecord{Op: "found", Findings: make([]journalFound, len(d.todo))}
	for i, f := range d.todo {
		r.Findings[i] = journalFound{Finding: f, SentAt: d.sentAt[f.ID]}
	}
	return d.j.write(r)
}

// journal writes r if journaling.
func (d *delivery) journal(r *journalRecord) error {
	if d.j == nil {
		return nil
	}
	return d.j.write(r)
}

// send hands each sink the findings it has not accepted. A Send cut short
// to a [Recoverer] is first resolved by asking it what it holds. It stops
// at the first journal write that fails: what is not recorded is not sent.
func (d *delivery) send(ctx context.Context, sinks []Sink, recover bool) {
	for _, s := range sinks {
		name := s.Name()
		skip := map[string]bool{}
		if r, ok := s.(Recoverer); ok && recover {
			var ids []string
			for _, f := range d.todo {
				if slices.Contains(d.inFlight[f.ID], name) && !slices.Contains(d.delivered[f.ID], name) {
					ids = append(ids, f.ID)
				}
			}
			if len(ids) > 0 {
				held, err := r.Recover(ids)
				if err != nil {
					// Sending again could duplicate: they stay in flight.
					d.errs = append(d.errs, fmt.Errorf("%s: cannot tell which of %d finding(s) an interrupted send delivered, so they are not sent: %w", name, len(ids), err))
					for _, id := range ids {
						skip[id] = true
					}
				} else if !d.settle(name, ids, held, nil) {
					return
				}
			}
		}
		// The usual case, a sink that has taken none of them yet, sends
		// d.todo itself: no copy of every finding per sink.
		batch := d.todo
		if len(skip) > 0 || slices.ContainsFunc(d.todo, func(f Finding) bool { return slices.Contains(d.delivered[f.ID], name) }) {
			batch = nil
			for _, f := range d.todo {
				if !skip[f.ID] && !slices.Contains(d.delivered[f.ID], name) {
					batch = append(batch, f)
				}
			}
		}
		if len(batch) == 0 {
			continue
		}
		stamped, isStamped := s.(StampedSink)
		for len(batch) > 0 {
			// A StampedSink gets one Send per stamp.
			group := batch
			if isStamped {
				at := d.sentAt[batch[0].ID]
				group, batch = partition(batch, func(f *Finding) bool { return d.sentAt[f.ID].Equal(at) })
			} else {
				batch = nil
			}
			// At most maxSendGroup findings a Send, so what a sink
			// encodes for one call (a file sink's lines, an SNS batch
			// list) stays small however many findings the run has.
			if len(group) > maxSendGroup {
				batch = append(group[maxSendGroup:len(group):len(group)], batch...)
				group = group[:maxSendGroup]
			}
			ids := make([]string, len(group))
			for i := range group {
				ids[i] = group[i].ID
				d.emitted[ids[i]] = true
			}
			if err := d.journal(&journalRecord{Op: "send", Sink: name, IDs: ids}); err != nil {
				d.errs = append(d.errs, fmt.Errorf("%s: not sent: %w", name, err))
				d.stopped = true
				return
			}
			var (
				accepted []string
				err      error
			)
			if isStamped {
				accepted, err = stamped.SendStamped(ctx, group, d.sentAt[ids[0]])
			} else {
				accepted, err = s.Send(ctx, group)
			}
			if !d.settle(name, ids, accepted, err) {
				return
			}
		}
	}
}

// maxSendGroup bounds the findings of one Send call.
const maxSendGroup = 1000

// settle records the outcome of a Send (or a recovery) of ids to sink:
// accepted took them, the rest did not and are no longer in flight. It
// reports false if the outcome could not be journaled, which stops the
// delivery.
func (d *delivery) settle(sink string, ids, accepted []string, err error) bool {
	if err != nil {
		d.errs = append(d.errs, err)
	}
	for _, id := range ids {
		d.inFlight[id] = slices.DeleteFunc(d.inFlight[id], func(n string) bool { return n == sink })
	}
	for _, id := range accepted {
		d.delivered[id] = addName(d.delivered[id], sink)
	}
	if jerr := d.journal(&journalRecord{Op: "sent", Sink: sink, IDs: ids, Accepted: accepted}); jerr != nil {
		d.errs = append(d.errs, fmt.Errorf("%s: stopped: %w", sink, jerr))
		d.stopped = true
		return false
	}
	return true
}

// record counts the outcome of the group and writes it into st:
// delivered findings are suppressed from now on, the others pending.
func (d *delivery) record() {
	for i := range d.todo {
		f := &d.todo[i]
		if d.emitted[f.ID] {
			d.c.Emitted++
			if d.resent[f.ID] {
				d.c.Resent++
			}
		}
		all := true
		for _, s := range d.sinks {
			if !slices.Contains(d.delivered[f.ID], s.Name()) {
				all = false
			}
		}
		if all {
			d.c.Delivered++
		} else {
			d.c.Pending++
		}
		if d.st == nil {
			continue
		}
		if all {
			var window time.Duration
			if d.opts.WindowOf != nil {
				window = d.opts.WindowOf(f.HuntID)
			}
			d.st.MarkDelivered(f, window, d.now)
			continue
		}
		p := &Pending{Finding: *f, DeliveredTo: d.delivered[f.ID], SentAt: d.sentAt[f.ID]}
		if len(d.inFlight[f.ID]) > 0 {
			p.InFlight = d.inFlight[f.ID]
		}
		d.pending = append(d.pending, p)
	}
}

// partition splits fs into those for which keep is true and the rest,
// each in order.
func partition(fs []Finding, keep func(*Finding) bool) (in, out []Finding) {
	for i := range fs {
		if keep(&fs[i]) {
			in = append(in, fs[i])
		} else {
			out = append(out, fs[i])
		}
	}
	return in, out
}

// sortFindings orders findings by hunt, first seen and ID: the order sinks
// receive them in.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.HuntID != b.HuntID {
			return a.HuntID < b.HuntID
		}
		if !a.FirstSeen.Equal(b.FirstSeen) {
			return a.FirstSeen.Before(b.FirstSeen)
		}
		return a.ID < b.ID
	})
}
