package sigma

import (
	"bytes"
	"encoding/json"

	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// semRecords are the records the semantics tests run on, by index. Each
// test lists the indexes it must match; the engine (compiled SQL) and the
// oracle must both give exactly those.
var semRecords = []string{
	/*0*/ `{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","userAgent":"aws-cli/2.0 Python","sourceIPAddress":"10.1.2.3","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/Alice","userName":"alice"},"requestParameters":{"name":"trail-1","userName":"Alice","count":5,"flag":true,"items":[{"proto":"tcp","ports":[22,80]},{"proto":"UDP"}],"tags":["a*b","x?y"]}}`,
	/*1*/ `{"eventName":"stoplogging","eventSource":"CloudTrail.amazonaws.com","userAgent":"Terraform/1.5","sourceIPAddress":"192.168.0.9","errorCode":"AccessDenied","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/aws:ec2-infrastructure/i-1"},"requestParameters":{"name":"100%_sure\\path","count":50}}`,
	/*2*/ `{"eventName":"DeleteTrail","eventSource":"cloudtrail.amazonaws.com","userAgent":"c:\\windows\\system32\\cmd.exe /c whoami","sourceIPAddress":"ec2.amazonaws.com","requestParameters":{"cmd":"powershell -enc ZQBjAGgAbwAgAGgAaQA=","blob":"SGVsbG8gd29ybGQh"}}`,
	/*3*/ `{"eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","sourceIPAddress":"2001:db8::1","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"resources":[{"ARN":"arn:aws:s3:::logs","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::Secret-Bucket","type":"AWS::S3::Bucket"}]}`,
}

func TestSemantics(t *testing.T) {
	tests := []struct {
		name      string
		detection string // the detection section, indented by 2
		want      []int
	}{
		// Plain values, lists, maps, case folding.
		{"equals folds case", "s: {eventName: STOPLOGGING}\ncondition: s", []int{0, 1}},
		{"cased", "s: {eventName|cased: StopLogging}\ncondition: s", []int{0}},
		{"list is OR", "s: {eventName: [DeleteTrail, PutBucketPolicy]}\ncondition: s", []int{2, 3}},
		{"map is AND", "s: {eventName: stoplogging, errorCode: AccessDenied}\ncondition: s", []int{1}},
		{"list of maps is OR", "s:\n  - eventName: DeleteTrail\n  - errorCode: AccessDenied\ncondition: s", []int{1, 2}},
		{"all", "s: {userAgent|contains|all: [aws, python]}\ncondition: s", []int{0}},
		{"all of equalities", "s: {eventName|all: [StopLogging, DeleteTrail]}\ncondition: s", nil},
		{"all of equal values", "s: {eventName|all: [StopLogging, STOPLOGGING]}\ncondition: s", []int{0, 1}},
		// Wildcards and escaping.
		{"star", "s: {eventName: 'Stop*'}\ncondition: s", []int{0, 1}},
		{"question", "s: {eventName: 'D?leteTrail'}\ncondition: s", []int{2}},
		{"escaped star is literal", `s: {requestParameters.tags: 'a\*b'}` + "\ncondition: s", []int{0}},
		{"escaped question is literal", `s: {requestParameters.tags: 'x\?y'}` + "\ncondition: s", []int{0}},
		{"percent and underscore are literal", "s: {requestParameters.name|startswith: '100%_'}\ncondition: s", []int{1}},
		{"backslash", `s: {userAgent|startswith: 'c:\windows\'}` + "\ncondition: s", []int{2}},
		{"double backslash is one", `s: {requestParameters.name|endswith: 'sure\\path'}` + "\ncondition: s", []int{1}},
		{"contains startswith endswith", "s1: {userAgent|contains: 'cli/2'}\ns2: {userAgent|startswith: terraform}\ns3: {userAgent|endswith: WHOAMI}\ncondition: 1 of s*", []int{0, 1, 2}},
		// null, exists, missing fields under not.
		{"null", "s: {errorCode: null}\ncondition: s", []int{0, 2, 3}},
		{"exists true", "s: {errorCode|exists: true}\ncondition: s", []int{1}},
		{"exists false", "s: {errorCode|exists: false}\ncondition: s", []int{0, 2, 3}},
		{"not over a missing field is true", "s: {errorCode: AccessDenied}\ncondition: not s", []int{0, 2, 3}},
		{"not over a missing JSON path is true", "s: {requestParameters.name|contains: trail}\ncondition: not s", []int{1, 2, 3}},
		{"and not", "s: {eventSource: cloudtrail.amazonaws.com}\nf: {userAgent|contains: terraform}\ncondition: s and not f", []int{0, 2}},
		// Conditions.
		{"parentheses", "a: {eventName: DeleteTrail}\nb: {eventName: StopLogging}\nc: {errorCode: AccessDenied}\ncondition: (a or b) and not c", []int{0, 2}},
		{"precedence: and binds tighter than or", "a: {eventName: DeleteTrail}\nb: {eventName: StopLogging}\nc: {errorCode: AccessDenied}\ncondition: a or b and c", []int{1, 2}},
		{"all of pattern", "sel_a: {eventSource: cloudtrail.amazonaws.com}\nsel_b: {eventName: 'stop*'}\ncondition: all of sel_*", []int{0, 1}},
		{"1 of them", "a: {eventName: DeleteTrail}\nb: {errorCode: AccessDenied}\ncondition: 1 of them", []int{1, 2}},
		{"all of them skips underscore", "a: {eventSource: cloudtrail.amazonaws.com}\n_b: {eventName: nothing}\ncondition: all of them", []int{0, 1, 2}},
		{"condition list is OR", "a: {eventName: DeleteTrail}\nb: {errorCode: AccessDenied}\ncondition: [a, b]", []int{1, 2}},
		// Type modifiers.
		{"re", "s: {userIdentity.arn|re: '.+:assumed-role/aws:.+'}\ncondition: s", []int{1}},
		{"re is cased", "s: {userIdentity.arn|re: 'ALICE'}\ncondition: s", nil},
		{"re i", "s: {userIdentity.arn|re|i: 'ALICE$'}\ncondition: s", []int{0}},
		{"re s and m", "s1: {userAgent|re|s: 'cmd.exe.*whoami'}\ns2: {userAgent|re|m: '^c:'}\ncondition: s1 and s2", []int{2}},
		{"cidr v4", "s: {sourceIPAddress|cidr: 10.0.0.0/8}\ncondition: s", []int{0}},
		{"cidr list and v6", "s: {sourceIPAddress|cidr: [192.168.0.0/16, '2001:db8::/32']}\ncondition: s", []int{1, 3}},
		{"gt gte lt lte", "a: {requestParameters.count|gt: 5}\nb: {requestParameters.count|gte: 5}\ncondition: b and not a", []int{0}},
		{"lt", "s: {requestParameters.count|lt: 50}\ncondition: s", []int{0}},
		{"lte", "s: {requestParameters.count|lte: 50}\ncondition: s", []int{0, 1}},
		{"fieldref", "s: {userIdentity.userName|fieldref: requestParameters.userName}\ncondition: s", []int{0}},
		{"fieldref cased", "s: {userIdentity.userName|fieldref|cased: requestParameters.userName}\ncondition: s", nil},
		{"neq", "s: {eventSource: cloudtrail.amazonaws.com}\nn: {eventName|neq: stoplogging}\ncondition: s and n", []int{2}},
		{"numbers and booleans compare as text", "s: {requestParameters.count: 5, requestParameters.flag: true}\ncondition: s", []int{0}},
		// Encodings.
		{"base64", "s: {requestParameters.blob|base64: 'Hello world!'}\ncondition: s", []int{2}},
		{"base64offset contains", "s: {requestParameters.blob|base64offset|contains: 'world'}\ncondition: s", []int{2}},
		{"wide base64offset", "s: {requestParameters.cmd|wide|base64offset|contains: 'echo'}\ncondition: s", []int{2}},
		{"windash", "s: {userAgent|windash|contains: ' -c '}\ncondition: s", []int{2}},
		// Arrays inside JSON.
		{"array of objects", "s: {requestParameters.items.proto: udp}\ncondition: s", []int{0}},
		{"array in array", "s: {requestParameters.items.ports: 22}\ncondition: s", []int{0}},
		{"array leaf contains", "s: {requestParameters.tags|contains: '?'}\ncondition: s", []int{0}},
		{"raw JSON column contains", "s: {responseElements|contains: '\"ConsoleLogin\":\"Failure\"'}\ncondition: s", []int{3}},
		{"raw JSON null", "s: {requestParameters: null}\ncondition: s", []int{3}},
		{"list of structs: any element", "s: {resources.ARN|endswith: ':secret-bucket'}\ncondition: s", []int{3}},
		{"list of structs: exists", "s: {resources.ARN|exists: true}\ncondition: s", []int{3}},
		{"list of structs: not", "s: {resources.type: 'AWS::S3::Bucket'}\ncondition: not s", []int{0, 1, 2}},
		{"placeholder", "s: {userIdentity.userName|expand: '%admins%'}\ncondition: s", []int{0}},
	}
	opts := Options{Placeholders: map[string][]string{"admins": {"root", "ali*"}}}
	var recs []map[string]any
	var buf bytes.Buffer
	for i, r := range semRecords {
		dec := json.NewDecoder(strings.NewReader(r))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		m["eventID"] = "r" + strconv.Itoa(i)
		m["eventTime"] = "2024-05-01T10:00:00Z"
		recs = append(recs, m)
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(m)
	}
	recs = decodeRecords(buf.Bytes())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  " + strings.ReplaceAll(tt.detection, "\n", "\n  ") + "\n"
			res := Parse("t.yml", []byte(src))
			if len(res.Errors) > 0 {
				t.Fatalf("%v\n%s", res.Errors[0], src)
			}
			r := res.Rules[0]
			where, err := Compile(r, TableFor0(t, r), opts)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, i := range tt.want {
				want = append(want, "r"+strconv.Itoa(i))
			}
			var oracle []string
			for i, rec := range recs {
				if oracleMatch(r, rec, opts) {
					oracle = append(oracle, "r"+strconv.Itoa(i))
				}
			}
			got := engineRun(t, "SELECT eventid FROM cloudtrail WHERE "+where, buf.Bytes())
			if !slices.Equal(got, want) {
				t.Errorf("engine: got %v; want %v\nSQL: %s", got, want, where)
			}
			if !slices.Equal(oracle, want) {
				t.Errorf("oracle: got %v; want %v", oracle, want)
			}
		})
	}
}

func TableFor0(t *testing.T, r *Rule) *parsers.Table {
	t.Helper()
	tb, err := TableFor(r)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// TestCompile_Failure: what cannot run is a positioned error, never a
// silent non-match. ¶ marks the expected position.
func TestCompile_Failure(t *testing.T) {
	tests := []struct{ name, detection, want string }{
		{"unknown modifier", "s:\n  ¶eventName|sounds: x\ncondition: s", `expected a modifier (contains`},
		{"time modifier", "s:\n  ¶eventTime|hour: 3\ncondition: s", `time modifier "hour"`},
		{"unknown field", "s:\n  ¶status: success\ncondition: s", `found "status"`},
		{"unknown struct field", "s:\n  ¶userIdentity.nope: x\ncondition: s", `useridentity has`},
		{"keyword", "s:\n  - ¶evil\ncondition: s", `keyword search (table cloudtrail has no raw event text`},
		{"bad regexp", "s:\n  eventName|re: ¶'a('\ncondition: s", `expected a regular expression`},
		{"bad cidr", "s:\n  sourceIPAddress|cidr: ¶10.0.0.0/99\ncondition: s", `expected a CIDR network`},
		{"gt needs a number", "s:\n  requestParameters.count|gt: ¶many\ncondition: s", `expected a number with gt`},
		{"all with one value", "s:\n  ¶eventName|all: x\ncondition: s", `expected a list of two or more values`},
		{"utf16 alone", "s:\n  eventName|wide: ¶x\ncondition: s", `expected base64 or base64offset after wide`},
		{"missing placeholder", "s:\n  eventName|expand: ¶'%nope%'\ncondition: s", `placeholder %nope%`},
		{"exists not bool", "s:\n  eventName|exists: ¶maybe\ncondition: s", `expected true or false with exists`},
		{"re sub-modifier without re", "s:\n  ¶eventName|i: x\ncondition: s", `after re`},
		{"base64 of wildcards", "s:\n  eventName|contains|base64: ¶x\ncondition: s", `without wildcards before base64`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			det := "  " + strings.ReplaceAll(tt.detection, "\n", "\n  ")
			src := "title: t\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n" + det + "\n"
			off := strings.Index(src, "¶")
			src = strings.Replace(src, "¶", "", 1)
			line := strings.Count(src[:off], "\n") + 1
			col := off - strings.LastIndexByte(src[:off], '\n')
			res := Parse("t.yml", []byte(src))
			if len(res.Errors) > 0 {
				t.Fatalf("load: %v", res.Errors[0])
			}
			r := res.Rules[0]
			_, err := Compile(r, TableFor0(t, r), Options{})
			if err == nil {
				t.Fatalf("compiled; want error %q", tt.want)
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %T %v", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q; want %q", err, tt.want)
			}
			if e.Pos.Line != line || e.Pos.Col != col {
				t.Errorf("got position %d:%d; want %d:%d (%v)", e.Pos.Line, e.Pos.Col, line, col, err)
			}
		})
	}
}
