package findings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// Sink delivers findings somewhere: stdout, a file, an SNS topic, Security
// Hub. [OpenSinks] builds them from command-line specs.
//
// Send must return, in accepted, the IDs of the findings the destination
// durably took (written and synced, published, imported), and only those:
// [Deliver] advances run state for a finding only once every sink accepted
// it (DESIGN.md: delivered, then state advances). Every finding of fs that is
// not accepted must be named in a [*SendError]; a nil error means every
// finding was accepted. A finding accepted once is never sent again by the
// same Sink: a later Send reports it accepted without sending it. Send
// respects ctx: on cancellation it returns what was accepted so far and a
// [*SendError] whose Err is ctx.Err().
//
// Sinks are not safe for concurrent use.
type Sink interface {
	Name() string
	Send(ctx context.Context, fs []Finding) (accepted []string, err error)
}

// SinkOptions configures [OpenSinks].
type SinkOptions struct {
	// DryRun makes every sink print what it would send to Stdout, send
	// nothing and accept nothing, so run state does not advance.
	DryRun bool
	// Stdout receives the stdout sink's JSON Lines and dry-run output;
	// nil means os.Stdout.
	Stdout io.Writer

	// Profile, Region and EndpointURL override the AWS SDK's default
	// configuration chain (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>).
	// An SNS client always uses the region of its topic ARN.
	Profile, Region, EndpointURL string
	// AWS, when set, is the configuration the caller loaded once for every
	// AWS client of the run (S3, Athena, the sinks); Profile and Region are
	// then already in it. The sinks use a copy with their own retryer.
	AWS *aws.Config
	// ProductArn is the Security Hub product ARN findings are imported under;
	// empty means the custom integration of the calling account,
	// arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default, with
	// ACCOUNT from STS GetCallerIdentity.
	ProductArn string
	// Now stamps Security Hub's UpdatedAt; nil means time.Now.
	Now func() time.Time

	// MaxAttempts bounds the attempts of one AWS call (the SDK retryer, on
	// throttling, 5xx and connection errors) and, separately, the rounds in
	// which a sink re-sends the findings a batch call reported as failed
	// with a transient error. Zero means 5.
	MaxAttempts int
	// MaxBackoff caps the jittered exponential delay between attempts and
	// rounds. Zero means 20s; tests set it to a millisecond.
	MaxBackoff time.Duration
	// CallTimeout bounds each attempt of an AWS call: an endpoint that
	// does not answer within it fails the call (code Timeout, not
	// retried), which stops the Send; the findings not accepted stay
	// pending for the next run. Zero means 30s.
	CallTimeout time.Duration
}

func (o SinkOptions) withDefaults() SinkOptions {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 30 * time.Second
	}
	return o
}

// OpenSinks builds one sink per spec:
//
//	stdout                 JSON Lines on SinkOptions.Stdout
//	file:PATH              JSON Lines appended to PATH, synced before accepting
//	ocsf:PATH              OCSF 1.1 Detection Findings (JSON Lines) appended to PATH
//	sns:TOPIC_ARN          Amazon SNS PublishBatch (FIFO topics when the ARN ends in .fifo)
//	securityhub[:REGION]   AWS Security Hub BatchImportFindings (ASFF)
//
// AWS configuration is SinkOptions.AWS, or loaded once for the first AWS
// sink; it does not
// contact AWS except to look up the calling account for Security Hub when
// SinkOptions.ProductArn is empty and DryRun is false.
func OpenSinks(ctx context.Context, specs []string, opts SinkOptions) ([]Sink, error) {
	opts = opts.withDefaults()
	var (
		sinks  []Sink
		awsCfg *aws.Config
	)
	if opts.AWS != nil {
		c := opts.AWS.Copy()
		c.Retryer = func() aws.Retryer { return newRetryer(opts) }
		awsCfg = &c
	}
	loadAWS := func() (aws.Config, error) {
		if awsCfg == nil {
			c, err := loadAWSConfig(ctx, opts)
			if err != nil {
				return aws.Config{}, err
			}
			awsCfg = &c
		}
		return *awsCfg, nil
	}
	seen := map[string]bool{}
	for _, spec := range specs {
		if seen[spec] {
			return nil, fmt.Errorf("sink %q: given twice", spec)
		}
		seen[spec] = true
		kind, arg, _ := strings.Cut(spec, ":")
		var (
			s   Sink
			err error
		)
		switch kind {
		case "stdout":
			if arg != "" {
				return nil, fmt.Errorf("sink %q: expected stdout, found an argument %q", spec, arg)
			}
			s = NewStdoutSink(opts)
		case "file", "ocsf":
			s, err = newFileSink(arg, kind == "ocsf", opts)
		case "sns":
			var cfg aws.Config
			if cfg, err = loadAWS(); err == nil {
				s, err = newSNSSinkFromConfig(cfg, arg, opts)
			}
		case "securityhub":
			var cfg aws.Config
			if cfg, err = loadAWS(); err == nil {
				s, err = newSecurityHubSinkFromConfig(ctx, cfg, arg, opts)
			}
		default:
			return nil, fmt.Errorf("sink %q: expected stdout, file:PATH, ocsf:PATH, sns:TOPIC_ARN or securityhub[:REGION], found %q", spec, kind)
		}
		if err != nil {
			return nil, fmt.Errorf("sink %q: %w", spec, err)
		}
		sinks = append(sinks, s)
	}
	return sinks, nil
}

// loadAWSConfig loads the SDK's default configuration with hunt's retryer
// and without the SDK's logging (library code never logs).
func loadAWSConfig(ctx context.Context, opts SinkOptions) (aws.Config, error) {
	lo := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(opts) }),
		config.WithLogger(logging.Nop{}),
	}
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("cannot load AWS configuration: %w", err)
	}
	return cfg, nil
}

// newRetryer is the SDK retryer every AWS sink uses: the standard retryer
// (exponential backoff with full jitter, capped at MaxBackoff) that also
// retries SNS's Throttled and KMSThrottling codes and any HTTP 429, which the
// SDK's defaults miss. There is no client-side retry quota: throttling is the
// server's to signal, and a quota would turn a burst of 503s into failures.
func newRetryer(opts SinkOptions) aws.Retryer {
	opts = opts.withDefaults()
	extra := map[string]struct{}{"Throttled": {}, "KMSThrottling": {}}
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = opts.MaxAttempts
		o.MaxBackoff = opts.MaxBackoff
		o.BaseDelay = min(50*time.Millisecond, opts.MaxBackoff)
		o.RateLimiter = ratelimit.None
		o.Retryables = append(o.Retryables,
			retry.RetryableErrorCode{Codes: extra},
			retry.RetryableHTTPStatusCode{Codes: map[int]struct{}{429: {}}},
		)
		o.Throttles = append(o.Throttles, retry.IsErrorThrottleFunc(func(err error) aws.Ternary {
			var code interface{ ErrorCode() string }
			if errors.As(err, &code) {
				if _, ok := extra[code.ErrorCode()]; ok {
					return aws.TrueTernary
				}
			}
			return aws.UnknownTernary
		}))
	})
}

// errCallTimeout marks a call whose attempt got no answer within
// SinkOptions.CallTimeout.
var errCallTimeout = errors.New("call timed out")

// withAttemptTimeout returns an API option that gives each attempt of a
// call (the SDK retries inside one call) at most d. It sits after the
// retry middleware, so every attempt gets its own deadline; an attempt
// that runs out fails with errCallTimeout and, being a cancellation to
// the SDK, is not retried.
func withAttemptTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(attemptTimeout{d}, middleware.After)
	}
}

type attemptTimeout struct{ d time.Duration }

func (attemptTimeout) ID() string { return "hunt/AttemptTimeout" }

func (m attemptTimeout) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	actx, cancel := context.WithTimeout(ctx, m.d)
	defer cancel()
	out, md, err := next.HandleFinalize(actx, in)
	if err != nil && ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%w: no answer within %s: %w", errCallTimeout, m.d, err)
	}
	return out, md, err
}

// Rejection says why a sink did not accept one finding.
type Rejection struct {
	ID string
	// Code is the service's error code (Throttled, InvalidInput...) or one
	// of hunt's: Invalid (the finding fails [Finding.Validate]), TooLarge,
	// NotSent (the send stopped before reaching it), Timeout (the call got
	// no answer within SinkOptions.CallTimeout).
	Code    string
	Message string
	// IsPermanent reports that re-sending the same finding unchanged cannot
	// succeed (SNS SenderFault, Security Hub InvalidInput, invalid finding).
	IsPermanent bool
}

// SendError is the error of a [Sink.Send] that did not accept every
// finding. It lists every finding not accepted.
type SendError struct {
	Sink     string
	Rejected []Rejection
	// Err is what stopped the send before every finding was tried (a call
	// error after the SDK's retries, or ctx.Err()); nil if every finding was
	// tried.
	Err error
}

func (e *SendError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d finding(s) not accepted", e.Sink, len(e.Rejected))
	for i, r := range e.Rejected {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Rejected)-i)
			break
		}
		fmt.Fprintf(&b, "; %s: %s", r.ID, r.Code)
		if r.Message != "" {
			fmt.Fprintf(&b, ": %s", r.Message)
		}
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (stopped: %v)", e.Err)
	}
	return b.String()
}

func (e *SendError) Unwrap() error { return e.Err }

// sendErr returns nil when nothing was rejected and nothing stopped the send.
func sendErr(sink string, rejected []Rejection, stop error) error {
	if len(rejected) == 0 && stop == nil {
		return nil
	}
	return &SendError{Sink: sink, Rejected: rejected, Err: stop}
}

// acceptedSet remembers the IDs a sink accepted, so that it never sends them
// again (Sink contract). Owned by one sink.
type acceptedSet map[string]struct{}

// pending splits fs into the findings to send, in order and each ID once,
// and the IDs accepted earlier; findings that fail [Finding.Validate] are
// rejected.
func (s acceptedSet) pending(fs []Finding) (todo []Finding, already []string, rejected []Rejection) {
	inCall := make(map[string]bool, len(fs))
	for i := range fs {
		f := &fs[i]
		if _, ok := s[f.ID]; ok && f.ID != "" {
			if !inCall[f.ID] {
				already = append(already, f.ID)
				inCall[f.ID] = true
			}
			continue
		}
		if inCall[f.ID] {
			continue // the first occurrence in this call decides
		}
		inCall[f.ID] = true
		if err := f.Validate(); err != nil {
			rejected = append(rejected, Rejection{ID: f.ID, Code: "Invalid", Message: err.Error(), IsPermanent: true})
			continue
		}
		todo = append(todo, *f)
	}
	return todo, already, rejected
}

func (s acceptedSet) add(id string) { s[id] = struct{}{} }

// backoff returns the delay before retry round n (1-based): full jitter over
// an exponential that starts at 100ms, capped at max.
func backoff(n int, max time.Duration) time.Duration {
	d := 100 * time.Millisecond << min(n-1, 20)
	if d > max || d <= 0 {
		d = max
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// sleepCtx waits d or until ctx is done, returning ctx.Err() in that case.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// truncateBytes cuts s to at most n bytes on a rune boundary, marking a cut
// with "…" (counted in n).
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	if n < len(ell) {
		return ""
	}
	cut := n - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

// deliverRounds sends n items through call in batches made by pack. Items a
// batch call reports as failed with a transient error are re-sent in later
// rounds, after a jittered backoff, up to opts.MaxAttempts rounds; items
// failed permanently are rejected at once. A call error (returned after
// the SDK's own retries) or ctx ending stops the delivery: the batch's
// items are rejected with that error and later ones as NotSent. It returns
// the accepted items' indexes, a rejection for every other item, and what
// stopped the delivery, if anything.
func deliverRounds(ctx context.Context, opts SinkOptions, n int, id func(int) string,
	pack func(pending []int) [][]int,
	call func(ctx context.Context, batch []int) (failed map[int]Rejection, err error),
) (accepted []int, rejected []Rejection, stop error) {
	pending := make([]int, n)
	for i := range pending {
		pending[i] = i
	}
	last := map[int]Rejection{} // the latest transient failure of each item
	for round := 1; len(pending) > 0 && round <= opts.MaxAttempts; round++ {
		if round > 1 {
			if err := sleepCtx(ctx, backoff(round-1, opts.MaxBackoff)); err != nil {
				stop = err
				break
			}
		}
		var retry []int
		batches := pack(pending)
		for bi, b := range batches {
			if stop = ctx.Err(); stop == nil {
				var failed map[int]Rejection
				if failed, stop = call(ctx, b); stop == nil {
					for _, i := range b {
						switch r, ok := failed[i]; {
						case !ok:
							accepted = append(accepted, i)
						case r.IsPermanent:
							rejected = append(rejected, r)
						default:
							last[i] = r
							retry = append(retry, i)
						}
					}
					continue
				}
			}
			code, msg := errorCode(stop)
			for _, i := range b {
				rejected = append(rejected, Rejection{ID: id(i), Code: code, Message: msg})
			}
			for _, later := range batches[bi+1:] {
				for _, i := range later {
					rejected = append(rejected, Rejection{ID: id(i), Code: "NotSent", Message: "delivery stopped: " + msg})
				}
			}
			pending = retry
			break
		}
		if stop != nil {
			break
		}
		pending = retry
	}
	for _, i := range pending {
		r, ok := last[i]
		if !ok {
			r = Rejection{ID: id(i), Code: "NotSent"}
		}
		rejected = append(rejected, r)
	}
	return accepted, rejected, stop
}

// errorCode returns the AWS error code and message of err, or a generic
// code and err's text.
func errorCode(err error) (code, msg string) {
	var api smithy.APIError
	switch {
	case errors.Is(err, errCallTimeout):
		return "Timeout", err.Error()
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return "NotSent", err.Error()
	case errors.As(err, &api):
		return api.ErrorCode(), api.ErrorMessage()
	}
	return "CallFailed", err.Error()
}
