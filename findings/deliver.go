package findings

import (
	"context"
	"slices"
	"sort"
	"time"
)

// DeliverOptions configures [Deliver].
type DeliverOptions struct {
	// WindowOf returns the suppression window of a hunt, for the
	// findings recorded as delivered; nil means 0 for every hunt (each
	// finding is suppressed for good).
	WindowOf func(huntID string) time.Duration
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
// in the version the sinks that took it already hold. It returns what it
// did and the error of each sink that did not accept everything.
//
// This is the rule "state advances only after every sink accepted a
// finding": st changes only in memory; the caller saves it with
// [State.Save] afterwards. st may be nil (no run state): then nothing is
// suppressed or recorded.
func Deliver(ctx context.Context, st *State, sinks []Sink, found []Finding, opts DeliverOptions) (DeliveryCounts, []error) {
	c := DeliveryCounts{Found: len(found)}
	var todo []Finding
	delivered := map[string][]string{} // finding ID → sinks that accepted it
	resent := map[string]bool{}
	for _, f := range found {
		switch {
		case st != nil && st.Delivered(f.ID):
			c.Suppressed++
		case st != nil && st.PendingFinding(f.ID) != nil:
			// Pending from an earlier run: sent below, in the version
			// the sinks that took it already hold.
		default:
			todo = append(todo, f)
		}
	}
	if st != nil {
		for _, p := range st.Pending {
			todo = append(todo, p.Finding)
			delivered[p.Finding.ID] = slices.Clone(p.DeliveredTo)
			resent[p.Finding.ID] = true
		}
	}
	sortFindings(todo)
	var errs []error
	emitted := map[string]bool{}
	for _, s := range sinks {
		var batch []Finding
		for _, f := range todo {
			if !slices.Contains(delivered[f.ID], s.Name()) {
				batch = append(batch, f)
				emitted[f.ID] = true
			}
		}
		if len(batch) == 0 {
			continue
		}
		accepted, err := s.Send(ctx, batch)
		if err != nil {
			errs = append(errs, err)
		}
		for _, id := range accepted {
			delivered[id] = append(delivered[id], s.Name())
		}
	}
	now := time.Now()
	for i := range todo {
		f := &todo[i]
		if emitted[f.ID] {
			c.Emitted++
			if resent[f.ID] {
				c.Resent++
			}
		}
		all := true
		for _, s := range sinks {
			if !slices.Contains(delivered[f.ID], s.Name()) {
				all = false
			}
		}
		if all {
			c.Delivered++
		} else {
			c.Pending++
		}
		if st == nil {
			continue
		}
		if all {
			var window time.Duration
			if opts.WindowOf != nil {
				window = opts.WindowOf(f.HuntID)
			}
			st.MarkDelivered(f, window, now)
		} else {
			st.AddPending(*f, delivered[f.ID])
		}
	}
	return c, errs
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
