package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/findings"
	"github.com/hunt-sec/hunt/investigate"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/scan"
)

const runExamples = `  # every saved hunt over a local archive, findings as JSON Lines on stdout
  hunt run testdata/hunts

  # nightly from cron: only what arrived since the last run, to Security Hub and a file
  hunt run --state /var/lib/hunt/state.json --sink securityhub --sink file:/var/log/hunt/findings.jsonl \
    s3://trail-bucket/AWSLogs/ s3://flow-bucket/AWSLogs/

  # two hunts, a fixed window (a backfill: the state's object list is neither read nor advanced)
  hunt run --hunt cloudtrail_stopped --hunt root_account_used --since 2024-03-01 --until 2024-03-08 s3://trail-bucket/AWSLogs/

  # your own hunts next to the built-in ones; print what would be sent
  hunt run --hunts ./my-hunts --dry-run ./AWSLogs

Exit codes: 0 no findings, 3 findings emitted, 1 error or incomplete (an object
could not be read, a sink did not accept every finding), 2 usage.
`

// defaultLate is how far behind the newest object date read the state keeps
// its exact object list; objects dated earlier count as read.
const defaultLate = 48 * time.Hour

// stateRetention is how long past a source's horizon delivered finding IDs
// are kept for suppression.
const stateRetention = 30 * 24 * time.Hour

// runRun runs saved hunts over local paths or S3 URIs and delivers the
// findings to the sinks.
//
// Unless GOMEMLIMIT is set, a run sets the Go runtime's soft memory limit
// (runMemLimit, raised as the live heap grows: adaptMemoryLimit): what a
// run holds is bounded by the hunts' buffers, --aggregate-memory and the
// findings it keeps, but with the default GOGC the heap grows to twice
// the live data between collections, and a pack of hundreds of Sigma
// rules over a large archive peaked at 846 MB of RSS with about 400 MB
// live. Near the limit the collector runs more often; below it the run
// does not collect (runGCPercent, unless GOGC is set), as the limit, not
// GOGC, bounds the heap.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "hunt run [flags] PATH|s3://...", runExamples, stdout)
	var common commonFlags
	common.register(fs)
	// Findings are JSON Lines unless asked otherwise.
	common.output = "json"
	fs.Lookup("output").DefValue = "json"
	fs.Lookup("output").Usage = "how the stdout sink writes findings: json (JSON Lines), table, line or csv"
	var huntIDs, huntDirs, sinkSpecs listFlag
	fs.Var(&huntIDs, "hunt", "run only this hunt ID (repeat or comma-separate; default: all)")
	fs.Var(&huntDirs, "hunts", "also load the *.sql hunts in this folder (repeatable)")
	fs.Var(&sinkSpecs, "sink", "where findings go: stdout, file:PATH.jsonl, ocsf:PATH, sns:TOPIC_ARN, securityhub[:REGION], eventbridge[:BUS] (repeatable; default stdout)")
	statePath := fs.String("state", "", "state file: read only objects not read before, suppress findings already delivered (locked while running)")
	late := fs.Duration("late", defaultLate, "late-arrival window: objects dated up to this long before the newest one read are tracked one by one")
	dryRun := fs.Bool("dry-run", false, "print the findings each sink would receive; send nothing and leave the state as it is")
	incidents := fs.Bool("incidents", false, "after the findings, print on stderr the incidents: findings of one actor (or resource) within an hour of each other, each with its timeline")
	profile := fs.Bool("cost", false, "after the run, print each hunt's cost on stderr: batches pushed and skipped by its gate, rows routed to it, push and finish time, memory held and bytes spilled at the end of the scan")
	engineName := fs.String("engine", "local", "where hunts run: local, or athena (each hunt's SQL runs on Amazon Athena over the tables of 'hunt athena ddl'; no PATH is read; the window is --since/--until, default the last 24h)")
	var af athenaFlags
	af.register(fs)
	var aggMem memoryFlag
	registerMemory(fs, &aggMem)
	var rf respondFlags
	rf.register(fs)
	var sg runSigmaFlags
	sg.register(fs)
	paths, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hunt run: "+format+"\n", a...)
		return exitUsage
	}
	onAthena := *engineName == "athena"
	switch {
	case *engineName != "local" && !onAthena:
		return usageErr("--engine: expected local or athena, found %q", *engineName)
	case onAthena && len(paths) > 0:
		return usageErr("--engine athena reads the Athena tables, not PATHs: drop %q", paths[0])
	case !onAthena && len(paths) == 0:
		return usageErr("no PATH or s3:// URI to read\nUsage: hunt run [flags] PATH|s3://... (hunt run -h for help)")
	}
	if err := common.validate(); err != nil {
		return usageErr("%v", err)
	}
	defer common.startProfiles(stderr)()
	if *late < 0 {
		return usageErr("--late: expected a duration of 0 or more, found %s", *late)
	}
	if err := rf.validate(*dryRun, *statePath); err != nil {
		return usageErr("%v", err)
	}
	if len(sinkSpecs) == 0 {
		sinkSpecs = listFlag{"stdout"}
	}
	// The collection policy holds from here on: loading and compiling
	// hundreds of hunts allocates tens of MB, which a default GOGC would
	// collect over and over while the heap is small.
	var gc *collector
	if base, ok := runMemLimit(os.Getenv("GOMEMLIMIT"), common.workers, aggMem.bytes, 0); ok {
		gc = collectUnder(base, runHeadroom, runGCPercent)
		defer gc.stop()
	}
	start := time.Now()
	hunts, err := loadHunts(huntDirs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError
	}
	if hunts, err = selectHunts(hunts, huntIDs); err != nil {
		return usageErr("%v", err)
	}
	if hunts, err = sg.hunts(hunts, huntIDs, stderr); err != nil {
		return usageErr("%v", err)
	}
	window := queries.Window{}
	if window.Since, err = parseWhen(common.since, start); err != nil {
		return usageErr("--since: %v", err)
	}
	if window.Until, err = parseWhen(common.until, start); err != nil {
		return usageErr("--until: %v", err)
	}
	if !window.Since.IsZero() && !window.Until.IsZero() && !window.Since.Before(window.Until) {
		return usageErr("--since %s is not before --until %s", common.since, common.until)
	}
	explicit := !window.Since.IsZero() || !window.Until.IsZero()
	if onAthena {
		// Athena has no object list to advance: a run is its window.
		if window.Until.IsZero() {
			window.Until = start
		}
		if window.Since.IsZero() {
			window.Since = window.Until.Add(-24 * time.Hour)
		}
		explicit = true
	}

	if gc != nil {
		// The hunts are known: the base grows with their number.
		base, _ := runMemLimit(os.Getenv("GOMEMLIMIT"), common.workers, aggMem.bytes, len(hunts))
		gc.setBase(base)
	}
	r := &hunter{stderr: stderr, common: common, hunts: hunts, explicit: explicit, window: window, start: start, profile: *profile}
	pool := engine.NewMemoryPool(aggMem.bytes) // the hunts read each object together
	for _, h := range hunts {
		opts := engine.Options{Now: start, MemoryPool: pool}
		if !onAthena {
			// A backfill's --since/--until keep only the events in the
			// window (Athena gets the window as partition predicates).
			opts.Since, opts.Until = window.Since, window.Until
		}
		q, err := h.Compile(opts)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitError
		}
		r.queries = append(r.queries, q)
	}

	// The lock is taken before the state is read and released after it is
	// written: two runs never interleave.
	var state *findings.State
	if *statePath != "" {
		lock, err := findings.LockState(*statePath, start)
		if err != nil {
			fmt.Fprintf(stderr, "hunt run: %v\n", err)
			return exitError
		}
		defer lock.Unlock()
		if state, err = findings.LoadState(*statePath); err != nil {
			fmt.Fprintf(stderr, "hunt run: %v\n", err)
			return exitError
		}
	}
	r.state = state
	r.dryRun = *dryRun
	if *statePath != "" {
		if r.statePath, err = filepath.Abs(*statePath); err != nil {
			fmt.Fprintf(stderr, "hunt run: %v\n", err)
			return exitError
		}
	}

	sinks, err := openRunSinks(ctx, sinkSpecs, common, *dryRun, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "hunt run: %v\n", err)
		return usageOrError(err)
	}
	resp, err := rf.open(ctx, common, huntDirs, state, *statePath, stderr) // stdout stays the findings
	if err != nil {
		fmt.Fprintf(stderr, "hunt run: %v\n", err)
		return exitError
	}
	defer resp.close()
	var code int
	if onAthena {
		code = r.runAthena(ctx, &af)
	} else {
		if err := r.plan(ctx, paths); err != nil {
			fmt.Fprintf(stderr, "hunt run: %v\n", err)
			return exitError
		}
		code = r.scan(ctx)
	}
	if code != exitOK && r.totals.Stopped != nil {
		// Interrupted or --strict: the results are partial, so nothing is
		// sent and the state stays as it was.
		return code
	}
	// The findings stream from the hunts' results to the sinks: what the
	// incidents and the responses need is kept on the way.
	var brief, toRespond []findings.Finding
	found := func(yield func(findings.Finding) bool) {
		for f := range r.findings() {
			if *incidents {
				brief = append(brief, briefFinding(&f))
			}
			if resp.wants(f.HuntID) {
				toRespond = append(toRespond, f)
			}
			if !yield(f) {
				return
			}
		}
	}
	sent, sendErrs := r.deliver(ctx, sinks, found)
	if *incidents {
		_ = investigate.WriteIncidents(stderr, investigate.Incidents(brief, investigate.DefaultGap))
	}
	if err := errors.Join(r.huntErrs...); err != nil {
		fmt.Fprintf(stderr, "hunt run: %v\n", err)
		code = exitError // incomplete: the other hunts' findings are still delivered
	}
	for _, e := range sendErrs {
		fmt.Fprintf(stderr, "hunt run: %v\n", e)
	}
	if state != nil && !*dryRun {
		r.advance(*late)
		if err := state.Save(*statePath, time.Now()); err != nil {
			fmt.Fprintf(stderr, "hunt run: cannot save state: %v\n", err)
			code = exitError
		}
	}
	// After delivery and the state's save: each change saves the state again.
	if err := resp.respond(ctx, toRespond); err != nil {
		fmt.Fprintf(stderr, "hunt run: %v\n", err)
		code = exitError
	}
	r.summary(sent, time.Since(start))
	if *profile {
		r.printProfile()
	}
	switch {
	case code != exitOK || len(sendErrs) > 0:
		return exitError
	case sent > 0:
		return exitFindings
	}
	return exitOK
}

// loadHunts returns the embedded hunts plus those of dirs, with unique IDs.
func loadHunts(dirs []string) ([]*queries.Hunt, error) {
	hunts, err := queries.Embedded()
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		more, err := queries.LoadDir(d)
		if err != nil {
			return nil, err
		}
		if err := queries.CheckUnique(hunts, more); err != nil {
			return nil, err
		}
		hunts = append(hunts, more...)
	}
	queries.Sort(hunts)
	return hunts, nil
}

// selectHunts keeps the hunts named by ids (all when none).
func selectHunts(hunts []*queries.Hunt, ids []string) ([]*queries.Hunt, error) {
	if len(ids) == 0 {
		return hunts, nil
	}
	var out []*queries.Hunt
	for _, id := range ids {
		i := slices.IndexFunc(hunts, func(h *queries.Hunt) bool { return h.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("--hunt: expected a hunt ID (see hunt hunts list), found %q%s", id, didYouMeanHunt(hunts, id))
		}
		if !slices.Contains(out, hunts[i]) {
			out = append(out, hunts[i])
		}
	}
	queries.Sort(out)
	return out, nil
}

// openRunSinks opens the sinks; with --output table or csv, the stdout
// sink prints a table or CSV instead of JSON Lines.
func openRunSinks(ctx context.Context, specs []string, common commonFlags, dryRun bool, stdout io.Writer) ([]findings.Sink, error) {
	var rest []string
	var table *tableSink
	for _, s := range specs {
		if s == "stdout" && common.output != "json" {
			table = &tableSink{w: stdout, format: common.output, dryRun: dryRun}
			continue
		}
		rest = append(rest, s)
	}
	opts := findings.SinkOptions{
		DryRun: dryRun, Stdout: stdout,
		Profile: common.profile, Region: common.region, EndpointURL: common.endpointURL, ProductArn: common.productArn,
	}
	for _, s := range rest {
		if kind, _, _ := strings.Cut(s, ":"); kind == "sns" || kind == "securityhub" || kind == "eventbridge" {
			awsCfg, err := common.awsConfig(ctx) // only runs with an AWS sink load it
			if err != nil {
				return nil, err
			}
			opts.AWS = awsCfg
			break
		}
	}
	sinks, err := findings.OpenSinks(ctx, rest, opts)
	if err != nil {
		return nil, err
	}
	if table != nil {
		sinks = append([]findings.Sink{table}, sinks...)
	}
	return sinks, nil
}

// hunter is one `hunt run`: the hunts, what to read, and what was found.
type hunter struct {
	stderr  io.Writer
	common  commonFlags
	hunts   []*queries.Hunt
	queries []*engine.Query
	state   *findings.State // nil without --state
	// statePath is the absolute path of --state, so the run never reads
	// its own state as a log.
	statePath string
	dryRun    bool // --dry-run: sinks accept nothing, nothing is journaled
	explicit  bool // --since/--until given: a backfill, the object list is not used
	window    queries.Window
	start     time.Time

	plans   []*archive.Plan
	objects []archive.Object
	// need[i] are the indexes of the hunts that read objects[i].
	need    [][]int
	source  []string // the PATH argument objects[i] was planned from
	byURI   map[string]int
	skipped int // objects every selected hunt already read
	behind  int // objects dated before their stream's horizon: counted as read
	context int // objects read again for the windows of aggregating hunts
	// cost is each worker's per-hunt work (batches pushed and skipped by
	// the hunt's gate, push time with --profile).
	cost    [][]huntCost
	profile bool
	// unrouted pushes every batch whole to every hunt of its table (the
	// reference row routing is tested against).
	unrouted bool
	sparse   []parsers.OnlyIn // columns decoded only in some records (onlyIn)
	// shares[i] is the group hunt i runs in as one query with hunts that
	// differ from it only in HAVING (nil: it runs alone), shareIdx[i] its
	// place in it; unshared runs every hunt alone (the reference).
	shares   []*huntShare
	shareIdx []int
	unshared bool
	// unstaged reads objects in plan order, never small joined tables
	// first (the reference staging is tested against; run_share.go).
	unstaged bool
	// failedHunts are hunts that failed at run time: objects are not
	// recorded as read by them. huntErrs are their errors, and those of
	// result rows that could not become findings.
	failedHunts map[string]bool
	huntErrs    []error
	listed      map[string]map[string]bool
	totals      *scan.Totals
	runs        []*engine.Run
	folders     []*queries.Folder // each hunt's fold of its streamed result (nil: none)
	results     []*engine.Result  // --engine athena: each hunt's answer
	counts      runCounts
	// unread are objects whose remaining hunts are all of another table.
	unread []unreadObject
}

// unreadObject is an object recorded as read by hunts without opening it.
type unreadObject struct {
	obj    archive.Object
	source string
	hunts  []string
}

// tables returns the tables the selected hunts read.
func (r *hunter) tables() []string {
	var ts []string
	for _, h := range r.hunts {
		for _, t := range h.TableList() {
			if !slices.Contains(ts, t) {
				ts = append(ts, t)
			}
		}
	}
	slices.Sort(ts)
	return ts
}

// plan lists each PATH, pruned by --since/--until (or, incrementally, by the
// source's horizon in the state), and decides per object which hunts still
// have to read it.
func (r *hunter) plan(ctx context.Context, paths []string) error {
	r.byURI = map[string]int{}
	r.listed = map[string]map[string]bool{}
	table := ""
	if ts := r.tables(); len(ts) == 1 {
		table = ts[0]
	}
	ids := make([]string, len(r.hunts))
	idPos := make(map[string]int, len(r.hunts)) // hunt ID → index (hundreds of Sigma hunts)
	for i, h := range r.hunts {
		ids[i] = h.ID
		idPos[h.ID] = i
	}
	for _, p := range paths {
		facts, err := r.common.facts(table, r.start)
		if err != nil {
			return err
		}
		if !r.explicit && r.state != nil {
			facts.Since = r.state.Horizon(p)
		}
		plan, err := planPaths(ctx, r.common, []string{p}, facts)
		if err != nil {
			return err
		}
		if r.explicit {
			// Converted Parquet: date= partitions hold event dates, so only
			// an explicit window may prune them; an incremental run must
			// still see files a later convert added to old partitions.
			archive.PruneHive(plan, facts)
		}
		r.plans = append(r.plans, plan)
		r.listed[p] = map[string]bool{}
		var cands []candidate
		for _, o := range plan.Objects {
			if r.isStateFile(o) {
				continue // the state kept inside the archive folder is not a log
			}
			r.listed[p][o.Key] = true
			if _, dup := r.byURI[o.URI]; dup {
				continue
			}
			c := candidate{obj: o, need: ids}
			if !r.explicit && r.state != nil {
				c.need, c.behind = r.state.NeededIn(p, streamOf(o), o.Key, objectVersion(o), objectDate(o), ids)
			}
			cands = append(cands, c)
		}
		if !r.explicit && r.state != nil {
			r.addContext(p, cands)
		}
		for _, c := range cands {
			o, need := c.obj, c.need
			if len(need) == 0 {
				if c.behind {
					r.behind++
				} else {
					r.skipped++
				}
				continue
			}
			if c.context {
				r.context++
			}
			idx := make([]int, 0, len(need))
			for _, id := range need {
				if i, ok := idPos[id]; ok {
					idx = append(idx, i)
				}
			}
			slices.Sort(idx)
			idx = slices.Compact(idx)
			// The key says the object's table: when none of the hunts
			// still to read it is of that table, it is recorded as read
			// without opening it (a vpc_flow hunt added later does not
			// re-read the CloudTrail archive).
			if kt := o.Facts.Kind.Table(); kt != "" && !slices.ContainsFunc(idx, func(i int) bool { return r.hunts[i].ReadsTable(kt) }) {
				r.unread = append(r.unread, unreadObject{o, p, need})
				r.skipped++
				continue
			}
			r.byURI[o.URI] = len(r.objects)
			r.objects = append(r.objects, o)
			r.need = append(r.need, idx)
			r.source = append(r.source, p)
		}
	}
	return nil
}

// huntCost is one hunt's share of a run's work.
type huntCost struct {
	batches, skipped int
	rows             int64 // rows routed to the hunt
	push, finish     time.Duration
	// held and spilled are what the hunt's query held at the end of the
	// scan: groups and buffered rows in memory (estimated, as counted
	// against --aggregate-memory) and bytes written to spill files.
	held, spilled int64
}

// candidate is a listed object and the hunts that still have to read it.
type candidate struct {
	obj     archive.Object
	need    []string
	behind  bool // dated before its stream's horizon: counted as read
	context bool // read before, read again for the windows of aggregating hunts
}

// addContext makes the aggregating hunts (threshold hunts: counts over a
// time window) read again the objects of a stream read in earlier runs
// that lie within their window of the stream's new objects. A burst split
// across two objects read in different runs (one delivered late, or one
// that failed once) is then counted whole; findings the earlier run
// delivered keep their IDs and stay suppressed.
func (r *hunter) addContext(source string, cands []candidate) {
	type span struct{ lo, hi time.Time }
	fresh := map[string]*span{} // stream → when its new objects' events happened (contextSpan)
	var all *span               // the same over all new objects, for hunts that join tables
	for _, c := range cands {
		lo, hi, ok := contextSpan(c.obj)
		if len(c.need) == 0 || !ok {
			continue
		}
		st := streamOf(c.obj)
		if sp := fresh[st]; sp == nil {
			fresh[st] = &span{lo, hi}
		} else {
			sp.lo, sp.hi = minTime(sp.lo, lo), maxTime(sp.hi, hi)
		}
		if all == nil {
			all = &span{lo, hi}
		} else {
			all.lo, all.hi = minTime(all.lo, lo), maxTime(all.hi, hi)
		}
	}
	for i := range cands {
		c := &cands[i]
		lo, hi, ok := contextSpan(c.obj)
		if len(c.need) > 0 || c.behind || !ok || all == nil {
			continue
		}
		var read []string
		for _, h := range r.hunts {
			if h.LastSeen == "" || h.Window <= 0 {
				continue
			}
			if kt := c.obj.Facts.Kind.Table(); kt != "" && !h.ReadsTable(kt) {
				continue
			}
			// A hunt over one table re-reads its stream around the
			// stream's new objects; a join, every table it reads around
			// any new object (a GuardDuty export arriving after the
			// CloudTrail files it joins with).
			sp := fresh[streamOf(c.obj)]
			if len(h.TableList()) > 1 {
				sp = all
			}
			if sp == nil || hi.Before(sp.lo.Add(-h.Window)) || lo.After(sp.hi.Add(h.Window)) {
				continue
			}
			if read == nil {
				read = r.state.ReadBy(source, c.obj.Key, objectVersion(c.obj))
			}
			if slices.Contains(read, h.ID) {
				c.need = append(c.need, h.ID)
				c.context = true
			}
		}
	}
}

// streamOf names the stream of deliveries o belongs to, whose dates
// advance together: its kind, account and region ("" for keys without a
// date).
func streamOf(o archive.Object) string {
	if !o.Facts.HasDate {
		return ""
	}
	return o.Facts.Kind.String() + "/" + o.Facts.Account + "/" + o.Facts.Region
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// isStateFile reports whether o is the state file, its lock or its
// delivery journal.
func (r *hunter) isStateFile(o archive.Object) bool {
	if r.statePath == "" || strings.HasPrefix(o.URI, "s3://") {
		return false
	}
	abs, err := filepath.Abs(o.URI)
	if err != nil {
		return false
	}
	return abs == r.statePath || abs == r.statePath+".lock" || abs == r.statePath+".journal"
}

func objectVersion(o archive.Object) string {
	return findings.ObjectVersion(o.ETag, o.Size, o.ModTime)
}

func objectDate(o archive.Object) time.Time {
	if o.Facts.HasDate {
		return o.Facts.Date
	}
	return time.Time{}
}

// scan reads every object once and pushes each batch to the runs of the
// hunts of its table that still need the object.
func (r *hunter) scan(ctx context.Context) int {
	cfg := scan.Config{Strict: r.common.strict, Workers: r.common.workers, MaxErrors: r.common.maxErrors, Columns: map[string][]string{}, ProgressTo: r.stderr, Options: r.common.readerOptions()}
	cfg.Table = onlyTable(r.tables())
	// One projection per table: the union of the columns its hunts read
	// (a hunt that joins tables reads columns of each).
	for i, h := range r.hunts {
		for _, t := range h.TableList() {
			for _, c := range r.queries[i].Columns(t) {
				if !slices.Contains(cfg.Columns[t], c) {
					cfg.Columns[t] = append(cfg.Columns[t], c)
				}
			}
		}
	}
	workers := scan.Workers(cfg)
	r.runs = make([]*engine.Run, len(r.hunts))
	gates := make([]map[string]engine.Gate, len(r.hunts)) // per hunt, per table it reads
	r.folders = make([]*queries.Folder, len(r.hunts))
	// Copies of a hunt that differ only in HAVING run as one query.
	r.shareHunts()
	for i := range r.queries {
		q := r.sharedQuery(i)
		if q == nil {
			continue // its group's first hunt pushes for it
		}
		r.runs[i] = q.NewRunContext(ctx, workers)
		gates[i] = map[string]engine.Gate{}
		for _, t := range r.hunts[i].TableList() {
			if r.unrouted {
				gates[i][t] = engine.Gate{} // admits every row
			} else {
				gates[i][t] = q.Gate(t)
			}
		}
		// The result rows are folded into findings as they come, so a
		// hunt holds its findings' evidence rows, not its result (a hunt
		// that matches millions of events for a few findings stays
		// small). A LIMIT keeps whichever rows come first: those hunts
		// fold the result Finish returns.
		ok, ordered := q.StreamsResult()
		switch g := r.shares[i]; {
		case !ok:
		case g == nil:
			f := r.hunts[i].NewFolder(r.window, ordered)
			r.folders[i] = f
			r.runs[i].StreamViews(f.Add)
		default:
			fs := make([]*queries.Folder, len(g.members))
			for k, m := range g.members {
				fs[k] = r.hunts[m].NewFolder(r.window, ordered)
				r.folders[m] = fs[k]
			}
			r.runs[i].StreamViews(func(res *engine.Result) error {
				for k, f := range fs {
					if err := f.Add(g.s.Member(res, k)); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}
	// Per worker: the batch's dictionary values the gates look up, and
	// each hunt's push time (--profile).
	vals := make([]engine.BatchValues, workers)
	r.cost = make([][]huntCost, workers)
	for w := range r.cost {
		r.cost[w] = make([]huntCost, len(r.hunts))
	}
	// Columns that only hunts of a few event names read are decoded only
	// in their records.
	if r.sparse = r.onlyIn(cfg.Columns["cloudtrail"], gates); len(r.sparse) > 0 {
		cfg.Options = append(cfg.Options, parsers.WithOnlyIn(r.sparse...))
	}
	// Small tables a hunt joins with a large one are read first.
	r.stageTables(&cfg)
	// Per table, each hunt's gate (ok: the hunt reads the table), so a
	// batch looks its table up once, not once per hunt.
	type huntGate struct {
		g  engine.Gate
		ok bool
	}
	byTable := map[string][]huntGate{}
	for i, gs := range gates {
		for t, g := range gs {
			if byTable[t] == nil {
				byTable[t] = make([]huntGate, len(r.hunts))
			}
			byTable[t][i] = huntGate{g, true}
		}
	}
	r.totals = scan.Run(ctx, cfg, r.objects, func(worker int, table *parsers.Table, obj archive.Object, b arrow.RecordBatch) error {
		tgates := byTable[table.Name]
		if tgates == nil {
			return nil // no hunt reads the table
		}
		vals[worker].Reset(b)
		cost := r.cost[worker]
		for _, i := range r.need[r.byURI[obj.URI]] {
			if r.runs[i] == nil {
				continue // its group's first hunt pushes for it
			}
			if !tgates[i].ok {
				continue
			}
			gate := tgates[i].g
			// Route each hunt only the rows it can match: most pin
			// eventname or action to constants (the batch's dictionary
			// says which rows hold them). A hunt failing at run time (an
			// overflow, a bad cast) keeps its error for Finish and
			// ignores later batches; the scan goes on for the others.
			var start pushClock
			if r.profile {
				start = readPushClock()
			}
			n := pushRouted(r.runs[i], table.Name, gate, &vals[worker], worker, b)
			if r.profile {
				cost[i].push += start.since()
			}
			if n == 0 {
				cost[i].skipped++
				continue
			}
			cost[i].batches++
			cost[i].rows += int64(n)
		}
		return nil
	})
	if r.profile {
		for i, run := range r.runs {
			if run != nil {
				r.cost[0][i].held, r.cost[0][i].spilled = r.sharedQuery(i).Held()
			}
		}
	}
	plan := &archive.Plan{}
	for _, p := range r.plans {
		mergePlan(plan, p)
	}
	return finishScan(r.stderr, "run", plan, r.totals, time.Since(r.start), r.common.maxErrors)
}

// pushRouted pushes to run the rows of b its gate g admits and returns
// how many: most hunts pin eventname or action to constants, so each gets
// only the rows holding one of them (v looks each value up once per batch
// for all hunts), not the whole batch to filter; 0 when no row can match.
// A hunt failing at run time (an overflow, a bad cast) keeps its error for
// Finish and ignores later batches; the scan goes on for the other hunts.
func pushRouted(run *engine.Run, table string, g engine.Gate, v *engine.BatchValues, worker int, b arrow.RecordBatch) int {
	rows, all := g.Rows(v)
	switch {
	case all:
		_ = run.PushTable(worker, table, b)
		return int(b.NumRows())
	case len(rows) == 0:
		return 0
	}
	_ = run.PushTableRows(worker, table, b, rows)
	return len(rows)
}

// runAthena runs each hunt's SQL on Athena over the run's window and keeps
// the results for findings. A hunt that fails is reported and the run's
// results are incomplete.
func (r *hunter) runAthena(ctx context.Context, af *athenaFlags) int {
	r.totals = &scan.Totals{PerTable: map[string]int64{}}
	a, err := af.client(ctx, r.common)
	if err != nil {
		fmt.Fprintf(r.stderr, "hunt run: %v\n", err)
		r.totals.Stopped = err
		return exitError
	}
	prune := engine.Pruning{Since: r.window.Since, Until: r.window.Until, Accounts: r.common.accounts, Regions: r.common.regions}
	r.results = make([]*engine.Result, len(r.hunts))
	code := exitOK
	for i, h := range r.hunts {
		res, st, err := a.Run(ctx, h.SQL, engine.Options{Source: h.Source, Now: r.start}, prune)
		printAthenaSummary(r.stderr, "run "+h.ID, st)
		if err != nil {
			fmt.Fprintf(r.stderr, "hunt run: %s: %v\n", h.ID, err)
			if ctx.Err() != nil {
				r.totals.Stopped = ctx.Err()
				return exitError
			}
			code = exitError
			continue
		}
		r.results[i] = res
	}
	return code
}

// findings yields the findings of every hunt, by hunt ID, first seen and
// ID: each hunt's result is folded when the findings of the hunts before
// it have been handed on, and let go once its own have been, so a run
// holds one hunt's result and fold at a time, never every finding with
// its evidence. The errors of hunts that failed are in r.huntErrs
// afterwards.
func (r *hunter) findings() iter.Seq[findings.Finding] {
	return func(yield func(findings.Finding) bool) {
		r.failedHunts = map[string]bool{}
		for i, h := range r.hunts {
			var res *engine.Result
			var err error
			folder := r.folderOf(i)
			if folder != nil {
				r.folders[i] = nil
			}
			switch {
			case r.results != nil:
				if res = r.results[i]; res == nil {
					continue // failed on Athena, reported
				}
				r.results[i] = nil
			case r.shares != nil && r.shares[i] != nil:
				g := r.shares[i]
				start := processCPU()
				res, err = g.result(r, r.shareIdx[i])
				if r.cost != nil {
					r.cost[0][i].finish = processCPU() - start
				}
				r.queries[i] = nil
				if i == g.lead() {
					r.runs[i] = nil
				}
			default:
				start := processCPU()
				res, err = r.runs[i].Finish()
				if r.cost != nil {
					r.cost[0][i].finish = processCPU() - start
				}
				// Its operators are done: let them go (without a folder, the
				// query's output operator keeps the result the fold reads).
				r.runs[i], r.queries[i] = nil, nil
				if err != nil {
					// One hunt's failure (an overflow, a bad cast) is reported;
					// the other hunts' findings stand, and the objects are not
					// recorded as read by this hunt, so the next run retries it.
					r.failedHunts[h.ID] = true
					if !strings.HasPrefix(err.Error(), h.Source+":") {
						err = fmt.Errorf("%s: %w", h.Source, err) // positioned engine errors name it already
					}
					r.huntErrs = append(r.huntErrs, err)
					continue
				}
			}
			var fd *queries.Folded
			if folder != nil {
				// res has no rows: Add checks its columns, had no row come.
				if err = folder.Add(res); err == nil {
					fd, err = folder.Folded()
				}
			} else {
				fd, err = h.Fold(res, r.window)
			}
			if err != nil {
				var rows *queries.RowsError
				if !errors.As(err, &rows) {
					r.failedHunts[h.ID] = true
				}
				r.huntErrs = append(r.huntErrs, err)
			}
			if fd == nil {
				continue
			}
			for f := range fd.All() {
				if !yield(f) {
					return
				}
			}
		}
	}
}

// folderOf returns the folder of hunt i's streamed result, nil when its
// result is folded after Finish.
func (r *hunter) folderOf(i int) *queries.Folder {
	if r.folders == nil {
		return nil
	}
	return r.folders[i]
}

// briefFinding returns what the incidents read of f: no evidence, no text.
func briefFinding(f *findings.Finding) findings.Finding {
	return findings.Finding{ID: f.ID, HuntID: f.HuntID, Severity: f.Severity, Resource: f.Resource, Actor: f.Actor, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen}
}

// runCounts are the finding counts of the summary.
type runCounts struct {
	found, suppressed, resent, delivered, pending int
}

// deliver hands the findings to [findings.Deliver], which sends them (and
// those pending from earlier runs) to every sink that has not accepted
// them and records in the state which every sink accepted. It returns how
// many findings were emitted this run.
func (r *hunter) deliver(ctx context.Context, sinks []findings.Sink, found iter.Seq[findings.Finding]) (int, []error) {
	c, errs := findings.Deliver(ctx, r.state, sinks, found, findings.DeliverOptions{WindowOf: r.windowOf, DryRun: r.dryRun})
	r.counts = runCounts{found: c.Found, suppressed: c.Suppressed, resent: c.Resent, delivered: c.Delivered, pending: c.Pending}
	return c.Emitted, errs
}

// windowOf returns the suppression window of a hunt, DefaultWindow for a
// hunt no longer loaded (a pending finding of a removed hunt).
func (r *hunter) windowOf(id string) time.Duration {
	for _, h := range r.hunts {
		if h.ID == id {
			return h.Window
		}
	}
	return queries.DefaultWindow
}

// advance records the objects read (all but the failed ones) and moves
// each source's horizon. A backfill (--since/--until) records nothing.
func (r *hunter) advance(late time.Duration) {
	if r.explicit {
		return
	}
	for i, o := range r.objects {
		if r.totals.ObjectFailed(o.URI) != nil {
			continue // its rows are incomplete: read it again next run
		}
		ids := make([]string, 0, len(r.need[i]))
		for _, h := range r.need[i] {
			if !r.failedHunts[r.hunts[h].ID] {
				ids = append(ids, r.hunts[h].ID)
			}
		}
		r.state.MarkReadIn(r.source[i], streamOf(o), o.Key, objectVersion(o), objectDate(o), ids)
	}
	for _, u := range r.unread {
		r.state.MarkReadIn(u.source, streamOf(u.obj), u.obj.Key, objectVersion(u.obj), objectDate(u.obj), u.hunts)
	}
	var oldest time.Time
	for src, keys := range r.listed {
		r.state.AdvanceAt(src, late, keys, r.start)
		if h := r.state.Horizon(src); !h.IsZero() && (oldest.IsZero() || h.Before(oldest)) {
			oldest = h
		}
	}
	if !oldest.IsZero() {
		r.state.ForgetBefore(oldest.Add(-stateRetention))
	}
}

func (r *hunter) summary(sent int, elapsed time.Duration) {
	c := r.counts
	t := r.totals
	var extra string
	if r.context > 0 {
		extra += fmt.Sprintf(" (%d of them again, for the windows of aggregating hunts)", r.context)
	}
	extra += fmt.Sprintf(", %d skipped (read before)", r.skipped)
	if r.behind > 0 {
		extra += fmt.Sprintf(", %d skipped as dated before their stream's horizon (counted as read; a late delivery needs --since to backfill)", r.behind)
	}
	fmt.Fprintf(r.stderr, "hunt run: %d hunts over %s; %d objects read%s; %d records, %d rejected; findings: %d found, %d new, %d suppressed (delivered before), %d re-sent from earlier runs; %d delivered, %d pending; %.2fs\n",
		len(r.hunts), strings.Join(r.tables(), " and "), t.Objects, extra, t.Stats.Records, t.Stats.Rejected,
		c.found, sent-c.resent, c.suppressed, c.resent, c.delivered, c.pending, elapsed.Seconds())
}

// printProfile prints each hunt's cost, the costliest first: what a team
// looks at to see which rule costs what.
func (r *hunter) printProfile() {
	if r.cost == nil {
		return
	}
	type row struct {
		id     string
		c      huntCost
		load   time.Duration
		shared string
	}
	rows := make([]row, len(r.hunts))
	for i, h := range r.hunts {
		rows[i].id = h.ID
		if r.shares != nil && r.shares[i] != nil {
			// A group's work is counted once, at the hunt that runs it.
			if g := r.shares[i]; g.lead() == i {
				rows[i].shared = fmt.Sprintf("  (one query for it and %d copies differing in WHERE or HAVING)", len(g.members)-1)
			} else {
				rows[i].shared = "  (in " + r.hunts[g.lead()].ID + "'s query)"
			}
		}
		for _, wc := range r.cost {
			rows[i].c.batches += wc[i].batches
			rows[i].c.skipped += wc[i].skipped
			rows[i].c.rows += wc[i].rows
			rows[i].c.push += wc[i].push
			rows[i].c.finish += wc[i].finish
			rows[i].c.held += wc[i].held
			rows[i].c.spilled += wc[i].spilled
		}
		rows[i].load = rows[i].c.push + rows[i].c.finish
	}
	slices.SortFunc(rows, func(a, b row) int { return int(b.load - a.load) })
	fmt.Fprintf(r.stderr, "hunt run: cost per hunt (push: "+costClock+" summed over workers; finish: CPU time; held: groups and rows in memory at the end of the scan, estimated; spilled: bytes written to spill files):\n%-45s %9s %9s %11s %10s %10s %9s %9s\n", "hunt", "batches", "skipped", "rows", "push", "finish", "held", "spilled")
	for _, x := range rows {
		fmt.Fprintf(r.stderr, "%-45s %9d %9d %11d %9.3fs %9.3fs %9s %9s%s\n", x.id, x.c.batches, x.c.skipped, x.c.rows, x.c.push.Seconds(), x.c.finish.Seconds(), byteSize(x.c.held), byteSize(x.c.spilled), x.shared)
	}
}

// tableSink is the stdout sink for --output table and csv: one row per
// finding, for a person reading a terminal.
type tableSink struct {
	w      io.Writer
	format string
	dryRun bool
}

func (t *tableSink) Name() string { return "stdout" }

func (t *tableSink) Send(_ context.Context, fs []findings.Finding) ([]string, error) {
	out, err := newRowWriter(t.format, t.w, []string{"severity", "hunt", "resource", "actor", "account", "region", "first_seen", "last_seen", "count", "id"})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		if err := out.Row([]any{f.Severity, f.HuntID, f.Resource, f.Actor, f.Account, f.Region, f.FirstSeen, f.LastSeen, f.Count, f.ID}); err != nil {
			return nil, err
		}
		ids = append(ids, f.ID)
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if t.dryRun {
		return nil, nil
	}
	return ids, nil
}

// runMemoryLimit is the soft memory limit of a run of up to libraryHunts
// hunts with up to two workers and the default --aggregate-memory: the
// shipped library's 118 hunts peak at 248 MB of RSS under it (280 MB
// without, the default GOGC letting the heap double its 136 MB of live
// data). runHuntBytes is added per hunt beyond libraryHunts (each keeps
// per-worker scratch and its results' state: at 224 MiB, 1,000 hunts
// took 14 % more CPU in collections), runWorkerBytes per worker beyond
// two (each holds a batch per table and its readers' buffers).
const (
	runMemoryLimit = 224 << 20
	runHuntBytes   = 128 << 10
	libraryHunts   = 118
	runWorkerBytes = 64 << 20
)

// setMemoryLimit is debug.SetMemoryLimit (tests record the calls).
var setMemoryLimit = debug.SetMemoryLimit

// runGCPercent is the GOGC of a run under its soft memory limit (unless
// GOGC is set): off, so only the limit starts a collection. The limit
// bounds the heap, so any GOGC only made the collector run more often
// below it: at 400 the library's 118 hunts over a 258 MiB subset
// collected 4 times, at 4, 17, 34 and 100 MB of heap (201 M instructions
// of marking and write barriers), where off collects once, at the limit
// (140 M); over the 2 GiB corpus 12 times instead of 7, peaking at 243
// and 251 MB, under the 256 MiB (268 MB) they are held to. 500 hunts over
// no objects at all took 567 M instructions at 400, 418 M off: loading
// and compiling them allocates ~55 MB, collected again and again while
// the heap was small.
// Earlier, GOGC=400 (from 100) took the 737-rule Sigma pack over 1 GiB
// of CloudTrail from 32 collections to 15 at the same 333 MB peak RSS.
const runGCPercent = -1

// setGCPercent is debug.SetGCPercent (tests record the calls).
var setGCPercent = debug.SetGCPercent

// runMemLimit returns the soft memory limit of a run, and false when none
// is set: GOMEMLIMIT (env) is set, or --aggregate-memory is off
// (aggregate < 0: the groups are not bounded, so neither is the heap).
// A larger --aggregate-memory raises it by the difference.
func runMemLimit(env string, workers int, aggregate int64, hunts int) (int64, bool) {
	if workers <= 0 {
		workers = scan.DefaultWorkers()
	}
	base := int64(runMemoryLimit) + int64(max(workers-2, 0))*runWorkerBytes + int64(max(hunts-libraryHunts, 0))*runHuntBytes
	return softMemLimit(env, base, aggregate)
}
