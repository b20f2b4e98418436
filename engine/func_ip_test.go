package engine

import (
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hunt-sec/hunt/parsers"
)

// Expected values come from Trino's documentation and source, cited per
// row:
//
//	[type]     https://trino.io/docs/current/language/types.html#ipaddress
//	           (IPv4 mapped into ::ffff:0:0/96; mapped addresses print as
//	           IPv4, others in RFC 5952 canonical form)
//	[contains] https://trino.io/docs/current/functions/ipaddress.html
//	[ops]      Trino IpAddressType: comparison is the unsigned order of
//	           the 16 bytes; IpAddressOperators.castFromVarcharToIpAddress
//	           parses with Guava InetAddresses.forString (no leading zeros,
//	           no spaces, no short IPv4 forms)
//	[funcs]    Trino IpAddressFunctions.contains: an IPv4 network with
//	           host bits set, or a bad network, is an error
//	[rfc5952]  RFC 5952 section 4 (canonical IPv6 text)
func TestIPAddress_Success(t *testing.T) {
	exprTests(t, [][2]string{
		// [type] literals and casts print back.
		{"IPADDRESS '10.0.0.1', IPADDRESS '2001:db8::1', CAST('10.0.0.1' AS IPADDRESS), CAST(IPADDRESS '10.0.0.1' AS varchar)", "10.0.0.1|2001:db8::1|10.0.0.1|10.0.0.1"},
		// [type] an IPv4-mapped IPv6 address is the IPv4 address.
		{"CAST('::ffff:1.2.3.4' AS IPADDRESS) = CAST('1.2.3.4' AS IPADDRESS), CAST('::ffff:1.2.3.4' AS IPADDRESS), CAST('::ffff:0102:0304' AS IPADDRESS)", "true|1.2.3.4|1.2.3.4"},
		// [rfc5952] canonical IPv6: lower case, no leading zeros, longest zero run compressed.
		{"CAST('2001:0DB8:0:0:0:ff00:0042:8329' AS IPADDRESS), CAST('2001:db8:0:0:1:0:0:1' AS IPADDRESS), CAST('2001:db8:0:1:1:1:1:1' AS IPADDRESS), CAST('::' AS IPADDRESS), CAST('::1' AS IPADDRESS)",
			"2001:db8::ff00:42:8329|2001:db8::1:0:0:1|2001:db8:0:1:1:1:1:1|::|::1"},
		// [ops] IPv4-compatible (not mapped) addresses stay IPv6.
		{"CAST('::1.2.3.4' AS IPADDRESS)", "::102:304"},
		// [ops] comparison is by address, not text: 9 < 10.
		{"CAST('9.0.0.1' AS IPADDRESS) < CAST('10.0.0.1' AS IPADDRESS), '9.0.0.1' < '10.0.0.1'", "true|false"},
		{"IPADDRESS '10.0.0.1' <> IPADDRESS '10.0.0.2', IPADDRESS '10.0.0.2' >= IPADDRESS '10.0.0.2', IPADDRESS '10.0.0.3' > IPADDRESS '10.0.0.20', IPADDRESS '10.0.0.3' <= IPADDRESS '10.0.0.2'", "true|true|false|false"},
		// [ops] every IPv4 address (::ffff:x) orders before 2001:db8::, after ::1.
		{"IPADDRESS '255.255.255.255' < IPADDRESS '2001:db8::', IPADDRESS '::1' < IPADDRESS '0.0.0.0'", "true|true"},
		{"IPADDRESS '10.1.2.3' BETWEEN IPADDRESS '10.0.0.0' AND IPADDRESS '10.255.255.255', IPADDRESS '9.1.2.3' NOT BETWEEN IPADDRESS '10.0.0.0' AND IPADDRESS '10.255.255.255'", "true|true"},
		{"IPADDRESS '10.0.0.1' IN (IPADDRESS '10.0.0.2', CAST('::ffff:10.0.0.1' AS IPADDRESS)), IPADDRESS '10.0.0.1' NOT IN (IPADDRESS '10.0.0.2'), IPADDRESS '10.0.0.1' IN (IPADDRESS '10.0.0.2', NULL)", "true|true|NULL"},
		{"greatest(IPADDRESS '9.0.0.1', IPADDRESS '10.0.0.1'), least(IPADDRESS '9.0.0.1', IPADDRESS '10.0.0.1')", "10.0.0.1|9.0.0.1"},
		{"IPADDRESS '10.0.0.1' IS DISTINCT FROM IPADDRESS '::ffff:10.0.0.1', coalesce(CAST(NULL AS IPADDRESS), IPADDRESS '1.2.3.4')", "false|1.2.3.4"},
		// [ops] TRY_CAST of text that is no address is NULL (not the text).
		{"try_cast('x' AS IPADDRESS), try_cast('ec2.amazonaws.com' AS IPADDRESS), try_cast('10.0.0.1' AS IPADDRESS), try_cast(NULL AS IPADDRESS)", "NULL|NULL|10.0.0.1|NULL"},
		{"try_cast('01.2.3.4' AS IPADDRESS), try_cast('1.2.3' AS IPADDRESS), try_cast(' 1.2.3.4' AS IPADDRESS), try_cast('256.1.1.1' AS IPADDRESS), try_cast('[::1]' AS IPADDRESS), try_cast('fe80::1%eth0' AS IPADDRESS), try_cast('' AS IPADDRESS)",
			"NULL|NULL|NULL|NULL|NULL|NULL|NULL"},
		// [contains] the four documented examples.
		{"contains('10.0.0.0/8', IPADDRESS '10.255.255.255'), contains('10.0.0.0/8', IPADDRESS '11.255.255.255')", "true|false"},
		{"contains('2001:0db8:0:0:0:ff00:0042:8329/128', IPADDRESS '2001:0db8:0:0:0:ff00:0042:8329'), contains('2001:0db8:0:0:0:ff00:0042:8329/128', IPADDRESS '2001:0db8:0:0:0:ff00:0042:8328')", "true|false"},
		// [funcs] an IPv4 network's prefix counts after the 96 mapped bits, so
		// 0.0.0.0/0 holds every IPv4 address and no IPv6 one, and ::/0 holds
		// all; a mapped IPv6 network counts 128 bits; NULL in, NULL out.
		{"contains('0.0.0.0/0', IPADDRESS '2001:db8::1'), contains('0.0.0.0/0', IPADDRESS '255.1.2.3'), contains('::/0', IPADDRESS '2001:db8::1'), contains('::ffff:10.0.0.0/104', IPADDRESS '10.9.9.9'), contains('10.0.0.0/32', IPADDRESS '10.0.0.0'), contains('10.0.0.0/31', IPADDRESS '10.0.0.1')",
			"false|true|true|true|true|true"},
		{"contains(NULL, IPADDRESS '10.0.0.1'), contains('10.0.0.0/8', NULL), contains('10.0.0.0/8', try_cast('x' AS IPADDRESS))", "NULL|NULL|NULL"},
		{"contains(x, IPADDRESS '10.1.2.3') FROM (SELECT '10.0.0.0/8' AS x UNION ALL SELECT '192.168.0.0/16') ORDER BY x", "true\nfalse"},
		{"try(contains(x, IPADDRESS '10.1.2.3')) FROM (SELECT '10.0.0.1/8' AS x)", "NULL"},
		// contains(array, element) still works.
		{"contains(split('a,b', ','), 'b'), contains(split('a,b', ','), 'c')", "true|false"},
	})
}

func TestIPAddress_Failure(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"SELECT ¶CAST('x' AS IPADDRESS)", `cannot cast "x" to ipaddress`},
		{"SELECT ¶CAST('ec2.amazonaws.com' AS ipaddress)", `cannot cast "ec2.amazonaws.com" to ipaddress`},
		{"SELECT ¶IPADDRESS '1.2.3.04'", `expected an IP address literal such as '10.0.0.1' or '2001:db8::1', found "1.2.3.04"`},
		{"SELECT IPADDRESS '1.2.3.4' = ¶'1.2.3.4'", "expected a value comparable with ipaddress after =, found varchar (Trino does not convert varchar to ipaddress: write CAST(x AS IPADDRESS) or IPADDRESS '1.2.3.4')"},
		{"SELECT eventname FROM cloudtrail WHERE sourceipaddress = ¶IPADDRESS '1.2.3.4'", "expected a value comparable with varchar after =, found ipaddress (Trino does not convert varchar to ipaddress: write CAST(x AS IPADDRESS) or IPADDRESS '1.2.3.4')"},
		{"SELECT IPADDRESS '1.2.3.4' IN (¶'1.2.3.4')", "expected a value comparable with ipaddress in the IN list, found varchar"},
		{"SELECT contains('10.0.0.0/8', ¶sourceipaddress) FROM cloudtrail", "expected argument 2 of contains to be ipaddress, found varchar (write CAST(x AS IPADDRESS), or TRY_CAST to skip values that are not addresses)"},
		{"SELECT contains(¶'10.0.0.1/8', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.1/8" (Invalid CIDR)`},
		{"SELECT contains(¶'10.0.0.0', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.0" (Invalid CIDR)`},
		{"SELECT contains(¶'10.0.0.0/33', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.0/33" (Invalid CIDR)`},
		{"SELECT contains(¶'::/129', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "::/129" (Invalid CIDR)`},
		{"SELECT contains(¶'10.0.0/8', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0/8" (Invalid network IP address)`},
		{"SELECT contains(¶'10.0.0.' || '0/33', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.0/33" (Invalid CIDR)`},
		{"SELECT contains(¶'10.0.0.0/-1', IPADDRESS '10.0.0.1')", `expected a network such as '10.0.0.0/8' as argument 1 of contains, found "10.0.0.0/-1" (Invalid prefix length)`},
		{"SELECT contains(¶1, IPADDRESS '10.0.0.1')", "expected an array or a varchar network such as '10.0.0.0/8' as argument 1 of contains, found bigint"},
		{"SELECT lower(¶IPADDRESS '10.0.0.1')", "expected argument 1 of lower to be varchar, found ipaddress"},
		{"SELECT ¶IPADDRESS '10.0.0.1' LIKE '10.%'", "expected varchar before LIKE, found ipaddress"},
		{"SELECT ¶CAST(IPADDRESS '10.0.0.1' AS bigint)", "expected a value that can be cast to bigint, found ipaddress"},
		{"SELECT ¶CAST('10.0.0.0/8' AS IPPREFIX)", "expected a type Trino (Athena) has, found IPPREFIX, a Presto type; match networks with contains('10.0.0.0/8', CAST(x AS IPADDRESS))"},
		{"SELECT ¶IPPREFIX '10.0.0.0/8'", "expected a type Trino (Athena) has, found IPPREFIX, a Presto type; match networks with contains('10.0.0.0/8', CAST(x AS IPADDRESS))"},
		{"SELECT ¶ip_subnet_min('10.0.0.0/8')", "expected a function Trino (Athena) has, found ip_subnet_min, a Presto function; match networks with contains('10.0.0.0/8', CAST(x AS IPADDRESS))"},
	}
	for _, tt := range tests {
		off := strings.Index(tt.in, "¶")
		in := strings.Replace(tt.in, "¶", "", 1)
		_, err := Compile(in, Options{Source: "x.sql"})
		var pe *parsers.ParseError
		if err == nil || !errorsAs(err, &pe) {
			t.Errorf("Compile(%q): got %v; want *parsers.ParseError", in, err)
			continue
		}
		if pe.Offset != int64(off) || pe.Err.Error() != tt.msg {
			t.Errorf("Compile(%q):\ngot  %d %q\nwant %d %q", in, pe.Offset, pe.Err.Error(), off, tt.msg)
		}
	}
}

// ipRows is a CloudTrail fixture whose sourceipaddress values sort
// differently as text and as addresses, with host names and NULLs.
func ipRows() []map[string]any {
	var rows []map[string]any
	for i, ip := range []any{"10.0.0.1", "9.0.0.1", "ec2.amazonaws.com", "::ffff:9.0.0.1", "2001:db8::1", "10.0.0.1", nil, "100.0.0.1", "2001:DB8:0::1", "AWS Internal"} {
		rows = append(rows, ctRow("E", "u", "2024-03-01T00:00:00Z", "us-east-1", "111111111111", map[string]any{"sourceipaddress": ip, "useragent": string(rune('a' + i))}))
	}
	return rows
}

func TestIPAddress_Results(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := ipRows()
	recs := []arrow.RecordBatch{
		buildRecord(mem, parsers.CloudTrailSchema, rows[:5]),
		buildRecord(mem, parsers.CloudTrailSchema, rows[5:]),
	}
	defer releaseAll(recs)
	const ip = "try_cast(sourceipaddress AS IPADDRESS)"
	tests := []struct{ sql, want string }{
		// [ops] ORDER BY address: 9 before 10 before 100, IPv4 before IPv6, NULLs last.
		{"SELECT " + ip + " AS a FROM cloudtrail ORDER BY a, useragent", "9.0.0.1\n9.0.0.1\n10.0.0.1\n10.0.0.1\n100.0.0.1\n2001:db8::1\n2001:db8::1\nNULL\nNULL\nNULL\n"},
		{"SELECT " + ip + " AS a FROM cloudtrail WHERE " + ip + " IS NOT NULL ORDER BY a DESC LIMIT 3", "2001:db8::1\n2001:db8::1\n100.0.0.1\n"},
		// [type] GROUP BY and DISTINCT see one value per address, whatever its spelling.
		{"SELECT " + ip + " AS a, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 1", "9.0.0.1|2\n10.0.0.1|2\n100.0.0.1|1\n2001:db8::1|2\nNULL|3\n"},
		{"SELECT count(DISTINCT " + ip + "), count(" + ip + ") FROM cloudtrail", "4|7\n"},
		{"SELECT DISTINCT " + ip + " AS a FROM cloudtrail ORDER BY a", "9.0.0.1\n10.0.0.1\n100.0.0.1\n2001:db8::1\nNULL\n"},
		// [ops] min/max by address, not by text (text max would be "9.0.0.1").
		{"SELECT min(" + ip + "), max(" + ip + "), max(" + ip + ") FILTER (WHERE contains('0.0.0.0/0', " + ip + ")) FROM cloudtrail", "9.0.0.1|2001:db8::1|100.0.0.1\n"},
		// Ties on the address (e and i) keep the smallest value.
		{"SELECT max_by(useragent, " + ip + "), min_by(" + ip + ", useragent) FROM cloudtrail", "e|10.0.0.1\n"},
		{"SELECT useragent FROM cloudtrail WHERE " + ip + " > IPADDRESS '9.255.255.255' AND " + ip + " < IPADDRESS '::ffff:100.0.0.0' ORDER BY 1", "a\nf\n"},
		{"SELECT useragent FROM cloudtrail WHERE contains('10.0.0.0/8', " + ip + ") OR " + ip + " IN (IPADDRESS '2001:db8::1') ORDER BY 1", "a\ne\nf\ni\n"},
		{"SELECT array_sort(array_agg(" + ip + ")), contains(array_agg(" + ip + "), IPADDRESS '::ffff:100.0.0.1'), array_agg(" + ip + ")[1] IS NOT NULL FROM cloudtrail WHERE " + ip + " IS NOT NULL", "[9.0.0.1, 9.0.0.1, 10.0.0.1, 10.0.0.1, 100.0.0.1, 2001:db8::1, 2001:db8::1]|true|true\n"},
		{"SELECT a FROM (SELECT array_agg(DISTINCT " + ip + ") AS l FROM cloudtrail) CROSS JOIN UNNEST(l) AS u(a) WHERE a < IPADDRESS '10.0.0.2' ORDER BY a", "9.0.0.1\n10.0.0.1\n"},
		// The varchar column still compares as varchar.
		{"SELECT count(*) FROM cloudtrail WHERE sourceipaddress = '10.0.0.1'", "2\n"},
		{"SELECT CAST(" + ip + " AS varchar) || '!' FROM cloudtrail WHERE useragent = 'i'", "2001:db8::1!\n"},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 2} {
			if got := resultText(runQuery(t, tt.sql, workers, recs...)); got != tt.want {
				t.Errorf("workers=%d %s\ngot:\n%s\nwant:\n%s", workers, tt.sql, got, tt.want)
			}
		}
	}
	res := runQuery(t, "SELECT "+ip+" FROM cloudtrail WHERE useragent = 'a'", 1, recs...)
	if res.Types[0] != "ipaddress" || res.Value(0, 0) != "10.0.0.1" {
		t.Errorf("result type %s value %#v; want ipaddress \"10.0.0.1\"", res.Types[0], res.Value(0, 0))
	}
	rec := res.Record(mem)
	defer rec.Release()
	if got := rec.Column(0).ValueStr(0); got != "10.0.0.1" {
		t.Errorf("Record value %q; want \"10.0.0.1\"", got)
	}
	// CAST fails on the first host name, naming it and the CAST.
	q, err := Compile("SELECT eventname,\n  CAST(sourceipaddress AS IPADDRESS) FROM cloudtrail", Options{Source: "hunt.sql"})
	if err != nil {
		t.Fatal(err)
	}
	r := q.NewRun(1)
	if err := r.Push(0, recs[0]); err == nil || err.Error() != `hunt.sql:2:3: cannot cast "ec2.amazonaws.com" to ipaddress` {
		t.Errorf("got %v; want positioned cast error", err)
	}
	// A bad network from a column fails at the contains() argument.
	q, err = Compile("SELECT contains(eventname, IPADDRESS '10.0.0.1') FROM cloudtrail", Options{Source: "hunt.sql"})
	if err != nil {
		t.Fatal(err)
	}
	r = q.NewRun(1)
	if err := r.Push(0, recs[0]); err == nil || err.Error() != `hunt.sql:1:17: expected a network such as '10.0.0.0/8' as argument 1 of contains, found "E" (Invalid CIDR)` {
		t.Errorf("got %v; want positioned contains error", err)
	}
}

// TestIPAddress_CloudTrailCorpus filters the real samples of
// testdata/cloudtrail: service principals ("ec2.amazonaws.com"),
// "AWS Internal" and anonymized addresses with leading zeros
// ("253.252.51.07", which Trino rejects too) are not addresses.
func TestIPAddress_CloudTrailCorpus(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	files, err := filepath.Glob("../testdata/cloudtrail/corpus/stratus-red-team/*.json")
	files = append(files, "../testdata/cloudtrail/corpus/otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json")
	if err != nil || len(files) == 1 {
		t.Fatalf("no CloudTrail corpus: %v", err)
	}
	var recs []arrow.RecordBatch
	defer func() { releaseAll(recs) }()
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := parsers.NewCloudTrailReader(fh, f, parsers.WithAllocator(mem), parsers.WithColumns("sourceipaddress"))
		if err != nil {
			t.Fatal(err)
		}
		for rd.Next() {
			b := rd.Batch()
			b.Retain()
			recs = append(recs, b)
		}
		if err := rd.Err(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rd.Release()
		fh.Close()
	}
	res := runQuery(t, "SELECT DISTINCT sourceipaddress, CAST(try_cast(sourceipaddress AS IPADDRESS) AS varchar) FROM cloudtrail", 2, recs...)
	kept, dropped := 0, 0
	for i := 0; i < res.Len(); i++ {
		s, _ := res.Value(i, 0).(string)
		ip := res.Value(i, 1)
		want, err := netip.ParseAddr(s)
		switch {
		case res.Value(i, 0) == nil:
			continue
		case err != nil:
			if ip != nil {
				t.Errorf("try_cast(%q AS IPADDRESS) = %v; want NULL", s, ip)
			}
			dropped++
		default:
			if ip != want.Unmap().String() {
				t.Errorf("try_cast(%q AS IPADDRESS) = %v; want %s", s, ip, want.Unmap())
			}
			kept++
		}
	}
	if kept == 0 || dropped == 0 {
		t.Errorf("kept %d, dropped %d distinct values; want both", kept, dropped)
	}
	got := resultText(runQuery(t, "SELECT count(*) FROM cloudtrail WHERE try_cast(sourceipaddress AS IPADDRESS) IS NOT NULL AND (sourceipaddress LIKE '%amazonaws.com' OR sourceipaddress = 'AWS Internal' OR sourceipaddress = '253.252.51.07')", 2, recs...))
	if got != "0\n" {
		t.Errorf("host names and leading zeros passed the address filter: %s", got)
	}
	got = resultText(runQuery(t, "SELECT count(*) > 0 FROM cloudtrail WHERE try_cast(sourceipaddress AS IPADDRESS) IS NULL AND sourceipaddress = 'ec2.amazonaws.com'", 2, recs...))
	if got != "true\n" {
		t.Errorf("ec2.amazonaws.com: got %s; want it in the corpus and rejected", got)
	}
}

func TestIPAddressText(t *testing.T) {
	// appendIPAddress and appendIPText round-trip as netip (RFC 5952).
	for _, s := range []string{"0.0.0.0", "255.255.255.255", "::", "::1", "1::", "1:0:0:1::1", "fe80::1:2", "2001:db8:0:0:1::", "::ffff:0.0.0.0", "::fffe:1.2.3.4", "64:ff9b::1.2.3.4"} {
		b, ok := appendIPAddress(nil, s)
		if !ok || len(b) != ipLen {
			t.Errorf("appendIPAddress(%q) = %x %v", s, b, ok)
			continue
		}
		if got, want := ipText(string(b)), netip.MustParseAddr(s).Unmap().String(); got != want {
			t.Errorf("ipText(%q) = %q; want %q", s, got, want)
		}
	}
}

func TestParseIPv4(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "10.1.2.3", "255.255.255.255", "192.168.0.10"} {
		v, ok := parseIPv4(s)
		a := netip.MustParseAddr(s).As4()
		if !ok || v != uint32(a[0])<<24|uint32(a[1])<<16|uint32(a[2])<<8|uint32(a[3]) {
			t.Errorf("parseIPv4(%q) = %x %v", s, v, ok)
		}
	}
	for _, s := range []string{"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.4 ", "::1", "a.b.c.d"} {
		if _, ok := parseIPv4(s); ok {
			t.Errorf("parseIPv4(%q) accepted", s)
		}
	}
}

func TestIPAddress_NoAllocs(t *testing.T) {
	var a arena
	in := &vec{t: tString, n: 4, s: []string{"10.0.0.1", "2001:db8::1", "ec2.amazonaws.com", "::ffff:1.2.3.4"}}
	out := &vec{}
	k := castToIPKernel(true, "")
	c, _ := parseCIDR("10.0.0.0/8")
	ck := containsConstKernel(c)
	b := &vec{}
	run := func() {
		a.reset()
		out.reset(tIPAddress, 4)
		k(&a, out, []*vec{in})
		b.reset(tBool, 4)
		ck(&a, b, []*vec{in, out})
	}
	run()
	if allocs := testing.AllocsPerRun(100, run); allocs != 0 {
		t.Errorf("cast and contains: %v allocs per batch; want 0", allocs)
	}
}

// TestIPAddress_Spill: ipaddress keys and values survive spilled
// aggregation (written and read back as their 16 bytes).
func TestIPAddress_Spill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var recs []arrow.RecordBatch
	for k := range 4 {
		var rows []map[string]any
		for i := range 250 {
			n := k*250 + i
			ip := strconv.Itoa(n%200) + ".0.0." + strconv.Itoa(n%7)
			if n%11 == 0 {
				ip = "2001:db8::" + strconv.FormatInt(int64(n%50), 16)
			}
			rows = append(rows, ctRow("E", "u"+strconv.Itoa(n%3), "2024-03-01T00:00:0"+strconv.Itoa(n%10)+"Z", "us-east-1", "1", map[string]any{"sourceipaddress": ip}))
		}
		recs = append(recs, buildRecord(mem, parsers.CloudTrailSchema, rows))
	}
	defer releaseAll(recs)
	const ip = "CAST(sourceipaddress AS IPADDRESS)"
	sql := "SELECT " + ip + " AS a, count(*), max(" + ip + "), min_by(" + ip + ", eventtime) FROM cloudtrail GROUP BY 1 ORDER BY 1"
	want := runWith(t, sql, Options{MaxGroups: -1}, 1, recs)
	i9, i10 := strings.Index(want, "\n9.0.0."), strings.Index(want, "\n10.0.0.")
	if !strings.HasPrefix(want, "0.0.0.1|1|0.0.0.1|0.0.0.1\n") || i9 < 0 || i10 < i9 || !strings.HasSuffix(want, "\n2001:db8::31|2|2001:db8::31|2001:db8::31\n") {
		t.Fatalf("in memory, not ordered by address:\n%.300s\n...%s", want, want[len(want)-200:])
	}
	before := spillFiles.Load()
	if got := runWith(t, sql, Options{MaxGroups: 20, TempDir: t.TempDir()}, 2, recs); got != want {
		t.Errorf("spilled:\n%.300s\nwant\n%.300s", got, want)
	}
	if spillFiles.Load() == before {
		t.Errorf("did not spill")
	}
}

// FuzzIPAddress: CAST(varchar AS IPADDRESS) accepts exactly what net/netip
// accepts without a zone, gives its 16 bytes, and its text reads back to
// the same bytes; contains() on any network text never panics.
func FuzzIPAddress(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "::ffff:1.2.3.4", "2001:db8::1", "01.2.3.4", "1.2.3", "fe80::1%eth0", "ec2.amazonaws.com", "::", "1:2:3:4:5:6:7:8", "::1.2.3.4", "10.0.0.0/8", "::/0", "10.0.0.1/8", "1.2.3.4/+8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := appendIPAddress(nil, s)
		a, err := netip.ParseAddr(s)
		if want := err == nil && a.Zone() == ""; ok != want {
			t.Fatalf("appendIPAddress(%q) ok=%v; netip says %v (%v)", s, ok, want, err)
		}
		parseCIDR(s)
		if !ok {
			return
		}
		if w := a.As16(); string(b) != string(w[:]) {
			t.Fatalf("appendIPAddress(%q) = %x; want %x", s, b, w)
		}
		b2, ok := appendIPAddress(nil, ipText(string(b)))
		if !ok || string(b2) != string(b) {
			t.Fatalf("%q printed as %q, which reads back as %x %v", s, ipText(string(b)), b2, ok)
		}
	})
}
