package engine

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/parsers"
)

// Athena pushdown, part 1: the SQL sent to Athena. The query is parsed
// and rewritten on its AST, so String() prints exactly what is sent:
//
//   - each table name (cloudtrail, cloudtrail_logs, a --table-name mapping)
//     becomes the configured Athena table, database-qualified; a table
//     written without an alias keeps its written name as alias, so
//     qualified columns (cloudtrail.eventname) still resolve;
//   - each SELECT that reads a table gets partition predicates ANDed to its
//     WHERE: the time range, accounts and regions its own WHERE implies
//     (the same pruning facts the local engine gives the archive), narrowed
//     by the caller's extra facts (--since/--until/--account/--region).
//
// For example, with the default tables:
//
//	SELECT eventname FROM cloudtrail WHERE eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'eu-west-1'
//
// is sent as
//
//	SELECT eventname FROM hunt.cloudtrail_logs AS cloudtrail
//	WHERE eventtime >= '2024-03-18T00:00:00Z' AND awsregion = 'eu-west-1'
//	  AND cloudtrail.region = 'eu-west-1' AND cloudtrail.timestamp >= '2024/03/18'

// AthenaTable is the Athena table a hunt table ("cloudtrail", "vpc_flow")
// maps to, and the partition columns the rewrite may restrict.
type AthenaTable struct {
	// Database qualifies the table name; "" leaves it to the query's
	// default database.
	Database string
	// Name is the Athena table name, e.g. "cloudtrail_logs".
	Name string
	// Partitions names the table's partition columns.
	Partitions AthenaPartitions
	// Columns are the data columns the table declares, when it declares
	// fewer than the local table has (a text flow-log table declares the
	// fields of its format, in order); nil means every local column.
	Columns []string
}

// CheckAthenaColumns reports a column q reads that the Athena table of
// its table does not declare, before Athena bills a query that would fail
// (or, for a text flow-log table, read another field's values): e.g.
// pkt_srcaddr from a table made for the 14 default fields.
func CheckAthenaColumns(q *Query, tables map[string]AthenaTable) error {
	for _, t := range q.Tables() {
		at, ok := tables[t]
		if !ok || at.Columns == nil {
			continue
		}
		p := at.Partitions
		for _, path := range q.Columns(t) {
			col, _, _ := strings.Cut(path, ".")
			if col == parsers.SourceColumn || slices.Contains(at.Columns, col) ||
				col == p.Account || col == p.Region || (col == p.Date && col != "") ||
				(p.HiveDate && (col == "year" || col == "month" || col == "day" || col == "hour")) {
				continue
			}
			return errors.New("column " + quoteFound(col) + " of " + t + " is not in the Athena table " + at.Name +
				", which declares " + itoa(int64(len(at.Columns))) + " columns (" + strings.Join(at.Columns, ", ") +
				"): make the table for your logs' format (hunt athena ddl --format or --from) and pass the same format with --athena-flow-format")
		}
	}
	return nil
}

// AthenaPartitions names the partition columns of an Athena table. An empty
// name means the table has no such partition, and no predicate is added
// for it. Date partitions hold delivery dates (folder dates), which are never
// before the events they hold: the lower bound is the first event time's
// date, the upper bound the last event time plus [AthenaDeliveryMargin].
type AthenaPartitions struct {
	// Account is the partition holding the account ID of the S3 folder
	// (cloudtrail: recipientaccountid; vpc_flow: account_id).
	Account string
	// Region is the partition holding the region of the S3 folder
	// (cloudtrail: awsregion; vpc_flow: region).
	Region string
	// Date is a string partition holding the delivery date formatted with
	// DateFormat, as partition projection's date type does ("timestamp"
	// with "yyyy/MM/dd" for CloudTrail, "day" or "hour" for flow logs).
	Date string
	// DateFormat is the projection's Java date format: any of yyyy, MM,
	// dd, HH and literal separators. Zero-padded fields in that order
	// compare as strings in time order, which the predicate relies on.
	DateFormat string
	// HiveDate means Hive-style year, month and day string partitions
	// ("year=2024/month=03/day=18") instead of Date.
	HiveDate bool
	// DeliveryLag widens the upper date bound when the table's files
	// arrive later than [AthenaDeliveryMargin] (GuardDuty exports); 0
	// means the margin.
	DeliveryLag time.Duration
}

// AthenaDeliveryMargin is how long after an event its log file may still
// be delivered into a later-dated folder; it widens the upper bound of date
// partition predicates, as archive.DefaultMargin does for S3 listing.
const AthenaDeliveryMargin = time.Hour

// DefaultAthenaTables returns the tables `hunt athena ddl` creates in
// database, one per table of [parsers.Tables] under its first Athena name
// with its default partitions (see [AthenaDDLOf]): cloudtrail_logs
// partitioned by account, region and timestamp (yyyy/MM/dd), and
// vpc_flow_logs partitioned by aws-account-id, aws-region and day
// (yyyy/MM/dd).
func DefaultAthenaTables(database string) map[string]AthenaTable {
	m := map[string]AthenaTable{}
	for _, t := range parsers.Tables {
		if d, ok := athenaDDLs[t.Name]; ok {
			at := AthenaTable{Database: database, Name: t.AthenaNames[0], Partitions: d.partitions()}
			if t.Name == parsers.VPCFlow.Name {
				at.Columns, _ = FlowColumns(FlowLayout{}) // the default text format's 14 fields
			}
			m[t.Name] = at
		}
	}
	return m
}

// athenaLacks lists functions the local engine runs that Athena does not
// have: the local extensions (func_policy.go). Using one with --engine
// athena is an error naming the function.
var athenaLacks = map[string]bool{"policy_principals": true, "policy_external_principals": true}

// AthenaSQL rewrites sql for Athena (see the package comment above):
// table names mapped through opts.TableNames and [ResolveTable] to
// tables, and partition predicates added from each SELECT's pruning facts
// narrowed by extra. A hunt table missing from tables is an error, and so is
// a function Athena lacks. Errors are positioned in sql.
func AthenaSQL(sql string, opts Options, tables map[string]AthenaTable, extra Pruning) (string, error) {
	source := opts.Source
	if source == "" {
		source = "query"
	}
	stmt, err := ParseSource(source, sql)
	if err != nil {
		return "", err
	}
	if err := checkFuncs(stmt, athenaLacks, "Athena", "local"); err != nil {
		return "", positioned(source, sql, err)
	}
	w := &athenaRewriter{opts: opts, tables: namedPartitions(tables, opts.ColumnNames), extra: extra, src: strings.ToLower(sql)}
	if err := w.stmt(stmt); err != nil {
		return "", positioned(source, sql, err)
	}
	out := stmt.String()
	for ph, name := range w.names {
		out = strings.ReplaceAll(out, ph, name)
	}
	return out, nil
}

// namedPartitions renames each table's partition columns to the names
// the query reads them by (Options.ColumnNames: a team's date_partition
// for hunt's timestamp, vpc_flow.date_partition for day), so the
// partition predicates AthenaSQL adds name the team's table's columns. A
// name qualified by the table wins over the same name unqualified.
func namedPartitions(tables map[string]AthenaTable, names map[string]string) map[string]AthenaTable {
	if len(names) == 0 {
		return tables
	}
	out := maps.Clone(tables)
	for table, at := range out {
		p := &at.Partitions
		for _, n := range []*string{&p.Account, &p.Region, &p.Date} {
			own := *n
			if own == "" {
				continue
			}
			for other, to := range names {
				if to != own {
					continue
				}
				t, col, qualified := strings.Cut(other, ".")
				if qualified && t == table {
					*n = col
					break
				}
				if !qualified {
					*n = other
				}
			}
		}
		out[table] = at
	}
	return out
}

// LocalUnsupported returns the functions of stmt that only Athena runs
// (sorted, deduplicated): a query using one cannot run locally.
func LocalUnsupported(stmt *Statement) []string {
	var out []string
	walkStatement(stmt, func(e Expr) {
		if c, ok := e.(*Call); ok && (athenaFuncs[c.Name] || athenaAggregates[c.Name]) && !slices.Contains(out, c.Name) {
			out = append(out, c.Name)
		}
	})
	slices.Sort(out)
	return out
}

// checkFuncs reports the first call of a function in lacks: "function x is
// not supported by <engine>; run the query with --engine <other>".
func checkFuncs(stmt *Statement, lacks map[string]bool, engine, other string) error {
	var err error
	walkStatement(stmt, func(e Expr) {
		if c, ok := e.(*Call); ok && err == nil && lacks[c.Name] {
			err = &lexError{pos: c.pos, msg: "function " + c.Name + " is not supported by " + engine + "; run the query with --engine " + other}
		}
	})
	return err
}

// athenaRewriter rewrites one statement in place.
type athenaRewriter struct {
	opts   Options
	tables map[string]AthenaTable
	extra  Pruning
	src    string            // lower-cased query text, to keep placeholders unique
	ctes   []map[string]bool // CTE names in scope, innermost last
	names  map[string]string // placeholder table name → qualified Athena name
}

func (w *athenaRewriter) isCTE(name string) bool {
	for i := len(w.ctes) - 1; i >= 0; i-- {
		if w.ctes[i][name] {
			return true
		}
	}
	return false
}

func (w *athenaRewriter) stmt(q *Statement) error {
	if len(q.With) > 0 {
		// A CTE sees the CTEs before it; the body sees them all.
		scope := map[string]bool{}
		w.ctes = append(w.ctes, scope)
		defer func() { w.ctes = w.ctes[:len(w.ctes)-1] }()
		for _, c := range q.With {
			if err := w.stmt(c.Query); err != nil {
				return err
			}
			scope[c.Name] = true
		}
	}
	return w.set(q.Body)
}

func (w *athenaRewriter) set(s SetExpr) error {
	switch x := s.(type) {
	case *Select:
		return w.sel(x)
	case *Union:
		if err := w.set(x.Left); err != nil {
			return err
		}
		return w.set(x.Right)
	case *Statement:
		return w.stmt(x)
	}
	return nil
}

// sel rewrites one SELECT: subqueries in FROM first, then its own table.
func (w *athenaRewriter) sel(s *Select) error {
	for _, q := range selectSubqueries(s) {
		if err := w.stmt(q); err != nil {
			return err
		}
	}
	ref, err := w.baseTable(s.From)
	if err != nil {
		return err
	}
	if ref == nil || w.isCTE(ref.Name) {
		return nil
	}
	tab := ResolveTable(ref.Name, w.opts.TableNames)
	if tab == nil {
		return &lexError{pos: ref.pos, msg: unknownTable(ref.Name)}
	}
	table := tab.Name
	at, ok := w.tables[table]
	if !ok || at.Name == "" {
		return &lexError{pos: ref.pos, msg: "expected an Athena table for " + table + ", found none configured"}
	}
	rel := ref.Alias
	if rel == "" {
		rel = ref.Name
	}
	p := andPruning(w.selectPruning(s, table, rel), w.extra)
	for _, pred := range partitionPredicates(at.Partitions, rel, p) {
		if s.Where == nil {
			s.Where = pred
		} else {
			s.Where = &Binary{Op: "AND", L: s.Where, R: pred}
		}
	}
	// The table name becomes a placeholder that String() prints bare, then
	// replaced by the qualified name (the AST has no qualified table names).
	if w.names == nil {
		w.names = map[string]string{}
	}
	ph := ""
	for i := len(w.names); ; i++ {
		ph = "hunt_athena_table_" + itoa(int64(i)) + "_"
		if _, used := w.names[ph]; !used && !strings.Contains(w.src, ph) {
			break
		}
	}
	parts := []string{at.Name}
	if at.Database != "" {
		parts = []string{at.Database, at.Name}
	}
	w.names[ph] = (&Ident{Parts: parts}).String()
	if ref.Alias == "" && ref.Name != at.Name {
		ref.Alias = ref.Name
	}
	ref.Name = ph
	return nil
}

// baseTable rewrites the subqueries of a FROM clause and returns the table
// it reads directly, if any (the left end of its CROSS JOIN UNNEST chain).
func (w *athenaRewriter) baseTable(f From) (*TableRef, error) {
	switch x := f.(type) {
	case *UnnestJoin:
		return w.baseTable(x.Left)
	case *SubqueryRef:
		return nil, w.stmt(x.Query)
	case *TableRef:
		return x, nil
	case *Join:
		return nil, w.joinInputs(x)
	}
	return nil, nil
}

// joinInputs rewrites the inputs of a join: each table becomes
// (SELECT * FROM table WHERE partition predicates) with its alias, so
// the run's narrowing (extra) applies to every table read whatever the
// join kind; the WHERE above a join gives no partition predicates, as
// it may not restrict an outer join's tables (see joinPruning).
func (w *athenaRewriter) joinInputs(j *Join) error {
	for _, side := range []*From{&j.Left, &j.Right} {
		at := side
		for {
			u, ok := (*at).(*UnnestJoin)
			if !ok {
				break
			}
			at = &u.Left
		}
		switch x := (*at).(type) {
		case *Join:
			if err := w.joinInputs(x); err != nil {
				return err
			}
		case *SubqueryRef:
			if err := w.stmt(x.Query); err != nil {
				return err
			}
		case *TableRef:
			if w.isCTE(x.Name) {
				continue
			}
			alias := x.Alias
			if alias == "" {
				alias = x.Name
			}
			inner := &Select{Items: []*SelectItem{{Star: true}}, From: &TableRef{Name: x.Name, pos: x.pos}, pos: x.pos}
			if err := w.sel(inner); err != nil {
				return err
			}
			*at = &SubqueryRef{Query: &Statement{Body: inner, Limit: -1, pos: x.pos}, Alias: alias, pos: x.pos}
		}
	}
	return nil
}

// selectPruning returns the pruning facts of s's WHERE over table: the
// conjuncts that compile against table alone (no UNNEST columns, no
// functions only Athena has) are compiled into a probe query whose
// [Query.Pruning] is the answer.
func (w *athenaRewriter) selectPruning(s *Select, table, rel string) Pruning {
	if s.Where == nil {
		return Pruning{}
	}
	var conj []Expr
	var split func(e Expr)
	split = func(e Expr) {
		if b, ok := e.(*Binary); ok && b.Op == "AND" {
			split(b.L)
			split(b.R)
			return
		}
		conj = append(conj, e)
	}
	split(s.Where)
	opts := Options{Now: w.opts.Now}
	from := "SELECT 1 FROM " + table + " AS " + quoteIdent(rel) + " WHERE "
	var kept []string
	for _, c := range conj {
		if _, err := Compile(from+c.String(), opts); err == nil {
			kept = append(kept, "("+c.String()+")")
		}
	}
	if len(kept) == 0 {
		return Pruning{}
	}
	q, err := Compile(from+strings.Join(kept, " AND "), opts)
	if err != nil {
		return Pruning{}
	}
	return q.Pruning(table)
}

// andPruning is the conjunction of two sets of facts.
func andPruning(a, b Pruning) Pruning {
	p := a
	if !b.Since.IsZero() && (p.Since.IsZero() || b.Since.After(p.Since)) {
		p.Since = b.Since
	}
	if !b.Until.IsZero() && (p.Until.IsZero() || b.Until.Before(p.Until)) {
		p.Until = b.Until
	}
	p.Accounts = intersect(a.Accounts, b.Accounts)
	p.Regions = intersect(a.Regions, b.Regions)
	return p
}

// partitionPredicates builds the conjuncts on rel's partition columns that
// p implies.
func partitionPredicates(parts AthenaPartitions, rel string, p Pruning) []Expr {
	var preds []Expr
	col := func(name string) Expr { return &Ident{Parts: []string{rel, name}} }
	str := func(s string) Expr { return &StringLit{Val: s} }
	in := func(name string, vals []string) {
		switch {
		case name == "" || vals == nil:
		case len(vals) == 0:
			preds = append(preds, &BoolLit{Val: false}) // contradictory facts
		case len(vals) == 1:
			preds = append(preds, &Binary{Op: "=", L: col(name), R: str(vals[0])})
		default:
			list := make([]Expr, len(vals))
			for i, v := range vals {
				list[i] = str(v)
			}
			preds = append(preds, &In{X: col(name), List: list})
		}
	}
	in(parts.Account, p.Accounts)
	in(parts.Region, p.Regions)
	var lo, hi time.Time
	if !p.Since.IsZero() {
		lo = p.Since.UTC()
	}
	if !p.Until.IsZero() {
		hi = p.Until.UTC().Add(max(AthenaDeliveryMargin, parts.DeliveryLag))
	}
	rng := func(x Expr, layout string) {
		switch {
		case !lo.IsZero() && !hi.IsZero():
			preds = append(preds, &Between{X: x, Lo: str(lo.Format(layout)), Hi: str(hi.Format(layout))})
		case !lo.IsZero():
			preds = append(preds, &Binary{Op: ">=", L: x, R: str(lo.Format(layout))})
		case !hi.IsZero():
			preds = append(preds, &Binary{Op: "<=", L: x, R: str(hi.Format(layout))})
		}
	}
	switch {
	case lo.IsZero() && hi.IsZero():
	case parts.HiveDate:
		// The year range is a plain column range Athena prunes projected
		// partitions with; the concatenation makes it exact to the day.
		rng(col("year"), "2006")
		ymd := &Call{Name: "concat", Args: []Expr{col("year"), str("/"), col("month"), str("/"), col("day")}}
		rng(ymd, "2006/01/02")
	case parts.Date != "":
		rng(col(parts.Date), goLayout(parts.DateFormat))
	}
	return preds
}

// goLayout turns a projection date format (yyyy, MM, dd, HH and literal
// separators) into a Go time layout; "" is "yyyy/MM/dd".
func goLayout(javaFormat string) string {
	if javaFormat == "" {
		javaFormat = "yyyy/MM/dd"
	}
	return strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02", "HH", "15").Replace(javaFormat)
}

// walkStatement calls fn for every expression node of q, subqueries and
// CTEs included, parents before children.
func walkStatement(q *Statement, fn func(Expr)) {
	for _, c := range q.With {
		walkStatement(c.Query, fn)
	}
	walkSet(q.Body, fn)
	for _, o := range q.OrderBy {
		walkExpr(o.Expr, fn)
	}
}

func walkSet(s SetExpr, fn func(Expr)) {
	switch x := s.(type) {
	case *Select:
		for _, it := range x.Items {
			walkExpr(it.Expr, fn)
		}
		walkFrom(x.From, fn)
		walkExpr(x.Where, fn)
		for _, g := range x.GroupBy {
			walkExpr(g, fn)
		}
		walkExpr(x.Having, fn)
		for _, q := range selectSubqueries(x) {
			walkStatement(q, fn)
		}
	case *Union:
		walkSet(x.Left, fn)
		walkSet(x.Right, fn)
	case *Statement:
		walkStatement(x, fn)
	case *Values:
		for _, row := range x.Rows {
			for _, e := range row {
				walkExpr(e, fn)
			}
		}
	}
}

func walkFrom(f From, fn func(Expr)) {
	switch x := f.(type) {
	case *SubqueryRef:
		walkStatement(x.Query, fn)
	case *UnnestJoin:
		walkFrom(x.Left, fn)
		walkExpr(x.Expr, fn)
	case *Join:
		walkFrom(x.Left, fn)
		walkFrom(x.Right, fn)
		walkExpr(x.On, fn)
		if x.On != nil {
			for _, q := range exprSubqueries(x.On) {
				walkStatement(q, fn)
			}
		}
	}
}

func walkExpr(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *Deref:
		walkExpr(x.X, fn)
	case *Subscript:
		walkExpr(x.X, fn)
		walkExpr(x.Index, fn)
	case *Unary:
		walkExpr(x.X, fn)
	case *Binary:
		walkExpr(x.L, fn)
		walkExpr(x.R, fn)
	case *Not:
		walkExpr(x.X, fn)
	case *Between:
		walkExpr(x.X, fn)
		walkExpr(x.Lo, fn)
		walkExpr(x.Hi, fn)
	case *InSubquery:
		walkExpr(x.X, fn) // not into the query: see exprSubqueries
	case *In:
		walkExpr(x.X, fn)
		for _, y := range x.List {
			walkExpr(y, fn)
		}
	case *Like:
		walkExpr(x.X, fn)
		walkExpr(x.Pattern, fn)
		walkExpr(x.Escape, fn)
	case *IsNull:
		walkExpr(x.X, fn)
	case *Case:
		walkExpr(x.Operand, fn)
		for _, wh := range x.Whens {
			walkExpr(wh.Cond, fn)
			walkExpr(wh.Result, fn)
		}
		walkExpr(x.Else, fn)
	case *Cast:
		walkExpr(x.X, fn)
	case *Call:
		for _, a := range x.Args {
			walkExpr(a, fn)
		}
		walkExpr(x.Filter, fn)
		if x.Over != nil {
			for _, p := range x.Over.PartitionBy {
				walkExpr(p, fn)
			}
			for _, o := range x.Over.OrderBy {
				walkExpr(o.Expr, fn)
			}
		}
	case *Lambda:
		walkExpr(x.Body, fn)
	}
}
