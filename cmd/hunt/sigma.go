package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
	"github.com/hunt-sec/hunt/sigma"
)

const sigmaExamples = `  hunt sigma check rules/                 # every rule loads and compiles, or why not (file:line:col)
  hunt sigma convert rules/aws_cloudtrail_disable_logging.yml   # the SQL (Athena dialect) of one rule
  hunt sigma convert --field-map ecs.yml rule.yml
  hunt sigma convert --engine athena --athena-database security rule.yml   # for the tables of hunt athena ddl
  hunt run --sigma rules/ --min-level high --tag attack.defense-evasion ./AWSLogs

check loads every *.yml/*.yaml rule and compiles each detection rule through
the engine; it exits 1 if any rule fails. convert prints the SQL hunt runs
for a rule: the same query runs on Athena (hunt query --engine athena).
Correlation rules (event_count, value_count, temporal, temporal_ordered, value_sum,
value_avg) compile to one query over sliding windows; convert prints it too.
`

// sigmaFlags are the flags of the commands that compile Sigma rules.
type sigmaFlags struct {
	fieldMap     string
	placeholders string
}

func (f *sigmaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.fieldMap, "field-map", "", "YAML file mapping Sigma field names of another convention to hunt's (e.g. aws.cloudtrail.user_identity.arn: userIdentity.arn)")
	fs.StringVar(&f.placeholders, "placeholders", "", "YAML file of values for the %name% placeholders of the Sigma expand modifier (name: [values])")
}

func (f *sigmaFlags) options() (sigma.Options, error) {
	var o sigma.Options
	var err error
	if f.fieldMap != "" {
		if o.FieldMap, err = sigma.LoadFieldMap(f.fieldMap); err != nil {
			return o, fmt.Errorf("--field-map: %w", err)
		}
	}
	if f.placeholders != "" {
		if o.Placeholders, err = sigma.LoadPlaceholders(f.placeholders); err != nil {
			return o, fmt.Errorf("--placeholders: %w", err)
		}
	}
	return o, nil
}

// runSigma checks and converts Sigma rules.
func runSigma(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sigma", "hunt sigma check DIR|FILE... | convert RULE [flags]", sigmaExamples, stdout)
	var sf sigmaFlags
	sf.register(fs)
	engineName := fs.String("engine", "local", "convert: the SQL for local (hunt query, the portable form) or athena (tables of hunt athena ddl in --athena-database)")
	database := fs.String("athena-database", "hunt", "convert --engine athena: the Athena database of the tables (see hunt athena ddl)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(pos) < 2 || (pos[0] != "check" && pos[0] != "convert") {
		fmt.Fprintln(stderr, "hunt sigma: expected check DIR|FILE... or convert RULE\nUsage: hunt sigma check DIR|FILE... | convert RULE (hunt sigma -h for help)")
		return exitUsage
	}
	opts, err := sf.options()
	if err != nil {
		fmt.Fprintf(stderr, "hunt sigma: %v\n", err)
		return exitUsage
	}
	if *engineName != "local" && *engineName != "athena" {
		fmt.Fprintf(stderr, "hunt sigma: --engine: expected local or athena, found %q\n", *engineName)
		return exitUsage
	}
	var res sigma.LoadResult
	for _, p := range pos[1:] {
		r, err := sigma.LoadPath(p)
		if err != nil {
			fmt.Fprintf(stderr, "hunt sigma: %v\n", err)
			return exitError
		}
		res.Rules = append(res.Rules, r.Rules...)
		res.Errors = append(res.Errors, r.Errors...)
	}
	if pos[0] == "convert" {
		for _, e := range res.Errors {
			fmt.Fprintln(stderr, e)
		}
		code := exitOK
		if len(res.Errors) > 0 {
			code = exitError
		}
		n := 0
		for _, r := range res.Rules {
			var sql string
			var err error
			if r.Detection == nil {
				sql, err = correlationSQL(r, res.Rules, opts)
			} else {
				var t *parsers.Table
				if t, err = sigma.TableFor(r); err == nil {
					sql, err = sigma.SQL(r, t, opts)
				}
			}
			if err == nil && *engineName == "athena" {
				sql, err = engine.AthenaSQL(sql, engine.Options{Source: r.Source}, engine.DefaultAthenaTables(*database), engine.Pruning{})
				sql += "\n"
			}
			if err != nil {
				fmt.Fprintln(stderr, err)
				code = exitError
				continue
			}
			if n > 0 {
				fmt.Fprintln(stdout)
			}
			n++
			fmt.Fprintf(stdout, "-- %s (%s)\n%s", strings.Join(strings.Fields(r.Title), " "), r.ID, sql)
		}
		return code
	}
	loaded, failed := 0, len(res.Errors)
	for _, r := range res.Rules {
		if r.Detection == nil {
			if checkCorrelation(stdout, r, res.Rules, opts) {
				loaded++
			} else {
				failed++
			}
			continue
		}
		h, err := sigma.Hunt(r, opts)
		if err == nil {
			_, err = h.Compile(engine.Options{})
		}
		if err != nil {
			fmt.Fprintf(stdout, "FAIL  %v\n", err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "ok    %s:%d:%d: %s (%s, %s)\n", r.Source, r.Pos.Line, r.Pos.Col, oneLine(r.Title), r.Level, h.ID)
		loaded++
	}
	for _, e := range res.Errors {
		fmt.Fprintf(stdout, "FAIL  %v\n", e)
	}
	fmt.Fprintf(stdout, "%d rules load, %d fail\n", loaded, failed)
	if failed > 0 {
		return exitError
	}
	return exitOK
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// runSigmaFlags are hunt run's Sigma flags.
type runSigmaFlags struct {
	dirs     listFlag
	minLevel string
	statuses listFlag
	tags     listFlag
	sigmaFlags
}

func (f *runSigmaFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.dirs, "sigma", "also run the Sigma rules of this folder or file (repeatable); without --hunt, only the Sigma rules run")
	fs.StringVar(&f.minLevel, "min-level", "", "with --sigma: only rules of this level or above (informational, low, medium, high, critical)")
	fs.Var(&f.statuses, "status", "with --sigma: only rules of this status (stable, test, experimental, deprecated, unsupported; repeat or comma-separate)")
	fs.Var(&f.tags, "tag", "with --sigma: only rules with this tag, e.g. attack.persistence or attack.t1098 (which selects its sub-techniques too; repeat or comma-separate)")
	f.sigmaFlags.register(fs)
}

// hunts adds the Sigma rules of --sigma to the selected saved hunts:
// without --hunt IDs, the Sigma rules replace the saved hunts. Rules that
// cannot run are reported on stderr and left out.
func (f *runSigmaFlags) hunts(selected []*queries.Hunt, huntIDs []string, stderr io.Writer) ([]*queries.Hunt, error) {
	if len(f.dirs) == 0 {
		if f.minLevel != "" || len(f.statuses) > 0 || len(f.tags) > 0 {
			return nil, errors.New("--min-level, --status and --tag select Sigma rules: add --sigma DIR")
		}
		return selected, nil
	}
	filter := sigma.Filter{MinLevel: f.minLevel, Statuses: f.statuses, Tags: f.tags}
	if err := filter.Validate(); err != nil {
		return nil, fmt.Errorf("--min-level/--status: %w", err)
	}
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	out := selected
	if len(huntIDs) == 0 {
		out = nil
	}
	var rules []*sigma.Rule
	for _, d := range f.dirs {
		res, err := sigma.LoadPath(d)
		if err != nil {
			return nil, fmt.Errorf("--sigma: %w", err)
		}
		for _, e := range res.Errors {
			fmt.Fprintf(stderr, "hunt run: sigma rule left out: %v\n", e)
		}
		rules = append(rules, res.Rules...)
	}
	for _, r := range sigma.Standalone(rules) {
		if !filter.Match(r) {
			continue
		}
		h, err := sigma.Hunt(r, opts)
		if err != nil {
			fmt.Fprintf(stderr, "hunt run: sigma rule left out: %v\n", err)
			continue
		}
		if slices.ContainsFunc(out, func(o *queries.Hunt) bool { return o.ID == h.ID }) {
			fmt.Fprintf(stderr, "hunt run: sigma rule left out: %s: id %s is already a hunt\n", r.Source, h.ID)
			continue
		}
		out = append(out, h)
	}
	out = append(out, correlationHunts(rules, filter, opts, out, stderr)...)
	if len(out) == 0 {
		return nil, errors.New("--sigma: no rule to run (see hunt sigma check)")
	}
	queries.Sort(out)
	return out, nil
}
