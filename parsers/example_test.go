package parsers_test

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/hunt-sec/hunt/parsers"
)

// ExampleNewCloudTrailReader reads a delivery object projected onto three
// columns, one of them a nested field.
func ExampleNewCloudTrailReader() {
	input := `{"Records":[
	  {"eventVersion":"1.08","eventTime":"2024-03-05T15:02:41Z","eventName":"CreateNetworkAclEntry",
	   "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},"requestParameters":{"ruleNumber":90}},
	  {"eventVersion":"1.08","eventTime":"2024-03-05T15:20:45Z","eventName":"ConsoleLogin",
	   "userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"}}]}`
	r, err := parsers.NewCloudTrailReader(strings.NewReader(input), "example.json",
		parsers.WithColumns("eventtime", "eventname", "useridentity.arn"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
		b := r.Batch()
		times := b.Column(1).(*array.String)
		names := b.Column(2).(*array.Dictionary)
		arns := b.Column(0).(*array.Struct).Field(0).(*array.String)
		for i := range int(b.NumRows()) {
			name := names.Dictionary().(*array.String).Value(names.GetValueIndex(i))
			fmt.Println(times.Value(i), name, arns.Value(i))
		}
	}
	fmt.Println(r.Stats().Records, "records,", r.Stats().Rejected, "rejected, err:", r.Err())
	// Output:
	// 2024-03-05T15:02:41Z CreateNetworkAclEntry arn:aws:iam::111122223333:user/alice
	// 2024-03-05T15:20:45Z ConsoleLogin arn:aws:iam::111122223333:root
	// 2 records, 0 rejected, err: <nil>
}

// ExampleParseError shows the message of a rejected record.
func ExampleParseError() {
	input := `{"Records":[{"eventVersion":"1.08","eventTime":1709650800,"eventName":"X"}]}`
	r, _ := parsers.NewCloudTrailReader(strings.NewReader(input), "s3://trail/x.json.gz", parsers.WithColumns("eventname"))
	defer r.Release()
	for r.Next() {
	}
	fmt.Println(r.Rejects().Errs[0])
	// Output:
	// s3://trail/x.json.gz: offset 47 (Records[0].eventTime): expected string (RFC 3339 time), found number 1709650800
}
