package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// awsTestEnv isolates a test from the machine's AWS configuration.
func awsTestEnv(t *testing.T) {
	t.Helper()
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
}

// TestRun_SecurityHubProductArn: --securityhub-product-arn sets the product
// ARN the securityhub sink imports under (no STS call to find the
// account); a malformed one is a usage error naming the flag.
func TestRun_SecurityHubProductArn(t *testing.T) {
	awsTestEnv(t)
	const product = "arn:aws:securityhub:us-east-1:444455556666:product/444455556666/default"
	code, out, errOut := runHunt(t, "run", "--dry-run", "--hunt", "cloudtrail_stopped", "--sink", "securityhub:us-east-1",
		"--securityhub-product-arn", product, "../../testdata/hunts/cloudtrail_stopped")
	if code != exitFindings || !strings.Contains(out, `"ProductArn":"`+product+`"`) || !strings.Contains(out, `"AwsAccountId":"444455556666"`) {
		t.Errorf("exit %d; want %d and findings under %s:\n%s\n%s", code, exitFindings, product, out, errOut)
	}
	code, _, errOut = runHunt(t, "run", "--hunt", "cloudtrail_stopped", "--sink", "securityhub:us-east-1",
		"--securityhub-product-arn", "arn:aws:sns:us-east-1:444455556666:topic", "../../testdata/hunts/cloudtrail_stopped")
	if code != exitUsage || !strings.Contains(errOut, "--securityhub-product-arn: expected arn:aws:securityhub:") {
		t.Errorf("bad product ARN: exit %d; want %d and the flag named:\n%s", code, exitUsage, errOut)
	}
	if code, out, _ := runHunt(t, "query", "-h"); code != exitOK || strings.Contains(out, "securityhub-product-arn") {
		t.Errorf("hunt query -h lists --securityhub-product-arn; only hunt run has sinks")
	}
}
