package engine

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

func TestExprArith(t *testing.T) {
	exprTests(t, [][2]string{
		{"1 + 2, 5 - 7, 3 * 4, 7 / 2, -7 / 2, 7 % 3, 1.5 + 1, 1 / 4.0, -(3)", "3|-2|12|3|-3|1|2.5|0.25|-3"},
		{"NULL + 1, 'a' || 'b' || 'c', 1e10, 0.0001", "NULL|abc|1.0E10|1.0E-4"},
	})
	if _, err := Compile("SELECT 1 / 0", Options{}); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("1 / 0: got %v; want division by zero", err)
	}
	if _, err := Compile("SELECT 'a' + 1", Options{}); err == nil {
		t.Errorf("'a' + 1 compiled")
	}
}

// queryErr compiles sql with opts and runs it over recs (record i to
// worker i % workers); it returns the first error of Compile, Push or
// Finish.
func queryErr(t *testing.T, sql string, opts Options, workers int, recs ...arrow.RecordBatch) error {
	t.Helper()
	q, err := Compile(sql, opts)
	if err != nil {
		return err
	}
	r := q.NewRun(workers)
	for i, rec := range recs {
		if err := r.Push(i%workers, rec); err != nil {
			return err
		}
	}
	_, err = r.Finish()
	return err
}

// flowInts is a vpc_flow batch with the given bytes, packets (bigint) and
// srcport, dstport (integer) values, one row per index; nil is NULL.
func flowInts(mem memory.Allocator, bytes, packets, srcport, dstport []any) arrow.RecordBatch {
	var rows []map[string]any
	for i := range bytes {
		rows = append(rows, map[string]any{"bytes": bytes[i], "packets": packets[i], "srcport": srcport[i], "dstport": dstport[i],
			"action": "ACCEPT", "srcaddr": "10.0.0." + strconv.Itoa(i), "account_id": "111122223333"})
	}
	return buildRecord(mem, parsers.VPCFlowSchema, rows)
}

// TestArithOverflow_Failure: integer arithmetic that leaves its type's
// range is an error, as in Trino, positioned at the expression and naming
// the values; it is not a wrapped value.
func TestArithOverflow_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const max, min = math.MaxInt64, math.MinInt64
	// Row 2 is the one that overflows; the NULL row 1 must not.
	rec := flowInts(mem, []any{1, nil, max, 5}, []any{1, 1, 1, 1}, []any{1, 1, math.MaxInt32, 1}, []any{1, 1, 1, 1})
	defer rec.Release()
	recMin := flowInts(mem, []any{1, min}, []any{-1, -1}, []any{1, math.MinInt32}, []any{1, -1})
	defer recMin.Release()
	tests := []struct {
		sql  string
		rec  arrow.RecordBatch
		want string
	}{
		{"SELECT bytes + packets FROM vpc_flow", rec, "query:1:8: bytes + packets: bigint addition overflow: 9223372036854775807 + 1"},
		{"SELECT srcaddr, bytes + 1 AS b FROM vpc_flow", rec, "query:1:17: bytes + 1: bigint addition overflow: 9223372036854775807 + 1"},
		{"SELECT 0 - bytes - 2 FROM vpc_flow", recMin, "query:1:8: 0 - bytes: bigint subtraction overflow: 0 - -9223372036854775808"}, // the failing operand named
		{"SELECT bytes - 1 FROM vpc_flow", recMin, "query:1:8: bytes - 1: bigint subtraction overflow: -9223372036854775808 - 1"},
		{"SELECT bytes * 2 FROM vpc_flow", rec, "query:1:8: bytes * 2: bigint multiplication overflow: 9223372036854775807 * 2"},
		{"SELECT bytes * packets FROM vpc_flow", recMin, "query:1:8: bytes * packets: bigint multiplication overflow: -9223372036854775808 * -1"},
		{"SELECT bytes / packets FROM vpc_flow", recMin, "query:1:8: bytes / packets: bigint division overflow: -9223372036854775808 / -1"},
		{"SELECT -bytes FROM vpc_flow", recMin, "query:1:8: -bytes: bigint negation overflow: -9223372036854775808"},
		{"SELECT abs(bytes) FROM vpc_flow", recMin, "query:1:8: abs(bytes): value -9223372036854775808 is out of range for abs(bigint)"},
		{"SELECT srcport + dstport FROM vpc_flow", rec, "query:1:8: srcport + dstport: integer addition overflow: 2147483647 + 1"},
		{"SELECT srcport * dstport FROM vpc_flow", recMin, "query:1:8: srcport * dstport: integer multiplication overflow: -2147483648 * -1"},
		{"SELECT srcport / dstport FROM vpc_flow", recMin, "query:1:8: srcport / dstport: integer division overflow: -2147483648 / -1"},
		{"SELECT -srcport FROM vpc_flow", recMin, "query:1:8: -srcport: integer negation overflow: -2147483648"},
		{"SELECT abs(srcport) FROM vpc_flow", recMin, "query:1:8: abs(srcport): value -2147483648 is out of range for abs(integer)"},
		{"SELECT CAST(bytes AS integer) FROM vpc_flow", rec, "query:1:8: CAST(bytes AS integer): out of range for integer: 9223372036854775807"},
		{"SELECT CAST(CAST(bytes AS varchar) AS integer) FROM vpc_flow", rec, "query:1:8: CAST(CAST(bytes AS varchar) AS integer): out of range for integer: 9223372036854775807"},
		{"SELECT CAST(bytes * 1e3 AS bigint) FROM vpc_flow", rec, "cannot cast"},
		// Constant expressions fail when the query compiles.
		{"SELECT 9223372036854775807 + 1", nil, "query:1:8: bigint addition overflow: 9223372036854775807 + 1"},
		{"SELECT -(-9223372036854775807 - 1)", nil, "query:1:8: bigint negation overflow: -9223372036854775808"},
	}
	for _, tt := range tests {
		var recs []arrow.RecordBatch
		if tt.rec != nil {
			recs = append(recs, tt.rec)
		}
		err := queryErr(t, tt.sql, Options{}, 1, recs...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s\ngot  %v\nwant %q", tt.sql, err, tt.want)
		}
	}
	// try() turns the failing rows into NULL.
	res := runQuery(t, "SELECT try(bytes + 1) FROM vpc_flow", 1, rec)
	if got := resultText(res); got != "2\n6\nNULL\nNULL\n" {
		t.Errorf("try(bytes + 1): got %q", got)
	}
}

// TestArithOverflow_Success: values at the edges of the range that do not
// overflow, and NULL rows whose (undefined) values would.
func TestArithOverflow_Success(t *testing.T) {
	exprTests(t, [][2]string{
		{"9223372036854775806 + 1, -9223372036854775807 - 1, 4611686018427387903 * 2, -4611686018427387904 * 2", "9223372036854775807|-9223372036854775808|9223372036854775806|-9223372036854775808"},
		{"(-9223372036854775807 - 1) / 1, (-9223372036854775807 - 1) % -1, -(-9223372036854775807), abs(-9223372036854775807)", "-9223372036854775808|0|9223372036854775807|9223372036854775807"},
		{"CAST(2147483647 AS integer), CAST('-2147483648' AS integer), CAST(2147483647 AS integer) + CAST(0 AS integer)", "2147483647|-2147483648|2147483647"},
		{"CAST(2147483647 AS integer) + 1", "2147483648"}, // integer + bigint is bigint
	})
}

// TestArithIntByConst: x / d and x % d by a constant d (the divisors the
// kernel divides by multiplying, and others, negative ones included) are
// the general kernel's, for negative, zero, extreme and NULL x; 0 and -1
// keep the general kernel, so dividing by zero and MinInt / -1 still
// fail.
func TestArithIntByConst(t *testing.T) {
	xs := []int64{0, 1, -1, 59, 60, 61, -59, -60, -61, 299, 300, 301, -301, 1709632799, 1709632800, -1709632801,
		86399, 86400, -86400, 999999, 1000000, -1000001, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, 7}
	for _, op := range []string{"/", "%"} {
		for _, d := range []int64{60, 300, 600, 900, 1000, 3600, 86400, 1000000, 2, 7, -2, -60, -3600, math.MaxInt64, math.MinInt64} {
			x := &vec{t: tInt, n: len(xs), i: xs, null: make([]bool, len(xs))}
			x.null[len(xs)-1] = true
			y := &vec{t: tInt, n: len(xs), i: make([]int64, len(xs))}
			fill(y.i, d)
			var a arena
			want, got := &vec{t: tInt, n: len(xs)}, &vec{t: tInt, n: len(xs)}
			arithIntKernel(op, tInt, "")(&a, want, []*vec{x, y})
			arithIntByConstKernel(op, d)(&a, got, []*vec{x, y})
			if a.err != nil {
				t.Fatalf("%s %d: %v", op, d, a.err)
			}
			for i := range xs {
				if got.isNull(i) != want.isNull(i) || !got.isNull(i) && got.i[i] != want.i[i] {
					t.Errorf("%d %s %d: got %d (NULL %v); want %d (NULL %v)", xs[i], op, d, got.i[i], got.isNull(i), want.i[i], want.isNull(i))
				}
			}
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := flowInts(mem, []any{int64(math.MinInt64)}, []any{int64(1)}, []any{int64(1)}, []any{int64(1)})
	defer rec.Release()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT bytes % 0 FROM vpc_flow", "division by zero"},
		{"SELECT bytes / 0 FROM vpc_flow", "division by zero"},
		{"SELECT bytes / -1 FROM vpc_flow", "overflow"},
	} {
		if err := queryErr(t, tc.sql, Options{}, 1, rec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v; want %q", tc.sql, err, tc.want)
		}
	}
}

// TestTruncConst: x - x % d over a column x and a constant d runs as one
// kernel whose results are the two general kernels' (negative, extreme
// and NULL x; negative and extreme d); a subtraction of another column's
// remainder, or a remainder by 0 or -1, keeps the general kernels, so
// those still answer and fail as before.
func TestTruncConst(t *testing.T) {
	xs := []int64{0, 1, -1, 59, 60, 61, -59, -60, -61, 299, 300, 301, -301, 1709632799, 1709632800, -1709632801,
		86399, 86400, -86400, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, 7}
	for _, d := range []int64{60, 300, 600, 900, 3600, 86400, 2, 7, -2, -60, math.MaxInt64, math.MinInt64} {
		x := &vec{t: tInt, n: len(xs), i: xs, null: make([]bool, len(xs))}
		x.null[len(xs)-1] = true
		y := &vec{t: tInt, n: len(xs), i: make([]int64, len(xs))}
		fill(y.i, d)
		var a arena
		mod, want, got := &vec{t: tInt, n: len(xs)}, &vec{t: tInt, n: len(xs)}, &vec{t: tInt, n: len(xs)}
		arithIntByConstKernel("%", d)(&a, mod, []*vec{x, y})
		arithIntKernel("-", tInt, "")(&a, want, []*vec{x, mod})
		truncConstKernel(d)(&a, got, []*vec{x, y})
		if a.err != nil {
			t.Fatalf("%% %d: %v", d, a.err)
		}
		for i := range xs {
			if got.isNull(i) != want.isNull(i) || !got.isNull(i) && got.i[i] != want.i[i] {
				t.Errorf("%d - %d %% %d: got %d (NULL %v); want %d (NULL %v)", xs[i], xs[i], d, got.i[i], got.isNull(i), want.i[i], want.isNull(i))
			}
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := flowInts(mem, []any{int64(1709632801), nil, int64(-301)}, []any{int64(7), int64(1), int64(1)}, []any{int64(65), int64(1), int64(1)}, []any{int64(1), int64(1), int64(1)})
	defer rec.Release()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT bytes - bytes % 300, bytes - packets % 300, packets - bytes % 300, srcport - srcport % 60, bytes - bytes % -60 FROM vpc_flow",
			"-300|-302|2|0|-300\n1709632800|1709632794|6|60|1709632800\nNULL|NULL|NULL|0|NULL\n"},
		{"SELECT bytes - bytes % -1, bytes - bytes % 1 FROM vpc_flow", "-301|-301\n1709632801|1709632801\nNULL|NULL\n"},
	} {
		if got := resultText(runQuery(t, tc.sql, 1, rec)); got != tc.want {
			t.Errorf("%s\ngot  %q\nwant %q", tc.sql, got, tc.want)
		}
	}
	if err := queryErr(t, "SELECT bytes - bytes % 0 FROM vpc_flow", Options{}, 1, rec); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("bytes - bytes %% 0: got %v; want division by zero", err)
	}
	// Which expressions take the one kernel.
	x, x2, y := &exprCol{t: tInt, slot: 0}, &exprCol{t: tInt, slot: 0}, &exprCol{t: tInt, slot: 1}
	k := func(v int64) *exprConst { return &exprConst{v: intConst(v)} }
	mod := func(l expr, d *exprConst) expr { return &exprFunc{name: "%", t: tInt, args: []expr{l, d}} }
	for _, tc := range []struct {
		name string
		op   string
		l, r expr
		want bool
	}{
		{"x - x % 300", "-", x, mod(x2, k(300)), true},
		{"x - x % -60", "-", x, mod(x2, k(-60)), true},
		{"x - y % 300", "-", x, mod(y, k(300)), false},
		{"x + x % 300", "+", x, mod(x2, k(300)), false},
		{"x - x / 300", "-", x, &exprFunc{name: "/", t: tInt, args: []expr{x2, k(300)}}, false},
		{"x - x % 0", "-", x, mod(x2, k(0)), false},
		{"x - x % -1", "-", x, mod(x2, k(-1)), false},
		{"x - x % NULL", "-", x, mod(x2, &exprConst{v: constVec(tInt, true)}), false},
		{"x - x % y", "-", x, &exprFunc{name: "%", t: tInt, args: []expr{x2, y}}, false},
	} {
		if _, got := truncConst(tc.op, tc.l, tc.r); got != tc.want {
			t.Errorf("truncConst(%s) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestTruncMulConst checks that x / d * d takes truncConstKernel where
// it is x - x % d, and answers as the division and the product would.
func TestTruncMulConst(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := flowInts(mem, []any{int64(1709632801), nil, int64(-301)}, []any{int64(7), int64(1), int64(1)}, []any{int64(65), int64(1), int64(1)}, []any{int64(1), int64(1), int64(1)})
	defer rec.Release()
	for _, tc := range []struct{ sql, want string }{
		{"SELECT bytes / 60 * 60, bytes / 300 * 300, bytes / 300 * 60, packets / 60 * 60, srcport / 60 * 60, bytes / -60 * -60, bytes / 7 * 7 FROM vpc_flow",
			"-300|-300|-60|0|0|-300|-301\n1709632800|1709632800|341926560|0|60|1709632800|1709632799\nNULL|NULL|NULL|0|0|NULL|NULL\n"},
		{"SELECT bytes / -1 * -1, bytes / 1 * 1 FROM vpc_flow", "-301|-301\n1709632801|1709632801\nNULL|NULL\n"},
	} {
		if got := resultText(runQuery(t, tc.sql, 1, rec)); got != tc.want {
			t.Errorf("%s\ngot  %q\nwant %q", tc.sql, got, tc.want)
		}
	}
	if err := queryErr(t, "SELECT bytes / 0 * 0 FROM vpc_flow", Options{}, 1, rec); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("bytes / 0 * 0: got %v; want division by zero", err)
	}
	x, y := &exprCol{t: tInt, slot: 0}, &exprCol{t: tInt, slot: 1}
	k := func(v int64) *exprConst { return &exprConst{v: intConst(v)} }
	div := func(l expr, d expr) expr { return &exprFunc{name: "/", t: tInt, args: []expr{l, d}} }
	for _, tc := range []struct {
		name string
		op   string
		l, r expr
		want bool
	}{
		{"x / 60 * 60", "*", div(x, k(60)), k(60), true},
		{"x / -60 * -60", "*", div(x, k(-60)), k(-60), true},
		{"x / 60 * 300", "*", div(x, k(60)), k(300), false},
		{"x / 60 + 60", "+", div(x, k(60)), k(60), false},
		{"x % 60 * 60", "*", &exprFunc{name: "%", t: tInt, args: []expr{x, k(60)}}, k(60), false},
		{"x / 0 * 0", "*", div(x, k(0)), k(0), false},
		{"x / -1 * -1", "*", div(x, k(-1)), k(-1), false},
		{"x / NULL * NULL", "*", div(x, &exprConst{v: constVec(tInt, true)}), &exprConst{v: constVec(tInt, true)}, false},
		{"x / y * y", "*", div(x, y), y, false},
		{"60 * (x / 60)", "*", k(60), div(x, k(60)), false},
	} {
		if _, got := truncMulConst(tc.op, tc.l, tc.r); got != tc.want {
			t.Errorf("truncMulConst(%s) = %v; want %v", tc.name, got, tc.want)
		}
	}
}
