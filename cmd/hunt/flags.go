package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/parsers"
)

// commonFlags are the flags that mean the same in every command.
type commonFlags struct {
	output      string
	since       string
	until       string
	accounts    listFlag
	regions     listFlag
	profile     string
	region      string
	endpointURL string
	strict      bool
	maxErrors   int
	workers     int
	margin      time.Duration
	flowFormat  string // --flow-format: the fields of headerless flow-log text
	cpuProfile  string // --cpuprofile FILE
	memProfile  string // --memprofile FILE
	// productArn is --securityhub-product-arn (hunt run only).
	productArn string
	// aws is the AWS configuration, loaded once on first use and shared
	// by every AWS client of the command (S3, Athena, the sinks).
	aws *awsOnce
}

// awsOnce loads the SDK's default configuration once.
type awsOnce struct {
	once sync.Once
	cfg  aws.Config
	err  error
}

// awsConfig returns the AWS configuration of the command: the SDK's
// default chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, ...)
// with --profile and --aws-region, loaded once. Each client sets its own
// retry policy on a copy.
func (c *commonFlags) awsConfig(ctx context.Context) (*aws.Config, error) {
	if c.aws == nil {
		c.aws = &awsOnce{}
	}
	c.aws.once.Do(func() {
		opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
		if c.profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(c.profile))
		}
		if c.region != "" {
			opts = append(opts, config.WithRegion(c.region))
		}
		c.aws.cfg, c.aws.err = config.LoadDefaultConfig(ctx, opts...)
		if c.aws.err != nil {
			c.aws.err = fmt.Errorf("cannot load AWS configuration: %w", c.aws.err)
		}
	})
	if c.aws.err != nil {
		return nil, c.aws.err
	}
	return &c.aws.cfg, nil
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	c.aws = &awsOnce{}
	fs.StringVar(&c.output, "output", "table", "output format: table, line (one column = value per line), json (JSON Lines) or csv")
	fs.StringVar(&c.since, "since", "", "only events at or after this time (RFC 3339, a date, or a duration ago such as 24h)")
	fs.StringVar(&c.until, "until", "", "only events before this time (same forms as --since)")
	fs.Var(&c.accounts, "account", "only these account IDs (repeat or comma-separate)")
	fs.Var(&c.regions, "region", "only logs of these regions (repeat or comma-separate)")
	fs.StringVar(&c.profile, "profile", "", "AWS shared-config profile (else AWS_PROFILE or the default chain)")
	fs.StringVar(&c.region, "aws-region", "", "AWS region for API calls (else AWS_REGION or the profile's)")
	fs.StringVar(&c.endpointURL, "endpoint-url", "", "S3-compatible endpoint, e.g. http://127.0.0.1:7070 (path-style)")
	fs.BoolVar(&c.strict, "strict", false, "stop at the first bad record instead of counting it and going on")
	fs.IntVar(&c.maxErrors, "max-errors", 20, "how many bad-record errors to print (all are counted)")
	fs.IntVar(&c.workers, "workers", 0, "objects read in parallel (0 = GOMAXPROCS)")
	if o, ok := fs.Output().(*flagOutput); ok {
		fs.Var(&o.con.maxWidth, "max-width", "`N` columns the table output may take: cells are cut to fit (default: the terminal's width when stdout is one; nothing is cut in a pipe or file; 0 = never cut)")
	}
	if fs.Name() == "run" { // the command with sinks
		fs.StringVar(&c.productArn, "securityhub-product-arn", "", "product ARN the securityhub sink imports under (default: the calling account's custom integration, arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default, found with STS)")
	}
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the command to this file (go tool pprof reads it)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile, taken at the end of the command, to this file")
	fs.StringVar(&c.flowFormat, "flow-format", "", "the format of flow-log text without a header line (CloudWatch Logs deliveries), as AWS's format string '${version} ${account-id} ...' (default: 14 fields are the default format, a version's full field count its all-fields layout)")
	fs.DurationVar(&c.margin, "delivery-margin", archive.DefaultMargin, "how late after --until a CloudTrail object may be delivered and still hold events of the window (CloudTrail retries delivery for days after an outage; 0 means the default)")
}

// validate checks flag values that need no I/O, so a typo is a usage error
// before any work starts.
func (c *commonFlags) validate() error {
	switch c.output {
	case "table", "line", "json", "csv":
	default:
		return fmt.Errorf("--output: expected table, line, json or csv, found %q", c.output)
	}
	return nil
}

// facts turns the pruning flags into archive facts.
func (c *commonFlags) facts(table string, now time.Time) (archive.Facts, error) {
	if c.margin < 0 {
		return archive.Facts{}, fmt.Errorf("--delivery-margin: expected a duration of 0 or more, found %s", c.margin)
	}
	if !slices.Contains(archive.KindTables(), table) {
		table = "" // no key layout names it: nothing to prune by key, content tells
	}
	f := archive.Facts{Table: table, Accounts: c.accounts, Regions: c.regions, Margin: c.margin}
	var err error
	if f.Since, err = parseWhen(c.since, now); err != nil {
		return f, fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseWhen(c.until, now); err != nil {
		return f, fmt.Errorf("--until: %w", err)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return f, fmt.Errorf("--since %s is not before --until %s", c.since, c.until)
	}
	return f, nil
}

// parseWhen reads a time flag: RFC 3339, a date (YYYY-MM-DD, UTC), or a
// duration before now ("24h", "90m").
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("expected RFC 3339 time, YYYY-MM-DD or a duration such as 24h, found %q", s)
}

// memoryFlag is --aggregate-memory: a size, "off", or "" for the default.
type memoryFlag struct{ bytes int64 }

func (m *memoryFlag) String() string {
	if m == nil || m.bytes == 0 {
		return ""
	}
	if m.bytes < 0 {
		return "off"
	}
	return byteSize(m.bytes)
}

func (m *memoryFlag) Set(s string) error {
	if s == "off" {
		m.bytes = -1
		return nil
	}
	n, err := parseSize(s)
	if err != nil {
		return fmt.Errorf("expected a size such as 64MiB, or off, found %q", s)
	}
	m.bytes = n
	return nil
}

// registerMemory adds --aggregate-memory to a command that runs SQL.
func registerMemory(fs *flag.FlagSet, m *memoryFlag) {
	fs.Var(m, "aggregate-memory", "`SIZE` of memory (estimated) for the groups of GROUP BY/DISTINCT, shared by all hunts of a run; past it they spill to temporary files in $TMPDIR; window functions and UNION/INTERSECT/EXCEPT buffer rows within it and fail past it (e.g. 256MiB, or off; default 64MiB)")
}

// listFlag is a repeatable, comma-separated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// parseArgs parses flags and positional arguments in any order, as users of
// gh and kubectl expect ("hunt cat x.json --output json").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// newFlagSet returns a FlagSet whose -h prints usage and examples to
// stdout. A mistake (an unknown flag, a bad value) goes to stderr with the
// one-line usage, the nearest flag and a -h hint, never to stdout, where it
// would end up in `hunt query ... > out.json`.
func newFlagSet(name, synopsis, examples string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	out := &flagOutput{con: consoleOf(stdout)}
	fs.SetOutput(out)
	fs.Usage = func() {
		if out.msg.Len() > 0 {
			out.mistake(fs, name, synopsis)
			return
		}
		fmt.Fprintf(stdout, "Usage: %s\n\nFlags:\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(out)
		if examples != "" {
			fmt.Fprintf(stdout, "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// flagOutput is a FlagSet's output: it holds the flag package's error
// message until Usage tells the user.
type flagOutput struct {
	con *console
	msg strings.Builder
}

func (o *flagOutput) Write(p []byte) (int, error) { return o.msg.Write(p) }

// mistake prints the flag package's error, the nearest flag, the one-line
// usage and the -h hint to stderr.
func (o *flagOutput) mistake(fs *flag.FlagSet, name, synopsis string) {
	msg := strings.TrimSpace(o.msg.String())
	o.msg.Reset()
	msg = strings.Replace(msg, "for flag -", "for flag --", 1)                               // invalid value "x" for flag --limit
	msg = strings.Replace(msg, "flag needs an argument: -", "flag needs an argument: --", 1) // --output at the end
	var flagName string
	if n, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		flagName = strings.TrimLeft(n, "-")
		msg = "unknown flag --" + flagName
	}
	w := o.con.stderr
	fmt.Fprintf(w, "hunt %s: %s\n", name, msg)
	if flagName != "" {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := suggest(flagName, names); s != "" {
			fmt.Fprintf(w, "Did you mean --%s?\n", s)
		}
	}
	fmt.Fprintf(w, "Usage: %s\nRun 'hunt %s -h' for the flags and examples.\n", synopsis, name)
}

// tableFlag reads a --table value: a table name, or "" for every table
// (nil).
func tableFlag(name string) (*parsers.Table, error) {
	if name == "" {
		return nil, nil
	}
	if t := parsers.TableNamed(name); t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("--table: expected %s, found %q", strings.Join(parsers.TableNames(), " or "), name)
}

// tableChoice is the --table advice of messages: "--table cloudtrail or
// --table vpc_flow".
func tableChoice() string {
	var opts []string
	for _, t := range parsers.Tables {
		opts = append(opts, "--table "+t.Name)
	}
	return strings.Join(opts, " or ")
}

// tableList names tables for messages: "cloudtrail and vpc_flow".
func tableList(ts []*parsers.Table) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return strings.Join(names, " and ")
}

// tableNamesOr lists the tables for help texts: "cloudtrail or vpc_flow".
func tableNamesOr() string { return strings.Join(parsers.TableNames(), " or ") }

// tableAssignments lists TABLE=value forms for help texts:
// "cloudtrail=NAME or vpc_flow=NAME".
func tableAssignments(value string) string {
	var out []string
	for _, n := range parsers.TableNames() {
		out = append(out, n+"="+value)
	}
	return strings.Join(out, " or ")
}

// athenaDefaultNames lists each table's default Athena table name for help
// texts: "cloudtrail_logs or vpc_flow_logs".
func athenaDefaultNames() string {
	var out []string
	for _, t := range parsers.Tables {
		if len(t.AthenaNames) > 0 {
			out = append(out, t.AthenaNames[0])
		}
	}
	return strings.Join(out, " or ")
}

// nameMap reads repeated NAME=VALUE flag values into a map (lower-case
// names), nil when there are none; a value @FILE reads a file of them.
func nameMap(vals []string, flagName, form string) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	add := func(v, where string) error {
		name, val, ok := strings.Cut(v, "=")
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.ToLower(strings.TrimSpace(val))
		if !ok || name == "" || val == "" {
			return fmt.Errorf("%s%s: expected %s, found %q", where, flagName, form, v)
		}
		m[name] = val
		return nil
	}
	for _, v := range vals {
		// @FILE: one NAME=VALUE a line ('#' comments), the mapping a team
		// keeps for its tables.
		if path, ok := strings.CutPrefix(v, "@"); ok {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", flagName, err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				line, _, _ = strings.Cut(line, "#")
				if strings.TrimSpace(line) == "" {
					continue
				}
				if err := add(line, fmt.Sprintf("%s:%d: ", path, i+1)); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := add(v, ""); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// readerOptions are the reader options the flags set, for scan.Config.
func (c *commonFlags) readerOptions() []parsers.Option {
	if c.flowFormat == "" {
		return nil
	}
	return []parsers.Option{parsers.WithFlowFormat(c.flowFormat)}
}

// startProfiles starts the --cpuprofile profile; the returned function
// stops it and writes the --memprofile heap profile. Errors go to stderr:
// a profile never changes what the command does.
func (c *commonFlags) startProfiles(stderr io.Writer) func() {
	var cpu *os.File
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "hunt: --cpuprofile: %v\n", err)
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if c.memProfile != "" {
			f, err := os.Create(c.memProfile)
			if err == nil {
				runtime.GC() // up-to-date statistics of what is still live
				err = pprof.WriteHeapProfile(f)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "hunt: --memprofile: %v\n", err)
			}
		}
	}
}
