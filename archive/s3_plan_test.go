package archive

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func prunedWith(ps []Pruned, cause PruneCause) int {
	n := 0
	for _, p := range ps {
		if p.Cause == cause {
			n++
		}
	}
	return n
}

var planCases = []struct {
	name  string
	facts Facts
	want  int // objects planned
}{
	{"all", Facts{}, 2*2*3*2 + 1 + 4 + 4 + 2 + 1},
	{"cloudtrail B eu-west-1 one day", Facts{Table: "cloudtrail", Since: day(2024, 3, 5), Until: day(2024, 3, 6),
		Accounts: []string{acctB}, Regions: []string{"eu-west-1"}}, 4 + 2},
	{"open end", Facts{Since: day(2024, 3, 6).Add(12 * time.Hour)}, 2*2*2 + 2},
	{"open start", Facts{Until: day(2024, 3, 4).Add(time.Hour)}, 2*2*2 + 2},
	{"vpc flow hour", Facts{Table: "vpc_flow", Since: hour(2024, 3, 5, 10), Until: hour(2024, 3, 5, 11)}, 2*2 + 2},
	{"vpc flow region", Facts{Table: "vpc_flow", Regions: []string{"eu-west-1"}}, 4 + 2},
	{"account A regions", Facts{Accounts: []string{acctA}, Regions: []string{"us-east-1"}}, 2*3 + 1 + 1 + 4 + 2},
}

func TestS3Plan(t *testing.T) {
	fx := newS3Fixture(t)
	s := newTestS3(t, fx.endpoint, nil)
	ctx := context.Background()
	for _, tc := range planCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.Plan(ctx, "s3://"+testBucket, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			got := objectKeys(p.Objects)
			local, err := PlanLocal(ctx, []string{fx.localDir}, tc.facts)
			if err != nil {
				t.Fatal(err)
			}
			want := keysOf(fx.localDir, local.Objects)
			if !slices.Equal(got, want) {
				t.Errorf("S3 plan differs from local plan\n got %q\nwant %q", got, want)
			}
			if len(got) != tc.want {
				t.Errorf("planned %d objects; want %d: %q", len(got), tc.want, got)
			}
			var bytes int64
			for _, o := range p.Objects {
				if o.Size != int64(len(fx.files[o.Key])) || o.ETag == "" || !strings.HasPrefix(o.URI, "s3://logs/") {
					t.Errorf("object %+v: want size %d, an ETag and an s3:// URI", o, len(fx.files[o.Key]))
				}
				bytes += o.Size
			}
			if p.Bytes != bytes {
				t.Errorf("Bytes = %d; want %d", p.Bytes, bytes)
			}
			for _, l := range p.ListedPrefixes {
				if strings.Contains(l, "CloudTrail-Digest") {
					t.Errorf("listed digest prefix %s", l)
				}
				// Given regions, region folders are computed, not listed.
				if len(tc.facts.Regions) > 0 && (strings.HasSuffix(l, "/CloudTrail/") || strings.HasSuffix(l, "/vpcflowlogs/") || strings.HasSuffix(l, "aws-service=vpcflowlogs/")) {
					t.Errorf("listed stream folder %s although regions are given", l)
				}
			}
			if n := prunedWith(p.Pruned, PrunedUnknown); n != 0 {
				t.Errorf("%d pruned without a cause: %+v", n, p.Pruned)
			}
			if len(tc.facts.Accounts) == 0 && len(tc.facts.Regions) == 0 {
				if n := prunedWith(p.Pruned, PrunedKind); n != 1 {
					t.Errorf("%d prefixes pruned as other logs; want 1 (elasticloadbalancing)", n)
				}
			}
			if tc.facts.Table != "vpc_flow" && len(tc.facts.Accounts) == 0 {
				if n := prunedWith(p.Pruned, PrunedDigest); n != 2 {
					t.Errorf("%d prefixes pruned as digest; want 2: %+v", n, p.Pruned)
				}
			}
		})
	}
	t.Run("exact prefixes", func(t *testing.T) {
		p, err := s.Plan(ctx, "s3://logs/trail/", planCases[1].facts)
		if err != nil {
			t.Fatal(err)
		}
		base := "s3://logs/trail/AWSLogs/o-exampleorgid/222233334444/CloudTrail/eu-west-1/2024/03/"
		want := []string{
			"s3://logs/trail/",
			"s3://logs/trail/AWSLogs/",
			"s3://logs/trail/AWSLogs/o-exampleorgid/",
			"s3://logs/trail/AWSLogs/o-exampleorgid/222233334444/",
			base + "05/", base + "06/",
		}
		slices.Sort(want)
		if !slices.Equal(p.ListedPrefixes, want) {
			t.Errorf("listed\n got %q\nwant %q", p.ListedPrefixes, want)
		}
	})
	t.Run("one object", func(t *testing.T) {
		digest := "trail/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/04/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240304T010000Z.json.gz"
		p, err := s.Plan(ctx, "s3://logs/"+digest, Facts{Since: day(2025, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if got := objectKeys(p.Objects); !slices.Equal(got, []string{digest}) {
			t.Errorf("got %q; want the named object", got)
		}
		p, err = s.Plan(ctx, "s3://logs/flows", Facts{})
		if err != nil || len(p.Objects) != 4 {
			t.Errorf("folder without slash: %d objects, %v; want 4", len(p.Objects), err)
		}
	})
}

func TestS3Plan_Failure(t *testing.T) {
	fx := newS3Fixture(t)
	s := newTestS3(t, fx.endpoint, nil)
	ctx := context.Background()
	for _, uri := range []string{"s3://no-such-bucket/", "s3://logs/no/such/prefix", "s3:/logs", "s3://"} {
		_, err := s.Plan(ctx, uri, Facts{})
		if err == nil {
			t.Errorf("Plan(%q): got nil error", uri)
			continue
		}
		if want := strings.TrimSuffix(uri, "/"); !strings.Contains(err.Error(), want) {
			t.Errorf("Plan(%q): error %q does not name the URI", uri, err)
		}
	}
}
