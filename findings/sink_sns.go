package findings

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNS limits (reference/sns.md).
const (
	// snsMaxBytes bounds one message and, separately, one PublishBatch
	// request: body, subject and message attributes (names, types, values)
	// all count.
	snsMaxBytes = 262144
	// snsMaxBatch is the most entries one PublishBatch takes.
	snsMaxBatch = 10
	// snsMaxSubject is one below the documented "less than 100 characters".
	snsMaxSubject = 99
	// snsMaxFIFOID bounds MessageGroupId and MessageDeduplicationId.
	snsMaxFIFOID = 128
	// snsMaxText bounds the free-text fields (description, remediation)
	// when a finding without evidence is still too large.
	snsMaxText = 8 << 10
)

// SNSSink publishes each finding as one message to an SNS topic with
// PublishBatch, up to 10 messages and 256 KiB per call.
//
// A message has a one-line subject ("[HIGH] title: resource"), a body with
// a human summary followed by the finding as indented JSON, and String
// message attributes severity, hunt_id, finding_id, account and region for
// subscription filter policies. On a FIFO topic (ARN ending in .fifo) the
// MessageGroupId is the hunt ID and the MessageDeduplicationId the finding
// ID (hashed with SHA-256 if it is not a valid dedup ID), so a re-send
// within the topic's dedup window is dropped by SNS. A finding too large for
// one message loses evidence rows from the end first, then long free text,
// never its identity, severity, resource, account, times or count; the body
// says what was cut.
//
// A finding is accepted when PublishBatch lists it as Successful. Entries
// that failed with SenderFault are rejected at once; other failed entries
// are re-sent in later rounds with backoff. On a standard topic a call
// whose response was lost and that the SDK retried may deliver a message
// twice: subscribers that must not see duplicates dedup on the finding_id
// attribute, or use a FIFO topic.
type SNSSink struct {
	client   *sns.Client
	topicArn string
	isFIFO   bool
	opts     SinkOptions
	accepted acceptedSet
}

// NewSNSSink returns a sink publishing to topicArn with client, which should
// use the retryer [OpenSinks] configures (throttling, 5xx, 429).
func NewSNSSink(client *sns.Client, topicArn string, opts SinkOptions) (*SNSSink, error) {
	if _, err := parseTopicArn(topicArn); err != nil {
		return nil, err
	}
	return &SNSSink{
		client:   client,
		topicArn: topicArn,
		isFIFO:   strings.HasSuffix(topicArn, ".fifo"),
		opts:     opts.withDefaults(),
		accepted: acceptedSet{},
	}, nil
}

func newSNSSinkFromConfig(cfg aws.Config, topicArn string, opts SinkOptions) (*SNSSink, error) {
	a, err := parseTopicArn(topicArn)
	if err != nil {
		return nil, err
	}
	client := sns.NewFromConfig(cfg, func(o *sns.Options) {
		o.Region = a.Region // SNS requires the topic's region
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	})
	return NewSNSSink(client, topicArn, opts)
}

func parseTopicArn(s string) (arn.ARN, error) {
	a, err := arn.Parse(s)
	if err == nil && (a.Service != "sns" || a.Region == "" || a.Resource == "") {
		err = fmt.Errorf("service %q, region %q, resource %q", a.Service, a.Region, a.Resource)
	}
	if err != nil {
		return arn.ARN{}, fmt.Errorf("expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC), found %q: %v", s, err)
	}
	return a, nil
}

// Name returns "sns:TOPIC_ARN".
func (s *SNSSink) Name() string { return "sns:" + s.topicArn }

// snsMessage is one finding's PublishBatch entry.
type snsMessage struct {
	id           string // finding ID
	subject      string
	body         string
	attrs        []snsAttr
	group, dedup string // FIFO only
	size         int    // bytes counted toward snsMaxBytes
}

type snsAttr struct{ name, value string }

// Send publishes every finding not accepted before; see [Sink].
func (s *SNSSink) Send(ctx context.Context, fs []Finding) ([]string, error) {
	todo, accepted, rejected := s.accepted.pending(fs)
	msgs := make([]snsMessage, 0, len(todo))
	for i := range todo {
		m, err := s.message(&todo[i])
		if err != nil {
			rejected = append(rejected, Rejection{ID: todo[i].ID, Code: "TooLarge", Message: err.Error(), IsPermanent: true})
			continue
		}
		msgs = append(msgs, m)
	}
	if s.opts.DryRun {
		s.printDryRun(s.opts.Stdout, msgs)
		return nil, sendErr(s.Name(), rejected, nil)
	}
	ok, rej, stop := deliverRounds(ctx, s.opts, len(msgs),
		func(i int) string { return msgs[i].id },
		func(pending []int) [][]int { return packSNS(msgs, pending) },
		func(ctx context.Context, batch []int) (map[int]Rejection, error) {
			return s.publish(ctx, msgs, batch)
		})
	for _, i := range ok {
		s.accepted.add(msgs[i].id)
		accepted = append(accepted, msgs[i].id)
	}
	return accepted, sendErr(s.Name(), append(rejected, rej...), stop)
}

// packSNS groups the pending messages into PublishBatch calls of at most
// snsMaxBatch entries and snsMaxBytes in total, in order.
func packSNS(msgs []snsMessage, pending []int) [][]int {
	var (
		batches [][]int
		cur     []int
		size    int
	)
	for _, i := range pending {
		if len(cur) == snsMaxBatch || (len(cur) > 0 && size+msgs[i].size > snsMaxBytes) {
			batches = append(batches, cur)
			cur, size = nil, 0
		}
		cur = append(cur, i)
		size += msgs[i].size
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// publish sends one batch and returns the entries that failed.
func (s *SNSSink) publish(ctx context.Context, msgs []snsMessage, batch []int) (map[int]Rejection, error) {
	in := &sns.PublishBatchInput{TopicArn: aws.String(s.topicArn)}
	byEntry := make(map[string]int, len(batch))
	for n, i := range batch {
		m := &msgs[i]
		entryID := "m" + strconv.Itoa(n) // finding IDs may not fit [A-Za-z0-9_-]{1,80}
		byEntry[entryID] = i
		e := types.PublishBatchRequestEntry{
			Id:                aws.String(entryID),
			Message:           aws.String(m.body),
			Subject:           aws.String(m.subject),
			MessageAttributes: make(map[string]types.MessageAttributeValue, len(m.attrs)),
		}
		for _, a := range m.attrs {
			e.MessageAttributes[a.name] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(a.value)}
		}
		if s.isFIFO {
			e.MessageGroupId = aws.String(m.group)
			e.MessageDeduplicationId = aws.String(m.dedup)
		}
		in.PublishBatchRequestEntries = append(in.PublishBatchRequestEntries, e)
	}
	out, err := s.client.PublishBatch(ctx, in, func(o *sns.Options) {
		o.APIOptions = append(o.APIOptions, withAttemptTimeout(s.opts.CallTimeout))
	})
	if err != nil {
		return nil, err
	}
	failed := make(map[int]Rejection, len(out.Failed))
	for _, f := range out.Failed {
		i, ok := byEntry[aws.ToString(f.Id)]
		if !ok {
			continue
		}
		failed[i] = Rejection{ID: msgs[i].id, Code: aws.ToString(f.Code), Message: aws.ToString(f.Message), IsPermanent: f.SenderFault}
	}
	succeeded := make(map[int]bool, len(out.Successful))
	for _, r := range out.Successful {
		if i, ok := byEntry[aws.ToString(r.Id)]; ok {
			succeeded[i] = true
		}
	}
	for _, i := range batch {
		if _, ok := failed[i]; !ok && !succeeded[i] {
			// Neither listed as successful nor failed: not accepted, and
			// safe to re-send (FIFO dedups; standard topics at least once).
			failed[i] = Rejection{ID: msgs[i].id, Code: "NoResult", Message: "PublishBatch response did not list the entry"}
		}
		if succeeded[i] {
			delete(failed, i) // listed as both: SNS published it
		}
	}
	return failed, nil
}

// message renders f as one SNS message within snsMaxBytes, cutting evidence
// rows first and long free text second.
func (s *SNSSink) message(f *Finding) (snsMessage, error) {
	m := snsMessage{
		id:      f.ID,
		subject: snsSubject(f),
		attrs:   snsAttrs(f),
	}
	if s.isFIFO {
		m.group = fifoID(f.HuntID)
		m.dedup = fifoID(f.ID)
	}
	fixed := len(m.subject)
	for _, a := range m.attrs {
		fixed += len(a.name) + len("String") + len(a.value)
	}
	budget := snsMaxBytes - fixed
	build := func(rows int, cutText bool) (string, error) {
		body, err := snsBody(f, rows, cutText)
		if err != nil {
			return "", err
		}
		if len(body) > budget {
			return "", errTooLarge
		}
		return body, nil
	}
	// Fast path: the whole finding fits.
	body, err := build(len(f.Evidence), false)
	if err == nil {
		m.body, m.size = body, fixed+len(body)
		return m, nil
	}
	if !errors.Is(err, errTooLarge) {
		return m, err
	}
	// Slow path: the largest number of evidence rows that fits.
	lo, hi := -1, len(f.Evidence) // build(lo) fits (or lo = -1), build(hi) does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, err := build(mid, false); err == nil {
			lo = mid
		} else if !errors.Is(err, errTooLarge) {
			return m, err
		} else {
			hi = mid
		}
	}
	if lo >= 0 {
		body, err = build(lo, false)
	} else {
		body, err = build(0, true)
	}
	if err != nil {
		return m, fmt.Errorf("finding does not fit in an SNS message of %d bytes even without evidence: %w", snsMaxBytes, err)
	}
	m.body, m.size = body, fixed+len(body)
	return m, nil
}

var errTooLarge = errors.New("too large")

// snsSubject returns "[SEVERITY] title: resource" as printable ASCII (other
// runes become '?'), at most snsMaxSubject bytes. It starts with '[', a
// punctuation character, as SNS requires.
func snsSubject(f *Finding) string {
	s := "[" + f.Severity + "] " + f.Title + ": " + f.Resource
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if !space {
				b = append(b, ' ')
			}
			space = true
			continue
		case r > 0x20 && r < 0x7f:
			b = append(b, byte(r))
		default:
			b = append(b, '?')
		}
		space = false
	}
	if len(b) > snsMaxSubject {
		b = append(b[:snsMaxSubject-3], "..."...)
	}
	return strings.TrimRight(string(b), " ")
}

// snsAttrs returns the message attributes, leaving out empty values (SNS
// rejects them).
func snsAttrs(f *Finding) []snsAttr {
	all := []snsAttr{
		{"severity", f.Severity},
		{"hunt_id", f.HuntID},
		{"finding_id", f.ID},
		{"account", f.Account},
		{"region", f.Region},
	}
	attrs := all[:0]
	for _, a := range all {
		if a.value = strings.ToValidUTF8(a.value, "?"); a.value != "" {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

// fifoID returns s if it is a valid FIFO group or dedup ID (1-128 ASCII
// letters, digits and punctuation), else the hex SHA-256 of s: stable
// across runs either way.
func fifoID(s string) string {
	valid := s != "" && len(s) <= snsMaxFIFOID
	for i := 0; valid && i < len(s); i++ {
		valid = s[i] > 0x20 && s[i] < 0x7f
	}
	if valid {
		return s
	}
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// snsBody renders the human summary and the finding as JSON, keeping the
// first rows evidence rows; cutText also caps the free-text fields and the
// source list.
func snsBody(f *Finding, rows int, cutText bool) (string, error) {
	g := *f
	var notes []string
	if rows < len(f.Evidence) {
		g.Evidence = f.Evidence[:rows]
		g.EvidenceTruncated = true
		notes = append(notes, fmt.Sprintf("evidence cut to %d of %d rows to fit the SNS message size limit", rows, len(f.Evidence)))
	}
	if cutText {
		g.Description = truncateBytes(g.Description, snsMaxText)
		g.Remediation = truncateBytes(g.Remediation, snsMaxText)
		if len(g.Sources) > 10 {
			notes = append(notes, fmt.Sprintf("sources cut to 10 of %d", len(g.Sources)))
			g.Sources = g.Sources[:10]
		}
		if len(g.References) > 10 {
			g.References = g.References[:10]
		}
		notes = append(notes, fmt.Sprintf("description and remediation cut to %d bytes", snsMaxText))
	}
	js, err := json.MarshalIndent(&g, "", "  ")
	if err != nil {
		return "", fmt.Errorf("cannot encode finding as JSON: %w", err)
	}
	var b strings.Builder
	b.Grow(len(js) + 1024)
	writeSummary(&b, &g, notes)
	b.WriteString("\n--- finding (JSON) ---\n")
	b.Write(js)
	b.WriteByte('\n')
	return strings.ToValidUTF8(b.String(), "\uFFFD"), nil
}

// writeSummary writes the human-readable part of a message.
func writeSummary(w io.StringWriter, f *Finding, notes []string) {
	line := func(k, v string) {
		if v != "" {
			w.WriteString(fmt.Sprintf("%-12s %s\n", k+":", v))
		}
	}
	w.WriteString(f.Severity + ": " + f.Title + "\n\n")
	line("Hunt", f.HuntID)
	line("Finding", f.ID)
	res := f.Resource
	if f.ResourceType != "" {
		res += " (" + f.ResourceType + ")"
	}
	line("Resource", res)
	line("Actor", f.Actor)
	line("Account", f.Account)
	line("Region", f.Region)
	line("First seen", f.FirstSeen.UTC().Format(time.RFC3339))
	line("Last seen", f.LastSeen.UTC().Format(time.RFC3339))
	line("Count", strconv.FormatInt(f.Count, 10))
	var tactics []string
	for _, t := range f.Tactics {
		if id, ok := tacticID(t); ok {
			t = id + " " + tacticNames[id]
		}
		tactics = append(tactics, t)
	}
	line("Tactics", strings.Join(tactics, ", "))
	line("Techniques", strings.Join(f.Techniques, ", "))
	if f.Description != "" {
		w.WriteString("\n" + f.Description + "\n")
	}
	if f.Remediation != "" {
		w.WriteString("\nRemediation: " + f.Remediation + "\n")
	}
	for i, r := range f.References {
		if i == 0 {
			w.WriteString("\nReferences:\n")
		}
		w.WriteString("  " + r + "\n")
	}
	ev := fmt.Sprintf("\nEvidence: %d row(s) in the JSON below", len(f.Evidence))
	if f.EvidenceTruncated {
		ev += fmt.Sprintf(" (of %d events; the rest were not kept)", f.Count)
	}
	w.WriteString(ev + ".\n")
	for _, n := range notes {
		w.WriteString("Note: " + n + ".\n")
	}
}

// printDryRun prints each PublishBatch entry that Send would publish.
func (s *SNSSink) printDryRun(w io.Writer, msgs []snsMessage) {
	all := make([]int, len(msgs))
	for i := range all {
		all[i] = i
	}
	batches := packSNS(msgs, all)
	fmt.Fprintf(w, "dry-run %s: would publish %d message(s) in %d PublishBatch call(s)\n", s.Name(), len(msgs), len(batches))
	for bi, b := range batches {
		for n, i := range b {
			m := &msgs[i]
			fmt.Fprintf(w, "--- batch %d entry m%d: finding %s, %d bytes\n", bi+1, n, m.id, m.size)
			fmt.Fprintf(w, "Subject: %s\n", m.subject)
			for _, a := range m.attrs {
				fmt.Fprintf(w, "Attribute %s (String): %s\n", a.name, a.value)
			}
			if s.isFIFO {
				fmt.Fprintf(w, "MessageGroupId: %s\nMessageDeduplicationId: %s\n", m.group, m.dedup)
			}
			fmt.Fprintf(w, "\n%s", m.body)
		}
	}
}
