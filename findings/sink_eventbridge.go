package findings

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
)

// EventBridge limits and names.
const (
	// ebMaxBatch is the most entries one PutEvents takes.
	ebMaxBatch = 10
	// ebMaxBytes bounds one PutEvents request, counted as EventBridge
	// does: Source, DetailType, Detail, Resources and 14 bytes for Time.
	ebMaxBytes = 256 << 10
	// EventSource and EventDetailType are what rules match findings on:
	// {"source": ["hunt"], "detail-type": ["hunt Finding"]}.
	EventSource     = "hunt"
	EventDetailType = "hunt Finding"
)

// ebTransient are the PutEvents entry error codes worth re-sending.
var ebTransient = map[string]bool{"InternalFailure": true, "ThrottlingException": true, "InternalException": true, "ServiceUnavailable": true}

// EventBridgeSink puts each finding on an event bus as one event with
// PutEvents, up to 10 events and 256 KiB per call: source "hunt",
// detail-type "hunt Finding", the finding's JSON as detail and its time as
// the event time. A finding too large for one event loses evidence rows
// from the end (evidence_truncated is set), never its other fields.
//
// A finding is accepted when its result entry carries an event ID.
// Entries that failed with InternalFailure or ThrottlingException are
// re-sent in later rounds with backoff, others are rejected at once.
// EventBridge does not deduplicate: a call whose response was lost and
// that the SDK retried may put an event twice, so rules' targets dedup on
// detail.id.
type EventBridgeSink struct {
	client   *eventbridge.Client
	bus      string // name or ARN; "" is the account's default bus
	opts     SinkOptions
	accepted acceptedSet
}

// NewEventBridgeSink returns a sink putting events on bus ("" for the
// default bus) with client.
func NewEventBridgeSink(client *eventbridge.Client, bus string, opts SinkOptions) (*EventBridgeSink, error) {
	if _, err := parseBus(bus); err != nil {
		return nil, err
	}
	return &EventBridgeSink{client: client, bus: bus, opts: opts.withDefaults(), accepted: acceptedSet{}}, nil
}

func newEventBridgeSinkFromConfig(cfg aws.Config, bus string, opts SinkOptions) (*EventBridgeSink, error) {
	region, err := parseBus(bus)
	if err != nil {
		return nil, err
	}
	client := eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) {
		if region != "" {
			o.Region = region // a bus ARN names its region
		}
	})
	return NewEventBridgeSink(client, bus, opts)
}

// parseBus checks a bus name or ARN and returns the ARN's region.
func parseBus(bus string) (string, error) {
	if strings.HasPrefix(bus, "arn:") {
		a, err := arn.Parse(bus)
		if err != nil || a.Service != "events" || a.Region == "" || !strings.HasPrefix(a.Resource, "event-bus/") {
			return "", fmt.Errorf("expected an event bus name or ARN (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), found %q", bus)
		}
		return a.Region, nil
	}
	for _, r := range bus {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-", r)) || len(bus) > 256 {
			return "", fmt.Errorf("expected an event bus name ([/.-_A-Za-z0-9]{1,256}) or ARN, found %q", bus)
		}
	}
	return "", nil
}

// Name returns "eventbridge" or "eventbridge:BUS".
func (s *EventBridgeSink) Name() string {
	if s.bus == "" {
		return "eventbridge"
	}
	return "eventbridge:" + s.bus
}

// ebEvent is one finding's PutEvents entry.
type ebEvent struct {
	f      *Finding
	detail string
	size   int
}

// Send puts every finding not accepted before; see [Sink].
func (s *EventBridgeSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	todo, accepted, rejected := s.accepted.pending(fs)
	evs := make([]ebEvent, 0, len(todo))
	for i := range todo {
		e, err := ebEntry(&todo[i])
		if err != nil {
			rejected = append(rejected, Rejection{ID: todo[i].ID, Code: "TooLarge", Message: err.Error(), IsPermanent: true})
			continue
		}
		evs = append(evs, e)
	}
	if s.opts.DryRun {
		s.printDryRun(s.opts.Stdout, evs)
		return nil, sendErr(s.Name(), rejected, nil)
	}
	ok, rej, stop := deliverRounds(ctx, s.opts, len(evs),
		func(i int) string { return evs[i].f.ID },
		func(pending []int) [][]int { return packEvents(evs, pending) },
		func(ctx context.Context, batch []int) (map[int]Rejection, error) {
			return s.put(ctx, evs, batch)
		})
	for _, i := range ok {
		s.accepted.add(evs[i].f.ID)
		accepted = append(accepted, evs[i].f.ID)
	}
	return accepted, sendErr(s.Name(), append(rejected, rej...), stop)
}

// ebEntry renders f as an event detail within ebMaxBytes, cutting
// evidence rows from the end when it does not fit.
func ebEntry(f *Finding) (ebEvent, error) {
	fixed := len(EventSource) + len(EventDetailType) + 14
	g := *f
	for rows := len(f.Evidence); ; {
		b, err := json.Marshal(&g)
		if err != nil {
			return ebEvent{}, fmt.Errorf("cannot encode finding as JSON: %w", err)
		}
		if fixed+len(b) <= ebMaxBytes {
			return ebEvent{f: f, detail: string(b), size: fixed + len(b)}, nil
		}
		if rows == 0 {
			return ebEvent{}, fmt.Errorf("finding does not fit in an EventBridge event of %d bytes even without evidence", ebMaxBytes)
		}
		rows /= 2
		g.Evidence, g.EvidenceTruncated = f.Evidence[:rows], true
	}
}

// packEvents groups pending events into PutEvents calls of at most
// ebMaxBatch entries and ebMaxBytes, in order.
func packEvents(evs []ebEvent, pending []int) [][]int {
	var (
		batches [][]int
		cur     []int
		size    int
	)
	for _, i := range pending {
		if len(cur) == ebMaxBatch || (len(cur) > 0 && size+evs[i].size > ebMaxBytes) {
			batches = append(batches, cur)
			cur, size = nil, 0
		}
		cur = append(cur, i)
		size += evs[i].size
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// put sends one batch and returns the entries that failed. Result
// entries are in request order.
func (s *EventBridgeSink) put(ctx context.Context, evs []ebEvent, batch []int) (map[int]Rejection, error) {
	in := &eventbridge.PutEventsInput{}
	for _, i := range batch {
		e := &evs[i]
		entry := types.PutEventsRequestEntry{
			Source:     aws.String(EventSource),
			DetailType: aws.String(EventDetailType),
			Detail:     aws.String(e.detail),
			Time:       aws.Time(e.f.LastSeen),
		}
		if s.bus != "" {
			entry.EventBusName = aws.String(s.bus)
		}
		in.Entries = append(in.Entries, entry)
	}
	out, err := s.client.PutEvents(ctx, in, func(o *eventbridge.Options) {
		o.APIOptions = append(o.APIOptions, withAttemptTimeout(s.opts.CallTimeout))
	})
	if err != nil {
		return nil, err
	}
	failed := map[int]Rejection{}
	for n, i := range batch {
		id := evs[i].f.ID
		if n >= len(out.Entries) {
			failed[i] = Rejection{ID: id, Code: "NoResult", Message: "PutEvents response did not list the entry"}
			continue
		}
		r := out.Entries[n]
		switch {
		case r.ErrorCode != nil:
			code := aws.ToString(r.ErrorCode)
			failed[i] = Rejection{ID: id, Code: code, Message: aws.ToString(r.ErrorMessage), IsPermanent: !ebTransient[code]}
		case r.EventId == nil:
			failed[i] = Rejection{ID: id, Code: "NoResult", Message: "PutEvents result entry has neither an event ID nor an error"}
		}
	}
	return failed, nil
}

// printDryRun prints each PutEvents entry that Send would put.
func (s *EventBridgeSink) printDryRun(w io.Writer, evs []ebEvent) {
	all := make([]int, len(evs))
	for i := range all {
		all[i] = i
	}
	batches := packEvents(evs, all)
	fmt.Fprintf(w, "dry-run %s: would put %d event(s) in %d PutEvents call(s)\n", s.Name(), len(evs), len(batches))
	for bi, b := range batches {
		for _, i := range b {
			e := &evs[i]
			fmt.Fprintf(w, "--- batch %d: finding %s, %d bytes, source %s, detail-type %s\n%s\n", bi+1, e.f.ID, e.size, EventSource, EventDetailType, e.detail)
		}
	}
}
