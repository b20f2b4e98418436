package investigate

import (
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/engine"
)

func TestParseEntity_Success(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Entity
	}{
		{"198.51.100.23", Entity{KindIP, "198.51.100.23"}},
		{" 2001:db8::1 ", Entity{KindIP, "2001:db8::1"}},
		{"::ffff:10.0.0.1", Entity{KindIP, "10.0.0.1"}},
		{"ASIAFIXTURESTOLEN001", Entity{KindKey, "ASIAFIXTURESTOLEN001"}},
		{"AKIAIOSFODNN7EXAMPLE", Entity{KindKey, "AKIAIOSFODNN7EXAMPLE"}},
		{"arn:aws:iam::111122223333:user/alice", Entity{KindPrincipal, "arn:aws:iam::111122223333:user/alice"}},
		{"arn:aws:sts::111122223333:assumed-role/cg-admin/pwn", Entity{KindPrincipal, "arn:aws:sts::111122223333:assumed-role/cg-admin/pwn"}},
		{"arn:aws:iam::111122223333:role/cg-admin", Entity{KindPrincipal, "arn:aws:iam::111122223333:role/cg-admin"}},
		{"arn:aws:s3:::cg-secret-bucket", Entity{KindResource, "arn:aws:s3:::cg-secret-bucket"}},
		{"i-0abc1234def567890", Entity{KindResource, "i-0abc1234def567890"}},
		{"cg-secret-bucket", Entity{KindResource, "cg-secret-bucket"}},
	} {
		got, err := ParseEntity(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseEntity(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseEntity_Failure(t *testing.T) {
	for _, in := range []string{"", "  ", "bucket' OR 1=1 --", "a b", "<script>", "x\ny"} {
		_, err := ParseEntity(in)
		if err == nil || !strings.HasPrefix(err.Error(), "entity: expected an IP address, access key ID, principal ARN or resource ID, found") {
			t.Errorf("ParseEntity(%q) error = %v", in, err)
		}
	}
}

// The entity reaches SQL only as a quoted literal.
func TestSQLString(t *testing.T) {
	if got := sqlString("a'b"); got != "'a''b'" {
		t.Errorf("sqlString = %s", got)
	}
}

// Whatever ParseEntity accepts becomes SQL that compiles: the entity is a
// literal, never syntax.
func FuzzEntitySQL(f *testing.F) {
	for _, s := range []string{"198.51.100.23", "ASIAFIXTURESTOLEN001", "arn:aws:iam::111122223333:user/a'b", "cg-secret-bucket", "a'); DROP", "x'||'y", "::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEntity(s)
		if err != nil {
			return
		}
		for i, sql := range e.sqlTexts() {
			if sql == "" {
				continue
			}
			if _, err := engine.Compile(sql, engine.Options{}); err != nil {
				t.Fatalf("entity %+v: query %d does not compile: %v", e, i, err)
			}
		}
	})
}
