package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

const athenaDDLExamples = `  # both tables for a single-account trail bucket and its flow logs
  hunt athena ddl --location s3://trail-bucket/ --account 111122223333 --region us-east-1,eu-west-1

  # an organization trail, every member account, into database sec
  hunt athena ddl --table cloudtrail --location s3://org-trail/ --org o-abc123 \
    --account 111122223333,444455556666 --database sec

  # flow logs delivered as hourly, Hive-compatible Parquet
  hunt athena ddl --table vpc_flow --location s3://flow-bucket/prefix/ --account 111122223333 --parquet --hive --hourly

  # text flow logs with a custom format (columns are positional)
  hunt athena ddl --table vpc_flow --location s3://flow-bucket/ --account 111122223333 \
    --format '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${flow-direction}'
`

// runAthena dispatches the athena subcommands.
func runAthena(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const usage = "Usage: hunt athena ddl [flags]\n\nRun 'hunt athena ddl -h' for its flags and examples.\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "ddl":
		return runAthenaDDL(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "hunt athena: unknown subcommand %q\n", args[0])
	if s := suggest(args[0], []string{"ddl"}); s != "" {
		fmt.Fprintf(stderr, "Did you mean 'hunt athena %s'?\n", s)
	}
	fmt.Fprint(stderr, usage)
	return exitUsage
}

// runAthenaDDL prints CREATE statements for the Athena tables hunt queries
// with --engine athena.
func runAthenaDDL(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("athena ddl", "hunt athena ddl --location s3://bucket/[prefix/] --account ID[,ID...] [flags]", athenaDDLExamples, stdout)
	var c engine.AthenaDDLConfig
	var accounts, regions listFlag
	fs.StringVar(&c.Location, "location", "", "S3 prefix holding AWSLogs/ (required)")
	table := fs.String("table", "all", "which table: "+strings.Join(parsers.TableNames(), ", ")+" or all")
	fs.StringVar(&c.Database, "database", "hunt", "Athena database of the tables")
	fs.StringVar(&c.Table, "name", "", "table name (with a single --table); default "+athenaDefaultNames())
	fs.StringVar(&c.Org, "org", "", "organization ID of an organization trail (o-...): logs under AWSLogs/o-.../ACCOUNT/")
	fs.Var(&accounts, "account", "account IDs whose logs the location holds (required; repeat or comma-separate)")
	fs.Var(&regions, "region", "regions to project (repeat or comma-separate; default every commercial region)")
	fs.StringVar(&c.Since, "since", "2020/01/01", "first delivery date projected, yyyy/MM/dd")
	fs.BoolVar(&c.NetworkActivity, "network-activity", false, "CloudTrail network-activity events (CloudTrail-NetworkActivity/)")
	fs.BoolVar(&c.Flow.Parquet, "parquet", false, "flow logs delivered as Parquet")
	fs.BoolVar(&c.Flow.Hive, "hive", false, "flow logs under Hive-compatible prefixes (aws-account-id=.../year=.../)")
	fs.BoolVar(&c.Flow.Hourly, "hourly", false, "flow logs partitioned per hour")
	format := fs.String("format", "", "text flow-log format, ${field} names in order (default: the 14 version-2 fields)")
	from := fs.String("from", "", "take the text flow-log format from the header line of the first flow-log object under this path or s3:// URI (instead of --format)")
	var columnNames listFlag
	fs.Var(&columnNames, "column-name", "declare a partition under another name, as NAME=COLUMN, e.g. date_partition=timestamp, or TABLE.NAME=COLUMN for one table only (vpc_flow.date_partition=day), or @FILE of such lines (repeatable; query with the same --column-name)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "hunt athena ddl: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	c.Accounts, c.Regions = accounts, regions
	names, err := nameMap(columnNames, "--column-name", "NAME=COLUMN")
	if err != nil {
		fmt.Fprintf(stderr, "hunt athena ddl: %v\n", err)
		return exitUsage
	}
	for other, own := range names {
		if c.PartitionNames == nil {
			c.PartitionNames = map[string]string{}
		}
		if table, col, ok := strings.Cut(other, "."); ok {
			c.PartitionNames[table+"."+own] = col // vpc_flow.date_partition=day
			continue
		}
		c.PartitionNames[own] = other
	}
	if *format != "" && *from != "" {
		fmt.Fprintln(stderr, "hunt athena ddl: give --format or --from, not both")
		return exitUsage
	}
	if *format != "" {
		c.Flow.Fields = strings.Fields(*format)
	}
	if *from != "" {
		fields, err := flowHeader(context.Background(), *from)
		if err != nil {
			fmt.Fprintf(stderr, "hunt athena ddl: --from: %v\n", err)
			return exitError
		}
		c.Flow.Fields = fields
	}
	if _, err := time.Parse("2006/01/02", c.Since); err != nil {
		fmt.Fprintf(stderr, "hunt athena ddl: --since: expected yyyy/MM/dd, found %q\n", c.Since)
		return exitUsage
	}
	var gens []engine.AthenaDDL
	if *table == "all" {
		if c.Table != "" {
			fmt.Fprintf(stderr, "hunt athena ddl: --name needs a single --table (%s)\n", strings.Join(parsers.TableNames(), " or "))
			return exitUsage
		}
		for _, t := range parsers.Tables {
			if g := engine.AthenaDDLOf(t.Name); g != nil {
				gens = append(gens, g)
			}
		}
	} else if t := parsers.TableNamed(*table); t != nil && engine.AthenaDDLOf(t.Name) != nil {
		gens = append(gens, engine.AthenaDDLOf(t.Name))
	} else {
		fmt.Fprintf(stderr, "hunt athena ddl: --table: expected %s or all, found %q\n", strings.Join(parsers.TableNames(), ", "), *table)
		return exitUsage
	}
	out := c.DatabaseDDL()
	for _, gen := range gens {
		ddl, _, err := gen(c)
		if err != nil {
			fmt.Fprintf(stderr, "hunt athena ddl: %v\n", ddlFlagError(fs, err))
			return exitUsage
		}
		out += "\n" + ddl
	}
	fmt.Fprint(stdout, out)
	return exitOK
}

// flowHeader returns the fields of the header line of the first flow-log
// text object under path: the format a text flow-log table must declare.
func flowHeader(ctx context.Context, path string) ([]string, error) {
	var common commonFlags
	plan, err := planPaths(ctx, common, []string{path}, archive.Facts{Table: parsers.VPCFlow.Name})
	if err != nil {
		return nil, err
	}
	for _, o := range plan.Objects {
		if strings.HasSuffix(o.Key, ".parquet") {
			continue
		}
		rc, err := archive.Open(ctx, o)
		if err != nil {
			return nil, err
		}
		line, err := bufio.NewReaderSize(rc, 64<<10).ReadString('\n')
		rc.Close()
		if err != nil && line == "" {
			return nil, fmt.Errorf("%s: %w", o.URI, err)
		}
		head := []byte(strings.TrimSpace(line))
		if len(head) == 0 || parsers.SniffTable(head) != parsers.VPCFlow {
			continue // not a flow-log object
		}
		if head[0] >= '0' && head[0] <= '9' {
			return nil, fmt.Errorf("%s:1: expected a header line naming the fields, found a record (%.40q): give the format with --format", o.URI, line)
		}
		return strings.Fields(string(head)), nil
	}
	return nil, fmt.Errorf("%s: expected a flow-log text object, found none", path)
}

// athenaFlags configure --engine athena and auto.
type athenaFlags struct {
	workGroup, output, database, catalog string
	tables                               listFlag
	flowLayout                           string
	flowFormat                           string
	partitions                           string
	autoBytes                            int64
	autoObjects                          int
}

func (f *athenaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.workGroup, "athena-workgroup", "primary", "Athena workgroup")
	fs.StringVar(&f.output, "athena-output", "", "S3 prefix for Athena result files (default: the workgroup's)")
	fs.StringVar(&f.database, "athena-database", "hunt", "Athena database of the tables (see hunt athena ddl)")
	fs.StringVar(&f.catalog, "athena-catalog", "AwsDataCatalog", "Athena data catalog")
	fs.Var(&f.tables, "athena-table", "Athena table of a hunt table, as "+tableAssignments("[DB.]NAME")+" (repeatable)")
	fs.StringVar(&f.flowFormat, "athena-flow-format", "", "the text format of the vpc_flow Athena table, ${field} names in order as given to hunt athena ddl --format, or parquet (default: the 14 version-2 fields); a query reading a field the table lacks is refused before it runs")
	fs.StringVar(&f.flowLayout, "athena-flow-layout", "default", "partitions of the "+parsers.VPCFlow.Name+" table, as hunt athena ddl made them: default, hourly, hive or hive-hourly")
	fs.StringVar(&f.partitions, "athena-partitions", "hunt", "partition predicates to add: hunt (tables from hunt athena ddl) or none (tables without those partitions)")
	fs.Int64Var(&f.autoBytes, "auto-max-bytes", 20<<30, "--engine auto: run locally up to this many bytes to read")
	fs.IntVar(&f.autoObjects, "auto-max-objects", 50000, "--engine auto: run locally up to this many objects to read")
}

// config turns the flags into an engine.AthenaConfig.
func (f *athenaFlags) config(common commonFlags) (engine.AthenaConfig, error) {
	c := engine.AthenaConfig{Profile: common.profile, Region: common.region, WorkGroup: f.workGroup,
		OutputLocation: f.output, Database: f.database, Catalog: f.catalog}
	if f.output != "" && !strings.HasPrefix(f.output, "s3://") {
		return c, fmt.Errorf("--athena-output: expected s3://bucket/prefix/, found %q", f.output)
	}
	c.Tables = engine.DefaultAthenaTables(f.database)
	var layout engine.FlowLayout
	switch f.flowLayout {
	case "default":
	case "hourly":
		layout.Hourly = true
	case "hive":
		layout.Hive = true
	case "hive-hourly":
		layout.Hive, layout.Hourly = true, true
	default:
		return c, fmt.Errorf("--athena-flow-layout: expected default, hourly, hive or hive-hourly, found %q", f.flowLayout)
	}
	vpc := c.Tables[parsers.VPCFlow.Name]
	vpc.Partitions = engine.FlowPartitions(layout)
	switch f.flowFormat {
	case "":
	case "parquet":
		vpc.Columns = nil
	default:
		cols, err := engine.FlowColumns(engine.FlowLayout{Fields: strings.Fields(f.flowFormat)})
		if err != nil {
			return c, fmt.Errorf("--athena-flow-format: %s", strings.TrimPrefix(err.Error(), "format: "))
		}
		vpc.Columns = cols
	}
	c.Tables[parsers.VPCFlow.Name] = vpc
	for _, m := range f.tables {
		table, name, ok := strings.Cut(m, "=")
		t, known := c.Tables[table]
		if !ok || !known || name == "" {
			return c, fmt.Errorf("--athena-table: expected %s, found %q", tableAssignments("[DB.]NAME"), m)
		}
		t.Name = name
		if db, n, ok := strings.Cut(name, "."); ok {
			t.Database, t.Name = db, n
		}
		c.Tables[table] = t
	}
	switch f.partitions {
	case "hunt":
	case "none":
		for k, t := range c.Tables {
			t.Partitions = engine.AthenaPartitions{}
			c.Tables[k] = t
		}
	default:
		return c, fmt.Errorf("--athena-partitions: expected hunt or none, found %q", f.partitions)
	}
	return c, nil
}

// client returns the Athena client the flags configure; `hunt run
// --engine athena` registers the same flags and runs each hunt with
// client.Run(ctx, hunt.SQL, engine.Options{Source: hunt.Source, Now: now},
// window), where window is the run's time range and --account/--region.
func (f *athenaFlags) client(ctx context.Context, common commonFlags) (*engine.Athena, error) {
	cfg, err := f.config(common)
	if err != nil {
		return nil, err
	}
	if cfg.AWS, err = common.awsConfig(ctx); err != nil {
		return nil, err
	}
	return engine.NewAthena(ctx, cfg)
}

// flagPruning is the restriction --since/--until/--account/--region put on
// every table an Athena query reads.
func flagPruning(common commonFlags, now time.Time) (engine.Pruning, error) {
	f, err := common.facts("", now)
	if err != nil {
		return engine.Pruning{}, err
	}
	p := engine.Pruning{Since: f.Since, Until: f.Until}
	if len(f.Accounts) > 0 {
		p.Accounts = f.Accounts
	}
	if len(f.Regions) > 0 {
		p.Regions = f.Regions
	}
	return p, nil
}

// autoChoice is what --engine auto decided, and why.
type autoChoice struct {
	athena bool
	reason string
}

// chooseEngine picks local or Athena for --engine auto: Athena when the
// query uses a function only Athena has, or when the listing holds more
// bytes or objects than the thresholds; local otherwise.
func chooseEngine(stmt *engine.Statement, plan *archive.Plan, f *athenaFlags) autoChoice {
	if fns := engine.LocalUnsupported(stmt); len(fns) > 0 {
		return autoChoice{true, "uses " + strings.Join(fns, ", ") + ", which only Athena runs"}
	}
	if plan == nil {
		return autoChoice{true, "no PATH or s3:// URI to estimate a local scan from"}
	}
	est := fmt.Sprintf("%d objects, %s to read", len(plan.Objects), byteSize(plan.Bytes))
	switch {
	case plan.Bytes > f.autoBytes:
		return autoChoice{true, est + ": more than --auto-max-bytes " + byteSize(f.autoBytes)}
	case len(plan.Objects) > f.autoObjects:
		return autoChoice{true, est + ": more than --auto-max-objects " + strconv.Itoa(f.autoObjects)}
	}
	return autoChoice{false, est + ": within --auto-max-bytes " + byteSize(f.autoBytes) + " and --auto-max-objects " + strconv.Itoa(f.autoObjects)}
}

// queryRemote handles --engine athena and auto for hunt query. done is
// false when auto chose the local engine: the caller goes on locally.
func queryRemote(ctx context.Context, engineName string, af *athenaFlags, common commonFlags, sql string, opts engine.Options,
	paths []string, explain bool, stdout, stderr io.Writer) (code int, done bool) {
	start := time.Now()
	opts.Now = start
	stmt, err := engine.ParseSource(opts.Source, sql)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError, true
	}
	var local *engine.Query
	if len(engine.LocalUnsupported(stmt)) == 0 {
		// Names and types are checked here, positioned, before Athena
		// bills anything; a query with Athena-only functions cannot be,
		// nor one the local engine does not run (CREATE TABLE AS).
		if local, err = engine.Compile(sql, opts); err != nil && !errors.Is(err, engine.ErrUnsupported) {
			fmt.Fprintln(stderr, err)
			return exitError, true
		}
	}
	cfg, err := af.config(common)
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitUsage, true
	}
	if local != nil {
		if err := engine.CheckAthenaColumns(local, cfg.Tables); err != nil {
			fmt.Fprintf(stderr, "hunt query: %s: %v\n", opts.Source, err)
			return exitError, true
		}
	}
	extra, err := flagPruning(common, start)
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitUsage, true
	}
	athenaSQL, err := engine.AthenaSQL(sql, opts, cfg.Tables, extra)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError, true
	}
	if engineName == "auto" {
		var plan *archive.Plan
		if len(paths) > 0 {
			// The estimate lists what a local run would read.
			q, err := engine.Compile(sql, opts)
			table := ""
			if err == nil {
				if ts := q.Tables(); len(ts) == 1 {
					table = ts[0]
				}
			}
			facts, ferr := common.facts(table, start)
			if ferr != nil {
				fmt.Fprintf(stderr, "hunt query: %v\n", ferr)
				return exitUsage, true
			}
			if err == nil {
				facts, _ = queryFacts(q, common, start)
			}
			if plan, err = planPaths(ctx, common, paths, facts); err != nil {
				fmt.Fprintf(stderr, "hunt query: %v\n", err)
				return exitError, true
			}
		}
		choice := chooseEngine(stmt, plan, af)
		name := "local"
		if choice.athena {
			name = "athena"
		}
		msg := "engine auto: " + name + " (" + choice.reason + ")"
		if explain {
			fmt.Fprintln(stdout, msg)
			if plan != nil {
				// Athena bills the compressed bytes its partitions hold,
				// about what the listing holds.
				fmt.Fprintf(stdout, "athena estimate: about %s scanned, $%.6f ($%g per TB, %d MB minimum)\n",
					byteSize(plan.Bytes), engine.AthenaCost(plan.Bytes), engine.AthenaPricePerTB, engine.AthenaMinBytes>>20)
			}
			fmt.Fprintln(stdout, "athena sql: "+athenaSQL)
		} else {
			fmt.Fprintln(stderr, "hunt query: "+msg)
		}
		if !choice.athena {
			return 0, false
		}
		if explain {
			return exitOK, true
		}
	} else if len(paths) > 0 {
		fmt.Fprintf(stderr, "hunt query: --engine athena reads the Athena tables (%s); the %d PATH arguments are not read\n", athenaTableList(cfg), len(paths))
	}
	if engineName == "athena" && explain {
		fmt.Fprintf(stdout, "engine athena: workgroup %s, catalog %s, database %s\n", cfg.WorkGroup, cfg.Catalog, cfg.Database)
		fmt.Fprintln(stdout, "athena sql: "+athenaSQL)
		return exitOK, true
	}
	cfg.AWS, err = common.awsConfig(ctx)
	var a *engine.Athena
	if err == nil {
		a, err = engine.NewAthena(ctx, cfg)
	}
	if err != nil { // cfg checked above; only AWS configuration fails here
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitError, true
	}
	res, st, err := a.Run(ctx, sql, opts, extra)
	printAthenaSummary(stderr, "query", st)
	if err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitError, true
	}
	if err := writeResult(common.output, stdout, res); err != nil {
		fmt.Fprintf(stderr, "hunt query: %v\n", err)
		return exitError, true
	}
	return exitOK, true
}

// printAthenaSummary prints one line about an Athena execution on stderr.
func printAthenaSummary(stderr io.Writer, cmd string, st engine.AthenaStats) {
	if st.QueryID == "" {
		return
	}
	cost := fmt.Sprintf("$%.2f", st.Cost)
	if st.Cost < 0.01 {
		cost = fmt.Sprintf("$%.6f", st.Cost)
	}
	fmt.Fprintf(stderr, "hunt %s: athena query %s %s: %d rows; %s scanned, cost %s ($%g per TB, %d MB minimum); queued %.2fs, engine %.2fs, total %.2fs",
		cmd, st.QueryID, st.State, st.Rows, byteSize(st.DataScanned), cost, engine.AthenaPricePerTB, engine.AthenaMinBytes>>20,
		st.QueueTime.Seconds(), st.EngineTime.Seconds(), st.TotalTime.Seconds())
	if st.Throttled > 0 {
		fmt.Fprintf(stderr, "; %d throttled calls retried", st.Throttled)
	}
	fmt.Fprintln(stderr)
}

// athenaTableList names the Athena tables of cfg, for messages.
func athenaTableList(cfg engine.AthenaConfig) string {
	var out []string
	for _, t := range parsers.TableNames() {
		at, ok := cfg.Tables[t]
		if !ok {
			continue
		}
		name := at.Name
		if at.Database != "" {
			name = at.Database + "." + name
		}
		out = append(out, t+" → "+name)
	}
	return strings.Join(out, ", ")
}

// ddlFlagError names the flag behind an engine.AthenaDDLConfig error, whose
// message starts with the field ("accounts: ..."): "--account: ...". A
// message about no single field is left as it is.
func ddlFlagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	field, rest, ok := strings.Cut(msg, ": ")
	if !ok {
		return msg
	}
	name := strings.TrimSuffix(field, "s") // accounts, regions: the flags are singular
	if fs.Lookup(field) != nil {
		name = field
	}
	if fs.Lookup(name) == nil {
		return msg
	}
	return "--" + name + ": " + rest
}
