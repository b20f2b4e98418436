package engine

import (
	"math/rand/v2"
	"testing"
)

// distinctRows returns n rows of random groups (of ng) and values (of nv,
// some NULL), as the gids and the argument vec of distinctState.update.
func distinctRows(rng *rand.Rand, n, ng, nv int) ([]int32, *vec) {
	gids := make([]int32, n)
	x := &vec{t: tInt, n: n, i: make([]int64, n), null: make([]bool, n)}
	for i := range n {
		gids[i] = int32(rng.IntN(ng))
		x.i[i] = int64(rng.IntN(nv)) * 1000003
		x.null[i] = rng.IntN(17) == 0
	}
	return gids, x
}

// distinctWant counts the distinct non-NULL values of each group.
func distinctWant(want []map[int64]bool, gids []int32, x *vec) {
	for i, g := range gids {
		if !x.null[i] {
			if want[g] == nil {
				want[g] = map[int64]bool{}
			}
			want[g][x.i[i]] = true
		}
	}
}

func checkDistinct(t *testing.T, what string, s *distinctState, want []map[int64]bool) {
	t.Helper()
	got := s.result(len(want))
	for g, vals := range want {
		if got.i[g] != int64(len(vals)) || got.null[g] {
			t.Fatalf("%s: group %d counts %d (null %v); want %d", what, g, got.i[g], got.null[g], len(vals))
		}
	}
}

// TestDistinctState_Success: count(DISTINCT) agrees with a Go map per
// group over random rows in which a group's first value comes back,
// other values follow and some are NULL; after merging a second state's
// groups into it (some shared, some new); and after its pairs are split
// by partition and merged into a fresh state (as spilling does).
func TestDistinctState_Success(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const ng, nv = 700, 40
	ag := &aggCall{name: "count_distinct", t: tInt, argTypes: []*dtype{tInt}}
	newState := func() *distinctState { return newAggState(ag).(*distinctState) }
	want := make([]map[int64]bool, ng)
	s := newState()
	for c := range 6 {
		// The groups appear a few at a time, as chunks add them.
		gids, x := distinctRows(rng, 1000, 100*(c+1), nv)
		s.update(gids, 100*(c+1), []*vec{x})
		distinctWant(want, gids, x)
	}
	checkDistinct(t, "update", s, want)

	// Merge o's groups j into s's group (j*3)%ng.
	o := newState()
	gids, x := distinctRows(rng, 3000, ng, 2*nv)
	o.update(gids, ng, []*vec{x})
	from, to := make([]int32, ng), make([]int32, ng)
	for j := range ng {
		from[j], to[j] = int32(j), int32(j*3%ng)
	}
	mapped := make([]int32, len(gids))
	for i, g := range gids {
		mapped[i] = to[g]
	}
	distinctWant(want, mapped, x)
	s.merge(o, from, to, ng)
	checkDistinct(t, "merge", s, want)

	// Split by group % 4 and merge each partition into a fresh state,
	// group j of s becoming group j of the fresh one.
	part := make([]uint8, ng)
	pos := make([]int32, ng)
	var byPart [4][]int32
	for g := range part {
		part[g] = uint8(g % 4)
		pos[g] = int32(len(byPart[g%4]))
		byPart[g%4] = append(byPart[g%4], int32(g))
	}
	pairs := s.split(part)
	f := newState()
	for p := range 4 {
		f.mergePairs(s, pairs[p], pos, byPart[p])
	}
	checkDistinct(t, "split and mergePairs", f, want)
}
