// Package engine runs SQL in the Athena (Trino) dialect over Arrow record
// batches of the cloudtrail and vpc_flow tables (parsers.CloudTrailSchema,
// parsers.VPCFlowSchema).
//
// # Data flow
//
// [Compile] lexes (lex.go, byte offsets on every token), parses
// (parse.go, one recursive-descent function per precedence level, into the
// AST of ast.go whose String() is canonical) and compiles (compile*.go)
// the query: names become column slots, types are checked with positioned
// errors, constants are folded and each expression gets its typed kernel.
// The result is a chain of push operators (op_*.go), built once:
//
//	scan → filter → [unnest] → [aggregate → having] → project → [distinct] → [sort/top-N | limit] → output
//
// The caller reads the columns [Query.Columns] names (pass them to the
// reader's WithColumns) and the [Pruning] facts (pass them to archive),
// then calls [Query.NewRun] and pushes batches from any number of worker
// goroutines with [Run.Push]; [Run.Finish] merges the workers' partial
// aggregates and top-N rows and returns a [Result].
//
//	q, err := engine.Compile(`SELECT eventname, count(*) FROM cloudtrail_logs
//	                          WHERE errorcode = 'AccessDenied' GROUP BY 1`, engine.Options{})
//	r := q.NewRun(workers)
//	// per worker w, per batch b of a reader built with parsers.WithColumns(q.Columns("cloudtrail")...):
//	err = r.Push(w, b)
//	res, err := r.Finish() // res.Columns ["eventname" "_col1"], res.Rows() [["ConsoleLogin" 3] ...]
//
// [Query.NewRunContext] makes Push and Finish stop with the context's
// error once it is done (between batches: kernels do not see it), and
// [Run.Stream] hands the result rows to a callback as they are produced
// instead of keeping them for Finish, for queries that return many rows.
//
// # Evaluation
//
// Operators receive chunks: column slots of a batch, converted from Arrow
// lazily, so a column is read only by the rows that reach its first use.
// Values live in typed Go slices (vec.go); kernels are loops over
// []int64, []float64, []string and []bool chosen at compile time, with no
// per-row allocation, interface call or fmt. A filter evaluates its
// conjuncts in turn, each on the rows the previous ones kept. Dictionary
// columns (eventname, awsregion, action...) are evaluated once per
// dictionary entry and mapped to rows by code. Hash aggregation numbers
// the distinct values of each key column and folds value IDs into group
// IDs through uint64-keyed maps.
//
// # Errors while evaluating
//
// As in Trino, bad input to an operation fails the query rather than
// giving a wrong value: integer overflow of + - * / and unary minus, abs
// of the smallest value, CAST to integer out of its range and a bigint
// sum() that leaves the range ("query:1:8: sum(bytes): bigint addition
// overflow: 9223372036854775807 + 1"), division by zero, and bad CAST
// input. The error names the expression, its position and the values;
// try(x) makes the failing rows NULL instead. Integer
// kernels detect overflow branch-free per chunk and look for the row
// only when one overflowed. avg() sums in double and does not overflow.
//
// # Joins and subqueries
//
// [INNER|LEFT|RIGHT|FULL] JOIN ... ON/USING, CROSS JOIN and FROM a, b run
// as hash joins (op_join.go). A scan pass delivers the batches of all
// tables interleaved, so a join buffers the columns the query reads from
// both inputs, bounded by the aggregate memory pool: past it, equi-joins
// spill both inputs by key hash to temporary files and join a partition
// at a time (other joins fail with an error naming --aggregate-memory).
// At the end of the scan it builds a hash table on the right input and
// probes it with the left. ON
// conjuncts equating the two inputs are the keys (NULL never equals
// NULL); the rest is checked on each matching pair before outer joins
// pad the unmatched rows. IN (SELECT ...), EXISTS and scalar subqueries
// run as joins that add one column to every row (NOT IN follows SQL's
// NULL rules); a correlated EXISTS or IN joins on its inner = outer
// conditions. CREATE TABLE AS and INSERT INTO parse (for Athena) and fail
// locally with an error that suggests --engine athena.
//
// # Determinism
//
// Results do not depend on the number of workers: aggregates merge
// per-worker partial states in worker order and emit groups sorted by
// key; ORDER BY breaks ties by every output column; a query without ORDER
// BY returns its rows sorted by every column in turn. arbitrary() returns
// the minimum, array_agg keeps the [ArrayAggLimit] smallest values sorted,
// and approx_distinct is exact. Window functions order rows equal on
// every PARTITION BY and ORDER BY key by all their columns (so
// row_number() among peers is stable). A LIMIT without ORDER BY returns some rows,
// as in SQL, and lets the caller stop reading ([Run.Done]).
//
// # Not supported
//
// NATURAL JOIN, LATERAL, correlated subqueries other than EXISTS/IN on
// inner = outer equalities, INTERSECT ALL/EXCEPT ALL, GROUPING SETS,
// GROUPS frames and named windows, ORDER BY inside aggregates other than
// array_agg, lambdas outside transform, filter and the *_match functions,
// and the Trino functions listed in athenaFuncs/athenaAggregates.
// Compiling such a query fails with an error that names the construct and
// wraps [ErrUnsupported] (functions also suggest --engine athena); other
// query errors wrap parsers.ErrSyntax.
package engine
