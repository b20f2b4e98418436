package parsers_test

import (
	"bytes"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/parsers"
)

// GlobalSink keeps benchmark results live.
var GlobalSink int64

// BenchmarkCloudTrailReader reads a generated delivery object (realistic
// records: ~40 event names, nested userIdentity, 1.5–2 KB average with a
// tail past 20 KB) with the projections hunts use and with the full schema.
func BenchmarkCloudTrailReader(b *testing.B) {
	input := bench.GenerateCloudTrailRecords(1, 20000)
	projections := []struct {
		name string
		cols []string
	}{
		// The columns of bench.PeerQueries' ct_count_by_eventname and
		// ct_console_login_no_mfa.
		{"hunt=count", []string{"eventname"}},
		{"hunt=login", []string{"sourceipaddress", "eventname", "responseelements", "additionaleventdata"}},
		{"cols=3", []string{"eventname", "eventsource", "eventtime"}},
		{"cols=8", []string{"eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress",
			"useridentity.arn", "errorcode", "recipientaccountid"}},
		{"cols=8+raw", []string{"eventtime", "eventname", "useridentity.arn", "useridentity.type",
			"sourceipaddress", "requestparameters", "additionaleventdata", "recipientaccountid"}},
		{"cols=all", nil},
	}
	// The hunts' projections again, with the input held whole in memory
	// (parsers.InMemory), as hunt's whole-object inflaters hold it.
	projections = append(projections,
		struct {
			name string
			cols []string
		}{"hunt=count,in-memory", projections[0].cols},
		struct {
			name string
			cols []string
		}{"hunt=login,in-memory", projections[1].cols},
		// As hunt query reads it: WithEqual from its WHERE clause.
		struct {
			name string
			cols []string
		}{"hunt=login/eq,in-memory", projections[1].cols})
	for _, p := range projections {
		b.Run(p.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			var src interface {
				io.Reader
				Reset([]byte)
			} = bytes.NewReader(input)
			if strings.HasSuffix(p.name, ",in-memory") {
				src = &inMemory{}
			}
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				src.Reset(input)
				opts := []parsers.Option{parsers.WithAllocator(mem)}
				if p.cols != nil {
					opts = append(opts, parsers.WithColumns(p.cols...))
				}
				if strings.Contains(p.name, "/eq") {
					opts = append(opts, parsers.WithEqual(map[string][]string{"eventname": {"ConsoleLogin"}}))
				}
				r, err := parsers.NewCloudTrailReader(src, "bench.json", opts...)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
					GlobalSink += r.Batch().NumRows()
				}
				if r.Err() != nil || r.Stats().Rejected != 0 {
					b.Fatalf("err %v, stats %+v", r.Err(), r.Stats())
				}
				r.Release()
			}
			cpu.report(b, len(input))
		})
	}
}

// inMemory is a parsers.InMemory input.
type inMemory struct{ b []byte }

func (m *inMemory) Read(p []byte) (int, error) {
	if len(m.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, m.b)
	m.b = m.b[n:]
	return n, nil
}

func (m *inMemory) Contents() []byte {
	b := m.b
	m.b = nil
	return b
}

func (m *inMemory) Reset(b []byte) { m.b = b }

// cpuClock measures the process's CPU time over a benchmark loop. On a
// shared machine wall-clock MB/s drops with the load; CPU MB/s (bytes per
// CPU-second, GC included, with -cpu 1) stays the parser's own speed.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{processCPU()} }

func (c cpuClock) report(b *testing.B, bytesPerOp int) {
	if d := processCPU() - c.start; d > 0 && b.N > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/d.Seconds(), "cpu-MB/s")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCloudTrailReader_Objects reads delivery-sized objects (2,400
// records, ~4 MB, as the bench corpus has them) held in memory, each with
// a new reader, as hunt does: every batch is a reader's first, sized
// without a previous batch.
func BenchmarkCloudTrailReader_Objects(b *testing.B) {
	var objects [][]byte
	size := 0
	for seed := range int64(8) {
		objects = append(objects, bench.GenerateCloudTrailRecords(seed+1, 2400))
		size += len(objects[seed])
	}
	for _, p := range []struct {
		name string
		cols []string
	}{
		{"cols=8+raw", []string{"eventtime", "eventname", "useridentity.arn", "useridentity.type",
			"sourceipaddress", "requestparameters", "additionaleventdata", "recipientaccountid"}},
		// hunt run's projection for the 737-rule suzaku Sigma pack.
		{"cols=sigma", []string{"$path", "awsregion", "errorcode", "errormessage", "eventid", "eventname", "eventsource",
			"eventtime", "recipientaccountid", "requestparameters", "sourceipaddress", "useragent", "useridentity.arn",
			"useridentity.principalid", "useridentity.accesskeyid", "additionaleventdata", "responseelements"}},
		// hunt run's projection for the 118 hunts of the library
		// (bench/hunts, as /tmp/big/h118 has them), with its WithOnlyIn.
		{"cols=library", libraryColumns},
		{"cols=all", nil},
	} {
		b.Run(p.name, func(b *testing.B) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(b, 0)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				for _, obj := range objects {
					opts := []parsers.Option{parsers.WithAllocator(mem)}
					if p.cols != nil {
						opts = append(opts, parsers.WithColumns(p.cols...))
					}
					if p.name == "cols=library" {
						opts = append(opts, parsers.WithOnlyIn(libraryOnlyIn...))
					}
					r, err := parsers.NewCloudTrailReader(&inMemory{b: obj}, "bench.json", opts...)
					if err != nil {
						b.Fatal(err)
					}
					for r.Next() {
						GlobalSink += r.Batch().NumRows()
					}
					if r.Err() != nil || r.Stats().Rejected != 0 {
						b.Fatalf("err %v, stats %+v", r.Err(), r.Stats())
					}
					r.Release()
				}
			}
			cpu.report(b, size)
		})
	}
}

// libraryColumns and libraryOnlyIn are what hunt run asks of the
// CloudTrail reader for the shipped library's 118 hunts.
var (
	libraryColumns = []string{"$path", "awsregion", "errorcode", "eventname", "eventsource", "eventtime",
		"recipientaccountid", "requestparameters", "sourceipaddress", "useragent", "useridentity.arn",
		"useridentity.invokedby", "useridentity.principalid", "useridentity.type", "useridentity.username",
		"errormessage", "responseelements", "additionaleventdata",
		"useridentity.sessioncontext.sessionissuer.username", "eventid", "vpcendpointid",
		"useridentity.accesskeyid", "readonly", "eventtype"}
	libraryOnlyIn = []parsers.OnlyIn{
		{Column: "errormessage", Key: "eventname", Values: []string{"ConsoleLogin"}},
		{Column: "responseelements", Key: "eventname", Values: []string{"ConsoleLogin", "GetSigninToken",
			"DisableKey", "ScheduleKeyDeletion", "CreateKey", "PutKeyPolicy", "CreateNetworkAcl",
			"CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclAssociation",
			"ReplaceNetworkAclEntry", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection"}},
		{Column: "responseelements", Key: "eventsource", Values: []string{"lambda.amazonaws.com"}},
		{Column: "responseelements", Key: "useridentity.type", Values: []string{"Root"}},
		{Column: "additionaleventdata", Key: "eventname", Values: []string{"ConsoleLogin"}},
		{Column: "eventid", Key: "eventname", Values: []string{"DeleteBackup", "DeleteTable", "DeleteSnapshot",
			"DeleteBucket", "DeleteObject", "DeleteObjects", "BatchGetSecretValue", "CreateSecret",
			"DeleteSecret", "GetSecretValue", "PutSecretValue"}},
		{Column: "vpcendpointid", Key: "useridentity.type", Values: []string{"AssumedRole"}},
		{Column: "readonly", Key: "awsregion", Values: []string{"af-south-1", "ap-east-1", "ap-south-2",
			"ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-west-1", "eu-central-2",
			"eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1"}},
		{Column: "eventtype", Key: "useridentity.type", Values: []string{"Root"}},
	}
)
