package sigma

// The oracle: a deliberately naive Sigma evaluator, one record at a time
// over the decoded JSON map, written from the specification without
// looking at compile.go. Every rule is run through both the oracle and the
// engine (the compiled SQL) over the same records; the matching records
// must be the same.

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/bench"
	"github.com/hunt-sec/hunt/engine"
	"github.com/hunt-sec/hunt/parsers"
)

// oracleMatch evaluates rule r on one record.
func oracleMatch(r *Rule, rec map[string]any, opts Options) bool {
	res := map[string]bool{}
	for _, s := range r.Detection.Searches {
		res[s.Name] = oracleSearch(s, rec, opts)
	}
	for _, e := range r.Detection.Exprs {
		if oracleCond(e, res) {
			return true
		}
	}
	return false
}

func oracleCond(e Expr, res map[string]bool) bool {
	switch e := e.(type) {
	case *And:
		return oracleCond(e.X, res) && oracleCond(e.Y, res)
	case *Or:
		return oracleCond(e.X, res) || oracleCond(e.Y, res)
	case *Not:
		return !oracleCond(e.X, res)
	case *Ref:
		return res[e.Name]
	case *Of:
		n := 0
		for _, name := range e.Names {
			if res[name] {
				n++
			}
		}
		if e.All {
			return n == len(e.Names)
		}
		return n >= 1
	}
	panic("unknown")
}

// A search: a list of maps is OR, a map is AND of its items.
func oracleSearch(s *Search, rec map[string]any, opts Options) bool {
	for _, alt := range s.Alternatives {
		all := true
		for _, it := range alt {
			if !oracleItem(it, rec, opts) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// lookup returns the values at a dotted field path: an array anywhere on
// the way fans out (any element may match). present reports whether the
// key exists at all (even with a null value).
func lookup(rec map[string]any, path string) (vals []any, present bool) {
	var walk func(v any, parts []string)
	walk = func(v any, parts []string) {
		if arr, ok := v.([]any); ok && len(parts) > 0 {
			for _, e := range arr {
				walk(e, parts)
			}
			return
		}
		if len(parts) == 0 {
			present = true
			if arr, ok := v.([]any); ok {
				vals = append(vals, arr...)
				return
			}
			vals = append(vals, v)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		x, ok := m[parts[0]]
		if !ok {
			// Top-level and struct keys are matched ignoring case, as
			// the CloudTrail reader does.
			return
		}
		walk(x, parts[1:])
	}
	walk(rec, strings.Split(path, "."))
	return vals, present
}

func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// asText is a leaf value as the text Sigma compares: strings as they are,
// numbers as written, booleans as true/false; objects as their JSON text.
func asText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case json.Number:
		return string(v), true
	case bool:
		return strconv.FormatBool(v), true
	case map[string]any:
		return jsonText(v), true
	}
	return "", false
}

func oracleItem(it *Item, rec map[string]any, opts Options) bool {
	field := it.Field
	if m, ok := opts.FieldMap[field]; ok {
		field = m
	}
	vals, present := lookup(rec, field)
	has := func(mod string) bool { return slices.Contains(it.Modifiers, mod) }
	if has("exists") {
		want := it.Values[0].S == "true"
		return present == want
	}
	var texts []string
	for _, v := range vals {
		if s, ok := asText(v); ok {
			texts = append(texts, s)
		}
	}
	matchOne := func(v Value) bool {
		if v.Kind == KindNull {
			return len(texts) == 0
		}
		return slices.ContainsFunc(texts, func(s string) bool { return oracleValue(it, v, s, rec, opts) })
	}
	if has("neq") {
		if len(texts) == 0 {
			return false
		}
		for _, v := range it.Values {
			if matchOne(v) {
				return false
			}
		}
		return true
	}
	if has("all") {
		for _, v := range it.Values {
			if !matchOne(v) {
				return false
			}
		}
		return true
	}
	for _, v := range it.Values {
		if matchOne(v) {
			return true
		}
	}
	return false
}

// oracleValue: does field text s match value v under the item's modifiers?
func oracleValue(it *Item, v Value, s string, rec map[string]any, opts Options) bool {
	has := func(mod string) bool { return slices.Contains(it.Modifiers, mod) }
	cased := has("cased")
	switch {
	case has("re"):
		flags := ""
		for _, f := range []string{"i", "m", "s"} {
			if has(f) {
				flags += f
			}
		}
		p := v.S
		if flags != "" {
			p = "(?" + flags + ")" + p
		}
		return regexp.MustCompile(p).MatchString(s)
	case has("cidr"):
		pfx := netip.MustParsePrefix(v.S)
		a, err := netip.ParseAddr(s)
		return err == nil && pfx.Contains(a.Unmap())
	case has("gt"), has("gte"), has("lt"), has("lte"):
		x, err1 := strconv.ParseFloat(strings.TrimSpace(s), 64)
		y, _ := strconv.ParseFloat(v.S, 64)
		if err1 != nil {
			return false
		}
		switch {
		case has("gt"):
			return x > y
		case has("gte"):
			return x >= y
		case has("lt"):
			return x < y
		}
		return x <= y
	case has("fieldref"):
		others, _ := lookup(rec, v.S)
		for _, o := range others {
			if t, ok := asText(o); ok && (t == s || !cased && strings.EqualFold(t, s)) {
				return true
			}
		}
		return false
	}
	// Plain, wildcard and transformed strings.
	pats := []string{v.S}
	if v.Kind == KindBool {
		pats = []string{strings.ToLower(v.S)}
	}
	if has("expand") {
		var out []string
		for _, p := range pats {
			out = append(out, expandOracle(p, opts.Placeholders)...)
		}
		pats = out
	}
	windashed := false
	for _, m := range it.Modifiers {
		for i, p := range pats {
			if (m == "contains" || m == "startswith") && oddTrailingBackslashes(p) {
				// A lone trailing backslash is a literal one: keep it
				// literal when a wildcard follows it.
				p += `\`
			}
			switch m {
			case "contains":
				pats[i] = "*" + p + "*"
			case "startswith":
				pats[i] = p + "*"
			case "endswith":
				pats[i] = "*" + p
			case "windash":
				windashed = true
			case "base64":
				pats[i] = base64.StdEncoding.EncodeToString([]byte(unescapeSigma(p)))
			case "wide", "utf16le":
				pats[i] = escapeSigma(utf16le(unescapeSigma(p)))
			case "utf16be":
				b := []byte(utf16le(unescapeSigma(p)))
				for k := 0; k+1 < len(b); k += 2 {
					b[k], b[k+1] = b[k+1], b[k]
				}
				pats[i] = escapeSigma(string(b))
			case "utf16":
				pats[i] = escapeSigma("\xff\xfe" + utf16le(unescapeSigma(p)))
			}
		}
		if m == "base64offset" {
			var out []string
			for _, p := range pats {
				plain := unescapeSigma(p)
				for shift := 0; shift < 3; shift++ {
					// Encode with `shift` unknown bytes before; keep only the
					// characters that depend on the value alone.
					enc := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0}, shift), plain...))
					enc = strings.TrimRight(enc, "=")
					lead := (shift*8 + 5) / 6 // chars touched by the unknown prefix
					if shift == 0 {
						lead = 0
					}
					tailBits := (shift + len(plain)) * 8 % 6
					end := len(enc)
					if tailBits != 0 {
						end-- // the last char mixes in the unknown next byte
					}
					if lead < end {
						out = append(out, enc[lead:end])
					}
				}
			}
			pats = out
		}
	}
	for _, p := range pats {
		ss := s
		if windashed {
			ss, p = normDash(ss), normDash(p)
		}
		if !cased {
			ss, p = strings.ToLower(ss), strings.ToLower(p)
		}
		if wildMatch([]rune(p), []rune(ss)) {
			return true
		}
	}
	return false
}

func oddTrailingBackslashes(s string) bool {
	n := len(s) - len(strings.TrimRight(s, `\`))
	return n%2 == 1
}

func normDash(s string) string {
	for _, d := range []string{"/", "–", "—", "―"} {
		s = strings.ReplaceAll(s, d, "-")
	}
	return s
}

func utf16le(s string) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func unescapeSigma(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.ContainsRune(`*?\`, rune(s[i+1])) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func escapeSigma(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c == '*' || c == '?' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func expandOracle(p string, ph map[string][]string) []string {
	i := strings.IndexByte(p, '%')
	for i > 0 && p[i-1] == '\\' {
		j := strings.IndexByte(p[i+1:], '%')
		if j < 0 {
			return []string{strings.ReplaceAll(p, `\%`, "%")}
		}
		i += 1 + j
	}
	if i < 0 {
		return []string{strings.ReplaceAll(p, `\%`, "%")}
	}
	j := strings.IndexByte(p[i+1:], '%')
	name := p[i+1 : i+1+j]
	var out []string
	for _, v := range ph[name] {
		for _, rest := range expandOracle(p[i+1+j+1:], ph) {
			out = append(out, strings.ReplaceAll(p[:i], `\%`, "%")+v+rest)
		}
	}
	return out
}

// wildMatch matches s against a Sigma pattern: * any run, ? one
// character, \* \? \\ literal, any other backslash literal.
func wildMatch(p, s []rune) bool {
	if len(p) == 0 {
		return len(s) == 0
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildMatch(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return len(s) > 0 && wildMatch(p[1:], s[1:])
	case '\\':
		if len(p) > 1 && (p[1] == '*' || p[1] == '?' || p[1] == '\\') {
			return len(s) > 0 && s[0] == p[1] && wildMatch(p[2:], s[1:])
		}
	}
	return len(s) > 0 && s[0] == p[0] && wildMatch(p[1:], s[1:])
}

// ---- the records ----

// decodeRecords reads CloudTrail records in any of the forms the reader
// accepts ({"Records":[...]}, an array, NDJSON or concatenated objects).
func decodeRecords(data []byte) []map[string]any {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []map[string]any
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			return out
		}
		switch v := v.(type) {
		case map[string]any:
			if recs, ok := v["Records"].([]any); ok {
				for _, r := range recs {
					if m, ok := r.(map[string]any); ok {
						out = append(out, m)
					}
				}
				continue
			}
			out = append(out, v)
		case []any:
			for _, r := range v {
				if m, ok := r.(map[string]any); ok {
					out = append(out, m)
				}
			}
		}
	}
}

// corpus is the oracle's record set: testdata's CloudTrail files (the
// public attack logs under testdata/cloudtrail/corpus among them), the
// generator's background records and records synthesized from the rules'
// own values. Each record's eventID is replaced by its index, so results
// can be compared record by record.
func corpus(t *testing.T, rules []*Rule) []map[string]any {
	var recs []map[string]any
	filepath.Walk("../testdata/cloudtrail", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.Contains(p, "/bad/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil
			}
			if data, err = io.ReadAll(zr); err != nil {
				return nil
			}
		} else if !strings.HasSuffix(p, ".json") {
			return nil
		}
		recs = append(recs, decodeRecords(data)...)
		return nil
	})
	recs = append(recs, decodeRecords(bench.GenerateCloudTrailRecords(7, 3000))...)
	recs = append(recs, synthesize(rules)...)
	for i, r := range recs {
		r["eventID"] = "r" + strconv.Itoa(i)
	}
	return recs
}

// synthesize builds, for each search alternative of each rule, a record
// that meets every item with the item's first value (wildcards filled in,
// case flipped), and near misses that drop one item each.
func synthesize(rules []*Rule) []map[string]any {
	var out []map[string]any
	base := func() map[string]any {
		return map[string]any{"eventVersion": "1.08", "eventTime": "2024-05-01T10:00:00Z", "awsRegion": "us-east-1", "recipientAccountId": "111122223333"}
	}
	for ri, r := range rules {
		if r.Detection == nil {
			continue
		}
		for _, s := range r.Detection.Searches {
			for _, alt := range s.Alternatives {
				full := base()
				for _, it := range alt {
					synthItem(full, it, ri)
				}
				out = append(out, full)
				for skip := range alt {
					miss := base()
					for k, it := range alt {
						if k != skip {
							synthItem(miss, it, ri)
						}
					}
					out = append(out, miss)
				}
			}
		}
	}
	return out
}

func synthItem(rec map[string]any, it *Item, seed int) {
	if it.Field == "" || len(it.Values) == 0 {
		return
	}
	v := it.Values[seed%len(it.Values)]
	var val any
	switch {
	case slices.Contains(it.Modifiers, "exists"):
		if v.S != "true" {
			return
		}
		val = "present"
	case v.Kind == KindNull:
		return
	case slices.Contains(it.Modifiers, "re"):
		val = "arn:aws:sts::1:assumed-role/aws:x"
	case slices.Contains(it.Modifiers, "fieldref"):
		val = "someone"
		setPath(rec, v.S, "SomeOne")
	default:
		s := strings.NewReplacer(`\*`, "*", `\?`, "?", "*", "Zz", "?", "Q").Replace(v.S)
		if slices.Contains(it.Modifiers, "contains") {
			s = "pre " + s + " post"
		}
		if seed%2 == 1 && !slices.Contains(it.Modifiers, "cased") {
			s = strings.ToUpper(s)
		}
		val = s
	}
	setPath(rec, it.Field, val)
}

func setPath(rec map[string]any, path string, val any) {
	parts := strings.Split(path, ".")
	m := rec
	for i, p := range parts {
		if i == len(parts)-1 {
			m[p] = val
			return
		}
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
}

// engineMatches runs the compiled SQL of each rule over recs (NDJSON) and
// returns, per rule, the eventIDs that match; accepted are the eventIDs
// the reader accepted.
func engineRun(t *testing.T, sql string, ndjson []byte) []string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	q, err := engine.Compile(sql, engine.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	run := q.NewRun(1)
	rd, err := parsers.NewCloudTrailReader(bytes.NewReader(ndjson), "oracle.json", parsers.WithAllocator(mem), parsers.WithColumns(q.Columns("cloudtrail")...))
	if err != nil {
		t.Fatal(err)
	}
	for rd.Next() {
		if err := run.Push(0, rd.Batch()); err != nil {
			t.Fatal(err)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	rd.Release()
	res, err := run.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range res.Rows() {
		ids = append(ids, res.Text(i, 0))
	}
	sort.Strings(ids)
	return ids
}

func TestOracle_Packs(t *testing.T) {
	var rules []*Rule
	for _, dir := range []string{sigmaHQDir, corpusDir + "/suzaku-rules/suzaku/aws"} {
		res, err := LoadDir(dir)
		if err != nil {
			t.Logf("corpus not available, skipped: %v", err)
			continue
		}
		rules = append(rules, res.Rules...)
	}
	recs := corpus(t, rules)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		enc.Encode(r)
	}
	ndjson := buf.Bytes()
	accepted := map[string]bool{}
	for _, id := range engineRun(t, "SELECT eventid FROM cloudtrail", ndjson) {
		accepted[id] = true
	}
	// Re-decode so the oracle sees exactly the serialized records.
	recs = decodeRecords(ndjson)
	t.Logf("%d records, %d accepted by the reader", len(recs), len(accepted))
	compared, matched := 0, 0
	for _, r := range rules {
		if r.Detection == nil {
			continue
		}
		tbl, err := TableFor(r)
		if err != nil {
			continue
		}
		where, err := Compile(r, tbl, Options{})
		if err != nil {
			continue // a positioned compile error: counted by TestPacks_Compile
		}
		got := engineRun(t, "SELECT eventid FROM cloudtrail WHERE "+where, ndjson)
		var want []string
		for _, rec := range recs {
			id := rec["eventID"].(string)
			if accepted[id] && oracleMatch(r, rec, Options{}) {
				want = append(want, id)
			}
		}
		sort.Strings(want)
		compared++
		matched += len(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s (%s): engine and oracle disagree: %s\nSQL: %s", r.Source, r.Title, diffIDs(got, want, recs), where)
		}
	}
	t.Logf("%d rules compared over %d records, %d matches in all", compared, len(accepted), matched)
	if compared == 0 {
		t.Fatal("no rule compared")
	}
}

func diffIDs(got, want []string, recs []map[string]any) string {
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	show := func(ids []string) string {
		if len(ids) == 0 {
			return "none"
		}
		n, _ := strconv.Atoi(ids[0][1:])
		txt := jsonText(recs[n])
		if len(txt) > 600 {
			txt = txt[:600] + "..."
		}
		return fmt.Sprintf("%d, e.g. %s %s", len(ids), ids[0], txt)
	}
	return "engine only: " + show(extra) + "; oracle only: " + show(missing)
}
