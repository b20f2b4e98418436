package engine

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/parsers"
)

// ResolveTable maps a table name of a query to its table: a name of
// names (--table-name mappings), then a table's name or one of its
// [parsers.Table.AthenaNames] (so queries written for Athena run
// unchanged); nil when no table answers to it.
func ResolveTable(name string, names map[string]string) *parsers.Table {
	if m, ok := names[name]; ok {
		name = m
	}
	for _, t := range parsers.Tables {
		if t.Name == name || slices.Contains(t.AthenaNames, name) {
			return t
		}
	}
	return nil
}

// castOperand returns the tail of f, an operand of a set operation,
// followed when needed by a projection casting its columns to types.
func (c *compiler) castOperand(f *fragment, types []*dtype, pos int) (op, error) {
	tail := f.tail
	same := true
	for i, t := range f.types {
		same = same && t.k == types[i].k
	}
	if same {
		return tail, nil
	}
	proj := &opProject{}
	for i, t := range f.types {
		e, err := c.cast(&exprCol{t: t, slot: i}, types[i], false, pos)
		if err != nil {
			return nil, err
		}
		proj.exprs = append(proj.exprs, e)
	}
	c.add(proj)
	tail.setNext(proj)
	return proj, nil
}

// tableTypes caches [tableTypesOf] per table: a hunt run compiles
// hundreds of queries over the same tables, and a struct column's type
// (useridentity) is built anew by every fromArrow.
var tableTypes sync.Map // *parsers.Table → *relTypes

// relTypes are the SQL types of a table's columns and the columns SELECT
// * lists, in order; shared by every relation over the table, so never
// modified (a relation that adds names clones types first).
type relTypes struct {
	types map[string]*dtype
	order []string
}

// tableTypesOf returns the column types of table t, whose schema is
// schema ([tableSchema]).
func tableTypesOf(t *parsers.Table, schema *arrow.Schema) *relTypes {
	if tt, ok := tableTypes.Load(t); ok {
		return tt.(*relTypes)
	}
	tt := &relTypes{types: map[string]*dtype{}}
	for _, fl := range schema.Fields() {
		ft, ok := fromArrow(fl.Type)
		if !ok {
			continue
		}
		tt.types[fl.Name] = ft
		// SELECT * is the table's columns: not "$path" and the other
		// hidden columns, and not the partition columns the scan adds
		// only when named.
		if fl.Name != parsers.SourceColumn && !slices.Contains(t.Hidden, fl.Name) && t.PartitionNamed(fl.Name) == nil {
			tt.order = append(tt.order, fl.Name)
		}
	}
	v, _ := tableTypes.LoadOrStore(t, tt)
	return v.(*relTypes)
}

// tableSchemas caches [tableSchema] per table.
var tableSchemas sync.Map // *parsers.Table → *arrow.Schema

// tableSchema is the schema queries see of t: its columns, then its
// partition columns (varchar), as Athena's table has them.
func tableSchema(t *parsers.Table) *arrow.Schema {
	if s, ok := tableSchemas.Load(t); ok {
		return s.(*arrow.Schema)
	}
	fields := t.Schema.Fields()
	for _, p := range t.Partitions {
		var typ arrow.DataType = arrow.BinaryTypes.String
		if p.IsDate {
			typ = arrow.FixedWidthTypes.Date32
		}
		fields = append(fields, arrow.Field{Name: p.Name, Type: typ, Nullable: true})
	}
	for _, h := range t.Hidden {
		fields = append(fields, arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	md := t.Schema.Metadata()
	s, _ := tableSchemas.LoadOrStore(t, arrow.NewSchema(fields, &md))
	return s.(*arrow.Schema)
}

// unknownTable is the message for a table name no table answers to.
func unknownTable(found string) string {
	return "expected table " + strings.Join(parsers.TableNames(), " or ") + " (or a mapped name such as " + parsers.Tables[0].AthenaNames[0] + "), found " + quoteFound(found)
}

// Options configures [Compile]. The zero value is ready to use.
type Options struct {
	// Source names the query text in errors ("queries/x.sql"); "query" when empty.
	Source string
	// TableNames maps more table names to "cloudtrail" or "vpc_flow", on
	// top of each table's Athena names (e.g. the name of your Athena
	// table); see [ResolveTable].
	TableNames map[string]string
	// Now is the value of current_timestamp and now(); time.Now() when zero.
	Now time.Time
	// AggregateMemory bounds the estimated memory of the groups a GROUP BY
	// or DISTINCT keeps (all workers together); past it, rows spill to
	// temporary files in TempDir and are aggregated a partition at a
	// time. 0 means DefaultAggregateMemory, negative never spills.
	// Window functions and UNION/INTERSECT/EXCEPT buffer their rows
	// within the same bound and fail past it (they do not spill).
	AggregateMemory int64
	// MaxGroups, when positive, also bounds the number of groups kept
	// (tests use it to spill small inputs); negative never spills.
	MaxGroups int
	// TempDir is where aggregates spill; os.TempDir() when empty.
	TempDir string
	// ColumnNames maps other names of columns to the tables' own, for
	// queries written against tables whose partitions (or columns) are
	// named differently: {"date_partition": "timestamp"} (--column-name).
	// A name qualified by a table ("vpc_flow.date_partition": "day")
	// applies to that table only, and wins over the same name unqualified:
	// one team's tables may name both tables' partitions alike. A table's
	// own column of that name, if any, wins.
	ColumnNames map[string]string
	// Since and Until, when set, keep only the rows of each table read
	// whose event time (its [parsers.Table.TimeColumns]) falls in
	// [Since, Until): hunt's --since/--until. A row with a start and an
	// end (a flow) is kept when its span overlaps the window. Rows without
	// a time are dropped.
	Since, Until time.Time
	// MemoryPool, when set, replaces AggregateMemory with a budget shared
	// by the aggregates of every query compiled with the same pool.
	MemoryPool *MemoryPool
}

// newAggregate returns an aggregate with the options' memory bound.
func (c *compiler) newAggregate() *opAggregate {
	o := &opAggregate{}
	o.sp.pool = c.opts.MemoryPool
	if o.sp.pool == nil {
		o.sp.pool = NewMemoryPool(c.opts.AggregateMemory)
	}
	if c.opts.MaxGroups < 0 {
		o.sp.pool = NewMemoryPool(-1)
	}
	o.sp.maxGroups = int64(c.opts.MaxGroups)
	o.sp.dir = c.opts.TempDir
	return o
}

// compiler turns a Statement into linked operators.
type compiler struct {
	src       string
	opts      Options
	now       int64
	ctes      []map[string]*CTE          // innermost last
	cteEnv    map[*CTE][]map[string]*CTE // the CTEs each CTE's query sees
	scans     []*opScan
	ops       []op
	wheres    map[*opScan]expr // top-level WHERE of each scan's SELECT, for pruning
	limits    []*opLimit
	inTry     int           // inside try(): constant folding keeps failing expressions
	subq      map[Expr]expr // the answer column of each IN/EXISTS/scalar subquery (compile_join.go)
	joinWhere []Expr        // WHERE conjuncts the next inner join may use as keys (compile_join.go)
	pushed    map[Expr]bool // conjuncts a join below already filters its input with (compile_join.go)
}

func (c *compiler) errf(pos int, msg string) error {
	var class error
	if strings.Contains(msg, "--engine athena") {
		class = ErrUnsupported
	}
	return &lexError{pos: pos, msg: msg, class: class}
}

// maxOps caps the operators of one query, so repeated CTE expansion
// cannot blow up.
const maxOps = 10000

// scope is what names resolve against in one SELECT.
type scope struct {
	rels []*relation
	lay  *layout
	agg  *aggScope           // after GROUP BY: expressions resolve to keys and aggregates
	win  map[string]*exprCol // window call text → its result (see compileWindows)
	// params are the parameters of the lambdas around an expression
	// (see compileLambdaCall); they shadow columns.
	params map[string]*exprCol
}

// relation is one named input of FROM: a base table (columns resolved on
// demand into scan slots) or a subquery/UNNEST (fixed columns).
type relation struct {
	name  string
	what  string // for messages: "cloudtrail", "subquery s", "unnest u"
	scan  *opScan
	types map[string]*dtype // base table columns
	order []string          // base table column order (for *)
	cols  []relCol
	// rename maps other names of base table columns (Options.ColumnNames)
	// to the table's own.
	rename map[string]string
	// Joins (compile_join.go): maps route the relation's slots through
	// each enclosing join to the output; hidden are USING columns that
	// unqualified names and * take from the join instead; nullable marks
	// the NULL-supplying side of an outer join.
	maps     []*slotMap
	hidden   map[string]bool
	nullable bool
}

type relCol struct {
	name string
	t    *dtype
	slot int
	// For UNNEST of a base-table array of rows: the scan and the array's
	// path, and the row field this column is (or "" for the whole row), so
	// the projection can ask the reader for "resources.arn" only.
	scan  *opScan
	path  string
	field string
}

// aggScope resolves expressions after aggregation.
type aggScope struct {
	keys  map[string]int // canonical text of a GROUP BY expression → slot
	aggs  map[string]int // canonical text of an aggregate call → slot
	types []*dtype
	// order of the result lists of array_agg(DISTINCT x ORDER BY x), by slot.
	order map[int]*OrderItem
}

// fragment is a compiled query: the operator that emits its rows (its
// successor still to be set) and its output columns, which are the first
// len(names) slots of the chunks it emits.
type fragment struct {
	tail     op
	names    []string
	types    []*dtype
	width    int // slots of emitted chunks (output plus hidden sort keys)
	hasOrder bool
}

func (c *compiler) add(o op) op { c.ops = append(c.ops, o); return o }

func (c *compiler) lookupCTE(name string) *CTE {
	for i := len(c.ctes) - 1; i >= 0; i-- {
		if cte, ok := c.ctes[i][name]; ok {
			return cte
		}
	}
	return nil
}

// compileStatement compiles a full query.
func (c *compiler) compileStatement(q *Statement) (*fragment, error) {
	if q.Target != nil {
		return nil, c.targetError(q.Target)
	}
	if len(q.With) > 0 {
		// A CTE sees the CTEs before it (WITH is not RECURSIVE); the body
		// sees them all.
		saved := c.ctes
		defer func() { c.ctes = saved }()
		m := map[string]*CTE{}
		for _, cte := range q.With {
			if _, dup := m[cte.Name]; dup {
				return nil, c.errf(cte.pos, "expected a new CTE name, found "+quoteFound(cte.Name)+" a second time")
			}
			c.cteEnv[cte] = append(slices.Clone(saved), maps.Clone(m))
			m[cte.Name] = cte
		}
		c.ctes = append(slices.Clone(saved), m)
	}
	// OFFSET: the first Offset+Limit rows (in order, when ordered), then
	// opOffset drops Offset of them.
	limit := q.Limit
	if q.Offset > 0 && limit >= 0 {
		limit += q.Offset
	}
	var f *fragment
	var err error
	if sel, ok := q.Body.(*Select); ok {
		f, err = c.compileSelect(sel, q.OrderBy, limit)
	} else if f, err = c.compileSet(q.Body); err == nil {
		f, err = c.orderLimit(f, q.OrderBy, limit)
	}
	if err != nil || q.Offset == 0 {
		return f, err
	}
	return c.offset(f, q.Offset), nil
}

// compileSet compiles a UNION ALL tree or a parenthesized query.
func (c *compiler) compileSet(s SetExpr) (*fragment, error) {
	switch x := s.(type) {
	case *Select:
		return c.compileSelect(x, nil, -1)
	case *Statement:
		return c.compileStatement(x)
	case *Values:
		return c.compileValues(x)
	case *Union:
		if x.Op != "" {
			return c.compileSetOp(x)
		}
		var leaves []SetExpr
		var walk func(SetExpr)
		walk = func(s SetExpr) {
			if u, ok := s.(*Union); ok && u.Op == "" {
				walk(u.Left)
				walk(u.Right)
				return
			}
			leaves = append(leaves, s)
		}
		walk(x)
		u := &opUnion{branches: len(leaves)}
		c.add(u)
		var frags []*fragment
		for _, leaf := range leaves {
			f, err := c.compileSet(leaf)
			if err != nil {
				return nil, err
			}
			if len(frags) > 0 && len(f.names) != len(frags[0].names) {
				return nil, c.errf(leaf.Pos(), "expected "+itoa(int64(len(frags[0].names)))+" columns in each UNION ALL branch, found "+itoa(int64(len(f.names))))
			}
			frags = append(frags, f)
		}
		// Each column takes the common type of its branches; branches of
		// another type get a casting projection.
		types := make([]*dtype, len(frags[0].names))
		for i := range types {
			cols := make([]expr, len(frags))
			for k, f := range frags {
				cols[k] = &exprCol{t: f.types[i]}
			}
			t, err := c.commonType(cols, leaves[0].Pos())
			if err != nil {
				return nil, c.errf(x.pos, "expected column "+itoa(int64(i+1))+" of one type in every UNION ALL branch: "+err.Error())
			}
			if t.k == kNull {
				t = tString
			}
			types[i] = t
		}
		for k, f := range frags {
			tail, err := c.castOperand(f, types, leaves[k].Pos())
			if err != nil {
				return nil, err
			}
			tail.setNext(u)
		}
		return &fragment{tail: u, names: frags[0].names, types: types, width: len(types)}, nil
	}
	panic("BUG: unknown set expression")
}

// orderLimit applies ORDER BY (output names or ordinals only) and LIMIT
// to a UNION ALL or parenthesized query.
func (c *compiler) orderLimit(f *fragment, order []*OrderItem, limit int64) (*fragment, error) {
	if len(order) > 0 {
		var keys []sortKey
		for _, o := range order {
			slot := -1
			switch x := o.Expr.(type) {
			case *NumberLit:
				n, err := strconv.Atoi(x.Text)
				if err != nil || n < 1 || n > len(f.names) {
					return nil, c.errf(x.pos, "expected ORDER BY position between 1 and "+itoa(int64(len(f.names)))+", found "+x.Text)
				}
				slot = n - 1
			case *Ident:
				if len(x.Parts) == 1 {
					for i, name := range f.names {
						if name == x.Parts[0] {
							slot = i
							break
						}
					}
				}
			}
			if slot < 0 {
				return nil, c.errf(o.Expr.Pos(), "expected an output column name or position in ORDER BY of UNION ALL, found "+quoteFound(o.Expr.String()))
			}
			keys = append(keys, sortKey{col: slot, desc: o.Desc, nullsFirst: o.NullsFirst})
		}
		s := &opSort{keys: keys, limit: limit, types: f.types, texts: orderTexts(order)}
		c.add(s)
		f.tail.setNext(s)
		return &fragment{tail: s, names: f.names, types: f.types, width: len(f.names), hasOrder: true}, nil
	}
	if limit >= 0 {
		l := &opLimit{n: limit}
		c.add(l)
		c.limits = append(c.limits, l)
		f.tail.setNext(l)
		return &fragment{tail: l, names: f.names, types: f.types, width: f.width}, nil
	}
	return f, nil
}

// compileFrom compiles FROM into a scope and the operator chain so far.
func (c *compiler) compileFrom(f From, sc *scope) (op, error) {
	switch x := f.(type) {
	case *TableRef:
		if cte := c.lookupCTE(x.Name); cte != nil {
			alias := x.Alias
			if alias == "" {
				alias = x.Name
			}
			if len(c.ops) > maxOps {
				return nil, c.errf(x.pos, "expected a query of at most "+itoa(maxOps)+" operators, found more (CTEs are expanded at each use)")
			}
			saved := c.ctes
			c.ctes = c.cteEnv[cte]
			defer func() { c.ctes = saved }()
			return c.fromSubquery(cte.Query, alias, cte.Cols, "CTE "+cte.Name, sc, cte.pos)
		}
		tab := ResolveTable(x.Name, c.opts.TableNames)
		if tab == nil {
			return nil, c.errf(x.pos, unknownTable(x.Name))
		}
		name, schema := tab.Name, tableSchema(tab)
		scan := &opScan{table: name, tab: tab, schema: schema, lay: sc.lay, bySlot: map[string]int{}, unnestOnly: map[string]bool{}}
		c.add(scan)
		c.scans = append(c.scans, scan)
		tt := tableTypesOf(tab, schema)
		rel := &relation{name: x.Name, what: name, scan: scan, types: tt.types, order: tt.order}
		if x.Alias != "" {
			rel.name = x.Alias
		}
		for _, qualified := range []bool{false, true} {
			for other, own := range c.opts.ColumnNames {
				table, col, q := strings.Cut(other, ".")
				if q != qualified || q && table != name {
					continue
				}
				if !q {
					col = other
				}
				if t, ok := rel.types[own]; ok && (tt.types[col] == nil) {
					if rel.rename == nil {
						rel.rename = map[string]string{}
						rel.types = maps.Clone(rel.types) // the cached map is shared
					}
					rel.types[col], rel.rename[col] = t, own
				}
			}
		}
		sc.rels = append(sc.rels, rel)
		return c.eventWindow(scan, rel, sc)
	case *SubqueryRef:
		return c.fromSubquery(x.Query, x.Alias, x.Cols, "subquery", sc, x.pos)
	case *Join:
		return c.compileJoin(x, sc)
	case *UnnestJoin:
		var tail op
		if x.Left == nil {
			tail = c.add(&opValues{}) // UNNEST alone in FROM: over one row
		} else {
			var err error
			if tail, err = c.compileFrom(x.Left, sc); err != nil {
				return nil, err
			}
		}
		var baseScan *opScan
		var basePath string
		oldLen := sc.lay.n // slots allocated before: a path below it was read elsewhere
		if id, ok := x.Expr.(*Ident); ok {
			if e, err := c.resolveIdent(id, &scope{rels: sc.rels, lay: &layout{}}); err == nil {
				if col, ok := e.(*exprCol); ok && col.path != "" {
					for _, r := range sc.rels {
						if r.scan != nil && r.scan.bySlot[col.path] == col.slot {
							baseScan, basePath = r.scan, col.path
						}
					}
				}
			}
		}
		existed := baseScan != nil && baseScan.bySlot[basePath] < oldLen
		arr, err := c.compileExpr(x.Expr, sc)
		if err != nil {
			return nil, err
		}
		if baseScan != nil && arr.typ().k == kArray && arr.typ().elem.k == kStruct && !existed {
			baseScan.unnestOnly[basePath] = true
		} else {
			baseScan = nil
		}
		at := arr.typ()
		if at.k != kArray {
			return nil, c.errf(x.Expr.Pos(), "expected an array to UNNEST, found "+at.name)
		}
		text := (&UnnestJoin{Expr: x.Expr, Ordinality: x.Ordinality, Alias: x.Alias, Cols: x.Cols}).String()
		u := &opUnnest{x: arr, lay: sc.lay, elemType: at.elem, text: text, ordSlot: -1}
		rel := &relation{name: x.Alias, what: "unnest " + x.Alias}
		et := at.elem
		cols, ordName := x.Cols, "ordinality"
		if x.Ordinality && len(cols) > 0 {
			cols, ordName = cols[:len(cols)-1], cols[len(cols)-1]
		}
		switch {
		case et.k == kStruct && (len(cols) == len(et.fields) && len(et.fields) > 1 || len(cols) == 0 && len(et.fields) > 1):
			for i, fl := range et.fields {
				name := fl.name
				if len(cols) > 0 {
					name = cols[i]
				}
				slot := sc.lay.alloc()
				u.slots = append(u.slots, slot)
				u.fieldIdx = append(u.fieldIdx, i)
				u.fieldNames = append(u.fieldNames, fl.name)
				rel.cols = append(rel.cols, relCol{name: name, t: fl.t, slot: slot, scan: baseScan, path: basePath, field: fl.name})
			}
		case len(cols) <= 1:
			name := x.Alias
			if len(cols) == 1 {
				name = cols[0]
			}
			slot := sc.lay.alloc()
			u.slots = append(u.slots, slot)
			u.fieldIdx = append(u.fieldIdx, -1)
			u.fieldNames = append(u.fieldNames, "")
			rel.cols = append(rel.cols, relCol{name: name, t: et, slot: slot, scan: baseScan, path: basePath})
		default:
			want := "1 column alias or one per field of " + et.name
			if x.Ordinality {
				want += ", then one for the ordinality"
			}
			return nil, c.errf(x.pos, "expected "+want+", found "+itoa(int64(len(x.Cols))))
		}
		if x.Ordinality {
			u.ordSlot = sc.lay.alloc()
			rel.cols = append(rel.cols, relCol{name: ordName, t: tInt, slot: u.ordSlot})
		}
		c.add(u)
		tail.setNext(u)
		sc.rels = append(sc.rels, rel)
		return u, nil
	}
	panic("BUG: unknown FROM item")
}

func (c *compiler) fromSubquery(q *Statement, alias string, cols []string, what string, sc *scope, pos int) (op, error) {
	f, err := c.compileStatement(q)
	if err != nil {
		return nil, err
	}
	if cols != nil {
		if len(cols) != len(f.names) {
			return nil, c.errf(pos, "expected "+itoa(int64(len(f.names)))+" column aliases for "+quoteFound(alias)+" (its columns), found "+itoa(int64(len(cols))))
		}
		f.names = cols
	}
	sc.lay.n = f.width
	rel := &relation{name: alias, what: what}
	for i, name := range f.names {
		rel.cols = append(rel.cols, relCol{name: name, t: f.types[i], slot: i})
	}
	sc.rels = append(sc.rels, rel)
	return f.tail, nil
}

// splitAnd returns the conjuncts of e.
func splitAnd(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == "AND" {
		return append(splitAnd(b.L), splitAnd(b.R)...)
	}
	return []Expr{e}
}

// eventWindow filters the rows of scan, the base table of rel, to the
// event-time window of Options.Since and Until (when set), on the table's
// time columns: an event at or after Since and before Until; a row with a
// start and an end (a flow) when its span overlaps the window. It returns
// the operator the rest of the query chains to.
func (c *compiler) eventWindow(scan *opScan, rel *relation, sc *scope) (op, error) {
	since, until := c.opts.Since, c.opts.Until
	if since.IsZero() && until.IsZero() {
		return scan, nil
	}
	tab := scan.tab
	col := func(name string) Expr { return &Ident{Parts: []string{rel.name, name}} }
	first, last := tab.TimeColumns[0], tab.TimeColumns[len(tab.TimeColumns)-1]
	var conds []Expr
	bound := func(op, column string, t time.Time) {
		switch tab.TimeUnit {
		case parsers.TimeISO8601:
			conds = append(conds, &Binary{Op: op,
				L: &Call{Name: "from_iso8601_timestamp", Args: []Expr{col(column)}},
				R: &Call{Name: "from_iso8601_timestamp", Args: []Expr{&StringLit{Val: t.UTC().Format(time.RFC3339Nano)}}}})
		case parsers.TimeUnixSeconds:
			secs := t.Unix()
			if op == ">=" && t.Nanosecond() > 0 {
				secs++ // whole seconds: the first second at or after t
			}
			conds = append(conds, &Binary{Op: op, L: col(column), R: &NumberLit{Text: strconv.FormatInt(secs, 10)}})
		}
	}
	if !since.IsZero() {
		bound(">=", last, since)
	}
	if !until.IsZero() {
		bound("<", first, until)
	}
	w := &opWhere{}
	for _, cj := range conds {
		e, err := c.compileExpr(cj, sc)
		if err != nil {
			return nil, err
		}
		w.conds = append(w.conds, e)
		w.texts = append(w.texts, "event window: "+cj.String())
	}
	c.add(w)
	scan.setNext(w)
	return w, nil
}

// selectState is what the phases of compileSelect share.
type selectState struct {
	s     *Select
	order []*OrderItem // of the statement
	limit int64        // of the statement; -1 for none

	sc       *scope        // the relations of FROM
	tail     op            // the last operator so far
	items    []*SelectItem // the select list, stars expanded
	names    []string      // the output name of each item
	outScope *scope        // what items are compiled in: sc or the aggregate's output, then the windows'
	win      *opWindow     // the window functions, or nil
	proj     *opProject    // the items, then hidden ORDER BY keys
	types    []*dtype      // the type of each item
	keys     []sortKey     // ORDER BY
}

// compileSelect compiles one SELECT with the ORDER BY and LIMIT of its
// statement.
func (c *compiler) compileSelect(s *Select, order []*OrderItem, limit int64) (*fragment, error) {
	st := &selectState{s: s, order: order, limit: limit}
	if err := c.compileSelectFrom(st); err != nil {
		return nil, err
	}
	if err := c.expandSelectItems(st); err != nil {
		return nil, err
	}
	if err := c.compileSelectGroup(st); err != nil {
		return nil, err
	}
	if err := c.compileSelectWindows(st); err != nil {
		return nil, err
	}
	if err := c.compileSelectItems(st); err != nil {
		return nil, err
	}
	if err := c.compileSelectOrder(st); err != nil {
		return nil, err
	}
	return c.compileSelectOutput(st)
}

// compileSelectFrom compiles FROM (or one empty row without it), the
// subqueries and WHERE.
func (c *compiler) compileSelectFrom(st *selectState) error {
	s := st.s
	sc := &scope{lay: &layout{}}
	st.sc = sc
	var tail op
	if s.From != nil {
		var err error
		c.joinWhere = whereForJoin(s)
		tail, err = c.compileFrom(s.From, sc)
		if err != nil {
			return err
		}
	} else {
		// SELECT without FROM reads one empty row.
		v := &opValues{}
		c.add(v)
		tail = v
	}
	tail, err := c.compileSubqueries(s, st.order, sc, tail)
	if err != nil {
		return err
	}
	st.tail = tail
	if s.Where != nil {
		w := &opWhere{}
		var conds []expr
		var texts []string
		for _, cj := range splitAnd(s.Where) {
			e, err := c.compileExpr(cj, sc)
			if err != nil {
				return err
			}
			if e.typ().k != kBool && e.typ().k != kNull {
				return c.errf(cj.Pos(), "expected a boolean condition in WHERE, found "+e.typ().name)
			}
			if k, ok := e.(*exprConst); ok && !k.v.isNull(0) && k.v.b[0] {
				continue // WHERE TRUE
			}
			conds = append(conds, e)
			texts = append(texts, cj.String())
		}
		w.conds, w.texts = orderConjuncts(conds, texts)
		if len(w.conds) > 0 {
			c.add(w)
			st.tail.setNext(w)
			st.tail = w
			// The WHERE of a SELECT over one table (and the UNNESTs of
			// its rows) restricts that table's rows.
			var only *opScan
			for i, r := range sc.rels {
				if r.scan == nil && !strings.HasPrefix(r.what, "unnest ") || r.scan != nil && i > 0 {
					only = nil
					break
				}
				if r.scan != nil {
					only = r.scan
				}
			}
			if only != nil {
				c.wheres[only] = andAll(conds)
			}
			if err := c.joinPruning(s.Where, sc); err != nil {
				return err
			}
		}
	}
	return nil
}

// expandSelectItems expands stars into items and names them.
func (c *compiler) expandSelectItems(st *selectState) error {
	var items []*SelectItem
	for _, it := range st.s.Items {
		if !it.Star {
			items = append(items, it)
			continue
		}
		found := false
		for _, rel := range st.sc.rels {
			if it.Rel != "" && rel.name != it.Rel {
				continue
			}
			found = true
			if rel.scan != nil {
				for _, name := range rel.order {
					if rel.hidden[name] && it.Rel == "" {
						continue // the USING column, listed once
					}
					items = append(items, &SelectItem{Expr: &Ident{Parts: []string{rel.name, name}, pos: it.pos}, Alias: name, pos: it.pos})
				}
				continue
			}
			for _, col := range rel.cols {
				if rel.hidden[col.name] && it.Rel == "" {
					continue
				}
				items = append(items, &SelectItem{Expr: &Ident{Parts: []string{rel.name, col.name}, pos: it.pos}, Alias: col.name, pos: it.pos})
			}
		}
		if !found {
			return c.errf(it.pos, "expected a relation name before .*, found "+quoteFound(it.Rel))
		}
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = outputName(it, i)
	}
	st.items, st.names = items, names
	return nil
}

// compileSelectGroup compiles the aggregation: GROUP BY, the aggregate
// calls (of the items, HAVING and ORDER BY) and HAVING. Without any, the
// items are compiled in the scope of FROM.
func (c *compiler) compileSelectGroup(st *selectState) error {
	s, sc, items, names := st.s, st.sc, st.items, st.names
	var aggCalls []*Call
	seenAgg := map[string]bool{}
	for _, it := range items {
		collectAggs(it.Expr, &aggCalls, seenAgg)
	}
	if s.Having != nil {
		collectAggs(s.Having, &aggCalls, seenAgg)
	}
	for _, o := range st.order {
		collectAggs(o.Expr, &aggCalls, seenAgg)
	}
	st.outScope = sc
	if len(s.GroupBy) > 0 || len(aggCalls) > 0 {
		agg := c.newAggregate()
		as := &aggScope{keys: map[string]int{}, aggs: map[string]int{}}
		for _, g := range s.GroupBy {
			ge := g
			if n, ok := g.(*NumberLit); ok {
				k, err := strconv.Atoi(n.Text)
				if err != nil || k < 1 || k > len(items) {
					return c.errf(n.pos, "expected GROUP BY position between 1 and "+itoa(int64(len(items)))+", found "+n.Text)
				}
				ge = items[k-1].Expr
			} else if id, ok := g.(*Ident); ok && len(id.Parts) == 1 && !c.resolves(id, sc) {
				// GROUP BY an output alias (Athena users write it; Trino wants the expression).
				for i, it := range items {
					if names[i] == id.Parts[0] && it.Alias != "" {
						ge = it.Expr
					}
				}
			}
			if hasAgg(ge) {
				return c.errf(ge.Pos(), "expected a GROUP BY expression without aggregates, found "+quoteFound(ge.String()))
			}
			key := ge.String()
			if _, dup := as.keys[key]; dup {
				continue
			}
			e, err := c.compileExpr(ge, sc)
			if err != nil {
				return err
			}
			if e.typ().isComplex() {
				return c.errf(ge.Pos(), "expected a GROUP BY key of a scalar type, found "+e.typ().name)
			}
			agg.texts = append(agg.texts, key)
			as.keys[key] = len(agg.keys)
			as.types = append(as.types, e.typ())
			agg.keys = append(agg.keys, e)
		}
		for _, call := range aggCalls {
			ac, err := c.compileAgg(call, sc)
			if err != nil {
				return err
			}
			if call.Distinct && len(call.OrderBy) > 0 {
				if as.order == nil {
					as.order = map[int]*OrderItem{}
				}
				as.order[len(agg.keys)+len(agg.aggs)] = call.OrderBy[0]
			}
			as.aggs[call.String()] = len(agg.keys) + len(agg.aggs)
			agg.aggTexts = append(agg.aggTexts, call.String())
			agg.aggs = append(agg.aggs, ac)
		}
		for _, ac := range agg.aggs {
			as.types = append(as.types, ac.t)
		}
		c.add(agg)
		st.tail.setNext(agg)
		st.tail = agg
		st.outScope = &scope{lay: &layout{n: len(as.types)}, agg: as}
		if err := c.compileAggregatedSubqueries(st); err != nil {
			return err
		}
		if s.Having != nil {
			h, err := c.compileExpr(s.Having, st.outScope)
			if err != nil {
				return err
			}
			if h.typ().k != kBool {
				return c.errf(s.Having.Pos(), "expected a boolean condition in HAVING, found "+h.typ().name)
			}
			w := &opWhere{conds: []expr{h}, texts: []string{s.Having.String()}}
			agg.minRows, agg.rowsAgg = havingMinRows(agg, h)
			agg.dist = havingDistinct(agg, h)
			agg.sp.sum = havingSum(agg, h)
			c.add(w)
			st.tail.setNext(w)
			st.tail = w
		}
	} else if s.Having != nil {
		return c.errf(s.Having.Pos(), "expected GROUP BY or aggregates before HAVING, found none")
	}
	return nil
}

// compileSelectWindows compiles the window functions of the items and
// ORDER BY; after them the items are compiled in the window's scope.
func (c *compiler) compileSelectWindows(st *selectState) error {
	win, outScope, err := c.compileWindows(st.items, st.order, st.outScope)
	if err != nil {
		return err
	}
	st.win, st.outScope = win, outScope
	if win != nil {
		c.add(win)
		st.tail.setNext(win)
		st.tail = win
	}
	return nil
}

// compileSelectItems compiles the items into the projection.
func (c *compiler) compileSelectItems(st *selectState) error {
	proj := &opProject{}
	types := make([]*dtype, len(st.items))
	for i, it := range st.items {
		e, err := c.compileExpr(it.Expr, st.outScope)
		if err != nil {
			return err
		}
		proj.exprs = append(proj.exprs, e)
		proj.names = append(proj.names, st.names[i])
		types[i] = e.typ()
	}
	st.proj, st.types = proj, types
	return nil
}

// compileSelectOrder resolves the ORDER BY keys to projected columns: an
// item by position, output name or expression, else a hidden key added
// to the projection.
func (c *compiler) compileSelectOrder(st *selectState) error {
	s, sc, items, names, proj := st.s, st.sc, st.items, st.names, st.proj
	var keys []sortKey
	for _, o := range st.order {
		slot := -1
		switch x := o.Expr.(type) {
		case *NumberLit:
			n, err := strconv.Atoi(x.Text)
			if err != nil || n < 1 || n > len(items) {
				return c.errf(x.pos, "expected ORDER BY position between 1 and "+itoa(int64(len(items)))+", found "+x.Text)
			}
			slot = n - 1
		case *Ident:
			if len(x.Parts) == 1 {
				for i, name := range names {
					if name == x.Parts[0] && (items[i].Alias != "" || !c.resolves(x, sc) || items[i].Expr.String() == x.String()) {
						slot = i
						break
					}
				}
			}
		}
		if slot < 0 {
			for i, it := range items {
				if it.Expr.String() == o.Expr.String() {
					slot = i
					break
				}
			}
		}
		if slot < 0 {
			if s.Distinct {
				return c.errf(o.Expr.Pos(), "expected an ORDER BY expression from the select list of SELECT DISTINCT, found "+quoteFound(o.Expr.String()))
			}
			e, err := c.compileExpr(o.Expr, st.outScope)
			if err != nil {
				return err
			}
			slot = len(proj.exprs)
			proj.exprs = append(proj.exprs, e)
			proj.names = append(proj.names, "(sort key "+o.Expr.String()+")")
		}
		t := proj.exprs[slot].typ()
		if t.isComplex() {
			return c.errf(o.Expr.Pos(), "expected an ORDER BY key of a scalar type, found "+t.name)
		}
		keys = append(keys, sortKey{col: slot, desc: o.Desc, nullsFirst: o.NullsFirst})
	}
	st.keys = keys
	return nil
}

// compileSelectOutput adds the projection, SELECT DISTINCT and the sort
// or LIMIT, and returns the compiled SELECT.
func (c *compiler) compileSelectOutput(st *selectState) (*fragment, error) {
	s, proj, types, names, tail := st.s, st.proj, st.types, st.names, st.tail
	if st.win != nil {
		st.win.finish(st.outScope.lay.n)
	}
	c.add(proj)
	tail.setNext(proj)
	tail = proj
	allTypes := make([]*dtype, len(proj.exprs))
	for i, e := range proj.exprs {
		allTypes[i] = e.typ()
	}
	width := len(proj.exprs)
	if s.Distinct {
		d := c.newAggregate()
		for i, t := range types {
			if t.isComplex() {
				return nil, c.errf(st.items[i].pos, "expected SELECT DISTINCT columns of scalar types, found "+t.name)
			}
			d.keys = append(d.keys, &exprCol{t: t, slot: i})
			d.texts = append(d.texts, names[i])
		}
		c.add(d)
		tail.setNext(d)
		tail = d
	}
	f := &fragment{tail: tail, names: names, types: types, width: width}
	if len(st.keys) > 0 {
		srt := &opSort{keys: st.keys, limit: st.limit, types: allTypes, texts: orderTexts(st.order)}
		c.add(srt)
		tail.setNext(srt)
		f.tail = srt
		f.hasOrder = true
		return f, nil
	}
	if st.limit >= 0 {
		l := &opLimit{n: st.limit}
		c.add(l)
		c.limits = append(c.limits, l)
		tail.setNext(l)
		f.tail = l
	}
	return f, nil
}

// orderConjuncts evaluates cheap conjuncts first: comparisons of a column
// with a constant, then the rest in query order.
func orderConjuncts(conds []expr, texts []string) ([]expr, []string) {
	var cheap, rest []expr
	var cheapT, restT []string
	for i, e := range conds {
		if isCheap(e) {
			cheap, cheapT = append(cheap, e), append(cheapT, texts[i])
		} else {
			rest, restT = append(rest, e), append(restT, texts[i])
		}
	}
	return append(cheap, rest...), append(cheapT, restT...)
}

// isCheap reports predicates evaluated once per dictionary entry or as a
// plain column-against-constant loop.
func isCheap(e expr) bool {
	switch x := e.(type) {
	case *exprCmp:
		_, lc := x.l.(*exprCol)
		_, rk := x.r.(*exprConst)
		return lc && rk
	case *exprIsNull:
		_, ok := x.x.(*exprCol)
		return ok
	case *exprFunc:
		// IN, LIKE and functions of one dictionary column.
		if len(x.args) == 1 {
			col, ok := x.args[0].(*exprCol)
			return ok && col.dict
		}
	}
	return false
}

// isDictPath reports whether the column at path is dictionary-encoded in
// the table schema.
func isDictPath(schema *arrow.Schema, path []string) bool {
	fi := schema.FieldIndices(path[0])
	if len(fi) == 0 {
		return false
	}
	t := schema.Field(fi[0]).Type
	for _, name := range path[1:] {
		st, ok := t.(*arrow.StructType)
		if !ok {
			return false
		}
		f, ok := st.FieldByName(name)
		if !ok {
			return false
		}
		t = f.Type
	}
	_, ok := t.(*arrow.DictionaryType)
	return ok
}

func andAll(conds []expr) expr {
	if len(conds) == 0 {
		return nil
	}
	e := conds[0]
	for _, x := range conds[1:] {
		e = &exprAnd{l: e, r: x}
	}
	return e
}

// outputName is the column name Trino gives a select item.
func outputName(it *SelectItem, i int) string {
	if it.Alias != "" {
		return it.Alias
	}
	switch x := it.Expr.(type) {
	case *Ident:
		return x.Parts[len(x.Parts)-1]
	case *Deref:
		return x.Field
	}
	return "_col" + strconv.Itoa(i)
}

// resolves reports whether id names a column in sc.
func (c *compiler) resolves(id *Ident, sc *scope) bool {
	_, err := c.resolveIdent(id, &scope{rels: sc.rels, lay: &layout{n: 1 << 30}})
	return err == nil
}

// opValues emits constant rows: one row with no columns for SELECT
// without FROM, or the rows of VALUES (cols, n rows), a chunk of at most
// BatchRows rows at a time.
type opValues struct {
	base
	cols []*column // nil: one row with no columns
	n    int
}

func (o *opValues) start(int)                  {}
func (o *opValues) push(w int, c *chunk) error { panic("BUG: push into values") }

func (o *opValues) explain() string {
	if o.cols == nil {
		return "values (1 row)"
	}
	return "values (" + itoa(int64(o.n)) + " rows)"
}

func (o *opValues) flush() error {
	if o.cols == nil {
		var a arena
		var ch chunk
		ch.reset(0, &a)
		ch.n = 1
		if err := o.next.push(0, &ch); err != nil {
			return err
		}
		return o.next.flush()
	}
	for lo := 0; lo < o.n; lo += BatchRows {
		if err := emitRange(o.next, o.cols, lo, min(lo+BatchRows, o.n)); err != nil {
			return err
		}
	}
	return o.next.flush()
}

// compileValues compiles VALUES: each column takes the common type of its
// rows' values, which must be constants (they are evaluated here, once).
func (c *compiler) compileValues(v *Values) (*fragment, error) {
	ncol := len(v.Rows[0])
	cells := make([][]expr, ncol) // per column, per row
	for _, row := range v.Rows {
		if len(row) != ncol {
			return nil, c.errf(row[0].Pos(), "expected "+itoa(int64(ncol))+" values in each VALUES row, found "+itoa(int64(len(row))))
		}
		for j, e := range row {
			x, err := c.compileExpr(e, &scope{lay: &layout{}})
			if err != nil {
				return nil, err
			}
			cells[j] = append(cells[j], x)
		}
	}
	o := &opValues{n: len(v.Rows)}
	f := &fragment{tail: o, width: ncol}
	for j, col := range cells {
		t, err := c.commonType(col, v.pos)
		if err != nil {
			return nil, c.errf(v.pos, "expected column "+itoa(int64(j+1))+" of one type in every VALUES row: "+err.Error())
		}
		if t.k == kNull {
			t = tString
		}
		out := newColumn(t)
		for r, x := range col {
			pos := v.Rows[r][j].Pos()
			if x, err = c.cast(x, t, false, pos); err == nil {
				x, err = c.fold(x, pos)
			}
			if err != nil {
				return nil, err
			}
			k, ok := x.(*exprConst)
			if !ok {
				return nil, c.errf(pos, "expected a constant in VALUES, found "+quoteFound(v.Rows[r][j].String()))
			}
			out.appendVec(k.v, nil, 1)
		}
		o.cols = append(o.cols, out)
		f.names = append(f.names, "_col"+itoa(int64(j)))
		f.types = append(f.types, t)
	}
	c.add(o)
	return f, nil
}

// aggregates are the aggregate functions the engine runs.
var aggregates = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true, "arbitrary": true, "any_value": true,
	"approx_distinct": true, "min_by": true, "max_by": true, "array_agg": true, "count_if": true,
	"bool_and": true, "bool_or": true, "every": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true,
}

func hasAgg(e Expr) bool {
	var calls []*Call
	collectAggs(e, &calls, map[string]bool{})
	return len(calls) > 0
}

// collectAggs appends the aggregate calls in e (not descending into them).
func collectAggs(e Expr, out *[]*Call, seen map[string]bool) {
	if e == nil {
		return
	}
	switch x := e.(type) {
	case *Call:
		if x.Over != nil {
			// A window call is computed after aggregation; its arguments
			// and keys may hold aggregates.
			for _, a := range x.Args {
				collectAggs(a, out, seen)
			}
			for _, p := range x.Over.PartitionBy {
				collectAggs(p, out, seen)
			}
			for _, o := range x.Over.OrderBy {
				collectAggs(o.Expr, out, seen)
			}
			collectAggs(x.Filter, out, seen)
			return
		}
		if aggregates[x.Name] || athenaAggregates[x.Name] {
			if k := x.String(); !seen[k] {
				seen[k] = true
				*out = append(*out, x)
			}
			return
		}
		for _, a := range x.Args {
			collectAggs(a, out, seen)
		}
	case *Binary:
		collectAggs(x.L, out, seen)
		collectAggs(x.R, out, seen)
	case *Unary:
		collectAggs(x.X, out, seen)
	case *Not:
		collectAggs(x.X, out, seen)
	case *Between:
		collectAggs(x.X, out, seen)
		collectAggs(x.Lo, out, seen)
		collectAggs(x.Hi, out, seen)
	case *InSubquery:
		collectAggs(x.X, out, seen) // the value; the subquery has its own
	case *In:
		collectAggs(x.X, out, seen)
		for _, a := range x.List {
			collectAggs(a, out, seen)
		}
	case *Like:
		collectAggs(x.X, out, seen)
		collectAggs(x.Pattern, out, seen)
	case *IsNull:
		collectAggs(x.X, out, seen)
	case *Case:
		collectAggs(x.Operand, out, seen)
		for _, w := range x.Whens {
			collectAggs(w.Cond, out, seen)
			collectAggs(w.Result, out, seen)
		}
		collectAggs(x.Else, out, seen)
	case *Cast:
		collectAggs(x.X, out, seen)
	case *Subscript:
		collectAggs(x.X, out, seen)
		collectAggs(x.Index, out, seen)
	case *Deref:
		collectAggs(x.X, out, seen)
	}
}

// compileAgg compiles an aggregate call's arguments in the FROM scope.
func (c *compiler) compileAgg(call *Call, sc *scope) (*aggCall, error) {
	name := call.Name
	if athenaAggregates[name] {
		return nil, c.errf(call.pos, "aggregate function "+name+" is not supported by the local engine; run the query with --engine athena")
	}
	ac := &aggCall{name: name, star: call.Star, where: c.whereExpr(call.pos, call.String())}
	var filter expr // array_agg's FILTER condition
	for _, a := range call.Args {
		if hasAgg(a) {
			return nil, c.errf(a.Pos(), "expected an argument without aggregates (aggregates cannot nest), found "+quoteFound(a.String()))
		}
		e, err := c.compileExpr(a, sc)
		if err != nil {
			return nil, err
		}
		ac.args = append(ac.args, e)
		ac.argTypes = append(ac.argTypes, e.typ())
	}
	if call.Filter != nil {
		// agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END): every
		// aggregate skips NULLs, and count(*) becomes count(CASE WHEN c THEN 1 END).
		if hasAgg(call.Filter) {
			return nil, c.errf(call.Filter.Pos(), "expected a FILTER condition without aggregates, found "+quoteFound(call.Filter.String()))
		}
		cond, err := c.compileBool(call.Filter, sc, "FILTER")
		if err != nil {
			return nil, err
		}
		if call.Star {
			ac.star = false
			ac.args = []expr{&exprConst{v: intConst(1)}}
			ac.argTypes = []*dtype{tInt}
		}
		k := len(ac.args) - 1 // min_by/max_by: the ordering argument
		if name == "array_agg" {
			// array_agg keeps NULLs: the rows the FILTER drops must not
			// reach it (the condition becomes its last argument).
			filter = cond
		} else if len(ac.args) > 0 {
			x := ac.args[k]
			ce := &exprCase{t: x.typ(), conds: []expr{cond}, vals: []expr{x}}
			if x.typ().k == kNull {
				ce.t = tNull
			}
			ac.args[k] = ce
		}
	}
	want := 1
	if call.Star && call.Filter != nil {
		want = 1
	}
	switch name {
	case "min_by", "max_by":
		want = 2
	case "count":
		if call.Star && call.Filter == nil {
			want = 0
		}
	}
	if call.Star && name != "count" {
		return nil, c.errf(call.pos, "expected arguments to "+name+", found *")
	}
	if len(ac.args) != want {
		return nil, c.errf(call.pos, "expected "+itoa(int64(want))+" arguments to "+name+", found "+itoa(int64(len(ac.args))))
	}
	if call.Distinct {
		switch name {
		case "count":
			ac.name = "count_distinct"
		case "array_agg":
			ac.name = "array_agg_distinct"
		case "min", "max", "approx_distinct", "arbitrary", "bool_and", "bool_or", "every":
		default:
			return nil, c.errf(call.pos, name+"(DISTINCT ...) is not supported by the local engine; run the query with --engine athena")
		}
	}
	var t0 *dtype
	if len(ac.argTypes) > 0 {
		t0 = ac.argTypes[0]
	}
	scalarArg := func() error {
		if t0.isComplex() {
			return c.errf(call.Args[0].Pos(), "expected a scalar argument to "+name+", found "+t0.name)
		}
		return nil
	}
	switch ac.name {
	case "count", "count_distinct", "approx_distinct":
		ac.t = tInt
		if ac.name != "count" {
			if err := scalarArg(); err != nil {
				return nil, err
			}
		}
	case "count_if":
		if t0.k != kBool {
			return nil, c.errf(call.Args[0].Pos(), "expected a boolean argument to count_if, found "+t0.name)
		}
		// count_if(c) is count(CASE WHEN c THEN 1 END).
		ac.name = "count"
		ac.args[0] = &exprCase{t: tInt, conds: []expr{ac.args[0]}, vals: []expr{&exprConst{v: intConst(1)}}}
		ac.t = tInt
	case "bool_and", "bool_or", "every":
		if t0.k != kBool && t0.k != kNull {
			return nil, c.errf(call.Args[0].Pos(), "expected a boolean argument to "+name+", found "+t0.name)
		}
		// Over booleans (false < true, NULLs skipped, NULL when none)
		// bool_or is max, bool_and and every are min.
		if t0.k == kNull {
			ac.args[0] = &exprConst{v: constVec(tBool, true)}
		}
		ac.name, ac.t = "min", tBool
		if name == "bool_or" {
			ac.name = "max"
		}
	case "sum", "avg", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		if !t0.isNumeric() && t0.k != kNull {
			return nil, c.errf(call.Args[0].Pos(), "expected a numeric argument to "+name+", found "+t0.name)
		}
		ac.t = tDouble
		if name == "sum" && t0.k == kInt {
			ac.t = tInt
		}
		if t0.k == kNull {
			ac.args[0] = &exprConst{v: constVec(tDouble, true)}
		}
	case "min", "max", "arbitrary", "any_value":
		if err := scalarArg(); err != nil {
			return nil, err
		}
		ac.name = map[string]string{"min": "min", "max": "max", "arbitrary": "arbitrary", "any_value": "arbitrary"}[ac.name]
		ac.t = t0
	case "min_by", "max_by":
		if ac.argTypes[1].isComplex() || ac.argTypes[1].k == kBool {
			return nil, c.errf(call.Args[1].Pos(), "expected an orderable second argument to "+name+", found "+ac.argTypes[1].name)
		}
		ac.t = t0
	case "array_agg", "array_agg_distinct":
		ac.t = arrayOf(t0)
	}
	if len(call.OrderBy) > 0 {
		var err error
		if ac, err = c.aggOrderBy(call, ac, sc); err != nil {
			return nil, err
		}
	}
	if filter != nil {
		ac.args = append(ac.args, filter)
		ac.argTypes = append(ac.argTypes, tBool)
		ac.filtered = true
	}
	return ac, nil
}

func intConst(v int64) *vec {
	k := constVec(tInt, false)
	k.i[0] = v
	return k
}

func floatConst(v float64) *vec {
	k := constVec(tDouble, false)
	k.f[0] = v
	return k
}

func strConst(s string) *vec {
	k := constVec(tString, false)
	k.s[0] = s
	return k
}

func boolConst(b bool) *vec {
	k := constVec(tBool, false)
	k.b[0] = b
	return k
}

func tsConst(t *dtype, us int64) *vec {
	k := constVec(t, false)
	k.i[0] = us
	return k
}

// resolveIdent resolves a (dotted) name: rel.col.field..., col.field...
func (c *compiler) resolveIdent(id *Ident, sc *scope) (expr, error) {
	parts := id.Parts
	var rel *relation
	var rest []string
	if len(parts) > 1 {
		for _, r := range sc.rels {
			if r.name == parts[0] && r.has(parts[1]) {
				rel, rest = r, parts[1:]
				break
			}
		}
	}
	if rel == nil {
		for _, r := range sc.rels {
			if r.has(parts[0]) && !r.hidden[parts[0]] {
				if rel != nil {
					return nil, c.errf(id.pos, "expected an unambiguous column, found "+quoteFound(parts[0])+" in both "+rel.what+" and "+r.what)
				}
				rel, rest = r, parts
			}
		}
	}
	if rel == nil {
		var where []string
		for _, r := range sc.rels {
			where = append(where, r.what)
		}
		if len(where) == 0 {
			return nil, c.errf(id.pos, "expected an expression without columns (there is no FROM), found "+quoteFound(id.String()))
		}
		return nil, c.errf(id.pos, "expected a column of "+strings.Join(where, ", ")+", found "+quoteFound(id.String()))
	}
	pos := id.pos
	if rel.scan != nil {
		t := rel.types[rest[0]]
		path := rest[0]
		if own, ok := rel.rename[path]; ok {
			path = own
		}
		for _, f := range rest[1:] {
			if t.k != kStruct {
				return nil, c.errf(pos, "expected a struct before ."+f+", found "+path+" of type "+t.name)
			}
			_, ft := t.fieldByName(f)
			if ft == nil {
				return nil, c.errf(pos, "expected a field of "+path+", found "+quoteFound(f))
			}
			path += "." + f
			t = ft
		}
		if _, ok := rel.scan.unnestOnly[path]; ok {
			rel.scan.unnestOnly[path] = false // read whole outside UNNEST too
		}
		return &exprCol{t: t, slot: rel.mapSlot(rel.scan.slot(path), t), path: path, dict: isDictPath(rel.scan.schema, rest)}, nil
	}
	var col relCol
	for _, rc := range rel.cols {
		if rc.name == rest[0] {
			col = rc
			break
		}
	}
	if col.scan != nil {
		// A column of an UNNESTed base-table array: project only the row
		// fields the query reads.
		switch {
		case col.field != "":
			col.scan.addSubpath(col.path + "." + col.field)
		case len(rest) > 1:
			col.scan.addSubpath(col.path + "." + rest[1])
		default:
			col.scan.unnestOnly[col.path] = false // the whole row is read
		}
	}
	var e expr = &exprCol{t: col.t, slot: rel.mapSlot(col.slot, col.t)}
	for _, f := range rest[1:] {
		fe, err := c.field(e, f, pos)
		if err != nil {
			return nil, err
		}
		e = fe
	}
	return e, nil
}

func (r *relation) has(name string) bool {
	if r.scan != nil {
		_, ok := r.types[name]
		return ok
	}
	for _, c := range r.cols {
		if c.name == name {
			return true
		}
	}
	return false
}

func (c *compiler) field(e expr, f string, pos int) (expr, error) {
	t := e.typ()
	if t.k != kStruct {
		return nil, c.errf(pos, "expected a struct before ."+f+", found "+t.name)
	}
	i, ft := t.fieldByName(f)
	if ft == nil {
		return nil, c.errf(pos, "expected a field of "+t.name+", found "+quoteFound(f))
	}
	return &exprField{t: ft, x: e, idx: i, name: f}, nil
}

// parseNumber parses a numeric literal: integers are bigint, the rest double.
func (c *compiler) parseNumber(n *NumberLit) (expr, error) {
	if !strings.ContainsAny(n.Text, ".eE") {
		v, err := strconv.ParseInt(n.Text, 10, 64)
		if err == nil {
			return &exprConst{v: intConst(v)}, nil
		}
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, c.errf(n.pos, "expected a number in range, found "+n.Text)
	}
	return &exprConst{v: floatConst(f)}, nil
}

func orderTexts(order []*OrderItem) []string {
	out := make([]string, len(order))
	for i, o := range order {
		out[i] = o.String()
	}
	return out
}
