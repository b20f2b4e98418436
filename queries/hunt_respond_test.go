package queries

import (
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/engine"
)

func TestParseRespond_Success(t *testing.T) {
	in := validHeader + "-- evidence: r, actor\n-- respond: waf-ipset(r)\n-- respond: revoke-role-sessions(actor), deactivate-access-key(r, actor)\n\nSELECT eventtime, eventname AS r, useridentity.arn AS actor, \"$path\" FROM cloudtrail"
	h, err := Parse("x.sql", in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range h.Respond {
		got = append(got, r.String())
	}
	if strings.Join(got, " ") != "waf-ipset(r) revoke-role-sessions(actor) deactivate-access-key(r, actor)" {
		t.Fatalf("respond = %q", got)
	}
	// Canonical form round-trips.
	h2, err := Parse("x.sql", h.String())
	if err != nil || h2.String() != h.String() {
		t.Fatalf("String() does not round-trip: %v\n%s", err, h.String())
	}
	if !strings.Contains(h.String(), "-- respond: waf-ipset(r)\n-- respond: revoke-role-sessions(actor)\n") {
		t.Errorf("String() = %s", h.String())
	}
	if _, err := h.Compile(engine.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestParseRespond_Failure(t *testing.T) {
	_, err := Parse("q.sql", validHeader+"-- respond: block(r)\n\nSELECT 1")
	if err == nil || err.Error() != `q.sql:9:13: respond: expected waf-ipset, revoke-role-sessions or deactivate-access-key, found "block"` {
		t.Errorf("got %v", err)
	}
	for _, tc := range []struct{ header, want string }{
		{"-- respond: waf-ipset(srcaddr)\n", `q.sql:9:4: respond: expected an output column of the SQL (eventtime, r, $path), found "srcaddr"`},
		{"-- evidence: eventtime\n-- respond: waf-ipset(r)\n", `q.sql:10:4: respond: waf-ipset: expected an evidence column (eventtime), found "r"`},
	} {
		h, err := Parse("q.sql", validHeader+tc.header+"\nSELECT eventtime, eventname AS r, \"$path\" FROM cloudtrail")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Compile(engine.Options{}); err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.header, err, tc.want)
		}
	}
}
