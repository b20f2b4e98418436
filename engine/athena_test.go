package engine

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/athena"
)

// fakeAthena speaks Athena's JSON protocol (POST /, X-Amz-Target:
// AmazonAthena.<Operation>, application/x-amz-json-1.1) with scripted
// answers, and records what it received.
type fakeAthena struct {
	t *testing.T

	// script
	wantSQL  []string            // substrings the query text must contain
	states   []string            // GetQueryExecution states in turn; the last repeats
	reason   string              // StateChangeReason of FAILED/CANCELLED
	scanned  int64               // DataScannedInBytes
	pages    []fakePage          // GetQueryResults pages, chained by NextToken
	throttle map[string][]string // operation → error codes to answer before succeeding
	polled   chan struct{}       // receives after each GetQueryExecution, when set

	mu      sync.Mutex
	calls   []string       // operations in order
	start   map[string]any // the StartQueryExecution request
	stopped string         // QueryExecutionId of StopQueryExecution
	tokens  []string       // NextToken of each GetQueryResults request
}

type fakePage struct {
	cols [][2]string // name, type
	rows [][]*string // nil = NULL
}

func sp(s string) *string { return &s }

func (f *fakeAthena) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, "AmazonAthena.")
	if r.Method != http.MethodPost || r.URL.Path != "/" || !ok {
		f.t.Errorf("request %s %s with X-Amz-Target %q; want POST / AmazonAthena.*", r.Method, r.URL.Path, target)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		f.t.Errorf("%s: Content-Type %q; want application/x-amz-json-1.1", op, ct)
	}
	if a := r.Header.Get("Authorization"); !strings.Contains(a, "Credential=AKIDTEST/") || !strings.Contains(a, "/athena/aws4_request") {
		f.t.Errorf("%s: Authorization %q; want a SigV4 signature by AKIDTEST for athena", op, a)
	}
	body, _ := io.ReadAll(r.Body)
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		f.t.Errorf("%s: body %q is not JSON: %v", op, body, err)
	}
	f.mu.Lock()
	f.calls = append(f.calls, op)
	if codes := f.throttle[op]; len(codes) > 0 {
		f.throttle[op] = codes[1:]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", codes[0])
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"__type": codes[0], "message": "Rate exceeded"})
		return
	}
	var out any
	switch op {
	case "StartQueryExecution":
		f.start = in
		sql, _ := in["QueryString"].(string)
		for _, want := range f.wantSQL {
			if !strings.Contains(sql, want) {
				f.t.Errorf("query sent:\n%s\nlacks %q", sql, want)
			}
		}
		if tok, _ := in["ClientRequestToken"].(string); len(tok) < 32 {
			f.t.Errorf("ClientRequestToken %q; want an idempotency token", tok)
		}
		out = map[string]any{"QueryExecutionId": "qid-1"}
	case "GetQueryExecution":
		if in["QueryExecutionId"] != "qid-1" {
			f.t.Errorf("GetQueryExecution of %v; want qid-1", in["QueryExecutionId"])
		}
		n := 0
		for _, c := range f.calls {
			if c == "GetQueryExecution" {
				n++
			}
		}
		state := f.states[min(n, len(f.states))-1]
		status := map[string]any{"State": state}
		if state == "FAILED" || state == "CANCELLED" {
			status["StateChangeReason"] = f.reason
			status["AthenaError"] = map[string]any{"ErrorCategory": 2, "ErrorType": 1301, "Retryable": false, "ErrorMessage": f.reason}
		}
		out = map[string]any{"QueryExecution": map[string]any{
			"QueryExecutionId": "qid-1", "StatementType": "DML", "Status": status,
			"Statistics": map[string]any{"DataScannedInBytes": f.scanned, "EngineExecutionTimeInMillis": 1500,
				"QueryQueueTimeInMillis": 120, "TotalExecutionTimeInMillis": 1700},
		}}
	case "GetQueryResults":
		tok, _ := in["NextToken"].(string)
		f.tokens = append(f.tokens, tok)
		i := 0
		if tok != "" {
			i = int(tok[len("page-")] - '0')
		}
		p := f.pages[i]
		var cols []map[string]any
		for _, c := range p.cols {
			cols = append(cols, map[string]any{"Name": c[0], "Label": c[0], "Type": c[1], "Nullable": "UNKNOWN", "CaseSensitive": true})
		}
		var rows []map[string]any
		for _, r := range p.rows {
			var data []map[string]any
			for _, v := range r {
				if v == nil {
					data = append(data, map[string]any{})
				} else {
					data = append(data, map[string]any{"VarCharValue": *v})
				}
			}
			rows = append(rows, map[string]any{"Data": data})
		}
		res := map[string]any{"ResultSet": map[string]any{"Rows": rows, "ResultSetMetadata": map[string]any{"ColumnInfo": cols}}}
		if i+1 < len(f.pages) {
			res["NextToken"] = "page-" + string(rune('0'+i+1))
		}
		out = res
	case "StopQueryExecution":
		f.stopped, _ = in["QueryExecutionId"].(string)
		out = map[string]any{}
	default:
		f.t.Errorf("unexpected operation %s", op)
	}
	polled := f.polled
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
	if op == "GetQueryExecution" && polled != nil {
		polled <- struct{}{}
	}
}

// newFakeAthena starts f and returns a client of it: the real SDK client
// with static credentials and BaseEndpoint pointing at the server, SDK
// retries off so the client's own throttling retries are what is tested.
func newFakeAthena(t *testing.T, f *fakeAthena) *Athena {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	client := athena.New(athena.Options{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint:     aws.String(srv.URL),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
	})
	return newAthena(client, AthenaConfig{
		WorkGroup: "hunters", OutputLocation: "s3://results/hunt/", Database: "sec", Catalog: "AwsDataCatalog",
		PollMin: time.Millisecond, PollMax: 4 * time.Millisecond,
	})
}

var fakeCols = [][2]string{
	{"eventname", "varchar"}, {"n", "bigint"}, {"ratio", "double"}, {"ok", "boolean"},
	{"at", "timestamp"}, {"day", "date"}, {"arns", "array"}, {"who", "row"},
}

func TestAthenaRun_Success(t *testing.T) {
	f := &fakeAthena{
		wantSQL: []string{
			"FROM sec.cloudtrail_logs AS cloudtrail",
			"cloudtrail.account = '111122223333'",
			"cloudtrail.timestamp BETWEEN '2024/03/05' AND '2024/03/06'",
		},
		states:  []string{"QUEUED", "RUNNING", "SUCCEEDED"},
		scanned: 3 << 30,
		pages: []fakePage{
			{cols: fakeCols, rows: [][]*string{
				{sp("eventname"), sp("n"), sp("ratio"), sp("ok"), sp("at"), sp("day"), sp("arns"), sp("who")}, // header
				{sp("ConsoleLogin"), sp("3"), sp("0.5"), sp("true"), sp("2024-03-05 15:02:41.000"), sp("2024-03-05"), sp("[arn:a, arn:b]"), sp("{type=IAMUser, arn=null}")},
			}},
			{cols: fakeCols, rows: [][]*string{
				// A data row equal to the labels after the first page stays.
				{sp("eventname"), sp("7"), sp("NaN"), sp("false"), sp("2024-03-05 15:04:10.123"), sp("2024-03-06"), sp("[]"), sp("{}")},
			}},
			{cols: fakeCols, rows: [][]*string{
				{sp("AssumeRole"), nil, nil, nil, nil, nil, nil, nil},
			}},
		},
	}
	a := newFakeAthena(t, f)
	sql := `SELECT eventname, count(*) AS n FROM cloudtrail WHERE recipientaccountid = '111122223333' AND eventtime BETWEEN '2024-03-05T15:00:00Z' AND '2024-03-06T00:00:00Z' GROUP BY 1`
	res, st, err := a.Run(context.Background(), sql, Options{}, Pruning{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	// What StartQueryExecution carried besides the SQL.
	want := map[string]any{"WorkGroup": "hunters",
		"ResultConfiguration":   map[string]any{"OutputLocation": "s3://results/hunt/"},
		"QueryExecutionContext": map[string]any{"Database": "sec", "Catalog": "AwsDataCatalog"}}
	for k, v := range want {
		if !reflect.DeepEqual(f.start[k], v) {
			t.Errorf("StartQueryExecution %s = %v; want %v", k, f.start[k], v)
		}
	}
	if !reflect.DeepEqual(f.tokens, []string{"", "page-1", "page-2"}) {
		t.Errorf("NextTokens sent %q; want \"\", page-1, page-2", f.tokens)
	}
	if !reflect.DeepEqual(res.Columns, []string{"eventname", "n", "ratio", "ok", "at", "day", "arns", "who"}) {
		t.Errorf("columns %q", res.Columns)
	}
	if got := strings.Join(res.Types, ","); got != "varchar,bigint,double,boolean,timestamp(3),date,array(varchar),row" {
		t.Errorf("types %s", got)
	}
	// No ORDER BY: rows sorted by every column, as the local engine does.
	wantRows := [][]any{
		{"AssumeRole", nil, nil, nil, nil, nil, nil, nil},
		{"ConsoleLogin", int64(3), 0.5, true, time.Date(2024, 3, 5, 15, 2, 41, 0, time.UTC), Date{time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)},
			[]any{"arn:a", "arn:b"}, map[string]any{"type": "IAMUser", "arn": nil}},
		{"eventname", int64(7), math.NaN(), false, time.Date(2024, 3, 5, 15, 4, 10, 123e6, time.UTC), Date{time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)},
			[]any{}, map[string]any{}},
	}
	got := res.Rows()
	if len(got) != len(wantRows) {
		t.Fatalf("got %d rows %v; want %d", len(got), got, len(wantRows))
	}
	for i := range got {
		if f, ok := got[i][2].(float64); ok && math.IsNaN(f) {
			got[i][2], wantRows[i][2] = "NaN", "NaN"
		}
		if !reflect.DeepEqual(got[i], wantRows[i]) {
			t.Errorf("row %d: got %#v; want %#v", i, got[i], wantRows[i])
		}
	}
	if st.QueryID != "qid-1" || st.State != "SUCCEEDED" || st.Rows != 3 || st.Pages != 3 || st.Polls != 3 || st.Throttled != 0 {
		t.Errorf("stats %+v", st)
	}
	if st.DataScanned != 3<<30 || st.Cost != 3.0/1024*5 || st.EngineTime != 1500*time.Millisecond || st.QueueTime != 120*time.Millisecond {
		t.Errorf("scanned %d, cost %v, engine %s, queue %s; want 3 GiB, $%v, 1.5s, 120ms", st.DataScanned, st.Cost, st.EngineTime, st.QueueTime, 3.0/1024*5)
	}
}

func TestAthenaRun_NoHeaderRow(t *testing.T) {
	// DDL and utility statements send no header: the first row stays.
	f := &fakeAthena{states: []string{"SUCCEEDED"}, pages: []fakePage{
		{cols: [][2]string{{"tab_name", "string"}}, rows: [][]*string{{sp("cloudtrail_logs")}, {sp("vpc_flow_logs")}}},
	}}
	a := newFakeAthena(t, f)
	res, _, err := a.Execute(context.Background(), "SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows(); !reflect.DeepEqual(got, [][]any{{"cloudtrail_logs"}, {"vpc_flow_logs"}}) {
		t.Errorf("rows %v; want both tables", got)
	}
}

func TestAthenaRun_Failed(t *testing.T) {
	f := &fakeAthena{states: []string{"RUNNING", "FAILED"}, reason: "COLUMN_NOT_FOUND: line 1:8: Column 'evntname' cannot be resolved", scanned: 5}
	a := newFakeAthena(t, f)
	_, st, err := a.Execute(context.Background(), "SELECT evntname FROM cloudtrail_logs")
	var qe *AthenaQueryError
	if !errors.As(err, &qe) {
		t.Fatalf("error %v; want *AthenaQueryError", err)
	}
	if qe.State != "FAILED" || qe.Reason != f.reason || qe.ErrorCategory != 2 || qe.ErrorType != 1301 || qe.QueryID != "qid-1" {
		t.Errorf("error %+v", qe)
	}
	if want := "athena query qid-1 failed: " + f.reason; err.Error() != want {
		t.Errorf("error %q; want %q", err, want)
	}
	if st.Cost != 0 {
		t.Errorf("cost %v; failed queries are not billed", st.Cost)
	}
	for _, c := range f.calls {
		if c == "GetQueryResults" {
			t.Errorf("GetQueryResults called after FAILED")
		}
	}
}

func TestAthenaRun_Throttled(t *testing.T) {
	f := &fakeAthena{
		states: []string{"SUCCEEDED"},
		pages:  []fakePage{{cols: [][2]string{{"n", "bigint"}}, rows: [][]*string{{sp("n")}, {sp("42")}}}},
		throttle: map[string][]string{
			"StartQueryExecution": {"ThrottlingException", "TooManyRequestsException"},
			"GetQueryExecution":   {"ThrottlingException"},
			"GetQueryResults":     {"TooManyRequestsException"},
		},
	}
	a := newFakeAthena(t, f)
	res, st, err := a.Execute(context.Background(), "SELECT count(*) AS n FROM cloudtrail_logs")
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if got := res.Rows(); !reflect.DeepEqual(got, [][]any{{int64(42)}}) {
		t.Errorf("rows %v", got)
	}
	if st.Throttled != 4 {
		t.Errorf("throttled %d; want 4", st.Throttled)
	}
	// Retries are bounded: a call throttled past Retries fails.
	f2 := &fakeAthena{throttle: map[string][]string{"StartQueryExecution": {"ThrottlingException", "ThrottlingException", "ThrottlingException"}}}
	a2 := newFakeAthena(t, f2)
	a2.cfg.Retries = 2
	if _, _, err := a2.Execute(context.Background(), "SELECT 1"); err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Errorf("error %v; want the ThrottlingException after 2 retries", err)
	}
}

func TestAthenaRun_Cancel(t *testing.T) {
	f := &fakeAthena{states: []string{"RUNNING"}, polled: make(chan struct{}, 100), scanned: 200 << 20}
	a := newFakeAthena(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-f.polled // the query is running: Ctrl-C
		cancel()
	}()
	_, st, err := a.Execute(ctx, "SELECT * FROM cloudtrail_logs")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v; want context.Canceled", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped != "qid-1" {
		t.Errorf("StopQueryExecution of %q; want qid-1 (calls %v)", f.stopped, f.calls)
	}
	if st.State != "CANCELLED" || st.DataScanned != 200<<20 || st.Cost != AthenaCost(200<<20) {
		t.Errorf("state %s, scanned %d, cost %v; want CANCELLED, billed for 200 MiB", st.State, st.DataScanned, st.Cost)
	}
}

func TestNewAthena_Endpoint(t *testing.T) {
	// The production constructor: default chain (here the environment)
	// and an endpoint override.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
	f := &fakeAthena{t: t, states: []string{"SUCCEEDED"}, pages: []fakePage{{cols: [][2]string{{"x", "integer"}}, rows: [][]*string{{sp("x")}, {sp("1")}}}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	a, err := NewAthena(context.Background(), AthenaConfig{Region: "eu-west-1", EndpointURL: srv.URL, PollMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := a.Execute(context.Background(), "SELECT 1 AS x")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows(); !reflect.DeepEqual(got, [][]any{{int64(1)}}) || res.Types[0] != "integer" {
		t.Errorf("rows %v types %v", got, res.Types)
	}
	if f.start["WorkGroup"] != "primary" || f.start["ResultConfiguration"] != nil {
		t.Errorf("defaults: WorkGroup %v, ResultConfiguration %v; want primary and none", f.start["WorkGroup"], f.start["ResultConfiguration"])
	}
}

func TestAthenaCost(t *testing.T) {
	tests := []struct {
		bytes int64
		want  float64
	}{
		{0, 10 * 5.0 / (1 << 20)},          // 10 MB minimum
		{1, 10 * 5.0 / (1 << 20)},          // still the minimum
		{11<<20 + 1, 12 * 5.0 / (1 << 20)}, // rounded up to the next MB
		{1 << 40, 5},                       // one TB
		{3 << 40, 15},
	}
	for _, tt := range tests {
		if got := AthenaCost(tt.bytes); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("AthenaCost(%d) = %v; want %v", tt.bytes, got, tt.want)
		}
	}
}

func TestAthenaTypes_Success(t *testing.T) {
	tests := []struct {
		typ, in string
		want    any
	}{
		{"varchar", "a, b", "a, b"},
		{"integer", "-7", int64(-7)},
		{"bigint", "9007199254740993", int64(9007199254740993)},
		{"double", "1.5E10", 1.5e10},
		{"double", "-Infinity", math.Inf(-1)},
		{"decimal(10,2)", "12.34", 12.34},
		{"boolean", "true", true},
		{"timestamp", "2024-03-05 15:02:41", time.Date(2024, 3, 5, 15, 2, 41, 0, time.UTC)},
		{"timestamp", "2024-03-05 15:02:41.123456", time.Date(2024, 3, 5, 15, 2, 41, 123456000, time.UTC)},
		{"timestamp with time zone", "2024-03-05 15:02:41.000 UTC", time.Date(2024, 3, 5, 15, 2, 41, 0, time.UTC)},
		{"timestamp with time zone", "2024-03-05 16:02:41.000 +01:00", time.Date(2024, 3, 5, 15, 2, 41, 0, time.UTC)},
		{"date", "2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"json", `{"a":1}`, `{"a":1}`},
		{"array", "[a, null, [b, c]]", []any{"a", nil, []any{"b", "c"}}},
		{"array", "[{arn=arn:aws:s3:::b, accountid=null, type=AWS::S3::Bucket}]",
			[]any{map[string]any{"arn": "arn:aws:s3:::b", "accountid": nil, "type": "AWS::S3::Bucket"}}},
		{"map", "{k1=v1, k2=[x]}", map[string]any{"k1": "v1", "k2": []any{"x"}}},
		{"row", "{type=IAMUser, sessioncontext={attributes={mfaauthenticated=false}}}",
			map[string]any{"type": "IAMUser", "sessioncontext": map[string]any{"attributes": map[string]any{"mfaauthenticated": "false"}}}},
		{"interval day to second", "1 02:03:04.000", "1 02:03:04.000"},
		{"ipaddress", "10.0.0.1", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x0a\x00\x00\x01"},
		{"ipaddress", "2001:db8::1", "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"},
	}
	for _, tt := range tests {
		got, err := athenaTypeOf(tt.typ).parse(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: got %#v, %v; want %#v", tt.typ, tt.in, got, err, tt.want)
		}
	}
}

func TestAthenaTypes_Failure(t *testing.T) {
	tests := []struct{ typ, in string }{
		{"bigint", "1.5"},
		{"integer", "x"},
		{"double", "one"},
		{"boolean", "yes"},
		{"timestamp", "2024-03-05T15:02:41Z"},
		{"date", "05/03/2024"},
		{"array", "[a, b"},
		{"map", "{k}"},
		{"row", "{a=b} x"},
		{"ipaddress", "ec2.amazonaws.com"},
	}
	for _, tt := range tests {
		if got, err := athenaTypeOf(tt.typ).parse(tt.in); err == nil {
			t.Errorf("%s %q: got %#v; want an error", tt.typ, tt.in, got)
		}
	}
}

func TestAthenaRun_BadValue(t *testing.T) {
	f := &fakeAthena{states: []string{"SUCCEEDED"}, pages: []fakePage{
		{cols: [][2]string{{"n", "bigint"}}, rows: [][]*string{{sp("n")}, {sp("1")}, {sp("x")}}},
	}}
	a := newFakeAthena(t, f)
	_, _, err := a.Execute(context.Background(), "SELECT n FROM t")
	if want := `athena query qid-1: cannot read results: athena query qid-1: row 2, column n: expected bigint, found "x"`; err == nil || err.Error() != want {
		t.Errorf("error %v; want %s", err, want)
	}
}

// FuzzAthenaComplex: Athena's renderings of arrays, maps and rows never
// make the reader panic or loop.
func FuzzAthenaComplex(f *testing.F) {
	for _, s := range []string{"[a, b]", "{k=v, m=[1, 2]}", "[{arn=x, type=null}]", "[]", "{}", "[[[", "{=}", "[a, ", "{a=b}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseAthenaComplex(s)
	})
}
