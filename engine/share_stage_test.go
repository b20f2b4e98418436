package engine

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// runStaged runs sql as a staged scan does: the batches of table first
// first, then [Run.FinishTable], then the others. held is what its joins
// hold after its last push; dead the scans of the other tables it skips.
func runStaged(t testing.TB, sql string, workers int, first string, bs []tableBatch) (res *Result, held int64, dead int, err error) {
	t.Helper()
	q, err := Compile(sql, Options{})
	if err != nil {
		return nil, 0, 0, err
	}
	r := q.NewRun(workers)
	push := func(stage bool) error {
		for i, b := range bs {
			if slicesContains(q.Tables(), b.table) && (b.table == first) == stage {
				if err := r.PushTable(i%workers, b.table, b.rec); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := push(true); err != nil {
		return nil, 0, 0, err
	}
	if err := r.FinishTable(first); err != nil {
		return nil, 0, 0, err
	}
	if err := push(false); err != nil {
		return nil, 0, 0, err
	}
	held = joinHeld(q)
	for _, tb := range q.Tables() {
		if tb != first {
			dead += r.DeadScans(tb)
		}
	}
	res, err = r.Finish()
	return res, held, dead, err
}

// joinHeld returns the bytes q's joins hold.
func joinHeld(q *Query) int64 {
	var n int64
	for _, o := range q.ops {
		if j, ok := o.(*opJoin); ok {
			n += j.held.Load()
		}
	}
	return n
}

// withoutTable returns bs without the batches of table.
func withoutTable(bs []tableBatch, table string) []tableBatch {
	var out []tableBatch
	for _, b := range bs {
		if b.table != table {
			out = append(out, b)
		}
	}
	return out
}

// TestRunFinishTable_Success checks that ending one table's input early
// changes no answer: every join test, with vpc_flow read first, with and
// without flow rows, against the same batches run interleaved.
func TestRunFinishTable_Success(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, split := range []int{1, 4} {
		bs := joinBatches(mem, split)
		for _, input := range []struct {
			name string
			bs   []tableBatch
		}{{"flows", bs}, {"no flows", withoutTable(bs, "vpc_flow")}} {
			for _, tt := range joinResultTests {
				for _, workers := range []int{1, 3} {
					want, err := runTables(t, tt.sql, Options{}, workers, input.bs)
					if err != nil {
						t.Fatalf("%s: %s: %v", tt.name, tt.sql, err)
					}
					got, _, _, err := runStaged(t, tt.sql, workers, "vpc_flow", input.bs)
					if err != nil {
						t.Errorf("%s (%s): %s: %v", tt.name, input.name, tt.sql, err)
						continue
					}
					if g, w := resultText(got), resultText(want); g != w {
						t.Errorf("%s (%s, split %d, workers %d): %s\ngot:\n%s\nwant:\n%s", tt.name, input.name, split, workers, tt.sql, g, w)
					}
				}
			}
		}
		releaseBatches(bs)
	}
}

// TestRunFinishTable_EmptyInput checks that an inner join whose input
// ended empty neither buffers nor evaluates its other input: the
// CloudTrail scans feeding it are skipped (dead) and the run holds no
// row, where the run without FinishTable buffers every CloudTrail row.
// A left join must keep its rows.
func TestRunFinishTable_EmptyInput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	noFlows := withoutTable(bs, "vpc_flow")
	tests := []struct {
		name, sql string
		dead      int
		want      string
	}{
		{"inner", "SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr", 1, ""},
		// The GuardDuty hunt's shape: an aggregate of the small table
		// joined with a UNION ALL of the large one, united with the
		// aggregate again.
		{"aggregate joined with a union", `WITH f AS (SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr HAVING count(*) > 1),
			a AS (SELECT sourceipaddress AS ip, eventname FROM cloudtrail WHERE errorcode IS NULL
			      UNION ALL SELECT sourceipaddress, eventname FROM cloudtrail WHERE regexp_like(eventname, '^Describe'))
			SELECT ip, count(eventname) FROM (SELECT a.ip, a.eventname FROM f JOIN a ON a.ip = f.srcaddr UNION ALL SELECT srcaddr, NULL FROM f) GROUP BY ip`, 2, ""},
		{"left keeps its rows", "SELECT c.eventname FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE c.awsregion = 'eu-west-1'", 0, "ConsoleLogin\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			want, err := runTables(t, tt.sql, Options{}, workers, noFlows)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := resultText(want); got != tt.want {
				t.Fatalf("%s: unstaged got %q; want %q", tt.name, got, tt.want)
			}
			res, held, dead, err := runStaged(t, tt.sql, workers, "vpc_flow", noFlows)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := resultText(res); got != tt.want {
				t.Errorf("%s (workers %d): got %q; want %q", tt.name, workers, got, tt.want)
			}
			if dead != tt.dead {
				t.Errorf("%s (workers %d): %d CloudTrail scans skipped; want %d", tt.name, workers, dead, tt.dead)
			}
			if tt.dead > 0 && held != 0 {
				t.Errorf("%s (workers %d): the run holds %d bytes after the scan; want 0 (nothing buffered)", tt.name, workers, held)
			}
		}
	}
}

// TestRunFinishTable_Failure checks that a batch of a finished table is
// an error, not rows added to a flushed aggregate.
func TestRunFinishTable_Failure(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 4)
	defer releaseBatches(bs)
	q, err := Compile("SELECT c.eventname, count(*) FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.FinishTable("vpc_flow"); err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.table == "vpc_flow" {
			err = r.PushTable(0, b.table, b.rec)
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "pushed after FinishTable") {
		t.Errorf("push after FinishTable: got %v; want an error", err)
	}
}

// TestRunFinishTable_Probe checks that an inner join whose finished
// input has rows probes it with the other input's rows as they come: the
// same answer, and after the scan the run holds only the finished
// input's rows in its joins, where without FinishTable they also buffer
// the CloudTrail rows.
func TestRunFinishTable_Probe(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := joinBatches(mem, 2)
	defer releaseBatches(bs)
	for _, sql := range []string{
		"SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr",
		"SELECT c.eventname, v.dstport FROM cloudtrail c JOIN vpc_flow v ON v.srcaddr = c.sourceipaddress AND c.eventtime > '2024-03-01T15:05:00Z' AND v.bytes > length(c.eventname)",
		"SELECT v.dstport, count(*) FROM vpc_flow v JOIN cloudtrail c ON c.sourceipaddress = v.srcaddr GROUP BY 1",
		"SELECT eventname FROM (SELECT srcaddr AS sourceipaddress, dstport FROM vpc_flow) v JOIN cloudtrail c USING (sourceipaddress)",
	} {
		for _, workers := range []int{1, 3} {
			q, err := Compile(sql, Options{})
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			r := q.NewRun(workers)
			for i, b := range bs {
				if err := r.PushTable(i%workers, b.table, b.rec); err != nil {
					t.Fatal(err)
				}
			}
			plainHeld := joinHeld(q)
			plain, err := r.Finish()
			if err != nil {
				t.Fatal(err)
			}
			// Only the flows, then FinishTable: what the join holds.
			flows := withoutTable(bs, "cloudtrail")
			_, flowHeld, _, err := runStaged(t, sql, workers, "vpc_flow", flows)
			if err != nil {
				t.Fatal(err)
			}
			res, held, _, err := runStaged(t, sql, workers, "vpc_flow", bs)
			if err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
			if g, w := resultText(res), resultText(plain); g != w || w == "" {
				t.Errorf("%s (workers %d):\n got %s\nwant %s", sql, workers, g, w)
			}
			if held != flowHeld || held >= plainHeld {
				t.Errorf("%s (workers %d): holds %d bytes after the scan; want the flows' %d, less than the %d held without FinishTable", sql, workers, held, flowHeld, plainHeld)
			}
		}
	}
}
