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
// which sinks a pending finding still has to go. A state file says what it
// is ("format": "hunt-state"); anything else is an error, never an empty
// state. [LockState] takes an exclusive flock(2), held for the whole run
// and released by the OS if the run dies, so two runs never overlap;
// [State.Save] writes atomically (temporary file, sync, rename).
//
// # Delivering each finding once
//
// [Deliver] holds the rule that state advances only after delivery: a
// finding is recorded as delivered (and suppressed from then on) once every
// sink accepted it, and stays pending, with the sinks that took it, until
// then. Between two saves of the state, Deliver keeps a journal next to it
// (STATE.journal, JSON Lines, each record synced). Deliver reads the
// findings as a stream and works in groups of at most 1,000, so a run
// holds one group at a time: per group, first the findings about to be
// sent with their send stamp — if that write fails, nothing is sent from
// then on — then, per sink, a record before each Send and one after it
// with what was accepted. A group never journaled was never sent. [LoadState] folds a journal left by a run that died
// before saving, so the next run neither loses nor re-sends what the sinks
// accepted. Only a Send cut short by the crash is uncertain; its findings
// are in flight to that sink, and the next run completes it without
// duplicates where the sink allows: the file sinks find the lines already
// written ([Recoverer]), Security Hub gets the same UpdatedAt and ignores
// the repeat ([StampedSink]), an SNS FIFO topic gets the same
// MessageDeduplicationId (the finding ID) and drops a repeat within its
// five-minute deduplication window. A standard SNS topic and stdout may
// repeat that one Send's findings: at least once there, exactly once
// elsewhere. [State.Save] removes the journal once the state holds it.
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
