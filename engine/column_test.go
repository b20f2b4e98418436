package engine

import (
	"testing"
	"time"
)

func TestColumn(t *testing.T) {
	var a arena
	v := a.vec(tString, 3)
	copy(v.strs(), []string{"b", "a", "c"})
	v.nulls()[2] = true
	c := newColumn(tString)
	c.appendVec(v, nil, 3)
	c.appendVec(strConst("z"), nil, 2)
	if c.len() != 5 || c.value(0) != "b" || c.value(2) != nil || c.value(4) != "z" {
		t.Errorf("column values: %v %v", c.s, c.null)
	}
	if c.compare(0, 1) <= 0 || c.compare(2, 0) >= 0 || c.compare(3, 4) != 0 {
		t.Errorf("compare order wrong")
	}
	ts := newColumn(tTimestamp)
	ts.appendVec(tsConst(tTimestamp, 1_000_000), nil, 1)
	if got := ts.value(0).(time.Time); !got.Equal(time.Unix(1, 0)) {
		t.Errorf("timestamp value %v", got)
	}
}

func TestCompareAny(t *testing.T) {
	if compareAny(nil, int64(1)) >= 0 || compareAny([]any{"a"}, []any{"a", "b"}) >= 0 || compareAny("b", "a") <= 0 {
		t.Errorf("compareAny order wrong")
	}
}
