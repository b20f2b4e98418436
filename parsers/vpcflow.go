package parsers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Limits on untrusted flow-log text (STYLE §7). Real lines are under 2 KiB
// even with every ECS ARN; real headers have at most a few dozen fields.
const (
	// vpcFlowMaxLine is the longest line a [VPCFlowReader] accepts; a longer
	// one is rejected with [ErrTooLarge] and skipped.
	vpcFlowMaxLine = 64 << 10
	// vpcFlowMaxFields is the most fields a header (and so a line) may have.
	vpcFlowMaxFields = 256
	// vpcFlowBufSize is the largest read buffer: many lines per Read call,
	// and room for a line of vpcFlowMaxLine. The buffer starts at
	// vpcFlowMinBuf and doubles while the input fills it, so a small
	// object costs a small buffer.
	vpcFlowBufSize = 128 << 10
	vpcFlowMinBuf  = 8 << 10
	// vpcFlowMaxDictValues bounds the distinct values a dictionary column
	// remembers across batches; past it the memo restarts at the next batch.
	vpcFlowMaxDictValues = 1024
)

// flowKind is how a flow-log field is parsed and built.
type flowKind uint8

const (
	flowKindString flowKind = iota // string column
	flowKindDict                   // dictionary string column
	flowKindInt32                  // int32 column, value checked against max
	flowKindInt64                  // int64 column, value checked against max
)

// flowField describes one field of the flow-log format.
type flowField struct {
	name   string // header spelling, e.g. "log-status"
	col    string // column name in VPCFlowSchema, e.g. "log_status"
	kind   flowKind
	max    int64  // largest valid value of an integer field
	expect string // what an integer field accepts, for error messages
}

const (
	expectNonNeg32 = "non-negative 32-bit integer"
	expectNonNeg64 = "non-negative integer"
	expectPort     = "integer 0-65535"
	expectProto    = "integer 0-255"
)

// vpcFlowFields lists every field of VPCFlowSchema except SourceColumn, in
// schema order: vpcFlowFields[i] is column i of VPCFlowSchema.
var vpcFlowFields = [...]flowField{
	{"version", "version", flowKindInt32, math.MaxInt32, expectNonNeg32},
	{"account-id", "account_id", flowKindString, 0, ""},
	{"interface-id", "interface_id", flowKindString, 0, ""},
	{"srcaddr", "srcaddr", flowKindString, 0, ""},
	{"dstaddr", "dstaddr", flowKindString, 0, ""},
	{"srcport", "srcport", flowKindInt32, 65535, expectPort},
	{"dstport", "dstport", flowKindInt32, 65535, expectPort},
	{"protocol", "protocol", flowKindInt64, 255, expectProto},
	{"packets", "packets", flowKindInt64, math.MaxInt64, expectNonNeg64},
	{"bytes", "bytes", flowKindInt64, math.MaxInt64, expectNonNeg64},
	{"start", "start", flowKindInt64, math.MaxInt64, expectNonNeg64},
	{"end", "end", flowKindInt64, math.MaxInt64, expectNonNeg64},
	{"action", "action", flowKindDict, 0, ""},
	{"log-status", "log_status", flowKindDict, 0, ""},
	{"vpc-id", "vpc_id", flowKindString, 0, ""},
	{"subnet-id", "subnet_id", flowKindString, 0, ""},
	{"instance-id", "instance_id", flowKindString, 0, ""},
	{"tcp-flags", "tcp_flags", flowKindInt32, math.MaxInt32, expectNonNeg32},
	{"type", "type", flowKindString, 0, ""},
	{"pkt-srcaddr", "pkt_srcaddr", flowKindString, 0, ""},
	{"pkt-dstaddr", "pkt_dstaddr", flowKindString, 0, ""},
	{"region", "region", flowKindString, 0, ""},
	{"az-id", "az_id", flowKindString, 0, ""},
	{"sublocation-type", "sublocation_type", flowKindString, 0, ""},
	{"sublocation-id", "sublocation_id", flowKindString, 0, ""},
	{"pkt-src-aws-service", "pkt_src_aws_service", flowKindString, 0, ""},
	{"pkt-dst-aws-service", "pkt_dst_aws_service", flowKindString, 0, ""},
	{"flow-direction", "flow_direction", flowKindDict, 0, ""},
	{"traffic-path", "traffic_path", flowKindInt32, math.MaxInt32, expectNonNeg32},
	{"ecs-cluster-arn", "ecs_cluster_arn", flowKindString, 0, ""},
	{"ecs-cluster-name", "ecs_cluster_name", flowKindString, 0, ""},
	{"ecs-container-instance-arn", "ecs_container_instance_arn", flowKindString, 0, ""},
	{"ecs-container-instance-id", "ecs_container_instance_id", flowKindString, 0, ""},
	{"ecs-container-id", "ecs_container_id", flowKindString, 0, ""},
	{"ecs-second-container-id", "ecs_second_container_id", flowKindString, 0, ""},
	{"ecs-service-name", "ecs_service_name", flowKindString, 0, ""},
	{"ecs-task-definition-arn", "ecs_task_definition_arn", flowKindString, 0, ""},
	{"ecs-task-arn", "ecs_task_arn", flowKindString, 0, ""},
	{"ecs-task-id", "ecs_task_id", flowKindString, 0, ""},
	{"reject-reason", "reject_reason", flowKindString, 0, ""},
}

// vpcFlowFieldIndex maps a field name, in header spelling ("log-status") or
// column spelling ("log_status"), to its index in vpcFlowFields. Immutable.
var vpcFlowFieldIndex = func() map[string]int {
	m := make(map[string]int, 2*len(vpcFlowFields))
	for i, f := range vpcFlowFields {
		m[f.name] = i
		m[f.col] = i
	}
	return m
}()

// vpcFlowDefaultFormat is the field order of a file without a header line:
// AWS's default format, the 14 version-2 fields.
var vpcFlowDefaultFormat = []string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
	"protocol", "packets", "bytes", "start", "end", "action", "log-status",
}

// isTransitGatewayField reports whether name is a field only Transit Gateway
// flow logs have. Their header starts "version resource-type account-id
// tgw-id tgw-attachment-id ...".
func isTransitGatewayField(name string) bool {
	return name == "resource-type" || strings.HasPrefix(name, "tgw-") || strings.HasPrefix(name, "packets-lost-")
}

// VPCFlowReader reads VPC Flow Logs in the text format AWS delivers to S3
// (already decompressed) and returns them as Arrow record batches of
// [VPCFlowSchema], projected onto the columns of [WithColumns].
//
// # Format
//
// Fields are separated by single spaces, one record per line ("\n" or
// "\r\n"). The first line, when it is a header (every field a lowercase
// field name, at least one of them known), sets the column order, so custom
// formats with any subset of fields in any order are read; a file without a
// header is read as the default format, the 14 version-2 fields. Field names
// may use '-' (as AWS writes them) or '_'.
//
// A '-' field is null (the validity bit), never "" or 0; so is every column
// the file's format does not carry. Integers are checked: ports 0-65535,
// protocol 0-255, packets, bytes, start and end non-negative.
//
// # Unknown fields
//
// A header field this reader does not know (a flow-log version newer than 8)
// is read as a string: without [WithColumns], each one becomes a nullable
// string column named like the others ('-' turned into '_') appended after
// the [VPCFlowSchema] columns, so the known columns keep their indexes; with
// [WithColumns] it cannot be named and is skipped. [VPCFlowReader.Schema]
// returns the batch schema.
//
// # Transit Gateway
//
// Transit Gateway flow logs (version 6, fields such as resource-type and
// tgw-id) are delivered under the same vpcflowlogs prefixes but describe
// another thing: no ENI, no action, lost-packet counters. Mixing them into
// the vpc_flow table would make hunts such as "REJECTs per source" silently
// wrong, so [NewVPCFlowReader] refuses them: it returns a [*ParseError]
// wrapping [ErrFormat] that points at the first Transit Gateway field of the
// header. Callers skip such objects and count them.
//
// # Bad lines
//
// A line that does not parse (wrong field count, a value out of range, a
// start after its end, text holding a control character or invalid UTF-8)
// is not emitted: it is counted in Stats.Rejected and its [*ParseError],
// positioned at the offending byte with the field's name, is kept in
// [VPCFlowReader.Rejects]; the read goes on. With [WithStrict] the first bad
// line stops the read and becomes [VPCFlowReader.Err]. A start later than
// its end is rejected rather than kept, because AWS never writes such a
// window and time-window queries would treat it inconsistently. Values are
// checked when their column is built: the field count of every line is
// checked, but a projection that leaves out protocol does not look at it.
// An empty line is rejected. A header line after the first line is skipped
// when it repeats the first header (concatenated deliveries); a different
// one is rejected and then used as the column order of the lines that follow
// (its unknown fields are skipped, since the batch schema is fixed).
//
// # Filtering
//
// With [WithEqual], a line whose value of a projected text column (action,
// srcaddr, ...) is "-" or none of the values given for it is not emitted:
// its fields built are checked without being built, so it is rejected
// with the same error as without the option, or else counted in
// Stats.Records and left out of the batch. A column the format lacks is
// null on every line, so keeps none; integer columns filter nothing.
//
// An error reading the underlying reader (a truncated gzip stream) ends the
// read: the complete lines before it are delivered, the incomplete last line
// is dropped, and Err returns a [*ParseError] at the position reached that
// wraps both [ErrTruncated] and the read error.
//
// # Limits and cost
//
// A line longer than 64 KiB is rejected ([ErrTooLarge]) and skipped; a
// header has at most 256 fields; an integer at most 19 digits. Lines are
// located 64 KiB at a time: their bytes classified 64 at a time (spaces,
// newlines, bytes that are not printable ASCII), the positions of their
// spaces and newlines listed, and then a line's field count is checked
// and its fields found with no search (lines that need more, such as
// headers and bad bytes, are parsed one by one); a line that a filter of
// [WithEqual] leaves out has its built fields only checked. Values go into
// column buffers that the batch then takes over whole (no copy) and
// hands back when released, so a row allocates nothing and a batch only
// its string bytes. The read buffer starts at 8 KiB and
// grows to 128 KiB while the input fills it, and an input read whole by the
// first fill gets columns sized for its lines: a reader per small S3 object
// stays small. An [InMemory] source (an object archive inflated whole) is
// parsed where it lies, with no read buffer and no copy; the window such a
// buffer would hold moves over it the same way, so the same lines are too
// long and batches are the same.
//
// A VPCFlowReader is not safe for concurrent use.
type VPCFlowReader struct {
	r      io.Reader
	source string
	mem    memory.Allocator
	strict bool

	schema *arrow.Schema // batch schema: projection of VPCFlowSchema plus unknown fields
	cols   []*flowCol    // the columns of outs except path
	outs   []flowOut     // one per batch column, in schema order
	path   *flowCol      // the SourceColumn column, nil when not projected
	known  [len(vpcFlowFields)]*flowCol
	extras map[string]*flowCol // unknown header fields by header name, when kept

	header []byte // the header line in effect, nil for the default format
	// formatGiven: a headerless object read with WithFlowFormat's fields.
	formatGiven bool
	nfields     int                 // fields per line of the current format
	format      []string            // the field names of the current format
	plan        []flowStep          // built fields in line order
	need        int                 // field ends to locate per line: 1 + position of the last planned field
	startAt     int                 // index in plan of start, -1 unless start and end are both built
	endAt       int                 // index in plan of end
	equal       map[string][]string // WithEqual
	filters     []flowFilterStep    // the equalities of equal on fields of plan
	drop        flowDrop            // parseRun's test of filters, when it has one
	columnar    bool                // parseRun builds fast-path lines a segment at a time (buildSegment): no filter
	// bounds lists, in order, the ends of a line that parseRun's fast
	// path locates (flowLocate): both ends of each built field (end j is
	// the space or newline after field j, end -1 the newline before the
	// line) and the line's last, nfields-1, its newline. The segment's
	// lines have theirs in the compact tape, len(bounds) entries a line,
	// and a built field's values are its line's entries cpos and cpos+1
	// (flowStep.cpos). masks holds, for each end of bounds from the
	// first that is not -1, 1<<(g-1) for its distance g in fields from
	// the end before it (end -1 for the first): the bit of the g-th space
	// or newline on, for flowLocateAsm, which takes no distance over 64.
	bounds []int32
	masks  []uint64
	// dense: the plan builds most fields, and the segments' lines are
	// read from the full tape (flowSegment), where a line's ends cost
	// fewer instructions than flowLocate's; bounds are then every end,
	// -1 to nfields-1, so that cpos is pos.
	dense bool
	// loc is flowLinesLocate's tables for bounds (setBounds).
	loc flowLocTables
	// segOps are buildSegment's loops over plan (setSegOps), and
	// segWindow tells that one of them checks start <= end.
	segOps    []flowSegOp
	segWindow bool

	// ends[j+1] is the index in the line of the byte after field j (a
	// space or the line's end), for j < need; ends[0] is -1, so field j is
	// line[ends[j]+1:ends[j+1]]. For "2 ab -", ends = [-1 1 4 6].
	ends [flowEndsMask + 1]int32
	// blocks is locateFlowSpaces' bitmap of a line's spaces.
	blocks []uint64
	run    flowRun // parseRun's scratch

	// buf[pos:end] is input read but not yet consumed; buf[0] is at stream
	// offset base.
	buf []byte
	// whole is the input of an [InMemory] source, nil for others. Then buf
	// is whole[base:], and pos, end and base move over it as they would
	// over a buffer of size bytes filled by Read (fillWhole), so that the
	// lines too long, the batch sizes and every position are the same, with
	// no byte copied.
	whole    []byte
	size     int
	pos, end int
	base     int64
	eof      bool
	readErr  error // the underlying reader's error other than io.EOF
	skipping bool  // discarding the rest of a too-long line

	maxRows int   // rows per batch: BatchRows, or fewer for a small input
	rows    int   // rows of the batch being built before the current line
	line    int   // 1-based number of the last line returned by nextLine
	lineOff int64 // stream offset of that line

	// nulls[i] is the all-null array of maxRows rows shared by the
	// batches for column i when the format lacks it; nil until needed.
	nulls flowNulls

	// spare holds the buffers of a released reader this one takes its
	// columns from (nil: none), and gets them all back on Release.
	spare    *flowSpare
	released bool
	// hand takes back the column buffers handed to batches (handArray)
	// when the batches are released, for the columns' next batches.
	hand *flowHand

	batch   arrow.RecordBatch
	err     error
	rejects ErrorList
	stats   Stats
}

// flowStep is one field of the line to build.
type flowStep struct {
	pos  int      // field position in the line, 0-based
	cpos int      // the index of end pos-1 in bounds: the field's ends on the compact tape
	kind flowKind // col.kind, at hand (field.kind, but for a column WithFlowDictionaries dictionary-encodes)
	max  int64    // field.max, at hand
	// digits is the most digits of an integer field whose every value is
	// at most max (18 for math.MaxInt64, 4 for 65535): one that long or
	// shorter needs only its digits checked.
	digits int
	col    *flowCol
	field  *flowField
}

// flowSegOp is one of buildSegment's loops: over the column of plan
// step s, or, with s2 >= 0, over the integer columns of steps s and s2
// at once (segIntsPair: the two of one kind), and with window, s start
// and s2 end, checking that a line's start is not after its end.
type flowSegOp struct {
	s, s2  int
	window bool
}

// flowFilterStep is an equality of [WithEqual] on a projected text
// column: a line whose value of plan[s] is "-" or none of vals is not
// emitted; s is -1 when the format lacks the column (null: no line is).
type flowFilterStep struct {
	s    int
	vals []string
}

// flowDrop is parseRun's shortcut for a printable line that the one
// filter of the format leaves out: its value of the filtered field,
// loaded as a word, is none of keys (the filter's values other than "-",
// each at most 8 bytes, little-endian) with its length in lens. Then the
// line's built fields are only checked, as checkLine does (a printable
// line needs no text check), and a line that fails a check goes the
// general way, to be rejected there.
type flowDrop struct {
	on   bool // the format has one filter, on a built field, and no start-end check
	pos  int  // the filtered field's position in the line
	cpos int  // its flowStep.cpos
	keys []uint64
	lens []int
	// The checks of checkLine on a printable line, by field position:
	// a built text field must not be empty (texts leaves out the
	// filtered one, whose emptiness dropLines tests with its value), a
	// built integer field ("-" aside) is digits within max (flowDigits
	// up to digits of them).
	texts []int32
	ints  []flowIntCheck
	// ctexts and cints are texts and ints on the compact tape (cpos).
	ctexts []int32
	cints  []flowIntCheck
	// one: keys is one word of 1 to 8 bytes, none NUL, and every int
	// check takes 16 digits or more (its values of 1 to 16 digits need
	// only their digits checked); filterSegment then tests and checks
	// the lines in one loop (flowSegDrop) over cintPos, the compact
	// positions of cints.
	one     bool
	cintPos []int32
	// fill is, with one, the plan step of the filtered field when it
	// is a dictionary column (else -1): the lines flowSegDrop keeps all
	// hold keys[0] there (buildSegmentFill).
	fill int
}

// flowIntCheck is the check of a built integer field of a line left out.
type flowIntCheck struct {
	pos    int32
	digits int32
	max    int64
}

// flowEndsMask masks indexes into VPCFlowReader.ends; ends has room for
// vpcFlowMaxFields fields and a word of spaces beyond.
const flowEndsMask = 511

// flowOut is one column of the batch. A column the file's format does not
// carry is all null: a shared array when it lacks it for a whole batch,
// nulls appended in bulk otherwise (the format changed mid-batch).
type flowOut struct {
	field arrow.Field
	col   *flowCol
}

// flowCol builds one column of a batch in Go slices it keeps from batch to
// batch (STYLE §4: reuse by reset), then hands them to the batch when it
// is built (handArray; the Parquet reader copies them, newArray): no
// builder call, capacity check or bitmap method per value. A row
// appended by mistake is taken back with truncate, so a line is parsed in
// one pass and rejected without leaving the columns uneven.
type flowCol struct {
	kind  flowKind
	n     int // rows appended
	nulls int
	// valid is the validity bitmap of rows [0, n): bit i set when row i
	// is not null. Bits at and after n are zero.
	valid []byte
	i32   []int32 // flowKindInt32 values, len the batch's maximum rows; 0 for null
	i64   []int64 // flowKindInt64 values, len the batch's maximum rows; 0 for null
	// offs and data are the string values: row i is data[offs[i]:offs[i+1]].
	// "ab", null, "c" -> offs [0 2 2 3], data "abc".
	offs []int32
	data []byte
	// Dictionary columns: idx holds the indices, dict the distinct values
	// in index order, memo their index once dict outgrows a linear search.
	// ACCEPT, REJECT, ACCEPT -> dict ["ACCEPT" "REJECT"], idx [0 1 0].
	idx  []int32
	dict []string
	memo map[string]int32
	last int32 // index of the last value appended, tried first
	// keys[e] is dict[e] loaded as a little-endian word and klen[e] its
	// length, for the first few values of at most 8 bytes (klen 0 for a
	// longer one, which never matches).
	keys []uint64
	klen []uint8
	// slots caches dictionary indexes by a hash of the value's last 8
	// bytes (flowDictSlot), index+1, 0 empty: a value met before costs a
	// multiply and a compare, not a map lookup. Entries are hints, checked
	// against dict (a stale one, of an emptied dictionary, compares
	// unequal). Made on first use.
	slots []int32
	// segDict0 is the dictionary's size before the segment being built
	// (buildSegment), for unbuild.
	segDict0 int
}

// flowDictSlots is the size of flowCol.slots: a power of two well above
// the few dozen values of a flow log's resource columns.
const flowDictSlots = 256

// flowDictSlot is the slot of v, at least 8 bytes long, in flowCol.slots.
func flowDictSlot(v []byte) int {
	return int(binary.LittleEndian.Uint64(v[len(v)-8:]) * 0x9e3779b97f4a7c15 >> 56)
}

// flowDictKeys is how many dictionary values the word comparison covers.
const flowDictKeys = 8

// newFlowCol returns a column for batches of at most rows rows (BatchRows,
// or fewer for an input known to be small).
func newFlowCol(kind flowKind, rows int) *flowCol {
	c := &flowCol{kind: kind, valid: make([]byte, (rows+7)/8)}
	switch kind {
	case flowKindInt32:
		c.i32 = make([]int32, rows)
	case flowKindInt64:
		c.i64 = make([]int64, rows)
	case flowKindString:
		c.offs = make([]int32, rows+1)
	case flowKindDict:
		c.idx = make([]int32, rows)
	}
	return c
}

// flowSpare holds the buffers of released VPCFlowReaders for the next
// ones: columns (whose string data grows to a batch's worth) and
// parseRun's scratch, about 200 KiB for a reader of BatchRows rows. A
// reader per object would otherwise allocate them for every object, and
// that garbage (more GC cycles, fresh pages to fault in and zero) costs
// more than parsing a small object. They go through a sync.Pool (STYLE
// §4.5): a reader owns them while it reads, and workers open readers on
// any goroutine.
type flowSpare struct {
	cols   []*flowCol
	run    flowRun
	blocks []uint64
	hand   *flowHand // the buffers the columns handed to batches, come back
}

// flowSpares holds *flowSpare. Unlike pqChunks it stays a sync.Pool:
// a spare waits in it only from one reader's Release to the next
// reader's start, and the pool drops it only after two collections in
// that gap. Counted at 1 core, readers that found no spare: 2 of 343
// over the library's 118 hunts on 2 GiB (1 of them the first reader),
// 5 of 440 in `hunt bench --only query/vpc_flow --reps 5` (1 per rep:
// bench collects before each rep). A free list that kept them removed
// those misses (0.3 to 0.9 MB of columns each) but saved no page faults
// or allocations beyond the runs' noise, and raised the bench's peak RSS
// by 3 MiB (the spares it keeps outlive bench's FreeOSMemory).
var flowSpares sync.Pool

// flowSpareCols bounds the columns a spare keeps: a reader of every
// column needs 41, plus a few unknown fields.
const flowSpareCols = 64

// col returns one of sp's columns of kind with room for rows rows,
// emptied, or else a new column. sp may be nil.
func (sp *flowSpare) col(kind flowKind, rows int) *flowCol {
	if sp != nil {
		for i, c := range sp.cols {
			if c.kind == kind && c.room() >= rows {
				last := len(sp.cols) - 1
				sp.cols[i], sp.cols[last] = sp.cols[last], nil
				sp.cols = sp.cols[:last]
				c.recycle(rows)
				return c
			}
		}
	}
	return newFlowCol(kind, rows)
}

// room is how many rows the column's buffers can hold.
func (c *flowCol) room() int {
	n := 8 * cap(c.valid)
	switch c.kind {
	case flowKindInt32:
		n = min(n, cap(c.i32))
	case flowKindInt64:
		n = min(n, cap(c.i64))
	case flowKindString:
		n = min(n, cap(c.offs)-1)
	default:
		n = min(n, cap(c.idx))
	}
	return n
}

// recycle empties a released reader's column for batches of at most rows
// rows (at most its room), keeping its buffers; offs[0] stays 0. It
// clears all the validity bits of rows rows: reset clears those of the
// last batch's rows only, and past them the bitmap may hold an earlier,
// larger batch's (hand8 reuses a handed-back bitmap for fewer rows and
// clears those), which a larger object's rows would read as valid.
func (c *flowCol) recycle(rows int) {
	c.reset()
	c.valid = c.valid[:(rows+7)/8]
	clear(c.valid)
	switch c.kind {
	case flowKindInt32:
		c.i32 = c.i32[:rows]
	case flowKindInt64:
		c.i64 = c.i64[:rows]
	case flowKindString:
		c.offs = c.offs[:rows+1]
	default:
		c.idx = c.idx[:rows]
	}
	c.dict, c.memo, c.last = c.dict[:0], nil, 0
	c.keys, c.klen = c.keys[:0], c.klen[:0]
}

// reset empties the column for the next batch, keeping its buffers.
func (c *flowCol) reset() {
	clear(c.valid[:(c.n+7)/8])
	c.n, c.nulls = 0, 0
	c.data = c.data[:0]
}

// appendNull appends a null; the caller ensures n is below the column's
// maximum rows.
func (c *flowCol) appendNull() {
	switch c.kind {
	case flowKindInt32:
		c.i32[c.n] = 0
	case flowKindInt64:
		c.i64[c.n] = 0
	case flowKindString:
		c.offs[c.n+1] = int32(len(c.data))
	default:
		c.idx[c.n] = 0
	}
	c.nulls++
	c.n++
}

// appendNullsTo appends nulls until the column has n rows, in bulk: the
// columns a file's format lacks get a batch of nulls this way. Validity
// bits at and after c.n are already zero.
func (c *flowCol) appendNullsTo(n int) {
	if c.n >= n {
		return
	}
	switch c.kind {
	case flowKindInt32:
		clear(c.i32[c.n:n])
	case flowKindInt64:
		clear(c.i64[c.n:n])
	case flowKindString:
		end := int32(len(c.data))
		for i := c.n + 1; i <= n; i++ {
			c.offs[i] = end
		}
	default:
		clear(c.idx[c.n:n])
	}
	c.nulls += n - c.n
	c.n = n
}

// setValid marks the row being appended as valid and counts it.
func (c *flowCol) setValid() {
	c.valid[c.n>>3] |= 1 << (c.n & 7)
	c.n++
}

// truncate takes back the rows at and after row (at most one in practice).
func (c *flowCol) truncate(row int) {
	for c.n > row {
		c.n--
		if c.valid[c.n>>3]&(1<<(c.n&7)) != 0 {
			c.valid[c.n>>3] &^= 1 << (c.n & 7)
		} else {
			c.nulls--
		}
		if c.kind == flowKindString {
			c.data = c.data[:c.offs[c.n]]
		}
	}
}

// isValid reports whether row i is not null.
func (c *flowCol) isValid(i int) bool { return c.valid[i>>3]&(1<<(i&7)) != 0 }

// filter removes the rows i with bad[i] set, len(bad) == n, keeping the
// others in order. It runs only for a batch with rejected rows.
func (c *flowCol) filter(bad []bool) {
	// Slow path.
	w, nulls := 0, 0
	var off int32
	for r := range c.n {
		if bad[r] {
			continue
		}
		valid := c.isValid(r)
		switch c.kind {
		case flowKindInt32:
			c.i32[w] = c.i32[r]
		case flowKindInt64:
			c.i64[w] = c.i64[r]
		case flowKindString:
			from, to := c.offs[r], c.offs[r+1]
			off += int32(copy(c.data[off:], c.data[from:to]))
			c.offs[w+1] = off
		default:
			c.idx[w] = c.idx[r]
		}
		if valid {
			c.valid[w>>3] |= 1 << (w & 7)
		} else {
			c.valid[w>>3] &^= 1 << (w & 7)
			nulls++
		}
		w++
	}
	for i := w; i < c.n; i++ {
		c.valid[i>>3] &^= 1 << (i & 7)
	}
	if c.kind == flowKindString {
		c.data = c.data[:off]
	}
	c.n, c.nulls = w, nulls
}

// dictIndex returns the dictionary index of v, adding it when new.
func (c *flowCol) dictIndex(v []byte) int32 {
	// Fast path: the same value as last time, or one of a few.
	if int(c.last) < len(c.dict) && c.dict[c.last] == string(v) {
		return c.last
	}
	if len(v) >= 8 {
		// Then the value cached in its slot (interface IDs, subnet
		// IDs: dozens of values, interleaved).
		if c.slots == nil {
			c.slots = make([]int32, flowDictSlots)
		}
		h := flowDictSlot(v)
		if e := c.slots[h] - 1; e >= 0 && int(e) < len(c.dict) && c.dict[e] == string(v) {
			c.last = e
			return e
		}
		i := c.dictLookup(v)
		c.slots[h] = i + 1
		return i
	}
	return c.dictLookup(v)
}

// dictLookup is dictIndex past its caches: a linear search of a small
// dictionary, the memo of a larger one, or a new value.
func (c *flowCol) dictLookup(v []byte) int32 {
	if c.memo == nil {
		for i, d := range c.dict {
			if d == string(v) {
				c.last = int32(i)
				return c.last
			}
		}
	} else if i, ok := c.memo[string(v)]; ok {
		c.last = i
		return i
	}
	return c.dictAddSlow(v)
}

// dictAddSlow adds a new distinct value: one allocation per distinct value.
func (c *flowCol) dictAddSlow(v []byte) int32 {
	i := int32(len(c.dict))
	s := string(v)
	c.dict = append(c.dict, s)
	if len(c.keys) < flowDictKeys {
		var b [8]byte
		n := copy(b[:], v)
		if len(v) > 8 {
			n = 0
		}
		c.keys = append(c.keys, binary.LittleEndian.Uint64(b[:]))
		c.klen = append(c.klen, uint8(n))
	}
	if c.memo == nil && len(c.dict) > 8 {
		c.memo = make(map[string]int32, 16)
		for j, d := range c.dict {
			c.memo[d] = int32(j)
		}
	} else if c.memo != nil {
		c.memo[s] = i
	}
	c.last = i
	return i
}

// copyBuffer returns an allocator buffer holding a copy of b.
func copyBuffer(mem memory.Allocator, b []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// newArray returns the rows appended so far as an array of typ and resets
// the column.
func (c *flowCol) newArray(mem memory.Allocator, typ arrow.DataType) arrow.Array {
	defer c.reset()
	n := c.n
	var validity *memory.Buffer
	if c.nulls > 0 {
		validity = copyBuffer(mem, c.valid[:(n+7)/8])
		defer validity.Release()
	}
	var bufs []*memory.Buffer
	switch c.kind {
	case flowKindInt32:
		bufs = []*memory.Buffer{validity, copyBuffer(mem, arrow.Int32Traits.CastToBytes(c.i32[:n]))}
	case flowKindInt64:
		bufs = []*memory.Buffer{validity, copyBuffer(mem, arrow.Int64Traits.CastToBytes(c.i64[:n]))}
	case flowKindString:
		bufs = []*memory.Buffer{validity, copyBuffer(mem, arrow.Int32Traits.CastToBytes(c.offs[:n+1])), copyBuffer(mem, c.data)}
	default:
		bufs = []*memory.Buffer{validity, copyBuffer(mem, arrow.Int32Traits.CastToBytes(c.idx[:n]))}
	}
	return c.arrayOf(mem, typ, n, bufs)
}

// arrayOf returns the array of typ of n rows over bufs (validity first,
// then the kind's buffers, which it releases: the array holds them), a
// dictionary array for a dictionary column (dictArray). newArray and
// handArray end here; they differ only in where the buffers come from.
func (c *flowCol) arrayOf(mem memory.Allocator, typ arrow.DataType, n int, bufs []*memory.Buffer) arrow.Array {
	for _, b := range bufs[1:] {
		defer b.Release()
	}
	if c.kind != flowKindDict {
		data := array.NewData(typ, n, bufs, nil, c.nulls, 0)
		defer data.Release()
		return array.MakeFromData(data)
	}
	return c.dictArray(mem, typ, n, bufs)
}

// dictArray returns the dictionary array of n rows whose validity and
// indices are bufs, over the column's dictionary (which it empties when
// it grew past vpcFlowMaxDictValues). The caller releases bufs.
func (c *flowCol) dictArray(mem memory.Allocator, typ arrow.DataType, n int, bufs []*memory.Buffer) arrow.Array {
	idxData := array.NewData(arrow.PrimitiveTypes.Int32, n, bufs, nil, c.nulls, 0)
	defer idxData.Release()
	idx := array.MakeFromData(idxData)
	defer idx.Release()
	db := array.NewStringBuilder(mem)
	defer db.Release()
	db.Reserve(len(c.dict))
	for _, d := range c.dict {
		db.Append(d)
	}
	dict := db.NewArray()
	defer dict.Release()
	if len(c.dict) > vpcFlowMaxDictValues {
		c.dict, c.memo, c.last = c.dict[:0], nil, 0
		c.keys, c.klen = c.keys[:0], c.klen[:0]
	}
	return array.NewDictionaryArray(typ, idx, dict)
}

// NewVPCFlowReader returns a reader of the flow-log text in r, which must
// already be decompressed; source names r in errors and in [SourceColumn].
// It reads the first line to learn the format, so it returns an error for a
// projection naming an unknown column, a malformed header, a Transit
// Gateway flow log (a [*ParseError] wrapping [ErrFormat]) or a read error
// before the first line ends. The caller must call Release.
func NewVPCFlowReader(r io.Reader, source string, opts ...Option) (*VPCFlowReader, error) {
	cfg := newConfig(opts)
	proj, err := projectSchema(VPCFlowSchema, cfg.columns)
	if err != nil {
		return nil, fmt.Errorf("vpc flow reader: %w", err)
	}
	p := &VPCFlowReader{
		r:       r,
		source:  source,
		mem:     cfg.mem,
		strict:  cfg.strict,
		startAt: -1,
		equal:   cfg.equal,
	}
	if src, ok := r.(InMemory); ok {
		p.whole = src.Contents()
		p.buf, p.size = p.whole, vpcFlowMinBuf
	} else {
		// 8 bytes of capacity past len: word loads may run over a
		// line's end.
		p.buf = make([]byte, vpcFlowMinBuf, vpcFlowMinBuf+8)
	}
	p.rejects.Max = cfg.maxErrors

	// The header decides the unknown columns, so read it before the schema.
	first, err := p.peekFirstLine()
	if err != nil {
		return nil, err
	}
	var names []string
	if first != nil && isHeaderLine(first) {
		if names, err = p.headerNames(first, 0); err != nil {
			return nil, err
		}
		p.header = append([]byte(nil), first...)
		p.consumeLine(first)
		p.stats.Bytes = int64(p.pos)
	}

	// A small object is read whole by the first fill: size the columns
	// for its lines, not for BatchRows (thousands of small objects each
	// get a reader).
	p.maxRows = BatchRows
	if p.eof {
		p.maxRows = min(BatchRows, bytes.Count(p.buf[p.pos:p.end], []byte{'\n'})+1)
	} else if rest := p.whole[min(p.base+int64(p.pos), int64(len(p.whole))):]; p.whole != nil && len(rest) < 32*BatchRows {
		// An object in memory is read through a window, which the first
		// fill does not end; count its lines when it cannot hold a batch
		// of lines of 32 bytes.
		p.maxRows = min(BatchRows, bytes.Count(rest, []byte{'\n'})+1)
	}

	if sp, _ := flowSpares.Get().(*flowSpare); sp != nil {
		p.spare = sp
		p.run, p.blocks, p.hand = sp.run, sp.blocks, sp.hand
		sp.run, sp.blocks, sp.hand = flowRun{}, nil, nil
	}
	if p.hand == nil {
		p.hand = newFlowHand()
	}
	fields := proj.Fields()
	for i, f := range fields {
		if cfg.flowDict && slices.Contains(VPCFlowResourceColumns, f.Name) {
			f.Type = dictString
			fields[i] = f
		}
		o := flowOut{field: f}
		if f.Name == SourceColumn {
			p.path = p.spare.col(flowKindDict, p.maxRows)
			clear(p.path.idx) // every row is index 0, the source
			p.path.dict = []string{source}
			o.col = p.path
		} else {
			j := vpcFlowFieldIndex[f.Name]
			kind := vpcFlowFields[j].kind
			if f.Type == dictString {
				kind = flowKindDict
			}
			o.col = p.spare.col(kind, p.maxRows)
			p.known[j] = o.col
			p.cols = append(p.cols, o.col)
		}
		p.outs = append(p.outs, o)
	}
	if cfg.columns == nil {
		for i, n := range names {
			if _, ok := vpcFlowFieldIndex[n]; ok {
				continue
			}
			f := str(strings.ReplaceAll(n, "-", "_"))
			if slices.ContainsFunc(fields, func(g arrow.Field) bool { return g.Name == f.Name }) {
				p.Release()
				return nil, p.headerError(first, i, errExpected(ErrFormat, "distinct column names", strconv.Quote(n)+" naming column "+f.Name+" twice"))
			}
			if p.extras == nil {
				p.extras = make(map[string]*flowCol)
			}
			c := p.spare.col(flowKindString, p.maxRows)
			p.extras[n] = c
			p.cols = append(p.cols, c)
			p.outs = append(p.outs, flowOut{field: f, col: c})
			fields = append(fields, f)
		}
	}
	md := proj.Metadata()
	p.schema = arrow.NewSchema(fields, &md)
	if names == nil {
		names, err = p.headerlessFormat(cfg.flowFormat, first)
		if err != nil {
			p.Release()
			return nil, err
		}
	}
	p.setFormat(names)
	return p, nil
}

// vpcFlowVersionFields is how many fields the all-fields format of each
// flow-log version has: the [VPCFlowSchema] columns up to that version's.
var vpcFlowVersionFields = map[int]int{2: 14, 3: 21, 4: 25, 5: 29, 6: 29, 7: 39, 8: 40}

// headerlessFormat is the field order of an object without a header line:
// the given format, else the default format when the first line has its
// 14 fields, else the all-fields format of the first line's version when
// its field count is that format's (counted in Stats.Inferred), else the
// default format, whose field-count errors then name --flow-format.
func (p *VPCFlowReader) headerlessFormat(format []string, first []byte) ([]string, error) {
	if format != nil {
		for i, n := range format {
			if i == vpcFlowMaxFields {
				return nil, &ParseError{Source: p.source, Path: "flow format field " + strconv.Itoa(i+1),
					Err: errExpected(ErrTooLarge, "at most "+strconv.Itoa(vpcFlowMaxFields)+" fields", "more")}
			}
			if _, ok := vpcFlowFieldIndex[n]; !ok {
				return nil, &ParseError{Source: p.source, Path: "flow format field " + strconv.Itoa(i+1),
					Err: errExpected(ErrFormat, "a flow-log field name (version, account-id, ... reject-reason)", strconv.Quote(n))}
			}
		}
		p.formatGiven = true
		return format, nil
	}
	if first == nil {
		return vpcFlowDefaultFormat, nil
	}
	n := len(bytes.Fields(first))
	if n == len(vpcFlowDefaultFormat) {
		return vpcFlowDefaultFormat, nil
	}
	version, _, _ := bytes.Cut(first, []byte(" "))
	v, err := strconv.Atoi(string(version))
	if err != nil || vpcFlowVersionFields[v] != n {
		return vpcFlowDefaultFormat, nil
	}
	names := make([]string, 0, n)
	for _, f := range VPCFlowSchema.Fields()[:n] {
		names = append(names, strings.ReplaceAll(f.Name, "_", "-"))
	}
	p.stats.Inferred = 1
	return names, nil
}

// setFormat plans the line layout of names, the fields of a header.
func (p *VPCFlowReader) setFormat(names []string) {
	p.nfields = len(names)
	p.format = names
	p.plan = p.plan[:0]
	p.startAt, p.endAt = -1, -1
	for pos, n := range names {
		var col *flowCol
		var field *flowField
		if j, ok := vpcFlowFieldIndex[n]; ok {
			col, field = p.known[j], &vpcFlowFields[j]
		} else if c := p.extras[n]; c != nil {
			col, field = c, &flowField{name: n, kind: flowKindString}
		}
		if col == nil {
			continue
		}
		switch field.col {
		case "start":
			p.startAt = len(p.plan)
		case "end":
			p.endAt = len(p.plan)
		}
		digits := 0
		for x := int64(9); x <= field.max && digits < 18; x = 10*x + 9 {
			digits++
		}
		p.plan = append(p.plan, flowStep{pos: pos, kind: col.kind, max: field.max, digits: digits, col: col, field: field})
	}
	if p.startAt < 0 || p.endAt < 0 {
		p.startAt, p.endAt = -1, -1
	}
	p.filters = p.filters[:0]
	for j, f := range vpcFlowFields {
		vals, ok := p.equal[f.col]
		if !ok || len(vals) == 0 || p.known[j] == nil || f.kind != flowKindString && f.kind != flowKindDict {
			continue
		}
		s := slices.IndexFunc(p.plan, func(st flowStep) bool { return st.col == p.known[j] })
		p.filters = append(p.filters, flowFilterStep{s: s, vals: vals})
	}
	p.columnar = len(p.filters) == 0
	p.drop.on = false
	if len(p.filters) == 1 && p.filters[0].s >= 0 && p.startAt < 0 {
		d := &p.drop
		d.on, d.pos = true, p.plan[p.filters[0].s].pos
		d.keys, d.lens = d.keys[:0], d.lens[:0]
		for _, v := range p.filters[0].vals {
			if len(v) > 8 {
				d.on = false
			} else if v != "-" { // null equals nothing
				var w [8]byte
				copy(w[:], v)
				d.keys = append(d.keys, binary.LittleEndian.Uint64(w[:]))
				d.lens = append(d.lens, len(v))
			}
		}
		d.texts, d.ints = d.texts[:0], d.ints[:0]
		for _, st := range p.plan {
			if st.kind >= flowKindInt32 {
				d.ints = append(d.ints, flowIntCheck{pos: int32(st.pos), digits: int32(st.digits), max: st.max})
			} else if st.pos != d.pos { // dropLines checks the filtered field itself
				d.texts = append(d.texts, int32(st.pos))
			}
		}
	}
	p.need = 0
	if len(p.plan) > 0 {
		p.need = p.plan[len(p.plan)-1].pos + 1
	}
	p.ends[0] = -1
	p.setBounds()
	p.setSegOps()
}

// setSegOps sets buildSegment's loops for the plan: with useSegPair,
// start and end in one loop that checks the window, and the other
// integer columns two of one kind at a time; each other column in a
// loop of its own.
func (p *VPCFlowReader) setSegOps() {
	p.segOps, p.segWindow = p.segOps[:0], false
	var paired uint64 // steps in a pair, by index (plans of up to 64 steps pair)
	if useSegPair && p.startAt >= 0 && p.startAt < 64 && p.endAt < 64 &&
		p.plan[p.startAt].kind == flowKindInt64 && p.plan[p.endAt].kind == flowKindInt64 {
		p.segOps = append(p.segOps, flowSegOp{s: p.startAt, s2: p.endAt, window: true})
		paired |= 1<<p.startAt | 1<<p.endAt
		p.segWindow = true
	}
	for _, kind := range []flowKind{flowKindInt32, flowKindInt64} {
		first := -1
		for s := range min(len(p.plan), 64) {
			if !useSegPair || p.plan[s].kind != kind || paired&(1<<s) != 0 {
				continue
			}
			if first < 0 {
				first = s
				continue
			}
			p.segOps = append(p.segOps, flowSegOp{s: first, s2: s})
			paired |= 1<<first | 1<<s
			first = -1
		}
	}
	for s := range p.plan {
		if s >= 64 || paired&(1<<s) == 0 {
			p.segOps = append(p.segOps, flowSegOp{s: s, s2: -1})
		}
	}
}

// setBounds sets bounds and masks for the plan, and each step's cpos and
// the drop checks' compact positions.
func (p *VPCFlowReader) setBounds() {
	p.bounds, p.masks, p.dense = p.bounds[:0], p.masks[:0], false
	p.loc.on = false
	if p.nfields < 1 {
		return
	}
	for _, st := range p.plan {
		p.bounds = append(p.bounds, int32(st.pos-1), int32(st.pos))
	}
	p.bounds = append(p.bounds, int32(p.nfields-1))
	slices.Sort(p.bounds)
	p.bounds = slices.Compact(p.bounds)
	// flowLocate's cost is about 10 instructions an end and 40 a line,
	// the full tape's 7.5 a field and 24 a line (callgrind).
	// Without a fast flowLocateAsm (locateFast) the full tape always.
	if p.dense = !locateFast || 4*(len(p.bounds)-1) > 3*p.nfields-4; p.dense {
		p.bounds = p.bounds[:0]
		for j := -1; j < p.nfields; j++ {
			p.bounds = append(p.bounds, int32(j))
		}
	}
	p.loc.set(p.bounds, p.nfields, !p.dense)
	cpos := func(pos int) int { return slices.Index(p.bounds, int32(pos-1)) }
	for i := range p.plan {
		p.plan[i].cpos = cpos(p.plan[i].pos)
	}
	prev := int32(-1)
	for _, j := range p.bounds {
		if j < 0 {
			continue
		}
		m := uint64(0) // a distance over 64: no mask, flowLocateGo
		if g := j - prev; g <= 64 {
			m = 1 << (g - 1)
		}
		p.masks = append(p.masks, m)
		prev = j
	}
	d := &p.drop
	d.ctexts, d.cints = d.ctexts[:0], d.cints[:0]
	if !d.on {
		return
	}
	d.cpos = cpos(d.pos)
	for _, t := range d.texts {
		d.ctexts = append(d.ctexts, int32(cpos(int(t))))
	}
	for _, f := range d.ints {
		f.pos = int32(cpos(int(f.pos)))
		d.cints = append(d.cints, f)
	}
	d.one, d.cintPos = len(d.keys) == 1 && d.lens[0] >= 1, d.cintPos[:0]
	for i := 0; d.one && i < d.lens[0]; i++ {
		d.one = d.keys[0]>>(8*i)&0xff != 0
	}
	for _, f := range d.cints {
		d.one = d.one && f.digits >= 16
		d.cintPos = append(d.cintPos, f.pos)
	}
	d.fill = -1
	for s, st := range p.plan {
		if d.one && useSegFill && st.pos == d.pos && st.kind == flowKindDict {
			d.fill = s
		}
	}
}

// useSegFill tells setBounds to let filterSegment fill the filtered
// dictionary column of the lines it keeps (flowDrop.fill), a variable
// for tests.
var useSegFill = true

// Schema returns the schema of the batches: the projection of
// [VPCFlowSchema], plus the file's unknown fields when nothing is projected.
func (p *VPCFlowReader) Schema() *arrow.Schema { return p.schema }

// Next reads the next batch of at most [BatchRows] rows, releasing the
// previous one. It returns false at the end of the input or on a fatal
// error; check Err then.
func (p *VPCFlowReader) Next() bool {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	if p.err != nil {
		return false
	}
	rows := 0
	for rows < p.maxRows {
		if !p.skipping {
			var more bool
			if rows, more = p.parseRun(rows); p.err != nil {
				break
			} else if more {
				continue
			}
		}
		line, ok := p.nextLine()
		if !ok {
			break
		}
		p.rows = rows
		if p.parseLine(line) {
			rows++
		} else if p.err != nil {
			break
		}
	}
	p.stats.Bytes = p.base + int64(p.pos)
	if rows == 0 {
		return false
	}
	p.stats.Records += int64(rows)
	cols := make([]arrow.Array, len(p.outs))
	for i, o := range p.outs {
		if o.col == p.path {
			// Every row is index 0, the source; the indices are the
			// ones a released batch handed back.
			p.path.n = rows
			clear(p.path.idx[:rows])
		}
		if o.col.n == 0 {
			// A column the format lacks: share one immutable all-null
			// array between batches instead of building one per batch.
			cols[i] = p.nulls.get(p.mem, p.outs, i, rows, p.maxRows)
			continue
		}
		o.col.appendNullsTo(rows)
		cols[i] = o.col.handArray(p.hand, p.mem, o.field.Type)
	}
	p.batch = array.NewRecordBatch(p.schema, cols, int64(rows))
	for _, c := range cols {
		c.Release()
	}
	return true
}

// flowNulls holds, per batch column, an all-null array of BatchRows rows
// that batches share when the input lacks the column (a format without it,
// a Parquet file without it): arrays are immutable, so one is made on first
// use and sliced or retained after.
type flowNulls []arrow.Array

// get returns an all-null array of rows rows for column i of outs, from
// one of maxRows rows. The caller releases it.
func (ns *flowNulls) get(mem memory.Allocator, outs []flowOut, i, rows, maxRows int) arrow.Array {
	if *ns == nil {
		*ns = make(flowNulls, len(outs))
	}
	a := (*ns)[i]
	if a == nil {
		a = array.MakeArrayOfNull(mem, outs[i].field.Type, maxRows)
		(*ns)[i] = a
	}
	if rows == maxRows {
		a.Retain()
		return a
	}
	return array.NewSlice(a, 0, int64(rows))
}

func (ns flowNulls) release() {
	for i, a := range ns {
		if a != nil {
			a.Release()
			ns[i] = nil
		}
	}
}

// Batch returns the current batch, valid until the next call to Next or
// Release; call Retain to keep it longer.
func (p *VPCFlowReader) Batch() arrow.RecordBatch { return p.batch }

// Err returns the error that stopped the read, nil at a clean end. Input
// problems are [*ParseError]s.
func (p *VPCFlowReader) Err() error { return p.err }

// Stats returns what the reader consumed so far.
func (p *VPCFlowReader) Stats() Stats { return p.stats }

// Rejects returns the positioned errors of the rejected lines, the first
// WithMaxErrors of them.
func (p *VPCFlowReader) Rejects() *ErrorList { return &p.rejects }

// Release releases the current batch and the shared all-null arrays. It
// does not close the underlying reader.
func (p *VPCFlowReader) Release() {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	p.nulls.release()
	if p.released {
		return
	}
	// The columns and scratch go to the next reader: the batches
	// returned hold the buffers the columns handed them (handArray),
	// never those the columns hold now; those come back through the
	// hand, which goes along.
	p.released = true
	sp := p.spare
	if sp == nil {
		sp = new(flowSpare)
	}
	// This reader's columns go first, before those left over from earlier
	// readers: they fit the objects being read now, while a leftover may
	// be a small object's, too small for the next reader. Kept after the
	// leftovers, they were dropped once the spare held flowSpareCols, and
	// every larger object's reader then made its columns anew.
	mine := p.cols
	if p.path != nil {
		mine = append(mine, p.path)
	}
	sp.cols = slices.Insert(sp.cols, 0, mine...)
	if len(sp.cols) > flowSpareCols {
		clear(sp.cols[flowSpareCols:])
		sp.cols = sp.cols[:flowSpareCols]
	}
	sp.run, sp.blocks, sp.hand = p.run, p.blocks, p.hand
	p.hand = nil
	p.spare, p.cols, p.path, p.outs, p.known, p.extras = nil, nil, nil, nil, [len(vpcFlowFields)]*flowCol{}, nil
	p.run, p.blocks = flowRun{}, nil
	flowSpares.Put(sp)
}

// fill reads more input after compacting buf; it sets eof and readErr.
func (p *VPCFlowReader) fill() {
	if p.whole != nil {
		p.fillWhole()
		return
	}
	if p.end == len(p.buf) && len(p.buf) < vpcFlowBufSize {
		// The input filled the buffer: there is more, read bigger. Also
		// how a line longer than the buffer gets room, up to the cap.
		buf := make([]byte, 2*len(p.buf), 2*len(p.buf)+8)
		p.end = copy(buf, p.buf[p.pos:p.end])
		p.base += int64(p.pos)
		p.buf, p.pos = buf, 0
	}
	if p.pos > 0 {
		n := copy(p.buf, p.buf[p.pos:p.end])
		p.base += int64(p.pos)
		p.pos, p.end = 0, n
	}
	// Fill the buffer: fewer calls per byte, and a small object is known
	// to be small (eof) after the first fill.
	for p.end < len(p.buf) {
		n, err := p.r.Read(p.buf[p.end:])
		p.end += n
		if err != nil {
			p.eof = true
			if err != io.EOF {
				p.readErr = err
			}
			return
		}
	}
}

// fillWhole is fill over input held in memory: the window a buffer of
// size bytes would hold moves over whole without a copy. It grows and
// compacts as fill does, then takes what a Read loop would: up to size
// bytes, eof when whole ends before the window does.
func (p *VPCFlowReader) fillWhole() {
	if p.end == p.size && p.size < vpcFlowBufSize {
		p.size *= 2
	}
	p.base += int64(p.pos)
	p.end -= p.pos
	p.pos = 0
	p.buf = p.whole[p.base:]
	p.end += min(p.size-p.end, len(p.buf)-p.end)
	if p.end < p.size {
		p.eof = true // a Read would have returned io.EOF
	}
}

// dropWindow discards the input in the window, the start of a line too
// long.
func (p *VPCFlowReader) dropWindow() {
	p.base += int64(p.end)
	p.pos, p.end = 0, 0
	if p.whole != nil {
		p.buf = p.whole[p.base:]
	}
}

// peekFirstLine returns the first line without consuming it, nil for empty
// input.
func (p *VPCFlowReader) peekFirstLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(p.buf[p.pos:p.end], '\n'); i >= 0 {
			return trimCR(p.buf[p.pos : p.pos+i]), nil
		}
		if p.end-p.pos >= vpcFlowMaxLine {
			// Too long for a header; let Next reject it as a line.
			return p.buf[p.pos:p.end], nil
		}
		if p.eof {
			if p.readErr != nil {
				p.line = 1
				return nil, p.truncatedError()
			}
			if p.end == p.pos {
				return nil, nil
			}
			return p.buf[p.pos:p.end], nil
		}
		p.fill()
	}
}

// consumeLine consumes the first line, which peekFirstLine returned.
func (p *VPCFlowReader) consumeLine(line []byte) {
	p.line = 1
	p.lineOff = p.base + int64(p.pos)
	p.pos += len(line)
	if p.pos < p.end && p.buf[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < p.end && p.buf[p.pos] == '\n' {
		p.pos++
	}
}

func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// nextLine returns the next line without its line ending. The line is
// valid until the next call.
func (p *VPCFlowReader) nextLine() ([]byte, bool) {
	for {
		// Fast path: a whole line in the buffer.
		if i := bytes.IndexByte(p.buf[p.pos:p.end], '\n'); i >= 0 {
			line := p.buf[p.pos : p.pos+i]
			off := p.base + int64(p.pos)
			p.pos += i + 1
			if p.skipping {
				p.skipping = false // the end of a line too long
				continue
			}
			p.line++
			p.lineOff = off
			return trimCR(line), true
		}
		if line, ok, done := p.nextLineSlow(); done {
			return line, ok
		}
	}
}

// nextLineSlow handles the end of the buffer: a refill, a line too long, a
// read error, a last line without a newline. done reports that nextLine
// must return (line, ok).
func (p *VPCFlowReader) nextLineSlow() (line []byte, ok, done bool) {
	// Slow path.
	if p.skipping {
		p.dropWindow()
	} else if p.end-p.pos >= vpcFlowMaxLine {
		p.line++
		p.lineOff = p.base + int64(p.pos)
		p.reject(&ParseError{
			Source: p.source, Line: p.line, Col: vpcFlowMaxLine + 1, Offset: p.lineOff + vpcFlowMaxLine,
			Err: errExpected(ErrTooLarge, "a line of at most "+strconv.Itoa(vpcFlowMaxLine)+" bytes", "a longer line"),
		})
		p.skipping = true
		p.dropWindow()
		if p.err != nil {
			return nil, false, true
		}
	}
	if !p.eof {
		p.fill()
		return nil, false, false
	}
	if p.readErr != nil {
		if p.err == nil {
			if !p.skipping {
				p.line++
				p.lineOff = p.base + int64(p.pos)
			}
			p.err = p.truncatedError()
		}
		p.pos = p.end
		return nil, false, true
	}
	if p.pos == p.end || p.skipping {
		p.pos = p.end
		p.skipping = false
		return nil, false, true
	}
	// The last line has no newline: still a line.
	line = p.buf[p.pos:p.end]
	p.line++
	p.lineOff = p.base + int64(p.pos)
	p.pos = p.end
	return trimCR(line), true, true
}

// truncatedError is the sticky error for a read error with partial bytes
// of the current line read.
func (p *VPCFlowReader) truncatedError() *ParseError {
	reached := p.base + int64(p.end)
	return &ParseError{
		Source: p.source, Line: p.line, Col: int(reached-p.lineOff) + 1, Offset: reached,
		Err: fmt.Errorf("%w: %w", ErrTruncated, p.readErr),
	}
}

// reject counts a bad line and keeps its error; in strict mode the error
// stops the read.
func (p *VPCFlowReader) reject(e *ParseError) {
	p.stats.Rejected++
	if p.strict {
		p.err = e
		return
	}
	p.rejects.Add(e)
}

// flowRunBytes is how much of the window parseRun takes at a time: its
// bitmaps (a KiB each) and compact tape stay in L2, and each run's steps
// (calls, the column loops' setup) are paid once for about 400 lines of
// 165 bytes; 16 KiB runs cost the flow peer query 1 % more instructions.
// A variable for tests (0: no runs, every line located on its own).
var flowRunBytes = 64 << 10

// flowRun is parseRun's scratch, kept from run to run.
type flowRun struct {
	// Bitmaps of the run's bytes, a word per 64 (bit j of word i: byte
	// 64i+j): spaces and newlines (sep), newlines (nl), and bytes below
	// 0x20 or above 0x7f other than newlines (bad: a non-zero word for a
	// block that has one, as a line's text is checked as a whole).
	sep, nl, bad []uint64
	// sepAt: the words of sep before it are not written (the blocks
	// flowLinesLocate located); sepFrom writes them where they are read.
	sepAt int
	tape  []int32 // -1, then the positions of the set bits of sep
	nls   []int32 // the positions of the newlines
	tail  [64]byte
	// ctape is the compact tape of a segment's lines (flowLocate), and
	// seg lists them as buildSegment takes them: for each, the index in
	// ctape of its first entry, segStride times the line's index.
	ctape     []int32
	seg       []int32
	segStride int
	// fseg is a segment on the full tape (VPCFlowReader.dense): for each
	// line, the index in tape of the newline before it.
	fseg []int32
	// kept and left are filterSegment's lines of seg the filter keeps
	// and leaves out, as seg.
	kept, left []int32
	// checkVals and checkValid are the column checkInts builds with
	// flowSegInts64 to check a field of lines left out, where it does.
	checkVals  []int64
	checkValid []byte
}

// parseRun parses the lines that end in the next flowRunBytes of the
// window (no more than fill the batch to maxRows rows, which is rows so
// far) and returns the batch's rows and whether it consumed a line. It
// classifies those bytes 64 at a time (flowClassify) and lists their
// newlines; flowLocate then checks the field count of the lines from
// there (the line's newline must be its nf-th space or newline) and
// writes the ends of the built fields only, the compact tape, which the
// segment's column loops read. Where a line goes the general way, the
// run's spaces and newlines in order, the tape, are listed, and the
// fields of a line are its stretch of it. A line that is empty,
// starts with a lowercase letter (a header?), holds a byte that is not
// printable ASCII or has another field count goes to parseLine, which
// rejects it or handles it as before. Lines are the ones nextLine would
// return, in the same window, so rows, batches and errors are the same.
func (p *VPCFlowReader) parseRun(rows int) (int, bool) {
	b := p.buf[p.pos:min(p.end, p.pos+flowRunBytes)]
	if len(b) == 0 || rows >= p.maxRows {
		return rows, false
	}
	r := &p.run
	n := (len(b) + 63) / 64
	if len(r.sep) <= n {
		// Scratch for a whole run, or for all that is left of an input
		// read whole: a small object gets small scratch. sep has a word
		// more, for flowLocate.
		m := (flowRunBytes + 63) / 64
		if p.eof {
			m = min(m, (p.end-p.pos+63)/64)
		}
		m = max(m, n)
		r.sep, r.nl, r.bad = make([]uint64, m+1), make([]uint64, m), make([]uint64, m)
		r.tape, r.nls = nil, make([]int32, 0, 64*m+16) // the tape when first needed (fullTape)
	}
	// Segments may load 16 bytes from any value of a line ending before
	// wide.
	wide := cap(b) - 16
	var nls []int32
	// located: the first lines, located on the compact tape as they are
	// classified (flowLinesLocate).
	// No block before byte clean of b has a bad byte.
	located, clean := 0, 0
	if p.loc.on && (p.columnar || p.drop.on) {
		if need := p.loc.stride*(len(b)/p.nfields+2) + 4; cap(r.ctape) < need {
			r.ctape = make([]int32, need)
		}
		nls, located, clean = flowLinesLocate(b, &r.tail, r.sep, r.nl, r.bad, r.nls, r.ctape[:cap(r.ctape)], wide, &p.loc)
	} else {
		nls = flowLines(b, &r.tail, r.sep, r.nl, r.bad, r.nls)
	}
	r.sepAt = clean / 64
	if len(nls) == 0 {
		return rows, false // no line ends here: nextLine's turn
	}
	r.sep[n] = 0
	bad := r.bad[:n]
	nb := flowNextBad(bad, clean)

	// tape is the full tape (-1, then the positions of the spaces and
	// newlines up to the last newline), built when a line goes the
	// general way; tape[c-1] is then the newline before line cAt.
	var tape []int32
	c, cAt, consumed := 1, -1, 0
	// Lines before nls[single] were tried as a segment and failed: they
	// go one by one.
	single := 0
	for i := 0; i < len(nls); i++ {
		if rows >= p.maxRows {
			break
		}
		if (p.columnar || p.drop.on) && i >= single {
			// Fast path: the fast-path lines from here, their ends on the
			// compact tape (flowLocate), built column by column
			// (buildSegment), those the filter leaves out only checked
			// (filterSegment).
			prev := -1
			if i > 0 {
				prev = int(nls[i-1])
			}
			var n, after int
			var seg, stape []int32
			if p.dense {
				// Most fields built: the full tape, as the general way.
				if tape == nil {
					tape = r.fullTape(b, nls)
				}
				if cAt != i {
					c = flowTapeAt(tape, nls, i)
				}
				r.fseg, after = flowSegment(r.fseg[:0], b, nls[i:], tape, c, nb, p.nfields, p.maxRows-rows, wide)
				seg, stape, n = r.fseg, tape, len(r.fseg)
			} else {
				ls := nls[i : i+min(len(nls)-i, p.maxRows-rows)]
				nbnd := len(p.bounds) // a header line may change it
				if i < located {
					// Fast path: lines the classify pass located (a
					// batch that filled, or a segment that failed, may
					// have stopped before the last of them).
					n = min(located-i, len(ls))
					seg = r.segs(i+n, nbnd)[i:]
				} else {
					if cap(r.ctape) < nbnd*len(ls) {
						r.ctape = make([]int32, nbnd*max(len(ls), len(nls)))
					}
					r.sepFrom(b, (prev+1)/64)
					n = flowLocate(r.ctape[:cap(r.ctape)], b, r.sep, ls, prev, min(nb, wide+1), p.nfields, p.bounds, p.masks)
					seg = r.segs(n, nbnd)
				}
				stape = r.ctape
			}
			if n > 0 {
				var ok bool
				kept := n
				if p.drop.on {
					kept, ok = p.filterSegment(b, stape, seg, rows)
				} else {
					ok = p.buildSegment(b, stape, seg, rows)
				}
				if ok {
					p.stats.Records += int64(n - kept) // left out
					rows += kept
					p.line += n
					if i+n >= 2 {
						prev = int(nls[i+n-2])
					}
					p.lineOff = p.base + int64(p.pos) + int64(prev) + 1
					consumed = int(nls[i+n-1]) + 1
					if p.dense {
						c, cAt = after, i+n
					}
					i += n - 1
					continue
				}
				single = i + n
			}
		}
		// The general way: the full tape, from line i.
		if tape == nil {
			tape = r.fullTape(b, nls)
		}
		if cAt != i {
			c = flowTapeAt(tape, nls, i)
		}
		kept := false
		if p.drop.on {
			// Fast path: the lines the filter leaves out, as many as
			// follow one another, with no row, error or position.
			var n, after int
			n, after, kept = p.dropLines(b, nls[i:], tape, c, nb)
			if n > 0 {
				p.line += n
				p.stats.Records += int64(n)
				consumed = int(nls[i+n-1]) + 1
				if i, c = i+n, after; i == len(nls) {
					break
				}
			}
		}
		nl := nls[i]
		start := int(tape[c-1]) + 1
		p.line++
		p.lineOff = p.base + int64(p.pos+start)
		p.rows = rows
		var ok bool
		if e := c + p.nfields - 1; kept {
			// Fast path: a line dropLines stopped at because the filter
			// keeps it, its checks done.
			ok = p.buildLine(b, tape[c-1:e+1], start, true, true)
			c = e + 1
		} else if e < len(tape) && tape[e] == nl && nb > int(nl) && int(nl) > start && b[start]-'a' >= 26 {
			// Fast path: the format's field count, printable ASCII.
			ok = p.buildLine(b, tape[c-1:e+1], start, true, false)
			c = e + 1
		} else {
			// Slow path.
			ok = p.parseLine(trimCR(b[start:nl]))
			for tape[c-1] != nl {
				c++
			}
			if nb <= int(nl) {
				nb = flowNextBad(bad, int(nl)+1)
			}
		}
		consumed = int(nl) + 1
		cAt = i + 1
		if ok {
			rows++
		} else if p.err != nil {
			break
		}
	}
	p.pos += consumed
	return rows, consumed > 0
}

// sepFrom writes the words of sep from block w up to sepAt, which
// flowLinesLocate left (whole blocks of b, the run's bytes, all clean),
// as flowLines would have.
func (r *flowRun) sepFrom(b []byte, w int) {
	if w >= r.sepAt {
		return
	}
	flowClassify(b[64*w:64*r.sepAt], r.sep[w:r.sepAt], r.nl[w:r.sepAt], r.bad[w:r.sepAt])
	r.sepAt = w
}

// fullTape lists the run's spaces and newlines up to its last newline
// (the last of nls) in the tape, after a -1, and returns it; b is the
// run's bytes (sepFrom).
func (r *flowRun) fullTape(b []byte, nls []int32) []int32 {
	if need := 64*len(r.nl) + 16 + flowEndsMask + 1; cap(r.tape) < need {
		// Room for every byte of a run, and for a line's ends as an
		// array past the last entry (dropLines). Made here, not with
		// the bitmaps: runs the compact tape takes whole never need it.
		r.tape = make([]int32, 0, need)
	}
	last := int(nls[len(nls)-1])
	w := last / 64
	r.sepFrom(b, 0)
	keep := r.sep[w]
	r.sep[w] &= 1<<(last%64)<<1 - 1
	tape := flowFlatten(append(r.tape[:0], -1), r.sep[:w+1], false)
	r.sep[w] = keep
	return tape
}

// flowTapeAt returns the index in the full tape after the newline before
// line i of nls.
func flowTapeAt(tape, nls []int32, i int) int {
	if i == 0 {
		return 1
	}
	c, _ := slices.BinarySearch(tape, nls[i-1])
	return c + 1
}

// flowLocTables are flowLinesLocate's tables for a format of nf fields
// and the compact tape of bounds: a line's ends, counted from its first
// field, repeat with period nf over a run of lines of nf fields each, so
// that the ends of a 64-byte block are known from the end the block
// starts at (its phase, 0 to nf-1) and its bitmap of spaces and newlines.
type flowLocTables struct {
	on bool // bounds are neither -1 nor past 255, and nf is 2 to 256
	nf int
	// tab is the tables of the format, shared by every reader of it
	// (flowLocTabFor) and never changed once made.
	tab *flowLocTab
	// stride is the entries a line on the compact tape: len(bounds).
	stride int
}

// flowLocTab holds flowLocTables' patterns and phases at fixed offsets,
// so that the assembly reaches all three from one register: keep[f]
// (offset 0) and nl[f] (2048) for phase f, next[f+c] (4096).
type flowLocTab struct {
	// Bit j of keep[f] is set when end f+j (mod nf) is in bounds, of
	// nl[f] when it is nf-1. PDEP of them over a block's spaces and
	// newlines (its j-th set bit being end f+j) gives the block's ends to
	// write and the newlines the block must have.
	keep, nl [256]uint64
	// next[f+c] is the phase after a block of phase f and c spaces and
	// newlines: (f+c) mod nf, for c from 0 to 64.
	next [256 + 65]uint8
}

// flowLocTabs caches the tables of the formats seen: a run of objects of
// one format (the common case) makes them once, not once an object.
var flowLocTabs struct {
	sync.Mutex
	keys []string
	tabs []*flowLocTab
}

// flowLocTabFor returns the tables for bounds and nf, made at the first
// call for them (the cache keeps up to 64 formats; past that they are
// made each time).
func flowLocTabFor(bounds []int32, nf int) *flowLocTab {
	key := make([]byte, 0, 4*len(bounds)+4)
	key = binary.LittleEndian.AppendUint32(key, uint32(nf))
	for _, j := range bounds {
		key = binary.LittleEndian.AppendUint32(key, uint32(j))
	}
	c := &flowLocTabs
	c.Lock()
	defer c.Unlock()
	for i, k := range c.keys {
		if k == string(key) {
			return c.tabs[i]
		}
	}
	t := new(flowLocTab)
	kept := make([]bool, nf)
	for _, j := range bounds {
		kept[j] = true
	}
	for f := range nf {
		for j := range 64 {
			e := (f + j) % nf
			if kept[e] {
				t.keep[f] |= 1 << j
			}
			if e == nf-1 {
				t.nl[f] |= 1 << j
			}
		}
	}
	for c := range nf + 65 {
		t.next[c] = uint8(c % nf)
	}
	if len(c.keys) < 64 {
		c.keys, c.tabs = append(c.keys, string(key)), append(c.tabs, t)
	}
	return t
}

// set makes the tables for bounds (see VPCFlowReader.bounds) and lines of
// nf fields, on unless off or nf or bounds are out of their range.
func (l *flowLocTables) set(bounds []int32, nf int, on bool) {
	l.on = on && nf >= 2 && nf <= 256 && len(bounds) > 0 && bounds[0] >= 0 && int(bounds[len(bounds)-1]) == nf-1
	if !l.on {
		return
	}
	l.nf, l.stride = nf, len(bounds)
	l.tab = flowLocTabFor(bounds, nf)
}

// flowLocateBlocksGo is flowLinesLocate's locating, block by block over
// the bitmaps of b (sep, nl and bad, a word each), from its start, a
// line's start: the j-th set bit of a block's sep is end f+j mod nf of
// its line, f the block's phase (0 for the first), and the block's ends
// in bounds (l.tab.keep) are appended to tape, until a block that has a
// bad byte, whose newlines are not ends nf-1 (a line of another field
// count, or an empty one), or after one of whose newlines b has a
// lowercase letter (a header?); it returns the entries appended before
// that block, and a line on the compact tape has l.stride of them. The
// lines so located, the first entries/l.stride, are the ones flowLocateGo
// takes, their ends the same, except that it may take more past that
// block. The reference of flowClassifyLocateAVX2's locating; b[64*n]
// must be readable, for a newline at the end of the last block.
func flowLocateBlocksGo(b []byte, sep, nl, bad []uint64, l *flowLocTables, tape []int32) []int32 {
	f := 0
	for w := range sep {
		s, n := sep[w], nl[w]
		if bad[w] != 0 || pdep(l.tab.nl[f], s) != n {
			break
		}
		lower := false
		for m := n; m != 0; m &= m - 1 {
			if b[64*w+bits.TrailingZeros64(m)+1]-'a' < 26 {
				lower = true
			}
		}
		if lower {
			break
		}
		for k := pdep(l.tab.keep[f], s); k != 0; k &= k - 1 {
			tape = append(tape, int32(64*w+bits.TrailingZeros64(k)))
		}
		f = int(l.tab.next[f+bits.OnesCount64(s)])
	}
	return tape
}

// pdep deposits the low bits of x at the set bits of mask, in order
// (BMI2's PDEP).
func pdep(x, mask uint64) uint64 {
	var r uint64
	for m := mask; m != 0; m &= m - 1 {
		if x&1 != 0 {
			r |= m & -m
		}
		x >>= 1
	}
	return r
}

// segs returns the segment of the first n lines of the compact tape, nb
// entries a line: for each line, the index of its first entry.
func (r *flowRun) segs(n, nb int) []int32 {
	if len(r.seg) < n || r.segStride != nb {
		r.seg = r.seg[:0]
		r.segStride = nb
	}
	for k := len(r.seg); k < n; k++ {
		r.seg = append(r.seg, int32(nb*k))
	}
	return r.seg[:n]
}

// flowLinesGo classifies the bytes of b (flowClassify; the last ones,
// fewer than 64, copied to tail and padded with letters: no space,
// newline or bad byte) into sep, nl and bad, and returns the positions
// of its newlines, in order, in nls[:0] (which has room for len(b)+16).
// The portable [flowLines], and the reference of its assembly.
func flowLinesGo(b []byte, tail *[64]byte, sep, nl, bad []uint64, nls []int32) []int32 {
	full, n := len(b)/64, (len(b)+63)/64
	flowClassify(b[:64*full], sep[:full], nl[:full], bad[:full])
	if full < n {
		flowClassify(flowTail(tail, b[64*full:]), sep[full:n], nl[full:n], bad[full:n])
	}
	return flowFlatten(nls[:0], nl[:n], true)
}

// flowTail copies b, fewer than 64 bytes, to tail, pads it with letters
// and returns it.
func flowTail(tail *[64]byte, b []byte) []byte {
	k := copy(tail[:], b)
	for i := k; i < len(tail); i++ {
		tail[i] = 'a'
	}
	return tail[:]
}

// flowSegmentGo appends to seg the lines of the run that end at nls[0],
// nls[1], ... (their fields on the tape from tape[c-1], the newline
// before the first) while each is a fast-path line of parseRun (nf
// fields, printable ASCII, not empty, not a header), at most limit of
// them and none ending after byte wide of b; for each, the index in tape
// of the newline before it. It returns seg and the tape index after the
// lines. nb is the first byte of the first block with a bad byte. The
// portable [flowSegment], and the reference of its assembly.
func flowSegmentGo(seg []int32, b []byte, nls, tape []int32, c, nb, nf, limit, wide int) ([]int32, int) {
	for _, nl := range nls {
		e := c + nf - 1
		if len(seg) == limit || int(nl) > wide || e >= len(tape) || tape[e] != nl || nb <= int(nl) {
			break
		}
		start := int(tape[c-1]) + 1
		if int(nl) <= start || b[start]-'a' < 26 {
			break
		}
		seg = append(seg, int32(c-1))
		c = e + 1
	}
	return seg, c
}

// flowLocateGo finds the lines of the run that end at nls[0], nls[1],
// ... (the first starts after byte prev of b, a newline or -1) while each
// is a fast-path line of parseRun (nf fields, printable ASCII, not empty,
// not a header: ending before byte lim, the first of a block with a bad
// byte or after the last whose values 16 bytes load from), and writes
// the k-th line's ends of bounds (see VPCFlowReader.bounds; the last is
// nf-1) to tape[len(bounds)*k:], in order: the compact tape. It returns
// how many lines it found. sep is the run's bitmap of spaces and
// newlines, with a word past the last newline's. The portable
// [flowLocate], and the reference of its assembly.
func flowLocateGo(tape []int32, b []byte, sep []uint64, nls []int32, prev, lim, nf int, bounds []int32) int {
	nb := len(bounds)
	for k, nl := range nls {
		start := prev + 1
		if int(nl) >= lim || int(nl) <= start || b[start]-'a' < 26 {
			return k
		}
		t := tape[nb*k : nb*k+nb]
		j := 0
		if nb > 0 && bounds[0] < 0 {
			t[0] = int32(prev)
			j = 1
		}
		// The line's spaces and newline in order, field ends 0, 1, ...:
		// the line's newline must be end nf-1.
		w := start >> 6
		m := sep[w] &^ (1<<(start&63) - 1)
		f, at := -1, 0
		for at < int(nl) && f < nf-1 {
			for m == 0 {
				w++
				m = sep[w]
			}
			at = 64*w + bits.TrailingZeros64(m)
			m &= m - 1
			f++
			if j < nb && int(bounds[j]) == f {
				t[j] = int32(at)
				j++
			}
		}
		if at != int(nl) || f != nf-1 {
			return k
		}
		prev = int(nl)
	}
	return len(nls)
}

// buildSegment appends the built fields of the lines of seg (fast-path
// lines of parseRun, no filter in effect; on the compact tape, the field
// of plan step st of line k is b[tape[seg[k]+st.cpos]+1:tape[seg[k]+st.cpos+1]],
// and 16 bytes past a value's start are loadable) to the columns, as rows row, row+1, ... of the
// batch, one column at a time: a loop per column, with the column's
// state in registers and no switch per value, costs a fraction of
// buildLine's loop over the fields of each line. Values are checked as
// buildLine checks them; at the first that buildLine would reject (or a
// start after its end), buildSegment takes back what it appended and
// returns false, and the caller builds the lines one by one, so rejects,
// errors and rows are buildLine's.
func (p *VPCFlowReader) buildSegment(b []byte, tape, seg []int32, row int) bool {
	return p.buildSegmentFill(b, tape, seg, row, -1)
}

// buildSegmentFill is buildSegment where plan step fill (a dictionary
// column; -1: none) holds the one filter's value on every line of seg:
// its column is filled with that value's index (segDictFill), not read.
func (p *VPCFlowReader) buildSegmentFill(b []byte, tape, seg []int32, row, fill int) bool {
	for i, op := range p.segOps {
		st := &p.plan[op.s]
		c := st.col
		var ok bool
		switch {
		case op.s == fill && op.s2 < 0:
			var w [8]byte
			binary.LittleEndian.PutUint64(w[:], p.drop.keys[0])
			c.segDictFill(w[:p.drop.lens[0]], row, len(seg))
			ok = true
		case op.s2 >= 0:
			st2 := &p.plan[op.s2]
			ok = segIntsPair(c, st2.col, b, tape, seg, st.cpos, st2.cpos, st.max, st2.max, row, op.window)
		case st.kind == flowKindInt32:
			ok = segInts32(c, b, tape, seg, st.cpos, st.max, row)
		case st.kind == flowKindInt64:
			ok = segInts64(c, b, tape, seg, st.cpos, st.max, row)
		case st.kind == flowKindString:
			ok = c.segString(b, tape, seg, st.cpos, row)
		default:
			ok = c.segDict(b, tape, seg, st.cpos, row)
		}
		if !ok {
			p.unbuild(row, len(seg), p.segOps[:i+1])
			return false
		}
	}
	if p.startAt >= 0 && !p.segWindow {
		sc, ec := p.plan[p.startAt].col, p.plan[p.endAt].col
		for r := row; r < row+len(seg); r++ {
			if sc.i64[r] > ec.i64[r] && sc.isValid(r) && ec.isValid(r) {
				p.unbuild(row, len(seg), p.segOps)
				return false
			}
		}
	}
	return true
}

// segIntsPairGo is buildSegment's loop for two integer columns of one
// kind, c1 of the field at pos1 (at most max1) and c2 of the one at pos2
// (at most max2): segIntsGo of each, and with window (c1 start, c2 end)
// false where a line's start is after its end, both valid. The
// portable [segIntsPair], and the reference of its assembly.
func segIntsPairGo(c1, c2 *flowCol, b []byte, tape, seg []int32, pos1, pos2 int, max1, max2 int64, row int, window bool) bool {
	var ok bool
	if c1.kind == flowKindInt32 {
		ok = segIntsGo(c1, c1.i32, b, tape, seg, pos1, max1, row) && segIntsGo(c2, c2.i32, b, tape, seg, pos2, max2, row)
	} else {
		ok = segIntsGo(c1, c1.i64, b, tape, seg, pos1, max1, row) && segIntsGo(c2, c2.i64, b, tape, seg, pos2, max2, row)
	}
	if !ok || !window {
		return ok
	}
	for r := row; r < row+len(seg); r++ {
		if c1.i64[r] > c2.i64[r] && c1.isValid(r) && c2.isValid(r) {
			return false
		}
	}
	return true
}

// segIntValue is the value of v as segIntsGo reads it: 1 to 16 digits
// of at most max (ok), "-" (null), else not ok.
func segIntValue(v []byte, max int64) (x int64, null, ok bool) {
	if len(v) == 1 && v[0] == '-' {
		return 0, true, true
	}
	if len(v) > 16 {
		return 0, false, false
	}
	x, ok = parseFlowInt(v, max)
	return x, false, ok
}

// filterSegment is buildSegment for a read with the one filter of
// p.drop: it tests the filtered value of each line of seg (as one word
// against the kept ones), checks the lines the filter leaves out as
// checkLine would, a field at a time (built text fields not empty, built
// integers digits within max), and builds the lines it keeps as rows
// row, row+1, ... (buildSegment). It returns the rows built; or false,
// with nothing built, at a line any of this would reject or one with an
// empty filtered value, and the caller takes the lines one by one.
func (p *VPCFlowReader) filterSegment(b []byte, tape, seg []int32, row int) (int, bool) {
	r, d := &p.run, &p.drop
	if cap(r.kept) < len(seg) {
		r.kept, r.left = make([]int32, len(seg)), make([]int32, len(seg))
	}
	if d.one {
		// Fast path: the test and the checks in one loop; where it
		// stops, the way below decides.
		if nk, ok := flowSegDrop(r.kept[:len(seg)], b, tape, seg, d.cpos, d.keys[0], d.ctexts, d.cintPos); ok {
			if !p.buildSegmentFill(b, tape, r.kept[:nk], row, d.fill) {
				return 0, false
			}
			return nk, true
		}
	}
	nk, nl, ok := flowSegFilter(r.kept[:len(seg)], r.left[:len(seg)], b, tape[d.cpos:], seg, d.keys, d.lens)
	if !ok {
		return 0, false
	}
	kept, left := r.kept[:nk], r.left[:nl]
	for _, pos := range d.ctexts {
		lt := tape[pos:]
		for _, t := range left {
			if lt[t+1]-lt[t] < 2 {
				return 0, false // empty
			}
		}
	}
	for _, f := range d.cints {
		if !r.checkInts(b, tape[f.pos:], left, int(f.digits), f.max) {
			return 0, false
		}
	}
	if !p.buildSegment(b, tape, kept, row) {
		return 0, false
	}
	return nk, true
}

// flowSegFilterGo is filterSegment's test of the filtered value of the
// lines of seg (the field at the start of tape): it lists the lines whose
// value is one of keys (little-endian words of at most 8 bytes, of the
// lengths lens) in kept, the others in left, and returns how many of
// each; or ok false at an empty value. 8 bytes load from every value's
// start in b. The portable [flowSegFilter], and the reference of its
// assembly.
func flowSegFilterGo(kept, left []int32, b []byte, tape, seg []int32, keys []uint64, lens []int) (nk, nl int, ok bool) {
	kept, left = kept[:len(seg)], left[:len(seg)]
	for _, t := range seg {
		from, to := int(tape[t])+1, int(tape[t+1])
		v := b[from:to]
		n := len(v)
		if n == 0 {
			return 0, 0, false
		}
		keep := 0
		if n <= 8 {
			w := binary.LittleEndian.Uint64(v[:8:8]) & (^uint64(0) >> (64 - 8*n))
			for k, key := range keys {
				if key == w && lens[k] == n {
					keep = 1
				}
			}
		}
		// Both lists get the line; one of them keeps it.
		kept[nk], left[nl] = t, t
		nk, nl = nk+keep, nl+1-keep
	}
	return nk, nl, true
}

// flowSegDropGo is filterSegment's test and checks in one loop, for a
// filter of one value (key: a little-endian word of 1 to 8 bytes, none
// NUL; a line's value, printable ASCII, is the key when their words are
// equal) and int checks that take 16 digits or more: it lists the lines
// of seg whose value at fpos (a compact position) is key in kept, and
// checks the others as filterSegment does, the values at texts not
// empty and those at ints "-" or 1 to 16 digits. It returns how many it
// kept; or ok false at an empty filtered value or a line a check fails,
// or an int value of more than 16 digits (the caller decides those as
// before). 8 bytes load from every value's start in b. The portable
// [flowSegDrop], and the reference of its assembly.
func flowSegDropGo(kept []int32, b []byte, tape, seg []int32, fpos int, key uint64, texts, ints []int32) (nk int, ok bool) {
	kept = kept[:len(seg)]
	for _, t := range seg {
		from, to := int(tape[int(t)+fpos])+1, int(tape[int(t)+fpos+1])
		n := to - from
		if n == 0 {
			return 0, false
		}
		if n <= 8 && binary.LittleEndian.Uint64(b[from:from+8])&(^uint64(0)>>(64-8*n)) == key {
			kept[nk] = t
			nk++
			continue
		}
		for _, pos := range texts {
			if tape[int(t)+int(pos)+1]-tape[int(t)+int(pos)] < 2 {
				return 0, false
			}
		}
		for _, pos := range ints {
			v := b[tape[int(t)+int(pos)]+1 : tape[int(t)+int(pos)+1]]
			if (len(v) != 1 || v[0] != '-') && (len(v) > 16 || !flowDigits(v)) {
				return 0, false
			}
		}
	}
	return nk, true
}

// segCheckInts reports whether the field each line of seg has at the
// start of tape is "-" or an integer of at most max: as dropLines, one
// of at most digits digits (every such value is within max) has only its
// digits checked, a word at a time; a longer one is parsed, up to 16
// digits (longer ones go the general way). The portable
// [flowRun.checkInts], and the reference of its assembly.
func segCheckInts(b []byte, tape, seg []int32, digits int, max int64) bool {
	for _, t := range seg {
		from, to := int(tape[t])+1, int(tape[t+1])
		v := b[from:to]
		n := len(v)
		if uint(n-1) < uint(min(digits, 16)) {
			// Fast path: digits only.
			w := v[:16:16]
			ok := false
			if n <= 8 {
				ok = digitsOnly8(leadingZeros8(binary.LittleEndian.Uint64(w[:8]), n))
			} else {
				ok = digitsOnly8(binary.LittleEndian.Uint64(w[:8])) && digitsOnly8(binary.LittleEndian.Uint64(w[n-8:n]))
			}
			if !ok && (n != 1 || v[0] != '-') {
				return false
			}
			continue
		}
		var x uint64
		ok := false
		if uint(n-1) < 8 {
			x, ok = digits8(leadingZeros8(binary.LittleEndian.Uint64(v[:8:8]), n))
		} else if uint(n-9) < 8 {
			w := v[:16:16]
			hi, okHi := digits8(leadingZeros8(binary.LittleEndian.Uint64(w[:8]), n-8))
			lo, okLo := digits8(binary.LittleEndian.Uint64(w[n-8 : n]))
			x, ok = hi*100_000_000+lo, okHi && okLo
		}
		if (!ok || x > uint64(max)) && (n != 1 || v[0] != '-') {
			return false
		}
	}
	return true
}

// unbuild takes back rows [row, row+n) from the columns of the loops
// ops, which buildSegment ran or began to run (a column it stopped in
// has its n, nulls and string bytes as before, but validity bits of
// rows after it), and the dictionary values those rows added: a strict
// read stops at the bad line, and the batch of the rows before it must
// not have values only later lines hold.
func (p *VPCFlowReader) unbuild(row, n int, ops []flowSegOp) {
	// Slow path.
	for _, op := range ops {
		for _, s := range [2]int{op.s, op.s2} {
			if s < 0 {
				continue
			}
			c := p.plan[s].col
			c.truncate(row)
			for r := row; r < row+n; r++ {
				c.valid[r>>3] &^= 1 << (r & 7)
			}
			if c.kind == flowKindDict {
				c.dictTruncate(c.segDict0)
			}
		}
	}
}

// segDictFill is segDictGo for rows row to row+n whose values are all v
// (not "-" and not empty): v's index, looked up once.
func (c *flowCol) segDictFill(v []byte, row, n int) {
	c.segDict0 = len(c.dict)
	setFlowBits(c.valid, row, row+n)
	e := c.dictIndex(v)
	idx := c.idx[row : row+n]
	for k := range idx {
		idx[k] = e
	}
	c.n = row + n
}

// dictTruncate takes the dictionary back to its first n values.
func (c *flowCol) dictTruncate(n int) {
	for _, d := range c.dict[n:] {
		if c.memo != nil {
			delete(c.memo, d)
		}
	}
	c.dict = c.dict[:n]
	c.keys, c.klen = c.keys[:min(n, len(c.keys))], c.klen[:min(n, len(c.klen))]
	c.last = 0
}

// segIntsGo is buildSegment's loop for an integer column (the field at
// pos, at most max): it appends rows row, row+1, ... to vals and the
// column's validity, or returns false (the column's n and nulls
// unchanged) at a value buildLine rejects, or one longer than 16 digits
// (which buildLine takes). The digits are read as one or two words in
// the loop: a call would spill the loop's registers. The portable
// [segInts32] and [segInts64], and the reference of their assembly.
func segIntsGo[T int32 | int64](c *flowCol, vals []T, b []byte, tape, seg []int32, pos int, max int64, row int) bool {
	vals = vals[row : row+len(seg)]
	tape = tape[pos:]
	setFlowBits(c.valid, row, row+len(seg))
	nulls := 0
	for k, t := range seg {
		from, to := int(tape[t])+1, int(tape[t+1])
		v := b[from:to]
		var x uint64
		ok := false
		if n := len(v); uint(n-1) < 8 {
			x, ok = digits8(leadingZeros8(binary.LittleEndian.Uint64(v[:8:8]), n))
		} else if uint(n-9) < 8 {
			w := v[:16:16]
			hi, okHi := digits8(leadingZeros8(binary.LittleEndian.Uint64(w[:8]), n-8))
			lo, okLo := digits8(binary.LittleEndian.Uint64(w[n-8 : n]))
			x, ok = hi*100_000_000+lo, okHi && okLo
		}
		if !ok || x > uint64(max) {
			if len(v) != 1 || v[0] != '-' {
				return false
			}
			r := row + k
			c.valid[r>>3] &^= 1 << (r & 7)
			x = 0
			nulls++
		}
		vals[k] = T(x)
	}
	c.n, c.nulls = row+len(seg), c.nulls+nulls
	return true
}

// setFlowBits sets bits [from, to) of the bitmap valid: the bits of a
// first and a last byte under a mask, the bytes between 64 bits a store
// (a segment's column is about a hundred rows; a loop per bit or byte
// cost 22 instructions a row over the library's columns).
func setFlowBits(valid []byte, from, to int) {
	if from >= to {
		return
	}
	if r := from & 7; r != 0 {
		// The first byte's bits from bit r, up to to.
		m := byte(0xff) << r
		if n := to - from; n < 8-r {
			m &= 0xff >> (8 - r - n)
		}
		valid[from>>3] |= m
		from += 8 - r
	}
	for ; from+64 <= to; from += 64 {
		binary.LittleEndian.PutUint64(valid[from>>3:], ^uint64(0))
	}
	if n := to - from; n <= 0 {
		return
	} else if i := from >> 3; i+8 <= len(valid) {
		// The last bits, fewer than 64, ORed into a word.
		binary.LittleEndian.PutUint64(valid[i:], binary.LittleEndian.Uint64(valid[i:])|(1<<n-1))
		return
	}
	// Slow path: the bitmap's last bytes.
	for ; from+8 <= to; from += 8 {
		valid[from>>3] = 0xff
	}
	if from < to {
		valid[from>>3] |= 0xff >> (8 - (to - from))
	}
}

// segStringGo is buildSegment's loop for a string column: values of at
// most 16 bytes are moved as two words into room reserved for the
// segment's bytes up front. The portable [flowCol.segString], and the
// reference of its assembly.
func (c *flowCol) segStringGo(b []byte, tape, seg []int32, pos int, row int) bool {
	tape = tape[pos:]
	// Room for the values: at most the field's bytes over the segment,
	// plus a 16-byte move past the last.
	need := 16
	for _, t := range seg {
		need += int(tape[t+1] - tape[t])
	}
	if cap(c.data)-len(c.data) < need {
		c.data = slices.Grow(c.data, max(need, cap(c.data)))
	}
	setFlowBits(c.valid, row, row+len(seg))
	offs := c.offs[row+1 : row+1+len(seg)]
	data := c.data[:cap(c.data)]
	d, nulls := len(c.data), 0
	for k, t := range seg {
		from, to := int(tape[t])+1, int(tape[t+1])
		v := b[from:to]
		if n := len(v); uint(n-2) < 15 {
			// Fast path: 2 to 16 bytes, two word moves.
			src, dst := v[:16:16], data[d:d+16]
			binary.LittleEndian.PutUint64(dst, binary.LittleEndian.Uint64(src))
			binary.LittleEndian.PutUint64(dst[8:], binary.LittleEndian.Uint64(src[8:]))
			d += n
		} else if n == 1 && v[0] == '-' {
			r := row + k
			c.valid[r>>3] &^= 1 << (r & 7)
			nulls++
		} else if n == 0 {
			return false
		} else {
			d += copy(data[d:], v)
		}
		offs[k] = int32(d)
	}
	c.data = data[:d]
	c.n, c.nulls = row+len(seg), c.nulls+nulls
	return true
}

// segDictGo is buildSegment's loop for a dictionary column: a value of
// at most 8 bytes among the first few is found as one word, others
// through dictIndex. It records the dictionary's size before the segment
// in segDict0, for unbuild. The portable [flowCol.segDict], and the
// reference of its assembly.
func (c *flowCol) segDictGo(b []byte, tape, seg []int32, pos int, row int) bool {
	c.segDict0 = len(c.dict)
	tape = tape[pos:]
	setFlowBits(c.valid, row, row+len(seg))
	idx := c.idx[row : row+len(seg)]
	nulls := 0
	for k, t := range seg {
		from, to := int(tape[t])+1, int(tape[t+1])
		v := b[from:to]
		j := int32(-1)
		if n := len(v); uint(n-1) < 8 {
			w := binary.LittleEndian.Uint64(v[:8:8]) & (^uint64(0) >> (64 - 8*n))
			for e, key := range c.keys {
				if key == w && int(c.klen[e]) == n {
					j = int32(e)
				}
			}
		}
		if j < 0 {
			if len(v) == 1 && v[0] == '-' {
				r := row + k
				c.valid[r>>3] &^= 1 << (r & 7)
				nulls++
				j = 0
			} else if len(v) == 0 {
				return false
			} else {
				j = c.dictIndex(v) // Slow path.
			}
		}
		idx[k] = j
	}
	c.n, c.nulls = row+len(seg), c.nulls+nulls
	return true
}

// dropLines drops the lines of the run that end at nls[0], nls[1], ...
// (their fields on the tape from tape[c-1], the newline before the first)
// while each is a fast-path line (the format's field count, printable
// ASCII, not a header) whose filtered value (p.drop) is none of the kept
// ones and whose built fields pass checkLine's checks, and returns how
// many it dropped and the tape index after them. The caller accounts for
// them: lines and records counted, nothing else to do for a line left
// out. A line it stops at goes the general way (buildLine), to be kept,
// or rejected where checkLine says; kept reports that it stopped at a
// fast-path line whose filtered value is a kept one, which buildLine
// then builds without testing the filter again (keep) or the line's
// fast-path conditions (a seventh of the time of a kept line). nb is the
// first byte of the first block with a bad byte. One loop, with the
// filter in registers: a call per line cost a fifth of the time of a
// line left out.
func (p *VPCFlowReader) dropLines(b []byte, nls, tape []int32, c, nb int) (n, after int, kept bool) {
	nf, d := p.nfields, &p.drop
	pos, keys, lens, texts, ints := d.pos, d.keys, d.lens, d.texts, d.ints
	// Word loads from b: the filtered value of a line before the last 8
	// bytes of b's capacity.
	room := cap(b) - 8
	b = b[:cap(b)]
	for i, nl := range nls {
		e := c + nf - 1
		if e >= len(tape) || tape[e] != nl || nb <= int(nl) {
			return i, c, false
		}
		// The line's ends as an array (the tape's capacity has room):
		// the field positions, below nf, index it masked, with no
		// bounds check.
		ends := (*[flowEndsMask + 1]int32)(tape[c-1:][:flowEndsMask+1])
		start := int(ends[0]) + 1
		if int(nl) <= start || b[start]-'a' < 26 {
			return i, c, false
		}
		// The filtered value: one of keys is kept; an empty one goes
		// the general way (so texts need not hold its field).
		from, to := int(ends[pos&flowEndsMask])+1, int(ends[(pos+1)&flowEndsMask])
		if n := to - from; uint(n-1) < 8 {
			if from > room {
				return i, c, false
			}
			w := binary.LittleEndian.Uint64(b[from:][:8]) & (^uint64(0) >> (64 - 8*n))
			for k, key := range keys {
				if key == w && lens[k] == n {
					return i, c, true
				}
			}
		} else if n == 0 {
			return i, c, false
		}
		// checkLine's checks of a printable line.
		for _, t := range texts {
			if ends[(t+1)&flowEndsMask]-ends[t&flowEndsMask] < 2 {
				return i, c, false // empty
			}
		}
		for _, f := range ints {
			v := b[ends[f.pos&flowEndsMask]+1 : ends[(f.pos+1)&flowEndsMask]]
			if len(v) == 1 && v[0] == '-' {
				continue
			}
			ok := false
			if len(v) <= int(f.digits) {
				ok = flowDigits(v)
			} else {
				_, ok = parseFlowIntFast(v, f.max)
			}
			if !ok {
				return i, c, false
			}
		}
		c = e + 1
	}
	return len(nls), c, false
}

// flowDigits reports whether v is one or more ASCII digits: with one or
// two word loads for up to 16 bytes when v's capacity allows.
func flowDigits(v []byte) bool {
	n := len(v)
	if uint(n-1) >= 16 || cap(v) < 8 {
		// Slow path.
		for _, c := range v {
			if c-'0' > 9 {
				return false
			}
		}
		return n > 0
	}
	if n <= 8 {
		return digitsOnly8(leadingZeros8(binary.LittleEndian.Uint64(v[:8]), n))
	}
	return digitsOnly8(binary.LittleEndian.Uint64(v[:8])) && digitsOnly8(binary.LittleEndian.Uint64(v[n-8:n]))
}

// digitsOnly8 reports whether the 8 bytes of w are ASCII digits.
func digitsOnly8(w uint64) bool {
	return ((w+0x4646464646464646)|(w-0x3030303030303030))&0x8080808080808080 == 0
}

// flowClassifyGo writes, for each 64-byte block i of b, a bit per byte
// (bit j: byte 64i+j) to sep[i] for spaces and newlines, to nl[i] for
// newlines and to bad[i] for the other bytes below 0x20 or above 0x7f
// (the SSE2 version only makes the word non-zero), eight bytes at a time. b must hold 64
// bytes for each word of sep; nl and bad at least as many words as sep.
// The portable [flowClassify].
func flowClassifyGo(b []byte, sep, nl, bad []uint64) {
	for i := range sep {
		blk := b[64*i : 64*i+64]
		var s, n, x uint64
		for j := 0; j < 64; j += 8 {
			w := binary.LittleEndian.Uint64(blk[j : j+8])
			s |= flowSpaceBits(w) << j
			n |= flowSpaceBits(w^(('\n'^' ')*lsb)) << j
			// The high bit of each byte at or above 0x80 or below 0x20:
			// its low 7 bits plus 0x60 carry into the high bit from 0x20
			// on, and never out of the byte.
			hi := (w | ^(w&^msb + 0x60*lsb)) & msb
			x |= (hi >> 7) * 0x0102040810204080 >> 56 << j
		}
		sep[i], nl[i], bad[i] = s|n, n, x&^n
	}
}

// flowFlattenGo appends to t the index of every set bit of words (bit j of
// words[i]: 64i+j), in order, eight at a time with no branch per bit (the
// irregular field lengths of flow lines would mispredict it); entries
// written past the last are junk. t must have room for 64 entries per word
// and 8 more. sparse tells an assembly version that words have few bits
// (newlines). The portable [flowFlatten].
func flowFlattenGo(t []int32, words []uint64, _ bool) []int32 {
	k := len(t)
	t = t[:cap(t)]
	for i, m := range words {
		at := int32(64 * i)
		c := k + bits.OnesCount64(m)
		for ; m != 0; k += 8 {
			e := (*[8]int32)(t[k : k+8])
			e[0] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[1] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[2] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[3] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[4] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[5] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[6] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[7] = at + int32(bits.TrailingZeros64(m))
			m &= m - 1
		}
		k = c
	}
	return t[:k]
}

// flowNextBad returns the index of the first byte of the first block at
// or after the one of byte from whose word in bad is non-zero (a block
// with a byte below 0x20 or above 0x7f other than a newline), or
// math.MaxInt32 when there is none: a line ending before it is printable
// ASCII.
func flowNextBad(bad []uint64, from int) int {
	for w := from / 64; w < len(bad); w++ {
		if bad[w] != 0 {
			return 64 * w
		}
	}
	return math.MaxInt32
}

// spaceMask returns the high bit of every byte of w that is a space.
func spaceMask(w uint64) uint64 {
	const lo7, sp = 0x7f7f7f7f7f7f7f7f, 0x2020202020202020
	x := w ^ sp
	return ^((x&lo7 + lo7) | x | lo7)
}

// locateFlowSpaces records in ends the spaces of line (ends[k] for the
// k-th), at least the first need of them, and returns how many the line
// has and whether it holds a byte below 0x20 or above 0x7f (text with a
// high bit set). flowSpaceBlocks turns the line into a bitmap of its
// spaces, 64 bytes a word, into blocks (which must have room for
// len(line)/64+1 words); the last bytes, fewer than 64, are the line's
// last 64 bytes with the bits of the bytes already seen cleared. The bits
// of the words up to the need-th space are written out eight at a time,
// with no branch per space (a line's irregular field lengths mispredict a
// loop per space; entries past the last space are junk); the other words
// are only counted. A line shorter than 64 bytes is left to the caller:
// ok false.
func locateFlowSpaces(line []byte, ends *[flowEndsMask + 1]int32, need int, blocks []uint64) (k int, text uint64, ok bool) {
	n := len(line) / 64
	if n == 0 {
		return 0, 0, false
	}
	bad := flowSpaceBlocks(line[:64*n], blocks[:n])
	words := blocks[:n]
	if r := len(line) % 64; r != 0 {
		bad |= flowSpaceBlocks(line[len(line)-64:], blocks[n:n+1])
		blocks[n] &^= 1<<(64-r) - 1 // seen in the word before
		words = blocks[:n+1]
	}
	if bad != 0 {
		text = msb
	}
	for w, m := range words {
		if k >= need {
			k += bits.OnesCount64(m)
			continue
		}
		at := min(64*w, len(line)-64) // the byte of bit 0 of m
		c := k + bits.OnesCount64(m)
		for ; m != 0; k += 8 {
			// k < need+56 <= 312 here: the 8 entries fit in ends.
			e := (*[8]int32)(ends[k+1 : k+9])
			a := int32(at)
			e[0] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[1] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[2] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[3] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[4] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[5] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[6] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
			e[7] = a + int32(bits.TrailingZeros64(m))
			m &= m - 1
		}
		k = c
	}
	return k, text, true
}

// flowSpaceBlocksGo writes to bits[i], for each 64-byte block i of b, a
// bit per space (bit j: byte 64i+j), eight bytes at a time, and returns
// non-zero when a byte is below 0x20 or above 0x7f. b must hold 64 bytes
// for each word of bits. The portable [flowSpaceBlocks].
func flowSpaceBlocksGo(b []byte, bits []uint64) (bad uint64) {
	var text uint64
	for i := range bits {
		blk := b[64*i : 64*i+64]
		var m uint64
		for j := 0; j < 64; j += 8 {
			w := binary.LittleEndian.Uint64(blk[j : j+8])
			text |= w | (w - 0x20*lsb)
			m |= flowSpaceBits(w) << j
		}
		bits[i] = m
	}
	return text & msb
}

// flowSpaceBits returns a bitmap of the spaces of w: bit j set when byte
// j (loaded little-endian) is a space. The multiply moves bit 7 of each
// byte of the space mask to bit 56+j; no carries, as each sum bit has one
// source.
func flowSpaceBits(w uint64) uint64 {
	return (spaceMask(w) >> 7) * 0x0102040810204080 >> 56
}

// parseLine parses one line into the columns, as row p.rows of the batch.
// It returns false for a line not emitted (rejected or a header).
func (p *VPCFlowReader) parseLine(line []byte) bool {
	if len(line) == 0 {
		p.reject(p.lineError(line, 0, "", errExpected(ErrSyntax, strconv.Itoa(p.nfields)+" fields", "an empty line")))
		return false
	}
	if c := line[0]; c >= 'a' && c <= 'z' && p.maybeHeader(line) {
		return false
	}

	// Locate the spaces up to the last field built, 64 bytes at a time
	// (a short line a byte at a time), and count the rest. Recording
	// stops in the block of the need-th space, with k at most need+63
	// (and junk written up to k+8), and the byte loop runs on fewer than
	// 64 bytes, so the entries written stay below len(ends): the masks
	// only drop bounds checks. The same pass tells whether the line is
	// printable ASCII: a high bit of text is a byte below 0x20 or above
	// 0x7f, and only then are text values checked one by one
	// (badFlowText).
	ends := &p.ends
	if n := len(line)/64 + 1; len(p.blocks) < n {
		p.blocks = make([]uint64, max(n, 8))
	}
	k, text, ok := locateFlowSpaces(line, ends, p.need, p.blocks)
	if !ok {
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c == ' ' {
				k++
				ends[k&flowEndsMask] = int32(i)
			} else if c < 0x20 || c > 0x7f {
				text |= msb
			}
		}
	}
	if k+1 != p.nfields {
		p.reject(p.fieldCountError(line, k+1))
		return false
	}
	ends[(k+1)&flowEndsMask] = int32(len(line))

	return p.buildLine(line, ends[:p.nfields+1], 0, text&msb == 0, false)
}

// buildLine appends the built fields of a line whose fields are located
// to the columns, as row p.rows of the batch; on a bad value it takes the
// row back. Field j of the line is b[ends[j]+1:ends[j+1]], the line is
// b[at:ends[len(ends)-1]], and isText reports that it is printable ASCII;
// kept, that the filters are known to keep it (dropLines said so).
// It returns false for a line not emitted (rejected or filtered out).
func (p *VPCFlowReader) buildLine(b []byte, ends []int32, at int, isText, kept bool) bool {
	row := p.rows
	if !kept && len(p.filters) > 0 && !p.keep(b, ends) {
		return p.checkLine(b, ends, at, isText)
	}
	for s := range p.plan {
		st := &p.plan[s]
		from := int(ends[st.pos]) + 1
		v := b[from:ends[st.pos+1]]
		c := st.col
		if len(v) == 1 && v[0] == '-' {
			c.appendNull()
			continue
		}
		switch st.kind {
		case flowKindInt32:
			n, ok := parseFlowIntFast(v, st.max)
			if !ok {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			c.i32[c.n] = int32(n)
		case flowKindInt64:
			n, ok := parseFlowIntFast(v, st.max)
			if !ok {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			c.i64[c.n] = n
		case flowKindString:
			if len(v) == 0 {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			if !isText && badFlowText(v) >= 0 {
				return p.badText(b, ends, at, row, s, from, v)
			}
			// Fast path: up to 16 bytes as two words, when line and data
			// have the room; a call to memmove costs more than the copy.
			if d := len(c.data); len(v) <= 16 && cap(c.data)-d >= 16 && cap(v) >= 16 {
				dst := c.data[d : d+16]
				src := v[:16]
				binary.LittleEndian.PutUint64(dst, binary.LittleEndian.Uint64(src))
				binary.LittleEndian.PutUint64(dst[8:], binary.LittleEndian.Uint64(src[8:]))
				c.data = c.data[:d+len(v)]
			} else {
				c.data = append(c.data, v...)
			}
			c.offs[c.n+1] = int32(len(c.data))
		default:
			if len(v) == 0 {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			// Fast path: a short value among the first few, compared as
			// one word with no branch per entry (ACCEPT and REJECT
			// alternate too irregularly for a "same as last row" guess).
			if len(v) <= 8 && cap(v) >= 8 {
				w := binary.LittleEndian.Uint64(v[:8]) & (^uint64(0) >> (64 - 8*len(v)))
				j := int32(-1)
				for e, key := range c.keys {
					if key == w && int(c.klen[e]) == len(v) {
						j = int32(e)
					}
				}
				if j < 0 {
					if !isText && badFlowText(v) >= 0 {
						return p.badText(b, ends, at, row, s, from, v)
					}
					j = c.dictIndex(v)
				}
				c.idx[c.n] = j
			} else {
				if !isText && badFlowText(v) >= 0 {
					return p.badText(b, ends, at, row, s, from, v)
				}
				c.idx[c.n] = c.dictIndex(v)
			}
		}
		c.setValid()
	}
	if p.startAt >= 0 {
		return p.checkWindow(b, ends, at, row)
	}
	return true
}

// badValue rejects the line for value v of plan step s at byte from of
// b, taking back what the line appended (b, ends and at as buildLine's).
// It returns false.
func (p *VPCFlowReader) badValue(b []byte, ends []int32, at, row, s, from int, v []byte) bool {
	// Slow path.
	st := &p.plan[s]
	line, from := b[at:ends[len(ends)-1]], from-at
	p.rollback(row, s)
	if len(v) == 0 {
		p.reject(p.lineError(line, from, fieldPath(st), errExpected(ErrSyntax, `a value or "-"`, "an empty field")))
	} else {
		p.reject(p.lineError(line, from, fieldPath(st), errExpected(ErrType, st.field.expect, quoteFound(v))))
	}
	return false
}

// badText rejects the line for text value v of plan step s at byte from
// of b, which holds a control character or invalid UTF-8 (b, ends and at
// as buildLine's). It returns false.
func (p *VPCFlowReader) badText(b []byte, ends []int32, at, row, s, from int, v []byte) bool {
	// Slow path.
	st := &p.plan[s]
	line, from := b[at:ends[len(ends)-1]], from-at
	p.rollback(row, s)
	k := badFlowText(v)
	var err error
	if v[k] < 0x20 {
		err = errExpected(ErrSyntax, "text without control characters", quoteFound(v[k:k+1]))
	} else {
		n := 0
		for k+n < len(v) && n < 4 {
			if r, size := utf8.DecodeRune(v[k+n:]); r != utf8.RuneError || size > 1 {
				break
			}
			n++
		}
		err = errExpected(ErrSyntax, "valid UTF-8", quoteFound(v[k:k+n]))
	}
	p.reject(p.lineError(line, from+k, fieldPath(st), err))
	return false
}

// badFlowText returns the index in v of the first control character
// (below 0x20) or byte of invalid UTF-8, or -1 when v is valid text: flow
// logs hold ASCII, and a NUL or a broken byte means a damaged line.
func badFlowText(v []byte) int {
	// Fast path: printable ASCII, eight bytes at a time.
	i := 0
	for ; i+8 <= len(v); i += 8 {
		x := binary.LittleEndian.Uint64(v[i:])
		if (x|(x-0x20*lsb))&msb != 0 {
			break
		}
	}
	// Slow path: the tail, and anything past the first word not ASCII.
	for i < len(v) {
		c := v[i]
		if c < 0x20 {
			return i
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// checkWindow rejects the line when its start is after its end (b, ends
// and at as buildLine's).
func (p *VPCFlowReader) checkWindow(b []byte, ends []int32, at, row int) bool {
	sc, ec := p.plan[p.startAt].col, p.plan[p.endAt].col
	if sc.i64[row] <= ec.i64[row] || !sc.isValid(row) || !ec.isValid(row) {
		return true
	}
	return p.badWindow(b, ends, at, row, sc.i64[row], ec.i64[row])
}

// badWindow rejects the line for its start after its end, taking back
// what the line appended (b, ends and at as buildLine's). It returns
// false.
func (p *VPCFlowReader) badWindow(b []byte, ends []int32, at, row int, start, end int64) bool {
	// Slow path.
	st := &p.plan[p.endAt]
	p.rollback(row, len(p.plan))
	p.reject(p.lineError(b[at:ends[len(ends)-1]], int(ends[st.pos])+1-at, fieldPath(st),
		errExpected(ErrType, "end at or after start "+strconv.FormatInt(start, 10), strconv.Quote(strconv.FormatInt(end, 10)))))
	return false
}

// keep reports whether the line, whose fields are located (b and ends as
// buildLine's), passes every filter: its value of each filtered field is
// one of the filter's.
func (p *VPCFlowReader) keep(b []byte, ends []int32) bool {
	for _, f := range p.filters {
		if f.s < 0 {
			return false // the column is null on every line
		}
		st := &p.plan[f.s]
		v := b[ends[st.pos]+1 : ends[st.pos+1]]
		if len(v) == 1 && v[0] == '-' {
			return false // null equals nothing
		}
		found := false
		for _, x := range f.vals {
			// The first byte first: ACCEPT and REJECT differ there, and
			// the comparison is then no call.
			if len(x) == len(v) && (len(v) == 0 || x[0] == v[0]) && x == string(v) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// checkLine checks the fields of a line no filter keeps as parseLine's
// loop would build them, without building them: a bad line is rejected
// with the same error, a good one is counted in Stats.Records and left
// out of the batch. It returns false (no row). b, ends and at are
// buildLine's.
func (p *VPCFlowReader) checkLine(b []byte, ends []int32, at int, isText bool) bool {
	row := p.rows
	var start, end int64
	var hasStart, hasEnd bool
	for s := range p.plan {
		st := &p.plan[s]
		from := int(ends[st.pos]) + 1
		v := b[from:ends[st.pos+1]]
		if len(v) == 1 && v[0] == '-' {
			continue
		}
		switch st.kind {
		case flowKindInt32, flowKindInt64:
			n, ok := parseFlowIntFast(v, st.max)
			if !ok {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			switch s {
			case p.startAt:
				start, hasStart = n, true
			case p.endAt:
				end, hasEnd = n, true
			}
		default:
			if len(v) == 0 {
				return p.badValue(b, ends, at, row, s, from, v)
			}
			if !isText && badFlowText(v) >= 0 {
				return p.badText(b, ends, at, row, s, from, v)
			}
		}
	}
	if p.startAt >= 0 && hasStart && hasEnd && start > end {
		return p.badWindow(b, ends, at, row, start, end)
	}
	p.stats.Records++
	return false
}

// rollback takes back row from the columns of the first n steps of plan.
func (p *VPCFlowReader) rollback(row, n int) {
	for _, st := range p.plan[:n] {
		st.col.truncate(row)
	}
}

var space = []byte{' '}

// parseFlowIntFast is [parseFlowInt] eight digits at a time, without a
// branch per digit (whose exit a variable length mispredicts). It reads up
// to 8 bytes past v's end when v's capacity allows.
func parseFlowIntFast(v []byte, max int64) (int64, bool) {
	// Fast path: up to 8 digits, small enough to inline.
	if n := len(v); uint(n-1) < 8 && cap(v) >= 8 {
		x, ok := digits8(leadingZeros8(binary.LittleEndian.Uint64(v[:8]), n))
		return int64(x), ok && x <= uint64(max)
	}
	return parseFlowIntLong(v, max)
}

// parseFlowIntLong is parseFlowIntFast for 9 to 16 digits, and
// [parseFlowInt] for the rest.
func parseFlowIntLong(v []byte, max int64) (int64, bool) {
	n := len(v)
	if cap(v) < 8 || n <= 8 || n > 16 {
		return parseFlowInt(v, max) // Slow path.
	}
	hi, okHi := digits8(leadingZeros8(binary.LittleEndian.Uint64(v[:8]), n-8))
	lo, okLo := digits8(binary.LittleEndian.Uint64(v[n-8 : n]))
	x := hi*100_000_000 + lo
	return int64(x), okHi && okLo && x <= uint64(max)
}

// leadingZeros8 keeps the first n bytes of w (the first n characters,
// loaded little-endian), right-aligned as the last characters of the word
// behind 8-n leading '0's: "42??????" with n=2 -> "00000042".
func leadingZeros8(w uint64, n int) uint64 {
	shift := uint(8-n) * 8
	return w<<shift | 0x3030303030303030>>(64-shift)
}

// digits8 returns the value of the 8 ASCII digits in w (first character
// in the low byte, most significant) and whether all 8 are digits.
func digits8(w uint64) (uint64, bool) {
	// A byte outside '0'-'9' sets its high bit in one of the two terms.
	bad := ((w + 0x4646464646464646) | (w - 0x3030303030303030)) & 0x8080808080808080
	w -= 0x3030303030303030
	w = (w * 10) + (w >> 8) // pairs of digits
	w = ((w&0x000000FF000000FF)*(100+(1000000<<32)) + ((w>>16)&0x000000FF000000FF)*(1+(10000<<32))) >> 32
	return w, bad == 0
}

// parseFlowInt parses a non-negative decimal integer of at most max and
// at most 19 digits.
func parseFlowInt(v []byte, max int64) (int64, bool) {
	if len(v) == 0 || len(v) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range v {
		d := uint64(c) - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + d
	}
	if n > uint64(max) {
		return 0, false
	}
	return int64(n), true
}

func fieldPath(st *flowStep) string {
	return "field " + strconv.Itoa(st.pos+1) + " (" + st.field.name + ")"
}

// lineError positions err at byte col0 (0-based) of the current line.
func (p *VPCFlowReader) lineError(line []byte, col0 int, path string, err error) *ParseError {
	return &ParseError{Source: p.source, Line: p.line, Col: col0 + 1, Offset: p.lineOff + int64(col0), Path: path, Err: err}
}

// fieldCountError reports a line with n fields instead of nfields: at the
// first extra field, or at the end of a short line.
func (p *VPCFlowReader) fieldCountError(line []byte, n int) *ParseError {
	// Slow path.
	expected := strconv.Itoa(p.nfields) + " fields"
	if p.header == nil && !p.formatGiven {
		expected += " (default format: the file has no header line; give its format with --flow-format '${version} ${account-id} ...')"
	}
	if n < p.nfields {
		return p.lineError(line, len(line), "field "+strconv.Itoa(n+1)+" ("+p.fieldName(n)+")",
			errExpected(ErrSyntax, expected, strconv.Itoa(n)+" fields"))
	}
	col, k := 0, 0
	for i, c := range line {
		if c == ' ' {
			k++
			if k == p.nfields {
				col = i + 1
				break
			}
		}
	}
	return p.lineError(line, col, "field "+strconv.Itoa(p.nfields+1),
		errExpected(ErrSyntax, expected, strconv.Itoa(n)+" fields"))
}

// fieldName returns the name of field pos of the current format.
func (p *VPCFlowReader) fieldName(pos int) string {
	if p.header == nil {
		return p.format[pos] // the default, given or inferred format
	}
	for i, f := range bytes.Split(p.header, space) {
		if i == pos {
			return string(f)
		}
	}
	return "?"
}

// isHeaderLine reports whether line is a header: every field a lowercase
// name and at least one a field this reader knows (or a Transit Gateway
// field, to refuse it by name).
func isHeaderLine(line []byte) bool {
	known := false
	for f := range bytes.SplitSeq(line, space) {
		if len(f) == 0 || f[0] < 'a' || f[0] > 'z' {
			return false
		}
		for _, c := range f {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
		if _, ok := vpcFlowFieldIndex[string(f)]; ok || isTransitGatewayField(string(f)) {
			known = true
		}
	}
	return known
}

// maybeHeader handles a line starting with a lowercase letter: a header
// line mid-file. It returns false for a data line.
func (p *VPCFlowReader) maybeHeader(line []byte) bool {
	first := line
	if i := bytes.IndexByte(line, ' '); i >= 0 {
		first = line[:i]
	}
	if _, ok := vpcFlowFieldIndex[string(first)]; !ok {
		return false
	}
	// Slow path.
	if !isHeaderLine(line) {
		return false
	}
	if bytes.Equal(line, p.header) {
		return true // a repeated header: concatenated deliveries
	}
	names, err := p.headerNames(line, p.lineOff)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Line = p.line
			p.reject(pe)
		}
		return true
	}
	what := "a header line different from the first one"
	if p.header == nil {
		what = "a header line in a file without one"
	}
	p.reject(p.lineError(line, 0, "", errExpected(ErrFormat, "a flow record", what)))
	p.header = append(p.header[:0], line...)
	p.setFormat(names)
	for _, c := range p.cols {
		c.appendNullsTo(p.rows) // even columns before the new layout
	}
	return true
}

// headerNames splits a header line into field names, refusing Transit
// Gateway headers, duplicates and too many fields. off is the stream offset
// of the line.
func (p *VPCFlowReader) headerNames(line []byte, off int64) ([]string, error) {
	var names []string
	seen := make(map[string]bool)
	col := 0
	for f := range bytes.SplitSeq(line, space) {
		n := string(f)
		fail := func(err error) error {
			return &ParseError{Source: p.source, Line: 1, Col: col + 1, Offset: off + int64(col), Path: "header field " + strconv.Itoa(len(names)+1), Err: err}
		}
		if isTransitGatewayField(n) {
			return nil, fail(errExpected(ErrFormat, "a VPC flow log header", "Transit Gateway flow log field "+strconv.Quote(n)+" (Transit Gateway flow logs are not read as vpc_flow)"))
		}
		canon := n
		if j, ok := vpcFlowFieldIndex[n]; ok {
			canon = vpcFlowFields[j].name
		}
		if seen[canon] {
			return nil, fail(errExpected(ErrFormat, "distinct field names", strconv.Quote(n)+" again"))
		}
		if len(names) == vpcFlowMaxFields {
			return nil, fail(errExpected(ErrTooLarge, "at most "+strconv.Itoa(vpcFlowMaxFields)+" fields", "more"))
		}
		seen[canon] = true
		names = append(names, canon)
		col += len(f) + 1
	}
	return names, nil
}

// headerError positions err at field i (0-based) of the first line.
func (p *VPCFlowReader) headerError(line []byte, i int, err error) *ParseError {
	col := 0
	for range i {
		col += bytes.IndexByte(line[col:], ' ') + 1
	}
	return &ParseError{Source: p.source, Line: 1, Col: col + 1, Offset: int64(col), Path: "header field " + strconv.Itoa(i+1), Err: err}
}
