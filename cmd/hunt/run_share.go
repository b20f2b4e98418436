package main

import (
	"hash/maphash"
	"slices"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/scan"
)

// huntShare is a group of hunts whose queries differ only in HAVING (a
// rule pack's copies of one hunt with other thresholds) and that read the
// same objects: they run as one query ([engine.Share]), pushed and
// finished once, and each hunt's answer is cut out of the shared one.
type huntShare struct {
	s       *engine.Shared
	members []int // hunt indexes, ascending; members[0] pushes and finishes
	res     *engine.Result
	err     error
	done    bool // Finish ran
	left    int  // members whose answer has not been taken yet
}

// lead returns the hunt that runs the group's query.
func (g *huntShare) lead() int { return g.members[0] }

// result returns member k's answer (Finish runs when the first member
// asks), and lets the shared result go after the last one asked.
func (g *huntShare) result(r *hunter, k int) (*engine.Result, error) {
	if !g.done {
		g.done = true
		g.res, g.err = r.runs[g.lead()].Finish()
	}
	res, err := g.res, g.err
	if g.left--; g.left == 0 {
		g.res = nil
	}
	if err != nil {
		return nil, err
	}
	return g.s.Member(res, k), nil
}

// shareHunts groups the hunts that can run as one query: the same
// [engine.Query.ShareKey] and the same objects to read (an incremental
// run may owe one copy objects another has read). r.shares[i] is hunt
// i's group (nil: it runs alone), r.shareIdx[i] its place in it.
func (r *hunter) shareHunts() {
	r.shares = make([]*huntShare, len(r.hunts))
	r.shareIdx = make([]int, len(r.hunts))
	if r.unshared {
		return
	}
	// The objects each hunt reads, as a hash and a count; groups are
	// checked exactly below.
	seed := maphash.MakeSeed()
	sig := make([]uint64, len(r.hunts))
	cnt := make([]int, len(r.hunts))
	for o, need := range r.need {
		for _, i := range need {
			sig[i] = maphash.Comparable(seed, [2]uint64{sig[i], uint64(o)})
			cnt[i]++
		}
	}
	type groupKey struct {
		sql string
		sig uint64
		cnt int
	}
	byKey := map[groupKey][]int{}
	var keys []groupKey
	for i, q := range r.queries {
		k := q.ShareKey()
		if k == "" || cnt[i] == 0 {
			continue
		}
		gk := groupKey{k, sig[i], cnt[i]}
		if _, ok := byKey[gk]; !ok {
			keys = append(keys, gk)
		}
		byKey[gk] = append(byKey[gk], i)
	}
	var groups [][]int
	for _, k := range keys {
		if m := byKey[k]; len(m) > 1 {
			groups = append(groups, m)
		}
	}
	// Exactly: every object is read by all of a group's members or none.
	groupOf := make([]int, len(r.hunts))
	for i := range groupOf {
		groupOf[i] = -1
	}
	for g, m := range groups {
		for _, i := range m {
			groupOf[i] = g
		}
	}
	broken := make([]bool, len(groups))
	seen := make([]int, len(groups))
	for _, need := range r.need {
		var touched []int
		for _, i := range need {
			if g := groupOf[i]; g >= 0 {
				if seen[g] == 0 {
					touched = append(touched, g)
				}
				seen[g]++
			}
		}
		for _, g := range touched {
			if seen[g] != len(groups[g]) {
				broken[g] = true
			}
			seen[g] = 0
		}
	}
	for g, m := range groups {
		if broken[g] {
			continue
		}
		members := make([]*engine.Query, len(m))
		for k, i := range m {
			members[k] = r.queries[i]
		}
		s, err := engine.Share(members)
		if err != nil {
			continue // each runs alone, as without sharing
		}
		sh := &huntShare{s: s, members: slices.Clone(m), left: len(m)}
		for k, i := range m {
			r.shares[i], r.shareIdx[i] = sh, k
		}
	}
}

// sharedQuery returns the query hunt i pushes its batches to: its own, or
// its group's when it leads one; nil when another hunt of its group
// pushes for it.
func (r *hunter) sharedQuery(i int) *engine.Query {
	g := r.shares[i]
	switch {
	case g == nil:
		return r.queries[i]
	case g.lead() == i:
		return g.s.Query()
	}
	return nil
}

// stageTables makes the scan read first the tables that hunts join with
// a larger one (GuardDuty findings before CloudTrail), then end those
// tables' input of each such hunt ([engine.Run.FinishTable]): the
// hunt's operators over the small table finish before the large table's
// batches come, so a join whose small input is empty drops the large
// input's rows instead of buffering them once per copy of the hunt. Of
// the tables a hunt joins, all but the one with the most bytes to read
// go first.
func (r *hunter) stageTables(cfg *scan.Config) {
	if r.unstaged {
		return
	}
	joined := map[string]bool{}
	for i, run := range r.runs {
		if run == nil {
			continue
		}
		if ts := r.sharedQuery(i).Tables(); len(ts) > 1 {
			for _, t := range ts {
				joined[t] = true
			}
		}
	}
	if len(joined) < 2 {
		return
	}
	size := map[string]int64{}
	for _, o := range r.objects {
		t := o.Facts.Kind.Table()
		if h := archive.HiveTable(o.Key); parsers.TableNamed(h) != nil {
			t = h // a Parquet lake's table=NAME folder
		}
		size[t] += o.Size
	}
	var first []string
	big := ""
	for t := range joined {
		first = append(first, t)
		if big == "" || size[t] > size[big] || size[t] == size[big] && t < big {
			big = t
		}
	}
	first = slices.DeleteFunc(first, func(t string) bool { return t == big })
	slices.Sort(first)
	cfg.First = first
	cfg.Staged = func() error {
		for i, run := range r.runs {
			if run == nil {
				continue
			}
			ts := r.sharedQuery(i).Tables()
			if !slices.ContainsFunc(ts, func(t string) bool { return !slices.Contains(first, t) }) {
				continue // reads only tables read first: Finish ends it as usual
			}
			var start pushClock
			if r.profile {
				start = readPushClock()
			}
			for _, t := range first {
				if slices.Contains(ts, t) {
					_ = run.FinishTable(t) // an error is the run's: Finish returns it
				}
			}
			if r.profile {
				r.cost[0][i].push += start.since()
			}
		}
		return nil
	}
}
