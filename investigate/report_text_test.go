package investigate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/queries"
)

func TestWriteText(t *testing.T) {
	r := investigateDir(t, stolenKey, fixture, queries.Window{})
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"key ASIAFIXTURESTOLEN001: 9 calls, 0 flow rows,",
		"addresses: 198.51.100.23, 54.240.197.5\n",
		"\ntimeline (9):\n  2024-03-05T10:00:00Z  ec2.amazonaws.com:DescribeInstances  by " + ec2Session + " from 54.240.197.5",
		"\nother principals from the same addresses (2):\n",
		"  " + mallory + "  via 198.51.100.23  1 calls",
		"\nrole chains (1):\n  2024-03-05T10:30:00Z  AssumeRole by " + ec2Session + " -> " + adminSess + " " + chainedKey + " CreateUser×1 DescribeInstances×1\n",
		"  read    cg-secret-bucket/secret.txt  1 calls  first 2024-03-05T10:23:00Z\n",
		"\nGuardDuty findings (1):\n",
		"regions: us-east-1 (9)\n",
		"\nincidents (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	r := investigateDir(t, attacker, fixture, queries.Window{})
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Entity != r.Entity || len(back.Calls) != len(r.Calls) || len(back.Flows) != len(r.Flows) || len(back.Chains) != len(r.Chains) ||
		len(back.Findings) != len(r.Findings) || len(back.Incidents) != len(r.Incidents) || !back.First.Equal(r.First) {
		t.Errorf("JSON round trip lost parts of the report:\n%s", b.String())
	}
}
