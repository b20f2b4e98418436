package investigate

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

// The queries of an investigation, all fed from one scan.
const (
	qCalls  = iota // CloudTrail records by or against the entity
	qIndex  = iota // every identity and address pair, with its calls summed: the pivots
	qAssume = iota // every credential-issuing call: the role chains
	qFlows  = iota // flow records of the address, per minute, peer and port
	qGuard  = iota // GuardDuty findings naming the entity
	qConfig = iota // AWS Config items of the entity, or whose configuration names it
	nQueries
)

var assumeSQL = `SELECT eventtime, eventname, useridentity.arn AS arn, useridentity.accesskeyid AS accesskeyid, sourceipaddress,
  json_extract_scalar(responseelements, '$.assumedRoleUser.arn') AS newarn,
  json_extract_scalar(responseelements, '$.credentials.accessKeyId') AS newkey, eventid, "$path" AS path
FROM cloudtrail
WHERE eventname IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken')`

var indexSQL = `SELECT useridentity.accesskeyid AS accesskeyid, useridentity.arn AS arn, sourceipaddress, eventsource, eventname, awsregion,
  count(*) AS n, min(eventtime) AS first, max(eventtime) AS last
FROM cloudtrail GROUP BY 1, 2, 3, 4, 5, 6`

// sqlTexts returns the SQL of each query for e; flows only for an address.
func (e Entity) sqlTexts() [nQueries]string {
	var s [nQueries]string
	s[qCalls] = `SELECT eventtime, eventsource, eventname, awsregion, sourceipaddress, useridentity.arn AS arn,
  useridentity.accesskeyid AS accesskeyid, useridentity.sessioncontext.sessionissuer.arn AS issuer,
  useragent, errorcode, requestparameters, transform(resources, r -> r.arn) AS resource_arns, eventid, "$path" AS path
FROM cloudtrail WHERE ` + e.cloudTrailPredicate()
	s[qIndex] = indexSQL
	s[qAssume] = assumeSQL
	v := sqlString(e.Value)
	s[qGuard] = `SELECT updatedat, type, severity, title, id, accountid, region, "$path" AS path
FROM guardduty WHERE strpos(resource, ` + v + `) > 0 OR strpos(service, ` + v + `) > 0`
	s[qConfig] = `SELECT configurationitemcapturetime, resourcetype, resourceid, resourcename, arn, configurationitemstatus, awsregion, "$path" AS path
FROM config WHERE resourceid = ` + v + ` OR arn = ` + v + ` OR resourcename = ` + v + ` OR strpos(configuration, ` + v + `) > 0`
	if e.Kind == KindIP {
		s[qFlows] = `SELECT start / 60 * 60 AS minute,
  CASE WHEN srcaddr = ` + v + ` THEN dstaddr ELSE srcaddr END AS peer,
  CASE WHEN srcaddr = ` + v + ` THEN 'out' ELSE 'in' END AS direction,
  dstport, protocol, action, count(*) AS flows, sum(bytes) AS bytes, min("$path") AS path
FROM vpc_flow WHERE srcaddr = ` + v + ` OR dstaddr = ` + v + `
GROUP BY 1, 2, 3, 4, 5, 6`
	}
	return s
}

// Investigation is the compiled queries of one entity and the hunts, run
// over one scan: every batch goes to each query of its table.
type Investigation struct {
	Entity Entity
	hunts  []*queries.Hunt
	qs     [nQueries]*engine.Query
	hq     []*engine.Query
	runs   [nQueries]*engine.Run
	hruns  []*engine.Run
	gates  []map[string]engine.Gate // per hunt, per table it reads
	vals   []engine.BatchValues
}

// New compiles the investigation of e (and of the hunts, whose findings
// involving e are kept). opts carries the window (Since, Until) and the
// memory pool.
func New(e Entity, hunts []*queries.Hunt, opts engine.Options) (*Investigation, error) {
	inv := &Investigation{Entity: e, hunts: hunts}
	for i, sql := range e.sqlTexts() {
		if sql == "" {
			continue
		}
		o := opts
		o.Source = "investigate"
		q, err := engine.Compile(sql, o)
		if err != nil {
			return nil, fmt.Errorf("investigate: query %d: %w", i, err)
		}
		inv.qs[i] = q
	}
	for _, h := range hunts {
		q, err := h.Compile(opts)
		if err != nil {
			return nil, err
		}
		inv.hq = append(inv.hq, q)
	}
	return inv, nil
}

// Columns is the projection of each table: the union of the columns every
// query reads from it.
func (inv *Investigation) Columns() map[string][]string {
	cols := map[string][]string{}
	add := func(q *engine.Query) {
		for _, t := range q.Tables() {
			for _, c := range q.Columns(t) {
				if !slices.Contains(cols[t], c) {
					cols[t] = append(cols[t], c)
				}
			}
		}
	}
	for _, q := range inv.qs {
		if q != nil {
			add(q)
		}
	}
	for _, q := range inv.hq {
		add(q)
	}
	return cols
}

// Start makes the runs, for workers workers pushing at once.
func (inv *Investigation) Start(ctx context.Context, workers int) {
	for i, q := range inv.qs {
		if q != nil {
			inv.runs[i] = q.NewRunContext(ctx, workers)
		}
	}
	inv.hruns = make([]*engine.Run, len(inv.hq))
	inv.gates = make([]map[string]engine.Gate, len(inv.hq))
	for i, q := range inv.hq {
		inv.hruns[i] = q.NewRunContext(ctx, workers)
		inv.gates[i] = map[string]engine.Gate{}
		for _, t := range inv.hunts[i].TableList() {
			inv.gates[i][t] = q.Gate(t)
		}
	}
	inv.vals = make([]engine.BatchValues, workers)
}

// Push hands one batch of table to every query reading that table. It is
// called from the scan's workers concurrently, one batch per worker.
func (inv *Investigation) Push(worker int, table string, b arrow.RecordBatch) error {
	for i, r := range inv.runs {
		if r == nil || !slices.Contains(inv.qs[i].Tables(), table) {
			continue
		}
		if err := r.PushTable(worker, table, b); err != nil {
			return err
		}
	}
	inv.vals[worker].Reset(b)
	for i, r := range inv.hruns {
		gate, ok := inv.gates[i][table] // a hunt that joins tables reads each
		if !ok || !gate.Admits(&inv.vals[worker]) {
			continue
		}
		// A hunt failing at run time keeps its error for Finish; the
		// investigation goes on without it.
		_ = r.PushTable(worker, table, b)
	}
	return nil
}

// Finish collects every query's result and builds the report. Hunts that
// failed are named in Report.Errors; their findings are left out.
func (inv *Investigation) Finish(w queries.Window) (*Report, error) {
	var res [nQueries]*engine.Result
	for i, r := range inv.runs {
		if r == nil {
			continue
		}
		var err error
		if res[i], err = r.Finish(); err != nil {
			return nil, err
		}
	}
	var fs []findings.Finding
	var errs []string
	for i, r := range inv.hruns {
		out, err := r.Finish()
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", inv.hunts[i].ID, err))
			continue
		}
		f, err := inv.hunts[i].Findings(out, w)
		if err != nil {
			errs = append(errs, err.Error())
		}
		fs = append(fs, f...)
	}
	queries.SortFindings(fs)
	rep := build(inv.Entity, res, fs)
	rep.Errors = errs
	return rep, nil
}

// Run is the whole investigation over objs: one scan, every batch to each
// query. cfg.Columns is set from the queries.
func Run(ctx context.Context, e Entity, hunts []*queries.Hunt, opts engine.Options, cfg scan.Config, objs []archive.Object, w queries.Window) (*Report, *scan.Totals, error) {
	inv, err := New(e, hunts, opts)
	if err != nil {
		return nil, nil, err
	}
	cfg.Columns = inv.Columns()
	inv.Start(ctx, scan.Workers(cfg))
	totals := scan.Run(ctx, cfg, objs, func(worker int, t *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
		return inv.Push(worker, t.Name, b)
	})
	if totals.Stopped != nil {
		return nil, totals, totals.Stopped
	}
	rep, err := inv.Finish(w)
	if rep != nil {
		rep.Records = totals.Stats.Records
		rep.Objects = totals.Objects
	}
	return rep, totals, err
}
