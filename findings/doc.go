// Package findings turns the result rows of saved hunts into findings and
// delivers them, exactly once per finding, to where people and systems act
// on them.
//
// # Findings
//
// A [Finding] is one thing a responder looks at: the hunt that found it,
// severity, MITRE ATT&CK tactics and techniques, the resource and actor,
// account and region, first and last seen, a count, capped evidence rows and
// the source objects. Its ID is stable: [NewID] hashes the hunt ID, the
// hunt's dedup key values and the suppression window bucket ([Bucket]), so
// the same activity found again — by the next scheduled run, or by a re-run
// over a late file — has the same ID.
//
// # State
//
// [State] is the run state of `hunt run --state FILE`: per source, which
// objects were read (key and ETag, or size and modification time, below a
// late-arrival horizon), and per finding ID when it was delivered, and to
// which sinks a pending finding still has to go. [LockState] takes an
// exclusive lock so two runs never overlap; [State.Save] writes atomically
// (temporary file, sync, rename). State advances only after delivery:
// a crash leaves the previous state, and the next run sends again.
//
// # Sinks
//
// A [Sink] takes findings and says which it accepted; the rest come back
// in a [SendError], per finding, and are sent again next run. [OpenSinks]
// opens them from `--sink` specs: "stdout", "file:PATH.jsonl",
// "ocsf:PATH" (OCSF Detection Finding JSON Lines), "sns:TOPIC_ARN"
// (PublishBatch, FIFO-aware, size-capped messages with filter attributes)
// and "securityhub[:REGION]" (BatchImportFindings with ASFF; a finding seen
// again updates the same Id). With SinkOptions.DryRun every sink prints the
// payloads it would send and accepts nothing.
//
// For example, a hunt row
//
//	eventtime=2024-03-05T15:31:19Z eventname=StopLogging actor=arn:aws:sts::111122223333:assumed-role/OpsAdmin/alice
//	trail=arn:aws:cloudtrail:us-east-1:111122223333:trail/management
//
// of hunt cloudtrail_stopped (dedup key: account, trail; window 24h) becomes
// one HIGH finding whose ID is NewID("cloudtrail_stopped",
// ["111122223333", "arn:...:trail/management"], 2024-03-05T00:00:00Z).
package findings
