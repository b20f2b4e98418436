package bench

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

func TestCloudTrailObjects_Valid(t *testing.T) {
	dir, m := testCorpus(t)
	ids := map[string]bool{}
	n := 0
	for _, o := range m.Objects {
		if o.Kind != KindCloudTrail {
			continue
		}
		doc := readGzip(t, filepath.Join(dir, o.Key))
		if !bytes.HasPrefix(doc, []byte(`{"Records":[{`)) || !bytes.HasSuffix(doc, []byte(`}]}`)) {
			t.Fatalf("%s: not a compact {\"Records\":[…]} document: %.40q…", o.Key, doc)
		}
		var d struct{ Records []map[string]json.RawMessage }
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatalf("%s: %v", o.Key, err)
		}
		if len(d.Records) != o.Records {
			t.Errorf("%s: %d records; manifest says %d", o.Key, len(d.Records), o.Records)
		}
		delivered, err := time.Parse("20060102T1504Z", ctKeyRE.FindStringSubmatch(o.Key)[7])
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range d.Records {
			for _, k := range []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
				"sourceIPAddress", "requestParameters", "responseElements", "eventID", "eventType", "recipientAccountId", "eventCategory"} {
				if _, ok := r[k]; !ok {
					t.Fatalf("%s: Records[%d] has no %s", o.Key, i, k)
				}
			}
			var id, region, recipient, ts string
			json.Unmarshal(r["eventID"], &id)
			json.Unmarshal(r["awsRegion"], &region)
			json.Unmarshal(r["recipientAccountId"], &recipient)
			json.Unmarshal(r["eventTime"], &ts)
			if ids[id] {
				t.Fatalf("%s: Records[%d]: duplicate eventID %s", o.Key, i, id)
			}
			ids[id] = true
			if region != o.Region || recipient != o.Account {
				t.Fatalf("%s: Records[%d]: region %s account %s", o.Key, i, region, recipient)
			}
			et, err := time.Parse(time.RFC3339, ts)
			if err != nil {
				t.Fatalf("%s: Records[%d].eventTime: %v", o.Key, i, err)
			}
			if et.After(delivered) || et.Before(delivered.Add(-6*time.Minute)) {
				t.Fatalf("%s: Records[%d].eventTime %s not in the 6 minutes before delivery", o.Key, i, ts)
			}
			n++
		}
	}
	if int64(n) != m.CloudTrailRecords {
		t.Errorf("read %d records; manifest says %d", n, m.CloudTrailRecords)
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGenerateCloudTrailRecords(t *testing.T) {
	const n = 4000
	doc := GenerateCloudTrailRecords(7, n)
	if !bytes.Equal(doc, GenerateCloudTrailRecords(7, n)) {
		t.Fatal("two calls with the same seed differ")
	}
	var d struct {
		Records []json.RawMessage
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != n {
		t.Fatalf("%d records; want %d", len(d.Records), n)
	}
	names, types, services := map[string]int{}, map[string]int{}, map[string]bool{}
	var total, largest, errs, tls, mfaSessions, logins, invokedBy int
	for i, raw := range d.Records {
		total += len(raw)
		largest = max(largest, len(raw))
		var r struct {
			EventID      string
			EventName    string
			EventSource  string
			ErrorCode    string
			TLSDetails   *struct{ TLSVersion string }
			UserIdentity struct {
				Type, InvokedBy string
				SessionContext  *struct {
					Attributes struct{ MfaAuthenticated, CreationDate string }
				}
			}
			AdditionalEventData struct{ MFAUsed string }
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("Records[%d]: %v", i, err)
		}
		if !uuidRE.MatchString(r.EventID) {
			t.Fatalf("Records[%d].eventID %q is not UUID-shaped", i, r.EventID)
		}
		names[r.EventName]++
		types[r.UserIdentity.Type]++
		services[r.EventSource] = true
		if r.ErrorCode != "" {
			errs++
		}
		if r.TLSDetails != nil {
			tls++
		}
		if r.UserIdentity.InvokedBy != "" {
			invokedBy++
		}
		if sc := r.UserIdentity.SessionContext; sc != nil {
			if sc.Attributes.MfaAuthenticated != "true" && sc.Attributes.MfaAuthenticated != "false" {
				t.Fatalf("Records[%d]: mfaAuthenticated %q", i, sc.Attributes.MfaAuthenticated)
			}
			if sc.Attributes.MfaAuthenticated == "true" {
				mfaSessions++
			}
		}
		if r.EventName == "ConsoleLogin" {
			logins++
			if r.AdditionalEventData.MFAUsed != "Yes" {
				t.Errorf("Records[%d]: background ConsoleLogin with MFAUsed %q", i, r.AdditionalEventData.MFAUsed)
			}
		}
	}
	avg := total / n
	t.Logf("%d records, average %d B, largest %d B, %d event names, %d services, types %v, %.1f%% errors",
		n, avg, largest, len(names), len(services), types, 100*float64(errs)/n)
	if avg < 1500 || avg > 2048 {
		t.Errorf("average record %d B; want 1.5-2 KB", avg)
	}
	if largest <= 20<<10 {
		t.Errorf("largest record %d B; want a tail past 20 KB", largest)
	}
	if len(names) < 40 || len(services) < 14 {
		t.Errorf("%d event names over %d services; want about 40 over 14+", len(names), len(services))
	}
	for _, typ := range []string{"IAMUser", "AssumedRole", "AWSService"} {
		if types[typ] < n/50 {
			t.Errorf("%d %s identities in %d records; want at least 2%%", types[typ], typ, n)
		}
	}
	if errs < n/100 || errs > n/15 {
		t.Errorf("%d errors in %d records; want a few percent", errs, n)
	}
	if tls < n/2 || mfaSessions == 0 || logins == 0 || invokedBy == 0 {
		t.Errorf("tlsDetails %d, MFA sessions %d, console logins %d, invokedBy %d; want each present", tls, mfaSessions, logins, invokedBy)
	}
}

func BenchmarkCloudTrailObject(b *testing.B) {
	cfg := withDefaults(Config{Seed: 1})
	c := ctWriter{w: newWorld(cfg)}
	j := job{kind: KindCloudTrail, t: cfg.Start.Unix() + 3600, target: 4 << 20}
	b.ReportAllocs()
	b.SetBytes(int64(j.target))
	for b.Loop() {
		j.seed++
		c.object(&j, nil)
	}
}
