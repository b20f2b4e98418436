package engine

import "testing"

func TestSortColumns(t *testing.T) {
	var a arena
	v := a.vec(tInt, 5)
	copy(v.ints(), []int64{3, 1, 0, 2, 1})
	v.nulls()[2] = true
	w := a.vec(tString, 5)
	copy(w.strs(), []string{"c", "b", "x", "d", "a"})
	cols := []*column{newColumn(tInt), newColumn(tString)}
	cols[0].appendVec(v, nil, 5)
	cols[1].appendVec(w, nil, 5)
	text := func(cs []*column) string {
		s := ""
		for i := 0; i < cs[0].len(); i++ {
			s += formatValue(cs[0].value(i)) + formatValue(cs[1].value(i)) + " "
		}
		return s
	}
	tests := []struct {
		key   sortKey
		limit int
		want  string
	}{
		{sortKey{col: 0}, -1, "1a 1b 2d 3c NULLx "},
		{sortKey{col: 0, desc: true}, -1, "3c 2d 1a 1b NULLx "},
		{sortKey{col: 0, nullsFirst: true}, 2, "NULLx 1a "},
		{sortKey{col: 0, desc: true, nullsFirst: true}, 3, "NULLx 3c 2d "},
	}
	for _, tt := range tests {
		if got := text(sortColumns(cols, []sortKey{tt.key}, tt.limit)); got != tt.want {
			t.Errorf("sort %+v limit %d: got %q; want %q", tt.key, tt.limit, got, tt.want)
		}
	}
}

func TestTopNAcrossChunks(t *testing.T) {
	// More rows than one chunk and than the per-worker buffer, spread over workers.
	exprTests(t, [][2]string{
		{"x FROM (SELECT 5 AS x UNION ALL SELECT 3 UNION ALL SELECT 9 UNION ALL SELECT 1) ORDER BY x LIMIT 2", "1\n3"},
	})
}
