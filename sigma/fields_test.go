package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

func TestResolveField_Success(t *testing.T) {
	fm := FieldMap{"event.action": "eventName", "aws.cloudtrail.user_identity.arn": "userIdentity.arn"}
	for _, tt := range []struct {
		name string
		want string // SQL of the value
		kind fieldKind
	}{
		{"eventName", "eventname", fieldString},
		{"EVENTNAME", "eventname", fieldString},
		{"userIdentity.sessionContext.sessionIssuer.userName", "useridentity.sessioncontext.sessionissuer.username", fieldString},
		{"requestParameters.bucketName", "json_extract_scalar(requestparameters, '$.bucketName')", fieldJSON},
		{"requestParameters.a b", `json_extract_scalar(requestparameters, '$["a b"]')`, fieldJSON},
		{"additionalEventData.MFAUsed", "json_extract_scalar(additionaleventdata, '$.MFAUsed')", fieldJSON},
		{"responseElements", "responseelements", fieldJSONDoc},
		{"event.action", "eventname", fieldString},
		{"Event.Action", "eventname", fieldString},
		{"aws.cloudtrail.user_identity.arn", "useridentity.arn", fieldString},
		{"resources.ARN", "resources", fieldList},
	} {
		f, err := resolveField(tt.name, parsers.CloudTrail, fm)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if f.value() != tt.want || f.Kind != tt.kind {
			t.Errorf("%s: got %q (kind %d); want %q (kind %d)", tt.name, f.value(), f.Kind, tt.want, tt.kind)
		}
	}
	f, err := resolveField("dstport", parsers.VPCFlow, nil)
	if err != nil || f.Kind != fieldNumber {
		t.Errorf("dstport: %v %+v", err, f)
	}
}

func TestResolveField_Failure(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"status", `expected a field of table cloudtrail (a column such as`},
		{"userIdentity.nope", `useridentity has type, principalid`},
		{"eventName.x", `eventname has no field "x"`},
		{"userIdentity", `expected a field holding text or a number, found "userIdentity"`},
		{"requestParameters..x", `expected a field name, found "requestParameters..x"`},
		{"resources.nope", `the elements of resources have arn, accountid, type`},
		{"resources", `expected a field of the elements of list resources (resources.FIELD), found "resources"`},
	} {
		_, err := resolveField(tt.name, parsers.CloudTrail, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v; want %q", tt.name, err, tt.want)
		}
	}
}

func TestLoadFieldMapAndPlaceholders(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fm, err := LoadFieldMap(write("m.yml", "fields:\n  event.action: eventName\n"))
	if err != nil || fm["event.action"] != "eventName" {
		t.Fatalf("got %v %v", fm, err)
	}
	fm, err = LoadFieldMap(write("plain.yml", "event.action: eventName\n"))
	if err != nil || fm["event.action"] != "eventName" {
		t.Fatalf("plain mapping: got %v %v", fm, err)
	}
	for _, tt := range []struct{ text, want string }{
		{"fields:\n  a: [x]\n", "m2.yml:2:6: fields.a: expected a field name, found a list"},
		{"- a\n", "m2.yml:1:1: expected a mapping of Sigma field → hunt field, found a list"},
		{"fields: [\n", "m2.yml:1:1: yaml: expected valid YAML"},
	} {
		if _, err := LoadFieldMap(write("m2.yml", tt.text)); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, tt.want)) {
			t.Errorf("%q: got %v; want %q", tt.text, err, tt.want)
		}
	}
	ph, err := LoadPlaceholders(write("p.yml", "Admins: [root, 'admin*']\n'%Servers%': srv1\n"))
	if err != nil || len(ph["Admins"]) != 2 || ph["Servers"][0] != "srv1" {
		t.Fatalf("got %v %v", ph, err)
	}
	if _, err := LoadPlaceholders(write("p2.yml", "Admins: {a: b}\n")); err == nil || !strings.Contains(err.Error(), "p2.yml:1:9: Admins: expected a list of strings, found a mapping") {
		t.Errorf("got %v", err)
	}
}

func TestFieldSQL(t *testing.T) {
	for _, tt := range []struct{ name, want, err string }{
		{"sourceIPAddress", "sourceipaddress", ""},
		{"userIdentity.accessKeyId", "useridentity.accesskeyid", ""},
		{"requestParameters.userName", "json_extract_scalar(requestparameters, '$.userName')", ""},
		{"resources.ARN", "", "list field"},
		{"nope", "", `found "nope"`},
	} {
		got, err := FieldSQL(tt.name, parsers.CloudTrail, nil)
		if got != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: got %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.err)
		}
	}
}
