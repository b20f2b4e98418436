package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Query is a compiled query: names resolved against the table schemas,
// types checked, constants folded and operators linked. Compile once, run
// with [Query.NewRun]. A Query runs one [Run] at a time.
type Query struct {
	stmt    *Statement
	scans   []*opScan
	sources []op // scans and VALUES, flushed by Finish
	ops     []op
	sink    *opSink
	columns []string
	types   []*dtype
	wheres  map[*opScan]expr
	done    atomic.Bool
	stops   bool    // a LIMIT without ORDER BY can stop the scan
	limits  bool    // the query has a LIMIT somewhere
	opts    Options // as compiled (Source set), for Share
	// shareKey is ShareKey's answer once shareKeyDone.
	shareKey     string
	shareKeyDone bool
}

// Compile parses and compiles sql. Errors about the query text are
// *parsers.ParseError values positioned at the offending token
// ("query:1:8: expected a column of cloudtrail, found \"evntname\"").
func Compile(sql string, opts Options) (*Query, error) {
	source := opts.Source
	if source == "" {
		source = "query"
	}
	stmt, err := ParseSource(source, sql)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &compiler{src: sql, opts: opts, now: now.UnixMicro(), wheres: map[*opScan]expr{}, cteEnv: map[*CTE][]map[string]*CTE{}}
	f, err := c.compileStatement(stmt)
	if err != nil {
		return nil, positioned(source, sql, err)
	}
	// Only a LIMIT without ORDER BY depends on the order rows arrive in
	// (ORDER BY breaks ties by every column and the sink sorts the rest),
	// so without one no aggregate has to sort its groups.
	if len(c.limits) == 0 {
		for _, o := range c.ops {
			if a, ok := o.(*opAggregate); ok {
				a.unsorted = true
			}
		}
	}
	sink := &opSink{types: f.types, sorted: f.hasOrder, limit: -1}
	c.add(sink)
	f.tail.setNext(sink)
	opts.Source = source
	q := &Query{stmt: stmt, scans: c.scans, ops: c.ops, sink: sink, columns: f.names, types: f.types, wheres: c.wheres, limits: len(c.limits) > 0, opts: opts}
	for _, o := range c.ops {
		switch o.(type) {
		case *opScan, *opValues:
			q.sources = append(q.sources, o)
		}
	}
	// Stopping early is safe when the only LIMIT ends the query and no
	// operator needs every row.
	if l, ok := f.tail.(*opLimit); ok && len(c.scans) == 1 && len(c.limits) == 1 {
		safe := true
		for _, o := range c.ops {
			switch o.(type) {
			case *opAggregate, *opSort:
				safe = false
			}
		}
		if safe {
			l.done = &q.done
			q.stops = true
			sink.limit = l.n
		}
	}
	return q, nil
}

// String returns the canonical SQL of the query.
func (q *Query) String() string { return q.stmt.String() }

// OutputColumns returns the names of the result columns.
func (q *Query) OutputColumns() []string { return slices.Clone(q.columns) }

// Tables returns the tables the query reads ("cloudtrail", "vpc_flow").
func (q *Query) Tables() []string {
	var out []string
	for _, s := range q.scans {
		if !slices.Contains(out, s.table) {
			out = append(out, s.table)
		}
	}
	slices.Sort(out)
	return out
}

// Columns returns the column paths the query reads from table, for the
// reader's WithColumns: top-level columns ("eventname"), nested fields
// ("useridentity.sessioncontext.sessionissuer.arn") and "$path". Sorted;
// a struct read whole covers its fields.
func (q *Query) Columns(table string) []string {
	var all []string
	for _, s := range q.scans {
		if s.table == table {
			all = append(all, s.columns()...)
		}
	}
	if all == nil {
		return []string{}
	}
	return normalizePaths(all)
}

// Pruning returns the time range, accounts and regions implied by the
// WHERE clauses over table. When the query reads the table more than once
// (UNION ALL, CTEs), the result covers all reads.
func (q *Query) Pruning(table string) Pruning {
	var f *facts
	for _, s := range q.scans {
		if s.table != table {
			continue
		}
		var sf facts
		if w := q.wheres[s]; w != nil {
			sf = pruneFacts(s.tab, w)
		}
		if f == nil {
			f = &sf
		} else {
			u := orFacts(*f, sf)
			f = &u
		}
	}
	if f == nil {
		return Pruning{}
	}
	return f.pruning()
}

// Explain describes the plan: operators from each scan to the output,
// the pushed-down columns and the pruning facts of each table.
func (q *Query) Explain() string {
	var b strings.Builder
	b.WriteString("query: " + q.String() + "\n")
	seen := map[op]bool{}
	for _, src := range q.sources {
		indent := "  "
		for o := src; o != nil; o = nextOf(o) {
			if seen[o] {
				b.WriteString(indent + "-> (joins above: " + o.explain() + ")\n")
				break
			}
			seen[o] = true
			b.WriteString(indent + o.explain() + "\n")
			indent = "  -> "
		}
	}
	for _, t := range q.Tables() {
		b.WriteString("columns " + t + ": " + strings.Join(q.Columns(t), ", ") + "\n")
		p := q.Pruning(t)
		b.WriteString("pruning " + t + ": since " + fmtTime(p.Since) + ", until " + fmtTime(p.Until) +
			", accounts " + fmtList(p.Accounts) + ", regions " + fmtList(p.Regions) + "\n")
	}
	if q.stops {
		b.WriteString("limit without order: the scan stops once enough rows passed\n")
	}
	return b.String()
}

func nextOf(o op) op {
	switch x := o.(type) {
	case *opScan:
		return x.next
	case *opValues:
		return x.next
	case *opWhere:
		return x.next
	case *opProject:
		return x.next
	case *opAggregate:
		return x.next
	case *opSort:
		return x.next
	case *opLimit:
		return x.next
	case *opUnion:
		return x.next
	case *opUnnest:
		return x.next
	case *opWindow:
		return x.next
	case *opSetSide:
		return x.p
	case *opSetOp:
		return x.next
	case *opJoinInput:
		return x.j
	case *opJoin:
		return x.next
	}
	return nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func fmtList(l []string) string {
	if l == nil {
		return "any"
	}
	return "[" + strings.Join(l, ", ") + "]"
}

// Run is one execution of a [Query] over batches pushed by up to workers
// goroutines.
type Run struct {
	q        *Query
	ctx      context.Context
	workers  int
	mu       sync.Mutex // guards err and finished (error path and Finish only)
	err      error
	failed   atomic.Bool
	finished bool
}

// NewRun starts an execution of q for workers concurrent pushers (worker
// IDs 0..workers-1). It resets q's operator state, so a Query runs one Run
// at a time.
func (q *Query) NewRun(workers int) *Run {
	return q.NewRunContext(context.Background(), workers)
}

// NewRunContext is [Query.NewRun] for a run that stops when ctx is done:
// Push and Finish then return context.Cause(ctx) instead of working on.
// Kernels do not see ctx; the work between two checks is one batch (or
// the merge and sort in Finish), which no function makes super-linear in
// its input (LIKE and the regexp functions are linear).
func (q *Query) NewRunContext(ctx context.Context, workers int) *Run {
	if workers < 1 {
		workers = 1
	}
	q.done.Store(false)
	for _, o := range q.ops {
		o.start(workers)
	}
	return &Run{q: q, ctx: ctx, workers: workers}
}

// Stream makes the run hand its result rows to fn as they are produced,
// one [Result] per chunk of at most [BatchRows] rows, instead of keeping
// them for Finish: the memory of a query that returns many rows (a
// projection with regexp_replace over a large archive) is then bounded
// by the batches in flight rather than by its output. Call it before the
// first Push.
//
// fn is called by one goroutine at a time (calls from concurrent Pushes
// are serialized), from Push for rows that pass straight through, and
// from Finish for rows that blocking operators emit (GROUP BY, ORDER BY).
// Without ORDER BY the rows come in no particular order, which depends on
// the workers' scheduling (Finish without Stream sorts them by every
// column instead); with ORDER BY they come in its order. LIMIT still
// bounds the row count. Each Result is fn's to keep. An error from fn
// stops the run: Push and Finish return it. Finish then returns a Result
// with the columns and no rows.
func (r *Run) Stream(fn func(*Result) error) {
	columns := slices.Clone(r.q.columns)
	var types []string
	for _, t := range r.q.types {
		types = append(types, t.name)
	}
	r.q.sink.stream = func(cols []*column) error {
		return fn(&Result{Columns: columns, Types: types, cols: cols})
	}
}

// StreamViews is [Run.Stream] for a consumer that keeps few of the rows
// (a hunt folding a million matching events into a few findings): the
// strings of each Result view the pushed batch and the engine's scratch,
// and the Result's columns are the engine's scratch too, so the Result
// and its values are valid only until fn returns, and the engine copies
// nothing it hands on. fn keeps a row by copying it with [Result.AppendRow]
// (which copies a viewed row's strings), or a value by copying it.
func (r *Run) StreamViews(fn func(*Result) error) {
	r.Stream(func(res *Result) error {
		res.views = true
		return fn(res)
	})
	r.q.sink.views = true
}

// StreamsResult reports whether [Run.Stream] hands on the rows Finish
// would return, in some order: true unless the query has a LIMIT, which
// without ORDER BY keeps whichever rows come first. ordered says they
// come in the result's order (ORDER BY); otherwise a consumer that needs
// the result's order compares rows with [CompareRows].
func (q *Query) StreamsResult() (ok, ordered bool) {
	return !q.limits, q.sink.sorted
}

// Push runs one batch of the query's only table through the operators.
// Calls for different workers may run concurrently; each worker pushes
// its batches one at a time. b stays owned by the caller (the engine does
// not Retain it, and keeps nothing from it after Push returns). After an
// error every Push returns it.
func (r *Run) Push(worker int, b arrow.RecordBatch) error {
	tables := r.q.Tables()
	if len(tables) == 0 {
		return nil // SELECT without FROM reads no batches
	}
	if len(tables) != 1 {
		return errors.New("engine: Push needs a query over exactly one table; this one reads " + strings.Join(tables, ", ") + " (use PushTable)")
	}
	return r.PushTable(worker, tables[0], b)
}

// PushRows is [Run.Push] for the rows of b listed in rows (ascending, each
// once): the query sees a batch of just those rows, and converts and
// filters nothing else. A rule set routes each hunt its candidate rows
// this way ([Gate.Rows]). rows stays the caller's and is not modified or
// kept; nil rows pushes the whole batch.
func (r *Run) PushRows(worker int, b arrow.RecordBatch, rows []int32) error {
	if len(r.q.scans) == 0 || slices.ContainsFunc(r.q.scans, func(s *opScan) bool { return s.table != r.q.scans[0].table }) {
		return r.Push(worker, b) // the same answer (or error) as Push
	}
	return r.pushTable(worker, r.q.scans[0].table, b, rows)
}

// PushTable is [Run.Push] for a query over several tables: b is a batch of
// table ("cloudtrail" or "vpc_flow").
func (r *Run) PushTable(worker int, table string, b arrow.RecordBatch) error {
	return r.pushTable(worker, table, b, nil)
}

// PushTableRows is [Run.PushRows] for a query over several tables: the
// rows of b, a batch of table, listed in rows.
func (r *Run) PushTableRows(worker int, table string, b arrow.RecordBatch, rows []int32) error {
	return r.pushTable(worker, table, b, rows)
}

// pushTable pushes rows of b (nil: all) into the scans of table.
func (r *Run) pushTable(worker int, table string, b arrow.RecordBatch, rows []int32) error {
	if r.failed.Load() {
		return r.firstErr()
	}
	if r.ctx.Err() != nil {
		return r.fail(context.Cause(r.ctx))
	}
	if worker < 0 || worker >= r.workers {
		return errors.New("engine: worker " + itoa(int64(worker)) + " out of range 0.." + itoa(int64(r.workers-1)))
	}
	if r.q.done.Load() || b.NumRows() == 0 || rows != nil && len(rows) == 0 {
		return nil
	}
	defer r.q.dropViews(worker) // keep nothing of b
	for _, s := range r.q.scans {
		if s.table != table || s.dead {
			continue
		}
		if s.flushed {
			return r.fail(errors.New("engine: a batch of " + table + " pushed after FinishTable"))
		}
		if err := s.pushRecord(worker, b, rows); err != nil {
			return r.fail(err)
		}
	}
	return nil
}

func (r *Run) fail(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
	r.failed.Store(true)
	return r.err
}

func (r *Run) firstErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Done reports that a LIMIT without ORDER BY has its rows: further pushes
// are ignored and the caller can stop reading.
func (r *Run) Done() bool { return r.q.done.Load() }

// Finish runs after every worker's last Push: it flushes the blocking
// operators (merging the workers' partial aggregates and top-N rows) and
// returns the result. Rows come in ORDER BY order; without ORDER BY they
// are sorted by every column in turn, so results do not depend on the
// number of workers.
func (r *Run) Finish() (*Result, error) {
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return nil, errors.New("engine: Finish called twice")
	}
	r.finished = true
	err := r.err
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if r.ctx.Err() != nil {
		return nil, context.Cause(r.ctx)
	}
	for _, s := range r.q.sources {
		if sc, ok := s.(*opScan); ok && sc.flushed {
			continue // FinishTable flushed it
		}
		if err := s.flush(); err != nil {
			return nil, err
		}
	}
	if r.ctx.Err() != nil {
		return nil, context.Cause(r.ctx) // the flush may have been cut short
	}
	res := &Result{Columns: slices.Clone(r.q.columns), cols: r.q.sink.out}
	for _, t := range r.q.types {
		res.Types = append(res.Types, t.name)
	}
	if res.cols == nil {
		res.cols = newColumns(r.q.types)
	}
	return res, nil
}
