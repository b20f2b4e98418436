// Package sigma loads Sigma rules (YAML) and compiles their detections
// into the engine's SQL, so hunt runs them like saved hunts.
//
// # Data flow
//
//	rule.go     Load / LoadDir / Parse: YAML (yaml.Node, for positions) → []*Rule
//	            (detection and correlation rules; multi-document files with
//	            action: global / repeat), errors as *Error file:line:col
//	cond.go     ParseCondition: "selection and not 1 of filter*" → Expr
//	fields.go   Sigma field names (CloudTrail's own, or a field-map file) → columns
//	compile.go  Detection → one SQL boolean expression (Athena/Trino dialect)
//	hunt.go     Rule → queries.Hunt, which hunt run runs like any saved hunt
//
// A small rule and its SQL:
//
//	detection:
//	  selection:
//	    eventSource: cloudtrail.amazonaws.com
//	    eventName: StopLogging
//	  condition: selection
//
//	lower(eventsource) = 'cloudtrail.amazonaws.com' AND lower(eventname) = 'stoplogging'
//
// Matching follows Sigma, not SQL: it is case-insensitive unless |cased,
// and "not" is two-valued (a missing field makes a selection false, never
// unknown).
package sigma
