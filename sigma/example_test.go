package sigma_test

import (
	"fmt"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/sigma"
)

// A rule's detection becomes one SQL expression: case-folded, wildcards as
// LIKE, every search two-valued.
func Example() {
	res := sigma.Parse("stop.yml", []byte(`title: Trail stopped
level: high
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: [StopLogging, DeleteTrail]
  filter:
    userAgent|contains: terraform
  condition: selection and not filter
`))
	where, err := sigma.Compile(res.Rules[0], parsers.CloudTrail, sigma.Options{})
	fmt.Println(where, err)

	bad := sigma.Parse("bad.yml", []byte("title: t\ndetection:\n  s: {eventName|sounds: x}\n  condition: s and t\n"))
	fmt.Println(bad.Errors[0])
	// Output:
	// coalesce(lower(eventsource) = 'cloudtrail.amazonaws.com' AND lower(eventname) IN ('stoplogging', 'deletetrail'), false) AND NOT coalesce(lower(useragent) LIKE '%terraform%', false) <nil>
	// bad.yml:4:20: detection.condition: expected a search identifier (s), found "t"
}
