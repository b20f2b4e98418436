package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// The Hive layout hunt convert writes its Parquet files in, and reads back:
//
//	table=NAME/account=A/region=R/date=YYYY-MM-DD/part-RUN-SEQ.parquet
//	table=vpc_flow/AWSLogs/aws-account-id=A/aws-service=vpcflowlogs/aws-region=R/year=YYYY/month=MM/day=DD/...
//
// Flow logs take AWS's own Hive-compatible layout, so AWS's Parquet DDL and
// the planner prune them as they do delivered files; other tables have no
// AWS Parquet layout and get plain account=/region=/date= folders, whose
// date is the events' UTC date (not a delivery date).

// HiveTableFolder is the folder hunt convert puts a table's Parquet files
// under, inside the destination: "table=NAME".
func HiveTableFolder(table string) string { return "table=" + table }

// HiveTable returns the table the key's table=NAME folder names, or "".
func HiveTable(key string) string {
	dir := key[:strings.LastIndexByte(key, '/')+1] // folders only, not the file name
	for seg := range strings.SplitSeq(dir, "/") {
		if name, ok := strings.CutPrefix(seg, "table="); ok && name != "" {
			return name
		}
	}
	return ""
}

// HivePartitionDir is the folder, relative to the destination, of a row of
// table with the given account, region and event time (Unix microseconds;
// math.MinInt64 when unknown).
func HivePartitionDir(table, acct, region string, us int64) string {
	day := "unknown"
	var t time.Time
	if us != -1<<63 {
		t = time.UnixMicro(us).UTC()
		day = t.Format("2006-01-02")
	}
	if table == KindVPCFlow.Table() {
		date := "year=unknown/month=unknown/day=unknown"
		if day != "unknown" {
			date = t.Format("year=2006/month=01/day=02")
		}
		return HiveTableFolder(table) + "/AWSLogs/aws-account-id=" + acct + "/aws-service=vpcflowlogs/aws-region=" + region + "/" + date
	}
	return HiveTableFolder(table) + "/account=" + acct + "/region=" + region + "/date=" + day
}

// PruneHive moves the objects of plan whose Hive folders (table=,
// account=, region=, date=, as hunt convert writes them) rule them out
// under facts into plan.Pruned. Planning reads only AWS's own layouts, so
// it keeps these; the date here is the events' UTC date, not a delivery
// date, so no delivery margin applies. Hidden files (the convert manifest,
// unfinished files) are pruned too: local planning skips them, S3 planning
// lists them.
func PruneHive(plan *Plan, facts Facts) {
	if plan == nil {
		return
	}
	kept := plan.Objects[:0]
	for _, o := range plan.Objects {
		if c, r := hivePruneReason(o.Key, facts); r != "" {
			plan.Pruned = append(plan.Pruned, Pruned{Object: o, Cause: c, Reason: r})
			plan.Bytes -= o.Size
			continue
		}
		kept = append(kept, o)
	}
	plan.Objects = kept
}

// hivePruneReason says why the object at key cannot hold rows matching
// facts, or "" when it may.
func hivePruneReason(key string, facts Facts) (PruneCause, string) {
	if strings.HasPrefix(key[strings.LastIndexByte(key, '/')+1:], ".") {
		return PrunedHidden, "hidden"
	}
	table := HiveTable(key)
	if table == "" || table == KindVPCFlow.Table() {
		// Flow logs' folders are AWS's layout, which planning prunes.
		return PrunedUnknown, ""
	}
	if facts.Table != "" && facts.Table != table {
		return PrunedTable, table + " not in table " + facts.Table
	}
	for _, seg := range strings.Split(key, "/") {
		name, val, ok := strings.Cut(seg, "=")
		if !ok || val == "unknown" {
			continue
		}
		switch name {
		case "account":
			if len(facts.Accounts) > 0 && !slices.Contains(facts.Accounts, val) {
				return PrunedAccount, "partition account=" + val + " not in the query's accounts"
			}
		case "region":
			if len(facts.Regions) > 0 && !slices.Contains(facts.Regions, val) {
				return PrunedRegion, "partition region=" + val + " not in the query's regions"
			}
		case "date":
			day, err := time.Parse("2006-01-02", val)
			if err != nil {
				continue
			}
			if (!facts.Since.IsZero() && !day.AddDate(0, 0, 1).After(facts.Since)) || (!facts.Until.IsZero() && day.After(facts.Until)) {
				return PrunedDate, fmt.Sprintf("partition date=%s outside %s..%s", val, fmtWhen(facts.Since), fmtWhen(facts.Until))
			}
		}
	}
	return PrunedUnknown, ""
}

func fmtWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// HiveManifestName is the file at the root of a converted lake that lists
// the source objects converted into it and the runs whose files are
// published. A leading '.' keeps planning (and Athena) from reading it as
// data.
const HiveManifestName = ".hunt-convert.json"

// HiveManifest records every source object converted into a lake.
//
// Publishing is atomic by the manifest: a run first records itself as
// Pending, then writes its part files (part-RUN-SEQ.parquet), then writes
// the manifest with its sources and without the pending run. Readers read
// only the part files of runs the manifest publishes ([PruneUnpublished]),
// so an interrupted run's files are never half a lake, and the next run
// deletes them before converting the same sources again.
//
// The manifest grows with the sources (an archive has millions of
// objects), but a query needs only the published runs. So it is written
// ([HiveManifest.MarshalJSON]) with a summary ahead of the sources: the
// runs they came from ("runs"), then the pending runs ("pending", when
// there are any), and [ReadHivePublished] stops reading at "sources" once
// it has the version and the runs. The summary adds no version: readers
// that do not know it ignore it (encoding/json skips unknown keys), and a
// manifest without it (written before it, or by such a reader) is read
// whole. Whoever edits a manifest by hand (deleting a source's entry, see
// [HiveSource]) should delete "runs" too: the next hunt convert writes it
// again from the sources.
type HiveManifest struct {
	Version int                   `json:"version"`
	Sources map[string]HiveSource `json:"sources"` // by URI
	// Pending are runs that began writing files and have not finished;
	// the next run deletes their files.
	Pending []string `json:"pending,omitempty"`
}

// hiveManifestVersion is the version of the manifests hunt writes and
// reads.
const hiveManifestVersion = 1

// HiveSource is one converted object: its identity when read and what
// became of it.
type HiveSource struct {
	Size    int64     `json:"size"`
	ETag    string    `json:"etag,omitempty"`
	ModTime time.Time `json:"modtime"`
	Table   string    `json:"table,omitempty"`
	Rows    int64     `json:"rows"`
	Run     string    `json:"run"` // the run that converted it; its files are part-RUN-*.parquet
	// Error is why the object could not be read to the end; its rows
	// before that were converted. Delete the entry to convert it again
	// (after removing the run's files, and the manifest's "runs").
	Error string `json:"error,omitempty"`
}

// MarshalJSON writes the manifest with its summary first: version, the
// sorted runs of its sources ("runs"), the pending runs if any, then the
// sources. The runs are derived here, so they always agree with the
// sources, and a manifest with "runs" has its "pending" before its
// "sources".
func (m HiveManifest) MarshalJSON() ([]byte, error) {
	runs := []string{}
	for _, s := range m.Sources {
		runs = append(runs, s.Run)
	}
	slices.Sort(runs)
	runs = slices.Compact(runs)
	sources := m.Sources
	if sources == nil {
		sources = map[string]HiveSource{}
	}
	return json.Marshal(struct {
		Version int                   `json:"version"`
		Runs    []string              `json:"runs"`
		Pending []string              `json:"pending,omitempty"`
		Sources map[string]HiveSource `json:"sources"`
	}{m.Version, runs, m.Pending, sources})
}

// ParseHiveManifest reads a manifest; name names it in errors.
func ParseHiveManifest(b []byte, name string) (*HiveManifest, error) {
	m := &HiveManifest{}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m.Version != hiveManifestVersion {
		return nil, errHiveVersion(name, m.Version)
	}
	if m.Sources == nil {
		m.Sources = map[string]HiveSource{}
	}
	return m, nil
}

func errHiveVersion(name string, v int) error {
	return fmt.Errorf("%s: expected a hunt convert manifest of version %d, found version %d", name, hiveManifestVersion, v)
}

// Published returns the runs whose files the manifest publishes: the runs
// its sources came from, less the pending ones.
func (m *HiveManifest) Published() map[string]bool {
	runs := map[string]bool{}
	for _, s := range m.Sources {
		runs[s.Run] = true
	}
	for _, r := range m.Pending {
		delete(runs, r)
	}
	return runs
}

// ReadHivePublished returns the runs the manifest read from r publishes,
// as [HiveManifest.Published] does, reading no further than its summary
// when it has one (see [HiveManifest]): the sources, which make up nearly
// all of a large manifest, are then neither read nor decoded. A manifest
// without the summary is read whole, only the run of each source kept.
// name names the manifest in errors.
func ReadHivePublished(r io.Reader, name string) (map[string]bool, error) {
	dec := json.NewDecoder(r)
	fail := func(err error) (map[string]bool, error) {
		return nil, fmt.Errorf("%s: offset %d: %w", name, dec.InputOffset(), err)
	}
	if tok, err := dec.Token(); err != nil {
		return fail(err)
	} else if tok != json.Delim('{') {
		return fail(fmt.Errorf("expected a JSON object, found %v", tok))
	}
	var (
		version             int
		runs, pending       []string
		hasVersion, hasRuns bool
		sources             map[string]struct {
			Run string `json:"run"`
		}
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		switch key {
		case "version":
			err, hasVersion = dec.Decode(&version), true
		case "runs":
			err, hasRuns = dec.Decode(&runs), true
		case "pending":
			err = dec.Decode(&pending)
		case "sources":
			if hasVersion && hasRuns {
				// Fast path: the summary came first (and with it any
				// pending runs); the sources are not needed.
				goto done
			}
			// Slow path: a manifest written without the summary.
			err = dec.Decode(&sources)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return fail(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return fail(err)
	}
done:
	if version != hiveManifestVersion {
		return nil, errHiveVersion(name, version)
	}
	published := map[string]bool{}
	if sources != nil || !hasRuns {
		for _, s := range sources {
			published[s.Run] = true
		}
	} else {
		for _, r := range runs {
			published[r] = true
		}
	}
	for _, r := range pending {
		delete(published, r)
	}
	return published, nil
}

// HivePartRun returns the run of a part file written by hunt convert
// ("part-20240305T101500Z-a1b2c3-00001.parquet" → "20240305T101500Z-a1b2c3"),
// or "" when the key names none.
func HivePartRun(key string) string {
	name, ok := strings.CutPrefix(path.Base(key), "part-")
	if !ok {
		return ""
	}
	name, ok = strings.CutSuffix(name, ".parquet")
	i := strings.LastIndexByte(name, '-')
	if !ok || i < 0 {
		return ""
	}
	return name[:i]
}

// hiveRoot returns the lake root of a URI inside a table= folder: the URI
// up to that folder ("lake/" or "s3://b/lake/"), or "".
func hiveRoot(uri string) string {
	for i := 0; i < len(uri); {
		j := strings.Index(uri[i:], "table=")
		if j < 0 {
			return ""
		}
		j += i
		if j == 0 || uri[j-1] == '/' || uri[j-1] == '\\' {
			return uri[:j]
		}
		i = j + 1
	}
	return ""
}

// PruneUnpublished moves the part files of plan that their lake's manifest
// does not publish (an interrupted or failed hunt convert run) into
// plan.Pruned. open opens the manifest at a URI (root +
// HiveManifestName), or returns an error wrapping fs.ErrNotExist: a lake
// without a manifest (copied without it) is read whole. Each manifest is
// read only up to its summary ([ReadHivePublished]).
func PruneUnpublished(plan *Plan, open func(uri string) (io.ReadCloser, error)) error {
	if plan == nil {
		return nil
	}
	published := map[string]map[string]bool{} // root → runs; nil: no manifest
	kept := plan.Objects[:0]
	for _, o := range plan.Objects {
		root := ""
		if HiveTable(o.Key) != "" {
			root = hiveRoot(o.URI)
		}
		run := HivePartRun(o.Key)
		if root == "" || run == "" {
			kept = append(kept, o)
			continue
		}
		runs, seen := published[root]
		if !seen {
			var err error
			if runs, err = readPublished(root+HiveManifestName, open); err != nil {
				return err
			}
			published[root] = runs
		}
		if runs != nil && !runs[run] {
			plan.Pruned = append(plan.Pruned, Pruned{Object: o, Cause: PrunedUnpublished,
				Reason: "part of hunt convert run " + run + ", which " + root + HiveManifestName + " does not publish (unfinished or failed)"})
			plan.Bytes -= o.Size
			continue
		}
		kept = append(kept, o)
	}
	plan.Objects = kept
	return nil
}

// readPublished returns the runs the manifest at uri publishes, nil when
// there is none.
func readPublished(uri string, open func(uri string) (io.ReadCloser, error)) (map[string]bool, error) {
	rc, err := open(uri)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return ReadHivePublished(rc, uri)
}
