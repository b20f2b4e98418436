package engine

import (
	"strings"
)

// IAM policy documents name principals in many shapes: "Principal": "*",
// {"AWS": "*" | ARN | account ID | [list]}, {"Service": ...},
// {"Federated": ...}, {"CanonicalUser": ...}, and "NotPrincipal". Hunts read
// them only through the two functions below, local extensions Athena lacks
// (see athenaLacks):
//
//	policy_principals(policy)                    → array(varchar)
//	policy_external_principals(policy, account)  → array(varchar)
//
// policy is the document as varchar or json; a JSON string holding the
// document (as requestParameters logs some policies) is read through.
// Statement may be one object or a list. Only statements whose Effect is
// Allow count. Each principal is normalized to "KIND:value": "AWS:*" for
// "*" and {"AWS": "*"}, "AWS:arn:aws:iam::ACCOUNT:root" for a bare
// account ID, "AWS:<arn>", "Service:<name>", "Federated:<provider>",
// "CanonicalUser:<id>". An Allow with NotPrincipal grants everyone else, so
// it reads as "AWS:*". The list keeps first-seen order without duplicates.
// A NULL policy or account gives NULL, and so does text that is not a JSON
// object; a policy without Allow principals gives an empty array.
//
// policy_external_principals keeps the principals outside account: "AWS:*"
// (and ARNs whose account is "*") unless the statement's Condition restricts
// callers by account, organization or source (see restrictingKeys), and
// AWS or Federated ARNs whose account ID differs from account. Service
// principals and canonical user IDs are never external: a service acts for
// whoever the condition names, and a canonical ID names no account.

// restrictingKeys are condition keys (lower case) that pin a "*" principal
// to known accounts, an organization or a source.
var restrictingKeys = map[string]bool{
	"aws:sourceaccount": true, "aws:sourcearn": true, "aws:sourceowner": true,
	"aws:principalaccount": true, "aws:principalarn": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true,
	"aws:resourceorgid": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"kms:calleraccount": true, "lambda:sourcefunctionarn": true,
}

// addPolicyFuncs registers the policy functions in the function table.
func addPolicyFuncs(m map[string]funcDef) {
	m["policy_principals"] = funcDef{min: 1, max: 1, build: buildPolicy(false)}
	m["policy_external_principals"] = funcDef{min: 2, max: 2, build: buildPolicy(true)}
}

func buildPolicy(external bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		if !args[0].typ().isText() && args[0].typ().k != kNull {
			return nil, c.errf(call.Args[0].Pos(), "expected varchar or json as argument 1 of "+call.Name+", found "+args[0].typ().name)
		}
		x, err := c.argAs(call, 0, args[0], args[0].typ())
		if err != nil {
			return nil, err
		}
		if x.typ().k == kNull {
			x = &exprConst{v: constVec(tString, true)}
		}
		out := []expr{x}
		if external {
			acct, err := c.argAs(call, 1, args[1], tString)
			if err != nil {
				return nil, err
			}
			out = append(out, acct)
		}
		return &exprFunc{name: call.Name, t: arrayOf(tString), args: out, k: policyKernel(external), strict: true}, nil
	}
}

func policyKernel(external bool) kernel {
	return func(a *arena, out *vec, args []*vec) {
		out.x = make([]any, out.n)
		nl := out.nulls()
		for i, doc := range args[0].s {
			if args[0].isNull(i) || (external && args[1].isNull(i)) {
				nl[i] = true
				continue
			}
			acct := ""
			if external {
				acct = args[1].s[i]
			}
			ps, ok := policyPrincipals(doc, external, acct)
			if !ok {
				nl[i] = true
				continue
			}
			l := make([]any, len(ps))
			for k, p := range ps {
				l[k] = p
			}
			out.x[i] = l
		}
	}
}

// policyPrincipals returns the normalized Allow principals of doc (only
// those outside acct when external), and false when doc is not a JSON
// object.
func policyPrincipals(doc string, external bool, acct string) ([]string, bool) {
	i := jsonSkipWS(doc, 0)
	if i < len(doc) && doc[i] == '"' {
		_, e, ok := jsonString(doc, i)
		if !ok {
			return nil, false
		}
		doc = jsonUnescape(nil, doc[i+1:e-1])
		i = jsonSkipWS(doc, 0)
	}
	if i >= len(doc) || doc[i] != '{' {
		return nil, false
	}
	var out []string
	add := func(p string) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	ok := jsonMembers(doc, i, func(key, val string) {
		if !strings.EqualFold(key, "Statement") {
			return
		}
		switch {
		case strings.HasPrefix(val, "{"):
			statementPrincipals(val, external, acct, add)
		case strings.HasPrefix(val, "["):
			jsonElems(val, func(st string) {
				if strings.HasPrefix(st, "{") {
					statementPrincipals(st, external, acct, add)
				}
			})
		}
	})
	if !ok {
		return nil, false
	}
	if out == nil {
		out = []string{}
	}
	return out, true
}

// statementPrincipals calls add with each normalized principal of one
// statement object, when its Effect is Allow.
func statementPrincipals(st string, external bool, acct string, add func(string)) {
	var effect, principal, notPrincipal, condition string
	jsonMembers(st, 0, func(key, val string) {
		switch key {
		case "Effect":
			effect = jsonText(val)
		case "Principal":
			principal = val
		case "NotPrincipal":
			notPrincipal = val
		case "Condition":
			condition = val
		}
	})
	if effect != "Allow" {
		return
	}
	restricted := external && conditionRestricts(condition)
	emit := func(kind, v string) {
		p := normalizePrincipal(kind, v)
		if external && !principalExternal(p, acct, restricted) {
			return
		}
		add(p)
	}
	if notPrincipal != "" {
		emit("AWS", "*")
	}
	switch {
	case principal == "":
	case principal[0] == '"':
		emit("AWS", jsonText(principal)) // "Principal": "*"
	case principal[0] == '{':
		jsonMembers(principal, 0, func(kind, val string) {
			switch {
			case strings.HasPrefix(val, `"`):
				emit(kind, jsonText(val))
			case strings.HasPrefix(val, "["):
				jsonElems(val, func(e string) {
					if strings.HasPrefix(e, `"`) {
						emit(kind, jsonText(e))
					}
				})
			}
		})
	}
}

// normalizePrincipal gives "KIND:value", a bare account ID of an AWS
// principal becoming its root ARN.
func normalizePrincipal(kind, v string) string {
	v = strings.TrimSpace(v)
	if kind == "AWS" && isAccountID(v) {
		return "AWS:arn:aws:iam::" + v + ":root"
	}
	return kind + ":" + v
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// principalExternal reports whether a normalized principal lies outside acct.
func principalExternal(p, acct string, restricted bool) bool {
	kind, v, _ := strings.Cut(p, ":")
	if kind != "AWS" && kind != "Federated" {
		return false
	}
	if v == "*" {
		return !restricted
	}
	if !strings.HasPrefix(v, "arn:") {
		return false // a Federated provider name such as cognito-identity.amazonaws.com
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) < 6 {
		return false
	}
	switch a := parts[4]; {
	case a == "*" || strings.ContainsAny(a, "*?"):
		return !restricted
	case a == "":
		return false
	default:
		return a != acct
	}
}

// conditionRestricts reports whether a Condition block pins callers with a
// positive operator (no Not, no IfExists) on a restricting key.
func conditionRestricts(cond string) bool {
	if !strings.HasPrefix(cond, "{") {
		return false
	}
	found := false
	jsonMembers(cond, 0, func(op, body string) {
		if strings.Contains(op, "Not") || strings.HasSuffix(op, "IfExists") || op == "Null" || !strings.HasPrefix(body, "{") {
			return
		}
		jsonMembers(body, 0, func(key, _ string) {
			if restrictingKeys[strings.ToLower(key)] {
				found = true
			}
		})
	})
	return found
}

// jsonMembers calls fn with each member's unescaped key and raw value of the
// object starting at doc[i], and reports whether the object is well formed.
func jsonMembers(doc string, i int, fn func(key, val string)) bool {
	i = jsonSkipWS(doc, i)
	if i >= len(doc) || doc[i] != '{' {
		return false
	}
	i = jsonSkipWS(doc, i+1)
	for i < len(doc) && doc[i] != '}' {
		ks, ke, ok := jsonString(doc, i)
		if !ok {
			return false
		}
		i = jsonSkipWS(doc, ke)
		if i >= len(doc) || doc[i] != ':' {
			return false
		}
		i = jsonSkipWS(doc, i+1)
		end, ok := jsonSkipValue(doc, i)
		if !ok {
			return false
		}
		key := doc[ks+1 : ke-1]
		if strings.IndexByte(key, '\\') >= 0 {
			key = jsonUnescape(nil, key)
		}
		fn(key, doc[i:end])
		i = jsonSkipWS(doc, end)
		if i < len(doc) && doc[i] == ',' {
			i = jsonSkipWS(doc, i+1)
		}
	}
	return i < len(doc)
}

// jsonElems calls fn with the raw text of each element of the array arr.
func jsonElems(arr string, fn func(elem string)) {
	i := jsonSkipWS(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end, ok := jsonSkipValue(arr, i)
		if !ok {
			return
		}
		fn(arr[i:end])
		i = jsonSkipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = jsonSkipWS(arr, i+1)
		}
	}
}

// jsonText is the value of a raw JSON string, or the raw text of any other
// value.
func jsonText(raw string) string {
	if len(raw) >= 2 && raw[0] == '"' {
		in := raw[1 : len(raw)-1]
		if strings.IndexByte(in, '\\') < 0 {
			return in
		}
		return jsonUnescape(nil, in)
	}
	return raw
}
