package parsers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// vpcFlowElasticDir holds the pipeline tests of Elastic's AWS integration
// (vpcflow data stream): flow-log lines and, for most files, the documents
// Elastic's ingest pipeline makes of them. They are read in place, never
// copied into this repository (licence).
const vpcFlowElasticDir = "../../shared/corpus/elastic_integrations/packages/aws/data_stream/vpcflow/_dev/test/pipeline"

// vpcFlowElasticFields maps Elastic document fields (ECS and aws.vpcflow.*)
// to our columns. Elastic omits a field whose value is "-" (except a few it
// keeps as "-"), so an absent field or "-" must be null on our side.
var vpcFlowElasticFields = []struct{ elastic, col string }{
	{"aws.vpcflow.version", "version"},
	{"aws.vpcflow.account_id", "account_id"},
	{"cloud.account.id", "account_id"},
	{"aws.vpcflow.interface_id", "interface_id"},
	{"source.address", "srcaddr"},
	{"destination.address", "dstaddr"},
	{"source.port", "srcport"},
	{"destination.port", "dstport"},
	{"network.iana_number", "protocol"},
	{"network.packets", "packets"},
	{"network.bytes", "bytes"},
	{"event.start", "start"},
	{"event.end", "end"},
	{"aws.vpcflow.action", "action"},
	{"aws.vpcflow.log_status", "log_status"},
	{"aws.vpcflow.vpc_id", "vpc_id"},
	{"aws.vpcflow.subnet_id", "subnet_id"},
	{"aws.vpcflow.instance_id", "instance_id"},
	{"cloud.instance.id", "instance_id"},
	{"aws.vpcflow.tcp_flags", "tcp_flags"},
	{"aws.vpcflow.type", "type"},
	{"aws.vpcflow.pkt_srcaddr", "pkt_srcaddr"},
	{"aws.vpcflow.pkt_dstaddr", "pkt_dstaddr"},
	{"cloud.region", "region"},
	{"cloud.availability_zone", "az_id"},
	{"aws.vpcflow.sublocation.type", "sublocation_type"},
	{"aws.vpcflow.sublocation.id", "sublocation_id"},
	{"aws.vpcflow.pkt_src_service", "pkt_src_aws_service"},
	{"aws.vpcflow.pkt_dst_service", "pkt_dst_aws_service"},
	{"network.direction", "flow_direction"},
	{"aws.vpcflow.traffic_path", "traffic_path"},
	{"orchestrator.cluster.id", "ecs_cluster_arn"},
	{"orchestrator.cluster.name", "ecs_cluster_name"},
	{"orchestrator.resource.name", "ecs_container_instance_arn"},
	{"orchestrator.resource.id", "ecs_container_instance_id"},
	{"aws.vpcflow.ecs_container_id", "ecs_container_id"},
	{"aws.vpcflow.ecs_second_container_id", "ecs_second_container_id"},
	{"service.name", "ecs_service_name"},
	{"aws.vpcflow.ecs_task_definition_arn", "ecs_task_definition_arn"},
	{"aws.vpcflow.ecs_task_arn", "ecs_task_arn"},
	{"aws.vpcflow.ecs_task_id", "ecs_task_id"},
	{"event.reason", "reject_reason"},
}

// vpcFlowElasticFormats are the formats Elastic's pipeline assumes for a
// line without header, by field count: the default format, all v5 fields,
// and all v5 fields followed by the v7 ECS fields and v8 reject-reason.
var vpcFlowElasticFormats = map[int]string{
	14: flowHeaderV2,
	29: flowHeaderV5,
	39: strings.TrimSuffix(flowHeaderV8, " reject-reason"),
	40: flowHeaderV8,
}

// elasticLookup returns the value at a dotted path of doc, rendered as our
// cells are ("" when absent).
func elasticLookup(doc map[string]any, path string) (string, bool) {
	var v any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[k]; !ok {
			return "", false
		}
	}
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatInt(int64(v), 10), true
	case map[string]any:
		return "", false // e.g. "sublocation": {}
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

func TestVPCFlow_ElasticCrossCheck(t *testing.T) {
	expected, _ := filepath.Glob(filepath.Join(vpcFlowElasticDir, "*.log-expected.json"))
	if len(expected) == 0 {
		t.Skip("no Elastic corpus at " + vpcFlowElasticDir)
	}
	colIndex := map[string]int{}
	for i, f := range VPCFlowSchema.Fields() {
		colIndex[f.Name] = i
	}
	checked, nonNull := 0, 0
	for _, path := range expected {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var docs struct{ Expected []map[string]any }
			if err := json.Unmarshal(raw, &docs); err != nil {
				t.Fatal(err)
			}
			// Custom formats are given by a header in the .log file.
			logText, _ := os.ReadFile(strings.TrimSuffix(path, "-expected.json"))
			header := ""
			for _, l := range strings.Split(string(logText), "\n") {
				if strings.HasPrefix(l, "version ") {
					header = l
				}
			}
			for i, doc := range docs.Expected {
				line, ok := elasticLookup(doc, "event.original")
				if !ok {
					t.Fatalf("document %d has no event.original", i)
				}
				h := vpcFlowElasticFormats[len(strings.Fields(line))]
				if header != "" && len(strings.Fields(header)) == len(strings.Fields(line)) {
					h = header
				}
				if h == "" {
					t.Fatalf("document %d: no known format with %d fields: %q", i, len(strings.Fields(line)), line)
				}
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				res := readFlowText(t, strings.NewReader(h+"\n"+line+"\n"), WithAllocator(mem), WithStrict(true))
				mem.AssertSize(t, 0)
				if res.err != nil || len(res.rows) != 1 {
					t.Fatalf("document %d: %q: %d rows, %v", i, line, len(res.rows), res.err)
				}
				cells := strings.Split(res.rows[0], " ")
				for _, m := range vpcFlowElasticFields {
					got := cells[colIndex[m.col]]
					want, ok := elasticLookup(doc, m.elastic)
					if ok && (m.col == "start" || m.col == "end") {
						ts, err := time.Parse(time.RFC3339, want)
						if err != nil {
							t.Fatalf("document %d: %s: %v", i, m.elastic, err)
						}
						want = strconv.FormatInt(ts.Unix(), 10)
					}
					if !ok || want == "-" {
						want = "NULL"
					}
					if got != want {
						t.Errorf("document %d, %s vs %s: got %q; want %q (line %q)", i, m.col, m.elastic, got, want, line)
					}
					checked++
					if want != "NULL" {
						nonNull++
					}
				}
			}
		})
	}
	t.Logf("%d field values agree with Elastic's pipeline, %d of them not null", checked, nonNull)
	if nonNull < 150 {
		t.Errorf("only %d non-null values compared; want the corpus's few hundred", nonNull)
	}

	// Samples without expected documents: every line reads in the format
	// Elastic assumes for its field count, except Transit Gateway lines,
	// which have no header here and no place in vpc_flow.
	logs, _ := filepath.Glob(filepath.Join(vpcFlowElasticDir, "*.log"))
	for _, path := range logs {
		if _, err := os.Stat(path + "-expected.json"); err == nil || strings.Contains(path, "tgw") {
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
			h := vpcFlowElasticFormats[len(strings.Fields(line))]
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			res := readFlowText(t, strings.NewReader(h+"\n"+line+"\n"), WithAllocator(mem), WithStrict(true))
			mem.AssertSize(t, 0)
			if h == "" || res.err != nil || len(res.rows) != 1 {
				t.Errorf("%s:%d: %d rows, %v", filepath.Base(path), n+1, len(res.rows), res.err)
			}
		}
	}
}
