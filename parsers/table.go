package parsers

import (
	"bytes"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/parquet-go/parquet-go"
)

// Reader is what every parser offers the scan: a pull reader of Arrow
// batches ([CloudTrailReader], [VPCFlowReader] and their Parquet
// counterparts). The batch returned by Batch is valid until the next call
// to Next; Stats and Rejects are complete once Next has returned false.
type Reader interface {
	Next() bool
	Batch() arrow.RecordBatch
	Err() error
	Stats() Stats
	Rejects() *ErrorList
	Release()
}

// TimeUnit says how a table's event-time column holds its instants.
type TimeUnit uint8

const (
	// TimeISO8601 is RFC 3339 text (CloudTrail's eventtime).
	TimeISO8601 TimeUnit = iota
	// TimeUnixSeconds is an integer count of seconds (flow logs' start, end).
	TimeUnixSeconds
)

// Table describes one log type: everything the rest of hunt needs to know
// to find, route, read, prune, convert and publish it. It is data, not a
// plugin: [Tables] lists every table, and the scan, the engine's table
// binding and pruning, hunt convert's partitions, hunt cat and hunt ls,
// the Athena DDL and the Security Hub finding type all derive from it.
//
// Adding a log type means: its reader (and Parquet reader, when it has
// one), one Table value appended to [Tables], the archive key kind that
// names it, its Athena DDL, and its hunts.
type Table struct {
	// Name is the table's name in SQL ("cloudtrail").
	Name string
	// AthenaNames are the names of AWS's documented Athena tables of this
	// log type ("cloudtrail_logs"), which queries may use instead of Name.
	AthenaNames []string
	// Schema is the full Arrow schema of the table's batches.
	Schema *arrow.Schema
	// TimeColumns are the event-time columns (an event's instant, or the
	// bounds of a flow's window), in TimeUnit; the first is the one
	// --since/--until filter and partitions are cut by.
	TimeColumns []string
	TimeUnit    TimeUnit
	// AccountColumn and RegionColumn hold each row's account and region,
	// for pruning by --account/--region and for partitioning.
	AccountColumn, RegionColumn string
	// Partitions are the partition columns of the table's Athena DDL,
	// which the local table offers too (see [Partition]); they are not in
	// Schema: the scan adds them to the batches of queries that read them.
	Partitions []Partition
	// ParquetBloom are the column paths hunt convert writes a bloom filter
	// for per row group: those hunts compare for equality whose values
	// are spread over the whole day, so min/max statistics cannot skip.
	ParquetBloom [][]string
	// ParquetCluster are the top-level columns hunt convert orders each
	// row group's rows by (see pqCluster): low-cardinality columns hunts
	// compare for equality, most selective last. Empty: time order only.
	ParquetCluster []string
	// CatColumns are the columns hunt cat prints by default.
	CatColumns []string
	// Hidden are the table's hidden columns besides [SourceColumn]
	// (varchar, null when the reader has no value for them): named by a
	// query, the reader adds them; SELECT * leaves them out, and AWS's
	// Athena table does not have them ([DeliveryColumns]).
	Hidden []string
	// FindingType is the ASFF finding type ("Unusual Behaviors/Network
	// Flow") every finding over this table carries; "" for none.
	FindingType string
	// Sniff reports whether the first bytes of a decompressed object
	// (up to 512, leading UTF-8 BOM and blank space removed) are content of
	// this table. Tables are tried in [Tables] order.
	Sniff func(head []byte) bool
	// NewReader returns the reader of the table's text form.
	NewReader func(r io.Reader, source string, opts ...Option) (Reader, error)
	// NewParquetReader returns the reader of the table's Parquet form; nil
	// when the table has none. Readers that cannot skip row groups ignore
	// prune.
	NewParquetReader func(r io.ReaderAt, size int64, source string, prune Pruning, opts ...Option) (Reader, error)
	// IsParquet reports whether a Parquet file whose footer names no table
	// (see [ParquetTableKey]) holds rows of this table, from its columns.
	IsParquet func(s *parquet.Schema) bool
}

// Column returns the schema's top-level field name, or false.
func (t *Table) Column(name string) (arrow.Field, bool) {
	idx := t.Schema.FieldIndices(name)
	if len(idx) == 0 {
		return arrow.Field{}, false
	}
	return t.Schema.Field(idx[0]), true
}

// PartitionKind says what a partition column holds.
type PartitionKind uint8

const (
	PartitionAccount PartitionKind = iota // the account ID of the object's key
	PartitionRegion                       // the region of the object's key
	PartitionDate                         // the delivery date of the object's key, formatted with DateLayout
)

// Partition is a partition column the Athena table of a log type declares
// (hunt athena ddl): the local table has it too, with the same name and
// values, so queries written for Athena that filter on partitions run
// unchanged. Its value comes from the object's key (account, region and
// delivery date folders); for an object outside the AWS key layout, from
// the record (the table's account and region columns, the date of its
// first time column).
type Partition struct {
	Name       string
	Kind       PartitionKind
	DateLayout string // Go layout of a varchar PartitionDate ("2006/01/02")
	// IsDate makes a PartitionDate a DATE column (AWS's documented flow
	// log table partitioned by `date`) instead of formatted varchar.
	IsDate bool
	// Hourly: a PartitionDate of hourly layouts (flow logs' `hour`),
	// taken from the key only when the key has an hour folder.
	Hourly bool
}

// PartitionNamed returns t's partition column called name, or nil.
func (t *Table) PartitionNamed(name string) *Partition {
	for i := range t.Partitions {
		if t.Partitions[i].Name == name {
			return &t.Partitions[i]
		}
	}
	return nil
}

// The tables hunt reads.
var (
	CloudTrail = &Table{
		Name:          "cloudtrail",
		AthenaNames:   []string{"cloudtrail_logs", "cloudtrail_logs_pp"},
		Schema:        CloudTrailSchema,
		TimeColumns:   []string{"eventtime"},
		TimeUnit:      TimeISO8601,
		AccountColumn: "recipientaccountid",
		RegionColumn:  "awsregion",
		Partitions: []Partition{
			{Name: "account", Kind: PartitionAccount}, {Name: "region", Kind: PartitionRegion},
			{Name: "timestamp", Kind: PartitionDate, DateLayout: "2006/01/02"},
		},
		ParquetBloom: [][]string{
			{"eventname"}, {"eventsource"}, {"errorcode"}, {"sourceipaddress"},
			{"useridentity", "arn"}, {"useridentity", "accesskeyid"}, {"useridentity", "principalid"},
			{"recipientaccountid"}, {"awsregion"},
		},
		ParquetCluster: []string{"eventname"},
		CatColumns:     []string{"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useridentity.arn", "errorcode"},
		Hidden:         DeliveryColumns,
		// Any JSON, but the objects of the more specific JSON tables
		// (GuardDuty findings, Config files) are theirs, and so are
		// CloudWatch Logs deliveries of flow-log lines; CloudWatch Logs
		// deliveries of CloudTrail events are CloudTrail's.
		Sniff: func(head []byte) bool {
			cw := sniffCWLogs(head)
			return cw == cwCloudTrail || cw == cwNone && (head[0] == '{' || head[0] == '[') && !sniffGuardDuty(head) && !sniffConfig(head)
		},
		NewReader: func(r io.Reader, source string, opts ...Option) (Reader, error) {
			return newDeliveredReader(r, source, opts, func(r io.Reader, source string, opts ...Option) (Reader, error) {
				return NewCloudTrailReader(r, source, opts...)
			})
		},
		NewParquetReader: func(r io.ReaderAt, size int64, source string, prune Pruning, opts ...Option) (Reader, error) {
			return NewCloudTrailParquetReader(r, size, source, prune, opts...)
		},
		IsParquet: func(s *parquet.Schema) bool {
			_, ok1 := s.Lookup("eventname")
			_, ok2 := s.Lookup("eventtime")
			return ok1 && ok2
		},
	}
	VPCFlow = &Table{
		Name:          "vpc_flow",
		AthenaNames:   []string{"vpc_flow_logs", "vpc_flow_logs_parquet"},
		Schema:        VPCFlowSchema,
		TimeColumns:   []string{"start", "end"},
		TimeUnit:      TimeUnixSeconds,
		AccountColumn: "account_id",
		RegionColumn:  "region",
		Partitions: []Partition{
			{Name: "aws_account_id", Kind: PartitionAccount}, {Name: "aws_region", Kind: PartitionRegion},
			{Name: "day", Kind: PartitionDate, DateLayout: "2006/01/02"},
			{Name: "date", Kind: PartitionDate, IsDate: true},
			{Name: "hour", Kind: PartitionDate, DateLayout: "2006/01/02/15", Hourly: true},
		},
		ParquetBloom: [][]string{
			{"srcaddr"}, {"dstaddr"}, {"interface_id"}, {"instance_id"}, {"pkt_srcaddr"}, {"pkt_dstaddr"},
		},
		ParquetCluster: []string{"action", "dstport"},
		CatColumns:     []string{"start", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action", "log_status"},
		Hidden:         DeliveryColumns,
		FindingType:    "Unusual Behaviors/Network Flow",
		Sniff:          func(head []byte) bool { return sniffVPCFlow(head) || sniffCWLogs(head) == cwFlow },
		NewReader: func(r io.Reader, source string, opts ...Option) (Reader, error) {
			return newDeliveredReader(r, source, opts, func(r io.Reader, source string, opts ...Option) (Reader, error) {
				return NewVPCFlowReader(r, source, opts...)
			})
		},
		NewParquetReader: func(r io.ReaderAt, size int64, source string, prune Pruning, opts ...Option) (Reader, error) {
			return NewVPCFlowParquetReader(r, size, source, prune, opts...)
		},
		IsParquet: func(s *parquet.Schema) bool {
			// AWS's flow-log Parquet names no table: any flow-log field
			// column says it is one.
			for _, f := range s.Fields() {
				if f.Name() != SourceColumn && len(VPCFlowSchema.FieldIndices(strings.ToLower(f.Name()))) > 0 {
					return true
				}
			}
			return false
		},
	}
)

// The tables of other AWS security sources archived in S3. They have no
// Parquet form: hunt convert skips their objects.
var (
	GuardDuty = &Table{
		Name:          "guardduty",
		AthenaNames:   []string{"gd_logs"},
		Schema:        GuardDutySchema,
		TimeColumns:   []string{"updatedat", "createdat"},
		TimeUnit:      TimeISO8601,
		AccountColumn: "accountid",
		RegionColumn:  "region",
		CatColumns:    []string{"updatedat", "accountid", "region", "severity", "type", "id", "title"},
		Sniff:         sniffGuardDuty,
		NewReader: func(r io.Reader, source string, opts ...Option) (Reader, error) {
			return NewGuardDutyReader(r, source, opts...)
		},
	}
	Config = &Table{
		Name:          "config",
		AthenaNames:   []string{"config_items"},
		Schema:        ConfigSchema,
		TimeColumns:   []string{"configurationitemcapturetime"},
		TimeUnit:      TimeISO8601,
		AccountColumn: "awsaccountid",
		RegionColumn:  "awsregion",
		CatColumns:    []string{"configurationitemcapturetime", "awsaccountid", "awsregion", "resourcetype", "resourceid", "configurationitemstatus"},
		Sniff:         sniffConfig,
		NewReader: func(r io.Reader, source string, opts ...Option) (Reader, error) {
			return NewConfigReader(r, source, opts...)
		},
	}
)

// Tables lists every table hunt reads. Content sniffing tries them in
// this order; CloudTrail's sniffer leaves the objects of the other JSON
// tables to them.
var Tables = []*Table{CloudTrail, VPCFlow, GuardDuty, Config}

// TableNamed returns the table called name, or nil.
func TableNamed(name string) *Table {
	for _, t := range Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// TableNames returns the names of [Tables], for messages ("cloudtrail or
// vpc_flow").
func TableNames() []string {
	out := make([]string, len(Tables))
	for i, t := range Tables {
		out[i] = t.Name
	}
	return out
}

// SniffTable returns the table whose content head (the first bytes of a
// decompressed object) starts, or nil when no table's content looks like
// it: routing fails closed, it never guesses.
func SniffTable(head []byte) *Table {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 {
		return nil
	}
	for _, t := range Tables {
		if t.Sniff(head) {
			return t
		}
	}
	return nil
}

// sniffVPCFlow: a flow-log header ("version ...", "account-id ...") or a
// line starting with a digit (the version field of a headerless line).
func sniffVPCFlow(head []byte) bool {
	if head[0] >= '0' && head[0] <= '9' {
		return true
	}
	first, _, _ := bytes.Cut(head, []byte(" "))
	for _, f := range VPCFlowSchema.Fields() {
		if string(first) == f.Name || string(first) == strings.ReplaceAll(f.Name, "_", "-") {
			return true
		}
	}
	return false
}

// ParquetTable returns the table whose rows the Parquet file r of size
// bytes holds: the one the [ParquetTableKey] hunt writes in the footer
// names, else the first of [Tables] whose IsParquet recognises the file's
// columns. It returns nil when neither says or the footer cannot be read
// (the caller reports the object as of no known table).
func ParquetTable(r io.ReaderAt, size int64) *Table {
	pf, err := openParquetLazy(r, r, size, "") // the footer's claims checked against the size
	if err != nil {
		return nil
	}
	if name, ok := pf.lookup(ParquetTableKey); ok {
		return TableNamed(name)
	}
	f, err := pf.file()
	if err != nil {
		return nil
	}
	for _, t := range Tables {
		if t.NewParquetReader != nil && t.IsParquet != nil && t.IsParquet(f.Schema()) {
			return t
		}
	}
	return nil
}
