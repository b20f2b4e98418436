package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hunt-sec/hunt/archive"
	"github.com/hunt-sec/hunt/scan"
)

// planPaths plans local paths and s3:// URIs into one object list.
func planPaths(ctx context.Context, common commonFlags, paths []string, facts archive.Facts) (*archive.Plan, error) {
	var local, remote []string
	for _, p := range paths {
		if strings.HasPrefix(p, "s3://") {
			remote = append(remote, p)
		} else {
			local = append(local, p)
		}
	}
	plan := &archive.Plan{}
	if len(local) > 0 {
		p, err := archive.PlanLocal(ctx, local, facts)
		if err != nil {
			return nil, err
		}
		mergePlan(plan, p)
	}
	var s3 *archive.S3
	if len(remote) > 0 {
		awsCfg, err := common.awsConfig(ctx)
		if err != nil {
			return nil, err
		}
		s3, err = archive.NewS3(ctx, archive.S3Config{AWS: awsCfg, EndpointURL: common.endpointURL, UsePathStyle: common.endpointURL != ""})
		if err != nil {
			return nil, err
		}
		for _, uri := range remote {
			p, err := s3.Plan(ctx, uri, facts)
			if err != nil {
				return nil, err
			}
			mergePlan(plan, p)
		}
	}
	// Converted lakes: only the part files their manifest publishes.
	err := archive.PruneUnpublished(plan, func(uri string) (io.ReadCloser, error) {
		if strings.HasPrefix(uri, "s3://") {
			return s3.GetReader(ctx, uri)
		}
		return os.Open(uri)
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

func mergePlan(dst, src *archive.Plan) {
	dst.Objects = append(dst.Objects, src.Objects...)
	dst.Pruned = append(dst.Pruned, src.Pruned...)
	dst.ListedPrefixes = append(dst.ListedPrefixes, src.ListedPrefixes...)
	dst.Bytes += src.Bytes
}

// finishScan prints the bad records, the failed objects and the summary line
// on stderr, and returns the exit code: 1 when an object could not be read
// (the results are incomplete) or --strict stopped the scan.
func finishScan(stderr io.Writer, cmd string, plan *archive.Plan, t *scan.Totals, elapsed time.Duration, maxErrors int) int {
	for _, e := range t.Rejects.Errs {
		fmt.Fprintf(stderr, "hunt %s: rejected: %v\n", cmd, e)
	}
	if t.Rejects.Dropped > 0 {
		fmt.Fprintf(stderr, "hunt %s: ... and %d more rejected records\n", cmd, t.Rejects.Dropped)
	}
	for _, e := range t.Failures {
		fmt.Fprintf(stderr, "hunt %s: failed: %v\n", cmd, e)
	}
	digests := 0
	for _, p := range plan.Pruned {
		if p.Cause == archive.PrunedDigest {
			digests++
		}
	}
	s := t.Stats
	mbps := 0.0
	if elapsed > 0 {
		mbps = float64(s.Bytes) / 1e6 / elapsed.Seconds()
	}
	fmt.Fprintf(stderr, "hunt %s: %d objects read, %d failed, %d of another table, %d pruned (%d digests); %d records, %d rejected, %d skipped; %s raw, %s decompressed; %.2fs (%.0f MB/s)\n",
		cmd, t.Objects, t.Failed, t.OtherTable, len(plan.Pruned), digests, s.Records, s.Rejected, s.Skipped,
		byteSize(t.RawBytes), byteSize(s.Bytes), elapsed.Seconds(), mbps)
	if s.Inferred > 0 {
		fmt.Fprintf(stderr, "hunt %s: %d flow-log objects without a header line were read with the all-fields layout of their version, inferred from their field count; give --flow-format to be sure\n", cmd, s.Inferred)
	}
	if s.Control > 0 {
		fmt.Fprintf(stderr, "hunt %s: %d CloudWatch Logs control messages skipped (no rows)\n", cmd, s.Control)
	}
	if t.Stopped != nil && !errors.Is(t.Stopped, context.Canceled) {
		fmt.Fprintf(stderr, "hunt %s: stopped: %v\n", cmd, t.Stopped)
		return exitError
	}
	if t.Stopped != nil {
		fmt.Fprintf(stderr, "hunt %s: interrupted: results are incomplete\n", cmd)
		return exitError
	}
	if t.Failed > 0 {
		fmt.Fprintf(stderr, "hunt %s: %d objects could not be read to the end: results are incomplete\n", cmd, t.Failed)
		return exitError
	}
	return exitOK
}

// byteSize formats n bytes with a binary unit.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
