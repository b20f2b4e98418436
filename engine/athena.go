package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// Athena pushdown, part 3: running the rewritten SQL ([AthenaSQL]) on
// Amazon Athena and turning the answer into the same [Result] the local
// engine returns.
//
//	StartQueryExecution (workgroup, output location, database, catalog)
//	→ GetQueryExecution, polled with backoff until SUCCEEDED, FAILED or CANCELLED
//	→ GetQueryResults, paged with NextToken; the header row Athena puts
//	  first on the first page of a SELECT is dropped
//	→ values typed from ResultSetMetadata.ColumnInfo
//
// A cancelled context stops the query (StopQueryExecution). Throttling
// (ThrottlingException, TooManyRequestsException) is retried with backoff.

// AthenaConfig configures an [Athena] client. The zero value uses the
// SDK's default credential chain and region, the "primary" workgroup, the
// workgroup's output location and [DefaultAthenaTables] in database "hunt".
type AthenaConfig struct {
	// AWS, when set, is the configuration the caller loaded once for every
	// AWS client of the run; Profile and Region are then already in it.
	// The Athena client uses a copy with its own retryer.
	AWS *aws.Config
	// Profile selects a shared-config profile; "" uses AWS_PROFILE.
	Profile string
	// Region is the region of the Athena API; "" uses AWS_REGION or the
	// profile's, else "us-east-1".
	Region string
	// EndpointURL overrides the Athena endpoint (AWS_ENDPOINT_URL_ATHENA
	// works too).
	EndpointURL string
	// WorkGroup runs the queries; "" is "primary".
	WorkGroup string
	// OutputLocation is the S3 prefix for result files
	// ("s3://bucket/athena-results/"); "" leaves it to the workgroup
	// (required by workgroups with managed query results).
	OutputLocation string
	// Catalog is the data catalog; "" is "AwsDataCatalog".
	Catalog string
	// Database is the default database of the queries; "" is "hunt".
	Database string
	// Tables maps hunt tables to Athena tables; nil is
	// [DefaultAthenaTables](Database).
	Tables map[string]AthenaTable
	// PollMin and PollMax bound the delay between GetQueryExecution calls
	// (doubling from PollMin); zero means 250 ms and 5 s. They also pace
	// retries of throttled calls.
	PollMin, PollMax time.Duration
	// Retries is how many times a throttled call is retried; zero means 10.
	Retries int
}

func (c AthenaConfig) withDefaults() AthenaConfig {
	if c.WorkGroup == "" {
		c.WorkGroup = "primary"
	}
	if c.Catalog == "" {
		c.Catalog = "AwsDataCatalog"
	}
	if c.Database == "" {
		c.Database = "hunt"
	}
	if c.Tables == nil {
		c.Tables = DefaultAthenaTables(c.Database)
	}
	if c.PollMin <= 0 {
		c.PollMin = 250 * time.Millisecond
	}
	if c.PollMax <= 0 {
		c.PollMax = 5 * time.Second
	}
	if c.Retries <= 0 {
		c.Retries = 10
	}
	return c
}

// Athena runs queries on Amazon Athena. It is safe for concurrent use.
type Athena struct {
	client *athena.Client
	cfg    AthenaConfig
}

// NewAthena loads AWS configuration (see [AthenaConfig]) and returns a
// client. It does not contact AWS; credential problems surface from the
// first query.
func NewAthena(ctx context.Context, cfg AthenaConfig) (*Athena, error) {
	retryer := func() aws.Retryer {
		// Throttling is retried here with the query's own backoff
		// too; no client-side retry quota turns a burst into failures.
		return retry.NewStandard(func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.None })
	}
	var awsCfg aws.Config
	if cfg.AWS != nil {
		awsCfg = cfg.AWS.Copy()
		awsCfg.Retryer = retryer
	} else {
		opts := []func(*config.LoadOptions) error{
			config.WithRetryer(retryer),
			config.WithLogger(logging.Nop{}), // library code never logs
		}
		if cfg.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
		}
		if cfg.Region != "" {
			opts = append(opts, config.WithRegion(cfg.Region))
		}
		var err error
		if awsCfg, err = config.LoadDefaultConfig(ctx, opts...); err != nil {
			return nil, fmt.Errorf("cannot load AWS configuration: %w", err)
		}
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	client := athena.NewFromConfig(awsCfg, func(o *athena.Options) {
		if cfg.EndpointURL != "" {
			o.BaseEndpoint = aws.String(cfg.EndpointURL)
		}
	})
	return newAthena(client, cfg), nil
}

// newAthena wraps a client built by the caller (tests point it at a fake
// server).
func newAthena(client *athena.Client, cfg AthenaConfig) *Athena {
	return &Athena{client: client, cfg: cfg.withDefaults()}
}

// Tables returns the hunt table → Athena table mapping in use.
func (a *Athena) Tables() map[string]AthenaTable { return a.cfg.Tables }

// SQL returns the Athena SQL for a hunt query: [AthenaSQL] with the
// client's tables.
func (a *Athena) SQL(sql string, opts Options, extra Pruning) (string, error) {
	return AthenaSQL(sql, opts, a.cfg.Tables, extra)
}

// AthenaStats describes one Athena query execution.
type AthenaStats struct {
	QueryID string
	SQL     string // as sent
	State   string // SUCCEEDED, FAILED, CANCELLED, or the last state seen
	// DataScanned is what Athena bills: bytes read from S3.
	DataScanned int64
	// Cost is the price of DataScanned in US dollars ([AthenaCost]); 0 for
	// failed queries, which are not billed.
	Cost                 float64
	QueueTime, TotalTime time.Duration
	EngineTime           time.Duration
	Rows, Pages          int // result rows (header excluded) and GetQueryResults pages
	Polls                int // GetQueryExecution calls
	Throttled            int // throttled calls retried
}

// AthenaPricePerTB is the list price of Athena SQL queries in most
// regions, in US dollars per terabyte (2^40 bytes) scanned.
const AthenaPricePerTB = 5.0

// AthenaMinBytes is the minimum billed per query: 10 MB.
const AthenaMinBytes = 10 << 20

// AthenaCost is the price of a query that scanned bytes: rounded up to
// the next megabyte, at least [AthenaMinBytes], at [AthenaPricePerTB].
func AthenaCost(bytes int64) float64 {
	mb := (max(bytes, 0) + (1<<20 - 1)) >> 20
	mb = max(mb, AthenaMinBytes>>20)
	return float64(mb) * AthenaPricePerTB / (1 << 20)
}

// AthenaQueryError is a query that ended FAILED or CANCELLED.
type AthenaQueryError struct {
	QueryID string
	State   string // FAILED or CANCELLED
	Reason  string // StateChangeReason, e.g. "line 1:8: Column 'x' cannot be resolved"
	// ErrorCategory (1 system, 2 user, 3 other) and ErrorType come from
	// Status.AthenaError; Retryable says resubmitting may succeed.
	ErrorCategory, ErrorType int32
	Retryable                bool
}

func (e *AthenaQueryError) Error() string {
	s := "athena query " + e.QueryID + " " + strings.ToLower(e.State)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Run rewrites sql with [AthenaSQL] (extra narrows every table read:
// --since/--until/--account/--region, or a saved hunt's run window), runs
// it and returns the result with the local engine's row order: ORDER BY
// order, or sorted by every column when the query has none.
func (a *Athena) Run(ctx context.Context, sql string, opts Options, extra Pruning) (*Result, AthenaStats, error) {
	stmt, err := ParseSource(cmpOr(opts.Source, "query"), sql)
	if err != nil {
		return nil, AthenaStats{}, err
	}
	text, err := a.SQL(sql, opts, extra)
	if err != nil {
		return nil, AthenaStats{}, err
	}
	res, st, err := a.Execute(ctx, text)
	if err != nil {
		return nil, st, err
	}
	if len(stmt.OrderBy) == 0 {
		sortResult(res)
	}
	return res, st, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Execute runs sql on Athena as given and returns its result in Athena's
// order. When ctx is cancelled while the query runs, the query is stopped
// (StopQueryExecution) and the error wraps ctx.Err().
func (a *Athena) Execute(ctx context.Context, sql string) (*Result, AthenaStats, error) {
	st := AthenaStats{SQL: sql}
	in := &athena.StartQueryExecutionInput{
		QueryString:           aws.String(sql),
		WorkGroup:             aws.String(a.cfg.WorkGroup),
		QueryExecutionContext: &types.QueryExecutionContext{Database: aws.String(a.cfg.Database), Catalog: aws.String(a.cfg.Catalog)},
	}
	if a.cfg.OutputLocation != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(a.cfg.OutputLocation)}
	}
	var out *athena.StartQueryExecutionOutput
	err := a.retry(ctx, &st, func() (err error) {
		out, err = a.client.StartQueryExecution(ctx, in)
		return err
	})
	if err != nil {
		return nil, st, fmt.Errorf("athena: cannot start query: %w", err)
	}
	st.QueryID = aws.ToString(out.QueryExecutionId)
	if err := a.wait(ctx, &st); err != nil {
		return nil, st, err
	}
	res, err := a.results(ctx, &st)
	if err != nil {
		return nil, st, fmt.Errorf("athena query %s: cannot read results: %w", st.QueryID, err)
	}
	return res, st, nil
}

// wait polls GetQueryExecution until the query ends, and fills st.
func (a *Athena) wait(ctx context.Context, st *AthenaStats) error {
	delay := a.cfg.PollMin
	for {
		var out *athena.GetQueryExecutionOutput
		err := a.retry(ctx, st, func() (err error) {
			out, err = a.client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(st.QueryID)})
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return a.stop(ctx, st)
			}
			return fmt.Errorf("athena query %s: cannot get its state: %w", st.QueryID, err)
		}
		st.Polls++
		qe := out.QueryExecution
		if qe != nil && qe.Status != nil {
			st.State = string(qe.Status.State)
			readStats(qe.Statistics, st)
			switch qe.Status.State {
			case types.QueryExecutionStateSucceeded:
				st.Cost = AthenaCost(st.DataScanned)
				return nil
			case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
				if qe.Status.State == types.QueryExecutionStateCancelled {
					st.Cost = AthenaCost(st.DataScanned) // billed up to the cancellation
				}
				e := &AthenaQueryError{QueryID: st.QueryID, State: st.State, Reason: aws.ToString(qe.Status.StateChangeReason)}
				if ae := qe.Status.AthenaError; ae != nil {
					e.ErrorCategory, e.ErrorType, e.Retryable = aws.ToInt32(ae.ErrorCategory), aws.ToInt32(ae.ErrorType), ae.Retryable
					if e.Reason == "" {
						e.Reason = aws.ToString(ae.ErrorMessage)
					}
				}
				return e
			}
		}
		// QUEUED or RUNNING (not monotonic: RUNNING can go back to QUEUED).
		if !sleepCtx(ctx, delay) {
			return a.stop(ctx, st)
		}
		delay = min(2*delay, a.cfg.PollMax)
	}
}

// stop stops the query after ctx was cancelled, with a context of its own.
func (a *Athena) stop(ctx context.Context, st *AthenaStats) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err := a.client.StopQueryExecution(sctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(st.QueryID)})
	if err != nil {
		return fmt.Errorf("athena query %s: %w (and StopQueryExecution failed: %v)", st.QueryID, ctx.Err(), err)
	}
	st.State = string(types.QueryExecutionStateCancelled)
	// Cancelled queries are billed for what they scanned: read it once.
	if out, err := a.client.GetQueryExecution(sctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(st.QueryID)}); err == nil && out.QueryExecution != nil {
		readStats(out.QueryExecution.Statistics, st)
		st.Cost = AthenaCost(st.DataScanned)
	}
	return fmt.Errorf("athena query %s stopped: %w", st.QueryID, ctx.Err())
}

func readStats(s *types.QueryExecutionStatistics, st *AthenaStats) {
	if s == nil {
		return
	}
	ms := func(p *int64) time.Duration { return time.Duration(aws.ToInt64(p)) * time.Millisecond }
	st.DataScanned = aws.ToInt64(s.DataScannedInBytes)
	st.EngineTime = ms(s.EngineExecutionTimeInMillis)
	st.QueueTime = ms(s.QueryQueueTimeInMillis)
	st.TotalTime = ms(s.TotalExecutionTimeInMillis)
}

// results pages through GetQueryResults and builds the Result.
func (a *Athena) results(ctx context.Context, st *AthenaStats) (*Result, error) {
	var (
		token  *string
		cols   []types.ColumnInfo
		conv   []athenaType
		rows   [][]any
		source = "athena query " + st.QueryID
	)
	for page := 0; ; page++ {
		var out *athena.GetQueryResultsOutput
		err := a.retry(ctx, st, func() (err error) {
			out, err = a.client.GetQueryResults(ctx, &athena.GetQueryResultsInput{
				QueryExecutionId: aws.String(st.QueryID), NextToken: token, MaxResults: aws.Int32(1000)})
			return err
		})
		if err != nil {
			return nil, err
		}
		st.Pages++
		rs := out.ResultSet
		if rs == nil {
			rs = &types.ResultSet{}
		}
		if page == 0 {
			if rs.ResultSetMetadata != nil {
				cols = rs.ResultSetMetadata.ColumnInfo
			}
			conv = make([]athenaType, len(cols))
			for i, c := range cols {
				conv[i] = athenaTypeOf(aws.ToString(c.Type))
			}
		}
		data := rs.Rows
		if page == 0 && len(data) > 0 && isHeaderRow(data[0], cols) {
			data = data[1:]
		}
		for _, r := range data {
			if len(r.Data) != len(cols) {
				return nil, fmt.Errorf("%s: row %d: expected %d values, found %d", source, len(rows)+1, len(cols), len(r.Data))
			}
			row := make([]any, len(cols))
			for i, d := range r.Data {
				if d.VarCharValue == nil {
					continue // NULL
				}
				v, err := conv[i].parse(*d.VarCharValue)
				if err != nil {
					return nil, fmt.Errorf("%s: row %d, column %s: expected %s, found %q", source, len(rows)+1, aws.ToString(cols[i].Name), aws.ToString(cols[i].Type), *d.VarCharValue)
				}
				row[i] = v
			}
			rows = append(rows, row)
		}
		token = out.NextToken
		if aws.ToString(token) == "" {
			break
		}
	}
	st.Rows = len(rows)
	names := make([]string, len(cols))
	ts := make([]*dtype, len(cols))
	for i, c := range cols {
		names[i] = aws.ToString(c.Name)
		ts[i] = conv[i].t
	}
	return newResultRows(names, ts, rows), nil
}

// isHeaderRow reports whether r repeats the column labels, as the first
// row of the first page of a SELECT's results does (DDL and utility
// statements send none).
func isHeaderRow(r types.Row, cols []types.ColumnInfo) bool {
	if len(cols) == 0 || len(r.Data) != len(cols) {
		return false
	}
	for i, d := range r.Data {
		label := aws.ToString(cols[i].Label)
		if label == "" {
			label = aws.ToString(cols[i].Name)
		}
		if d.VarCharValue == nil || *d.VarCharValue != label {
			return false
		}
	}
	return true
}

// retry runs call, retrying throttled calls with backoff.
func (a *Athena) retry(ctx context.Context, st *AthenaStats, call func() error) error {
	delay := a.cfg.PollMin
	for n := 0; ; n++ {
		err := call()
		if err == nil || !isThrottle(err) || n >= a.cfg.Retries {
			return err
		}
		st.Throttled++
		if !sleepCtx(ctx, delay) {
			return ctx.Err()
		}
		delay = min(2*delay, a.cfg.PollMax)
	}
}

// isThrottle reports API rate (ThrottlingException) and concurrency
// (TooManyRequestsException) limits.
func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded":
		return true
	}
	return false
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// athenaType converts Athena's text values of one column type.
type athenaType struct {
	t     *dtype
	parse func(s string) (any, error)
}

// athenaTypeOf maps a ColumnInfo.Type to the engine type and parser.
// Every value arrives as text; complex values (array, map, row) arrive as
// Trino renders them ("[a, b]", "{k=v}") and are read back best-effort
// into []any and map[string]any of strings: a string holding ", " or "="
// cannot be told from a separator.
func athenaTypeOf(name string) athenaType {
	base, _, _ := strings.Cut(strings.ToLower(name), "(")
	switch base {
	case "bigint", "integer", "int", "smallint", "tinyint":
		t := tInt
		if base == "integer" || base == "int" {
			t = tInteger
		}
		return athenaType{t, func(s string) (any, error) { return strconv.ParseInt(s, 10, 64) }}
	case "double", "real", "float", "decimal":
		return athenaType{tDouble, func(s string) (any, error) { return strconv.ParseFloat(s, 64) }}
	case "boolean":
		return athenaType{tBool, func(s string) (any, error) { return strconv.ParseBool(s) }}
	case "date":
		return athenaType{tDate, func(s string) (any, error) { return time.Parse("2006-01-02", s) }}
	case "timestamp", "timestamp with time zone":
		return athenaType{tTimestamp, parseAthenaTime}
	case "json":
		return athenaType{tJSON, func(s string) (any, error) { return s, nil }}
	case "ipaddress":
		return athenaType{tIPAddress, parseAthenaIP}
	case "array":
		return athenaType{&dtype{k: kArray, name: "array(varchar)", elem: tString}, parseAthenaComplex}
	case "map":
		return athenaType{&dtype{k: kMap, name: "map(varchar, varchar)", elem: tString}, parseAthenaComplex}
	case "row", "struct":
		return athenaType{&dtype{k: kStruct, name: "row"}, parseAthenaComplex}
	}
	// varchar, char, varbinary, time, interval..., uuid, unknown.
	return athenaType{tString, func(s string) (any, error) { return s, nil }}
}

// parseAthenaTime reads "2024-03-05 15:02:41.000" with any fraction,
// optionally followed by a zone ("UTC", "Z", "+01:00" or a tz name).
func parseAthenaTime(s string) (any, error) {
	const layout = "2006-01-02 15:04:05.999999999"
	if t, err := time.Parse(layout, s); err == nil {
		return t.UTC(), nil
	}
	v, zone, ok := strings.Cut(s[min(len(s), len("2006-01-02 15:04:05")):], " ")
	if !ok {
		return nil, errors.New("bad timestamp")
	}
	v = s[:len("2006-01-02 15:04:05")] + v
	loc := time.UTC
	switch {
	case zone == "UTC" || zone == "Z":
	case strings.HasPrefix(zone, "+") || strings.HasPrefix(zone, "-"):
		t, err := time.Parse(layout+" -07:00", v+" "+zone)
		if err != nil {
			return nil, err
		}
		return t.UTC(), nil
	default:
		l, err := time.LoadLocation(zone)
		if err != nil {
			return nil, err
		}
		loc = l
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return nil, err
	}
	return t.UTC(), nil
}

// parseAthenaComplex reads Trino's text rendering of arrays ("[a, b]"),
// maps and rows ("{k=v, k2=v2}"); "null" inside is nil, other scalars stay
// strings.
func parseAthenaComplex(s string) (any, error) {
	v, rest, err := parseTrinoValue(s, 0)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, errors.New("unexpected text after value")
	}
	return v, nil
}

func parseTrinoValue(s string, depth int) (any, string, error) {
	if depth > maxDepth {
		return nil, "", errors.New("nested too deep")
	}
	switch {
	case strings.HasPrefix(s, "["):
		out := []any{}
		s = s[1:]
		if strings.HasPrefix(s, "]") {
			return out, s[1:], nil
		}
		for {
			v, rest, err := parseTrinoValue(s, depth+1)
			if err != nil {
				return nil, "", err
			}
			out = append(out, v)
			switch {
			case strings.HasPrefix(rest, ", "):
				s = rest[2:]
			case strings.HasPrefix(rest, "]"):
				return out, rest[1:], nil
			default:
				return nil, "", errors.New("expected ', ' or ']'")
			}
		}
	case strings.HasPrefix(s, "{"):
		out := map[string]any{}
		s = s[1:]
		if strings.HasPrefix(s, "}") {
			return out, s[1:], nil
		}
		for {
			k, rest, ok := strings.Cut(s, "=")
			if !ok {
				return nil, "", errors.New("expected '='")
			}
			v, rest, err := parseTrinoValue(rest, depth+1)
			if err != nil {
				return nil, "", err
			}
			out[k] = v
			switch {
			case strings.HasPrefix(rest, ", "):
				s = rest[2:]
			case strings.HasPrefix(rest, "}"):
				return out, rest[1:], nil
			default:
				return nil, "", errors.New("expected ', ' or '}'")
			}
		}
	}
	// A scalar runs to the next separator of the enclosing value.
	end := len(s)
	for _, sep := range []string{", ", "]", "}"} {
		if i := strings.Index(s, sep); i >= 0 && i < end {
			end = i
		}
	}
	if s[:end] == "null" {
		return nil, s[end:], nil
	}
	return s[:end], s[end:], nil
}

// newResultRows builds a Result from rows of Go values of types ts (the
// value forms [Result] documents). The engine has no exported constructor
// for results computed elsewhere; this one fills its columns directly.
func newResultRows(names []string, ts []*dtype, rows [][]any) *Result {
	res := &Result{Columns: names, Types: make([]string, len(ts)), cols: make([]*column, len(ts))}
	for i, t := range ts {
		res.Types[i] = t.name
		c := newColumn(t)
		for _, r := range rows {
			v := r[i]
			c.null = append(c.null, v == nil)
			switch {
			case t.k == kNull:
			case t.isComplex():
				c.x = append(c.x, v)
			case t.k == kTimestamp || t.k == kDate:
				var us int64
				switch tv := v.(type) {
				case time.Time:
					us = tv.UnixMicro()
				case Date:
					us = tv.UnixMicro()
				}
				c.i = append(c.i, us)
			case t.isIntLike():
				n, _ := v.(int64)
				c.i = append(c.i, n)
			case t.k == kDouble:
				f, _ := v.(float64)
				c.f = append(c.f, f)
			case t.isStringy():
				s, _ := v.(string)
				c.s = append(c.s, s)
			case t.k == kBool:
				b, _ := v.(bool)
				c.b = append(c.b, b)
			}
		}
		res.cols[i] = c
	}
	return res
}

// sortResult orders rows by every column in turn, as the local engine
// does for a query without ORDER BY, so both engines print the same.
func sortResult(r *Result) {
	n := r.Len()
	if n < 2 {
		return
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		for _, c := range r.cols {
			if d := compareAny(c.value(a), c.value(b)); d != 0 {
				return d
			}
		}
		return 0
	})
	for k, c := range r.cols {
		nc := newColumn(c.t)
		for _, j := range idx {
			nc.appendFrom(c, j)
		}
		r.cols[k] = nc
	}
}
