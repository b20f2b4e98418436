package engine

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestArrayAggIDState_SameAsBoxed: array_agg(x) and array_agg(DISTINCT x)
// kept as value IDs give the lists of the boxed state, value for value,
// for integers, strings (empty included) and booleans with NULLs, runs of
// one value, groups past twice ArrayAggLimit (trimmed while growing) and
// states merged part by part (as workers and spilled partitions merge).
func TestArrayAggIDState_SameAsBoxed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, et := range []*dtype{tInt, tString, tBool} {
		for _, distinct := range []bool{false, true} {
			name := "array_agg"
			if distinct {
				name = "array_agg_distinct"
			}
			ag := &aggCall{name: name, t: arrayOf(et), argTypes: []*dtype{et}}
			t.Run(et.name+"/"+name, func(t *testing.T) {
				const ng = 40
				boxed := []*arrayAggState{{t: ag.t, distinct: distinct}, {t: ag.t, distinct: distinct}}
				ids := []*arrayAggIDState{newArrayAggIDState(ag), newArrayAggIDState(ag)}
				var a arena
				for chunk := range 30 {
					n := 2000
					gids := make([]int32, n)
					x := a.vec(et, n)
					switch {
					case et.isIntLike():
						x.ints()
					case et.isStringy():
						x.strs()
					default:
						x.bools()
					}
					null := x.nulls()
					prev := 0
					for i := range n {
						gids[i] = int32(rng.IntN(ng))
						if rng.IntN(2) == 0 {
							gids[i] = int32(rng.IntN(2)) // groups 0 and 1 pass 2*ArrayAggLimit values
						}
						if chunk%3 == 0 {
							gids[i] = int32(i / 200) // runs of one group
						}
						if gids[i] == 7 || gids[i] == 12 {
							gids[i] = int32(i % 2) // groups 7 and 12 stay empty
						}
						v := rng.IntN(3000)
						if i%5 != 0 {
							v = prev // runs of one value
						}
						prev = v
						null[i] = v%97 == 0
						switch {
						case et.isIntLike():
							x.i[i] = int64(v)
						case et.isStringy():
							x.s[i] = strconv.Itoa(v)
							if v%89 == 0 {
								x.s[i] = ""
							}
						default:
							x.b[i] = v%2 == 0
						}
					}
					w := chunk % 2
					boxed[w].update(gids, ng, []*vec{x})
					ids[w].update(gids, ng, []*vec{x})
				}
				// Merge state 1 into state 0, groups shifted, in two parts.
				from := iota32(ng)
				to := make([]int32, ng)
				for j := range to {
					to[j] = int32((j + 5) % ng)
				}
				boxed[0].merge(boxed[1], from[:ng/2], to[:ng/2], ng)
				ids[0].merge(ids[1], from[:ng/2], to[:ng/2], ng)
				boxed[0].merge(boxed[1], from[ng/2:], to[ng/2:], ng)
				ids[0].merge(ids[1], from[ng/2:], to[ng/2:], ng)
				want, got := boxed[0].result(ng), ids[0].result(ng)
				if want.len() != got.len() {
					t.Fatalf("got %d groups; want %d", got.len(), want.len())
				}
				long := 0
				for g := range ng {
					w, v := formatValue(want.x[g]), formatValue(got.x[g])
					if want.null[g] != got.null[g] || w != v {
						t.Errorf("group %d: got %v %s; want %v %s", g, got.null[g], v, want.null[g], w)
					}
					if l, ok := want.x[g].([]any); ok && len(l) == ArrayAggLimit {
						long++
					}
				}
				if !got.null[12] {
					t.Errorf("group 12 has no row but is not NULL")
				}
				if et == tInt && long == 0 {
					t.Errorf("no group reached ArrayAggLimit values")
				}
			})
		}
	}
}

// TestArrayAgg_NoAllocationPerGroup: array_agg(DISTINCT "$path") over
// rows that each start a group (the flow-log hunts over millions of
// groups) allocates nothing per group, neither when pushing nor when
// finishing: a group of one value holds a value ID, and its result is a
// list shared with every group of that value. Measured against the same
// grouping without array_agg, over nb*BatchRows/2 groups.
func TestArrayAgg_NoAllocationPerGroup(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const nb = 8
	recs := millionGroupBatches(mem, nb)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	// allocs returns the allocations of pushing a batch of new groups,
	// and of finishing.
	allocs := func(sql string) (push, finish float64) {
		q, err := Compile(sql, Options{MemoryPool: NewMemoryPool(-1)})
		if err != nil {
			t.Fatal(err)
		}
		r := q.NewRun(1)
		next := 0
		// AllocsPerRun pushes once to warm up, then nb-1 more batches.
		push = testing.AllocsPerRun(nb-1, func() {
			if err := r.Push(0, recs[next]); err != nil {
				t.Fatal(err)
			}
			next++
		})
		var res *Result
		calls := 0
		finish = testing.AllocsPerRun(1, func() {
			// The first call is AllocsPerRun's warm-up.
			if calls++; calls == 2 {
				if res, err = r.Finish(); err != nil {
					t.Fatal(err)
				}
			}
		})
		if res.Len() != 0 {
			t.Fatalf("%s: got %d groups; want none", sql, res.Len())
		}
		return push, finish
	}
	// As in the hunts, HAVING drops the groups (what emitting a result
	// allocates is not the aggregate's).
	push0, finish0 := allocs(`SELECT srcaddr, start, count(*) FROM vpc_flow GROUP BY 1, 2 HAVING count(*) > 2`)
	push, finish := allocs(`SELECT srcaddr, start, array_agg(DISTINCT "$path") FROM vpc_flow GROUP BY 1, 2 HAVING count(*) > 2`)
	if push-push0 > BatchRows/16 {
		t.Errorf("array_agg added %.0f allocations to a push of %d rows (%d new groups); want none per group", push-push0, BatchRows, BatchRows/2)
	}
	if finish-finish0 > nb*BatchRows/16 {
		t.Errorf("array_agg added %.0f allocations to finishing %d groups; want none per group", finish-finish0, nb*BatchRows/2)
	}
}
