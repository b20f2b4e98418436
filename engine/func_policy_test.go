package engine

import (
	"strings"
	"testing"
)

// TestPolicyPrincipals_Success covers every principal form IAM documents:
// "*", {"AWS": "*" | ARN | account ID | list}, Service, Federated,
// CanonicalUser, NotPrincipal, a Statement object or list, Deny statements,
// a document held in a JSON string, and Condition-restricted "*".
func TestPolicyPrincipals_Success(t *testing.T) {
	const acct = "111122223333"
	tests := []struct {
		name, doc string
		all, ext  string // principals joined by " ", "<nil>" for not-a-policy
	}{
		{"star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			"AWS:*", "AWS:*"},
		{"aws star", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}}`,
			"AWS:*", "AWS:*"},
		{"bare account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]}`,
			"AWS:arn:aws:iam::999999999999:root", "AWS:arn:aws:iam::999999999999:root"},
		{"own bare account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"}}]}`,
			"AWS:arn:aws:iam::111122223333:root", ""},
		{"arn list", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/a","arn:aws:iam::444455556666:user/b"," 777788889999 "]}}]}`,
			"AWS:arn:aws:iam::111122223333:role/a AWS:arn:aws:iam::444455556666:user/b AWS:arn:aws:iam::777788889999:root",
			"AWS:arn:aws:iam::444455556666:user/b AWS:arn:aws:iam::777788889999:root"},
		{"service", `{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
			"Service:ec2.amazonaws.com Service:lambda.amazonaws.com", ""},
		{"federated saml other account", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::999999999999:saml-provider/x"}}]}`,
			"Federated:arn:aws:iam::999999999999:saml-provider/x", "Federated:arn:aws:iam::999999999999:saml-provider/x"},
		{"federated oidc", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"}}]}`,
			"Federated:cognito-identity.amazonaws.com", ""},
		{"canonical user", `{"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}]}`,
			"CanonicalUser:79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", ""},
		{"deny ignored", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"},{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"}}]}`,
			"Service:cloudtrail.amazonaws.com", ""},
		{"not principal", `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"}]}`,
			"AWS:*", "AWS:*"},
		{"star restricted by org", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`,
			"AWS:*", ""},
		{"star restricted by source account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}`,
			"AWS:*", ""},
		{"star with negated condition", `{"Statement":[{"Effect":"Allow","Principal":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`,
			"AWS:*", "AWS:*"},
		{"star with ip condition only", `{"Statement":[{"Effect":"Allow","Principal":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`,
			"AWS:*", "AWS:*"},
		{"other account despite condition", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`,
			"AWS:arn:aws:iam::999999999999:root", "AWS:arn:aws:iam::999999999999:root"},
		{"wildcard account arn", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"}}]}`,
			"AWS:arn:aws:iam::*:root", "AWS:arn:aws:iam::*:root"},
		{"duplicates once", `{"Statement":[{"Effect":"Allow","Principal":"*"},{"Effect":"Allow","Principal":{"AWS":["*","*"]}}]}`,
			"AWS:*", "AWS:*"},
		{"policy in a json string", `"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999999999999\"}}]}"`,
			"AWS:arn:aws:iam::999999999999:root", "AWS:arn:aws:iam::999999999999:root"},
		{"spaced and pretty", "{\n  \"Statement\" : [ {\n \"Effect\" : \"Allow\" ,\n \"Principal\" : { \"AWS\" : [ \"999999999999\" ] } } ]\n}",
			"AWS:arn:aws:iam::999999999999:root", "AWS:arn:aws:iam::999999999999:root"},
		{"no principal (identity policy)", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, "", ""},
		{"no statement", `{"Version":"2012-10-17"}`, "", ""},
		{"not json", `arn:aws:iam::999999999999:root`, "<nil>", "<nil>"},
		{"truncated", `{"Statement":[{"Effect":"Allow","Principal":"*"`, "<nil>", "<nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ext := range []bool{false, true} {
				got, ok := policyPrincipals(tt.doc, ext, acct)
				s := strings.Join(got, " ")
				if !ok {
					s = "<nil>"
				}
				want := tt.all
				if ext {
					want = tt.ext
				}
				if s != want {
					t.Errorf("policyPrincipals(external=%v) = %q; want %q", ext, s, want)
				}
			}
		})
	}
}

func TestFuncPolicy(t *testing.T) {
	exprTests(t, [][2]string{
		{`policy_principals('{"Statement":{"Effect":"Allow","Principal":{"AWS":"999999999999"}}}'), policy_principals(NULL), policy_principals('x')`,
			"[AWS:arn:aws:iam::999999999999:root]|NULL|NULL"},
		{`cardinality(policy_external_principals('{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}]}', '111122223333'))`, "0"},
		{`contains(policy_principals(json_extract('{"p":{"Statement":[{"Effect":"Allow","Principal":"*"}]}}', '$.p')), 'AWS:*')`, "true"},
		{`policy_external_principals('{"Statement":[{"Effect":"Allow","Principal":"*"}]}', NULL)`, "NULL"},
	})
}

func TestFuncPolicy_Failure(t *testing.T) {
	tests := []struct{ q, want string }{
		{"SELECT policy_principals(1)", "expected varchar or json as argument 1 of policy_principals, found bigint"},
		{"SELECT policy_external_principals('{}')", "policy_external_principals"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.q, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Compile(%s) = %v; want an error containing %q", tt.q, err, tt.want)
		}
	}
}

// FuzzPolicyPrincipals: any text is read without panicking, and a policy
// (an object) reads the same held in a JSON string.
func FuzzPolicyPrincipals(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["999999999999","*"]},"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`)
	f.Add(`{"Statement":{"Effect":"Allow","NotPrincipal":"*"}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*"`)
	f.Fuzz(func(t *testing.T, doc string) {
		got, ok := policyPrincipals(doc, false, "111122223333")
		ext, extOK := policyPrincipals(doc, true, "111122223333")
		if ok != extOK || len(ext) > len(got) {
			t.Fatalf("external %v (%v) is not a subset of %v (%v)", ext, extOK, got, ok)
		}
		// A policy already held in a JSON string is unwrapped once, not
		// twice.
		if !ok || strings.ContainsAny(doc, "\\\x00\n\r\t") || strings.HasPrefix(strings.TrimLeft(doc, " "), `"`) {
			return
		}
		again, ok2 := policyPrincipals(`"`+strings.ReplaceAll(doc, `"`, `\"`)+`"`, false, "111122223333")
		if !ok2 || strings.Join(again, " ") != strings.Join(got, " ") {
			t.Fatalf("in a JSON string: %v (%v); want %v", again, ok2, got)
		}
	})
}
