package parsers

import (
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchRows is how many rows a reader puts in one record batch. 4096 rows
// keep a batch's fixed-width columns (8 bytes × 4096 = 32 KiB) within L2 for
// the engine's column-at-a-time kernels while amortising per-batch costs
// (builder reset, operator dispatch, interface calls) over enough rows that
// they vanish from profiles. The engine uses the same constant.
const BatchRows = 4096

// BatchBytes also ends a CloudTrail batch once its records took this much
// input: records of 10-20 KB (RunInstances responses) would otherwise make
// a 4096-row batch of raw JSON columns 40-80 MB per reader, and hunt run
// holds one per worker. At the usual 1-2 KB a record, batches still end at
// BatchRows.
const BatchBytes = 8 << 20

// SourceColumn is the virtual column holding each row's source object (path
// or S3 URI). It has the name of the hidden column Athena's Hive connector
// offers, so `SELECT "$path"` means the same on both engines. Readers build
// it only when it is projected.
const SourceColumn = "$path"

// Stats counts what a reader consumed. Every record is either emitted as a
// row or counted as rejected; nothing is dropped silently.
type Stats struct {
	Records  int64 // rows emitted in batches
	Rejected int64 // records counted as bad (see the reader's Rejects)
	Skipped  int64 // objects skipped by design, e.g. CloudTrail digest files
	Bytes    int64 // bytes consumed: decompressed text, or bytes read from a Parquet file
	// Inferred counts headerless flow-log objects read with the all-fields
	// layout of their version, inferred from their field count (see
	// [WithFlowFormat]).
	Inferred int64
	// Control counts the CONTROL_MESSAGE envelopes of CloudWatch Logs
	// subscription deliveries, skipped by design (no rows).
	Control int64
}

// Add adds o to s.
func (s *Stats) Add(o Stats) {
	s.Records += o.Records
	s.Rejected += o.Rejected
	s.Skipped += o.Skipped
	s.Bytes += o.Bytes
	s.Inferred += o.Inferred
	s.Control += o.Control
}

// InMemory is implemented by a source whose unread content already lies in
// memory, such as a gzip object inflated whole (archive.Decompress). A
// reader that parses bytes in place ([VPCFlowReader], [CloudTrailReader])
// takes them with Contents instead of copying them through Read.
type InMemory interface {
	io.Reader
	// Contents returns the unread content and consumes it: a later Read
	// returns io.EOF. The bytes are the source's own: the caller must not
	// modify them, nor use them after the source is closed.
	Contents() []byte
}

// Option configures a reader.
type Option func(*config)

type config struct {
	mem       memory.Allocator
	columns   []string // projected column paths; nil means every column
	strict    bool
	maxErrors int
	// flowFormat is the field order of flow-log text without a header
	// line (WithFlowFormat); nil infers it.
	flowFormat []string
	// equal maps a column to the values a row's must equal one of for
	// the query to keep it (WithEqual); nil keeps every row.
	equal map[string][]string
	// flowDict: the flow reader dictionary-encodes the text columns of
	// VPCFlowResourceColumns (WithFlowDictionaries).
	flowDict bool
	// onlyIn lists the columns decoded only in some rows (WithOnlyIn).
	onlyIn []OnlyIn
	// parquetGo: the flow Parquet reader opens the file through
	// parquet-go at once (withParquetGo, for tests).
	parquetGo bool
}

func newConfig(opts []Option) config {
	c := config{mem: defaultMem()}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithAllocator sets the allocator for the batches' buffers
// (memory.DefaultAllocator by default).
func WithAllocator(mem memory.Allocator) Option {
	return func(c *config) { c.mem = mem }
}

// WithColumns projects the reader onto columns: top-level column names
// ("eventname"), nested struct fields ("useridentity.sessioncontext.sessionissuer.arn"),
// fields of list elements ("resources.arn") or [SourceColumn]. A struct column
// is built with only the named children; naming the struct itself builds all
// of them. Unknown names are an error from the reader's constructor. Without
// this option, or with a nil slice, every column is built; with an empty,
// non-nil slice (WithColumns([]string{}...), as for count(*)) none is, and
// batches carry only their row counts.
func WithColumns(columns ...string) Option {
	return func(c *config) { c.columns = columns }
}

// WithStrict makes the first bad record fatal: it becomes the reader's Err
// instead of being counted and skipped.
func WithStrict(strict bool) Option {
	return func(c *config) { c.strict = strict }
}

// WithMaxErrors sets how many rejected-record errors a reader keeps
// ([DefaultMaxErrors] by default); the rest are only counted.
func WithMaxErrors(n int) Option {
	return func(c *config) { c.maxErrors = n }
}

// WithFlowFormat gives the field order of flow-log text that has no header
// line (deliveries through CloudWatch Logs never carry one), as AWS's
// format string or its field names: "${version} ${account-id} ..." or
// "version account-id ...". Without it, a headerless object is read as the
// default format (the 14 version-2 fields) when its first line has 14
// fields, or as the all-fields layout of its version when its field count
// matches that (version 3: 21, 4: 25, 5: 29, 7: 39, 8: 40; counted in
// [Stats].Inferred); anything else is rejected line by line with an
// error that names this option's flag. Other readers ignore it.
func WithFlowFormat(fields ...string) Option {
	return func(c *config) {
		c.flowFormat = nil
		for _, f := range fields {
			for _, g := range strings.Fields(f) {
				c.flowFormat = append(c.flowFormat, strings.TrimSuffix(strings.TrimPrefix(g, "${"), "}"))
			}
		}
	}
}

// WithEqual lets the VPC flow-log text reader and the CloudTrail JSON
// reader leave out of their batches the rows that cannot match a query:
// those whose value of a projected text column (for CloudTrail, a
// top-level string column) is null or none of equal's values for it (the
// equalities a WHERE clause ANDs with everything else, [Pruning].Equal,
// as `hunt query` finds them). Such a row is still parsed and checked as
// if it were built: a bad one is rejected with the same error, a good one
// is counted in Stats.Records as the Parquet readers count the rows they
// leave out. The engine still filters every row it gets. Other readers
// ignore it.
func WithEqual(equal map[string][]string) Option {
	return func(c *config) { c.equal = equal }
}

// WithFlowDictionaries makes the VPC flow-log text reader build the text
// columns of [VPCFlowResourceColumns] (account_id, interface_id, vpc_id,
// ...: a few values per file, repeated on every line of a network
// interface) dictionary-encoded, so that the batches' schema differs from
// [VPCFlowSchema] in those columns' types (dictionary<int32, utf8> for
// utf8); the values, nulls and rows are the same. A writer that
// dictionary-encodes them anyway (hunt convert's [ParquetWriter]) then
// maps each batch's few distinct values to its dictionary instead of
// hashing every row's. Other readers ignore it.
func WithFlowDictionaries() Option {
	return func(c *config) { c.flowDict = true }
}

// OnlyIn says that a column is needed only in the rows whose Key column
// holds one of Values, or lower-cases to one of Folded (each lower-case).
type OnlyIn struct {
	Column, Key string
	Values      []string
	Folded      []string
}

// WithOnlyIn lets the CloudTrail JSON reader decode each o.Column (a
// projected top-level text column, such as responseelements) only in the
// records whose o.Key (a projected text column, top-level such as
// eventname or a struct's field such as useridentity.type) holds one of
// o.Values or lower-cases to one of o.Folded; in the other records the
// column is null. Entries of one column with different keys add up: the
// column is decoded in the records any of them admits. A record is
// parsed and checked the same either way. hunt run asks for it when the
// WHERE of every hunt reading a column requires some key column to hold
// one of some values (its gate): a Sigma pack's four ConsoleLogin rules read
// responseelements and additionaleventdata, a seventh of the text of
// every record, which the other rules never look at. An entry naming a
// column that is not projected, or not top-level text, is ignored; one
// whose key is not a projected text column, or is the column itself,
// leaves its column decoded in every record. Other readers ignore the
// option.
func WithOnlyIn(o ...OnlyIn) Option {
	return func(c *config) { c.onlyIn = append(c.onlyIn, o...) }
}
