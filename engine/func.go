package engine

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// funcDef is an entry of the scalar function table: argument count bounds
// and a builder that type-checks the compiled arguments and picks the
// kernel.
type funcDef struct {
	min, max int // max -1: variadic
	build    func(c *compiler, call *Call, args []expr) (expr, error)
}

// plain declares a strict function with fixed parameter types.
func plain(ret *dtype, params []*dtype, k kernel) funcDef {
	return funcDef{min: len(params), max: len(params), build: func(c *compiler, call *Call, args []expr) (expr, error) {
		if err := c.coerceArgs(call, args, func(i int) *dtype { return params[i] }); err != nil {
			return nil, err
		}
		return &exprFunc{name: call.Name, t: ret, args: args, k: k, strict: true}, nil
	}}
}

// stringFunc builds a strict function of string arguments, as many as its
// funcDef allows, that returns a string.
func stringFunc(k kernel) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		if err := c.coerceArgs(call, args, func(int) *dtype { return tString }); err != nil {
			return nil, err
		}
		return &exprFunc{name: call.Name, t: tString, args: args, k: k, strict: true}, nil
	}
}

// coerceArgs coerces each argument to the type param gives for its index.
func (c *compiler) coerceArgs(call *Call, args []expr, param func(i int) *dtype) error {
	for i := range args {
		a, err := c.argAs(call, i, args[i], param(i))
		if err != nil {
			return err
		}
		args[i] = a
	}
	return nil
}

// argAs coerces argument i to t, or reports what was expected.
func (c *compiler) argAs(call *Call, i int, a expr, t *dtype) (expr, error) {
	at := a.typ()
	switch {
	case at.k == t.k:
		return a, nil
	case at.k == kNull:
		return &exprConst{v: constVec(t, true)}, nil
	case at.k == kInt && t.k == kDouble, at.isText() && t.isText(), at.k == kDate && t.k == kTimestamp:
		return c.mustCoerce(a, t), nil
	case at.k == kString && (t.k == kTimestamp || t.k == kDate):
		if _, ok := a.(*exprConst); ok {
			return c.fold(c.mustCoerce(a, t), call.Args[i].Pos())
		}
	}
	return nil, c.errf(call.Args[i].Pos(), "expected argument "+itoa(int64(i+1))+" of "+call.Name+" to be "+t.name+", found "+at.name)
}

// constArg returns argument i as a varchar constant.
func (c *compiler) constArg(call *Call, i int, args []expr, what string) (string, error) {
	k, ok := args[i].(*exprConst)
	if !ok || !k.v.t.isText() || k.v.isNull(0) {
		return "", c.errf(call.Args[i].Pos(), "expected a constant "+what+" as argument "+itoa(int64(i+1))+" of "+call.Name+", found "+quoteFound(call.Args[i].String()))
	}
	return k.v.s[0], nil
}

func (c *compiler) constInt(call *Call, i int, args []expr) (int64, error) {
	k, ok := args[i].(*exprConst)
	if !ok || k.v.t.k != kInt || k.v.isNull(0) {
		return 0, c.errf(call.Args[i].Pos(), "expected a constant bigint as argument "+itoa(int64(i+1))+" of "+call.Name+", found "+quoteFound(call.Args[i].String()))
	}
	return k.v.i[0], nil
}

func (c *compiler) constRegexp(call *Call, args []expr) (*regexp.Regexp, error) {
	p, err := c.constArg(call, 1, args, "pattern")
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, c.errf(call.Args[1].Pos(), "expected a valid regular expression, found "+quoteFound(p)+": "+err.Error())
	}
	return re, nil
}

func (c *compiler) unitArg(call *Call, args []expr) (string, error) {
	u, err := c.constArg(call, 0, args, "unit")
	if err != nil {
		return "", err
	}
	u = strings.ToLower(u)
	if !timeUnits[u] {
		return "", c.errf(call.Args[0].Pos(), "expected a unit (millisecond, second, minute, hour, day, week, month, quarter, year), found "+quoteFound(u))
	}
	return u, nil
}

func timestampArg(c *compiler, call *Call, i int, args []expr) (expr, error) {
	return c.argAs(call, i, args[i], tTimestamp)
}

// scalarFuncs returns the function table, built on the first call and
// immutable after: a process that compiles no scalar function call (hunt
// version, a count query) does not build its hundred closures at start-up.
var scalarFuncs = sync.OnceValue(newScalarFuncs)

func newScalarFuncs() map[string]funcDef {
	str, i64, f64, ts, b := tString, tInt, tDouble, tTimestamp, tBool
	scalarFuncs := map[string]funcDef{
		"lower":                  plain(str, []*dtype{str}, lowerUpperKernel(false)),
		"upper":                  plain(str, []*dtype{str}, lowerUpperKernel(true)),
		"length":                 plain(i64, []*dtype{str}, lengthKernel),
		"strpos":                 plain(i64, []*dtype{str, str}, strposKernel),
		"split_part":             plain(str, []*dtype{str, str, i64}, splitPartKernel),
		"starts_with":            plain(b, []*dtype{str, str}, startsWithKernel),
		"trim":                   {min: 1, max: 2, build: buildTrim(0)},
		"ltrim":                  {min: 1, max: 2, build: buildTrim(1)},
		"rtrim":                  {min: 1, max: 2, build: buildTrim(2)},
		"split":                  plain(arrayOf(str), []*dtype{str, str}, splitKernel),
		arrayCtor:                {min: 0, max: -1, build: buildArrayCtor},
		"concat_ws":              {min: 2, max: -1, build: buildConcatWS},
		"from_iso8601_timestamp": plain(ts, []*dtype{str}, fromISO8601Kernel),
		"to_unixtime":            plain(f64, []*dtype{ts}, toUnixtimeKernel),
		"to_iso8601":             plain(str, []*dtype{ts}, toISO8601Kernel),
		"json_format":            plain(str, []*dtype{tJSON}, func(a *arena, out *vec, args []*vec) { out.s, out.null = args[0].s, args[0].null }),
		"json_parse":             plain(tJSON, []*dtype{str}, func(a *arena, out *vec, args []*vec) { out.s, out.null = args[0].s, args[0].null }),
		"json_array_length":      {min: 1, max: 1, build: buildJSONArrayLength},
		"substr":                 {min: 2, max: 3, build: buildSubstr},
		"substring":              {min: 2, max: 3, build: buildSubstr},
		"replace":                {min: 2, max: 3, build: stringFunc(replaceKernel)},
		"concat":                 {min: 1, max: -1, build: stringFunc(concatKernel)},
		"regexp_like":            {min: 2, max: 2, build: buildRegexpLike},
		"regexp_extract":         {min: 2, max: 3, build: buildRegexpExtract},
		"regexp_replace":         {min: 2, max: 3, build: buildRegexpReplace},
		"json_extract_scalar":    {min: 2, max: 2, build: buildJSONExtract(true)},
		"json_extract":           {min: 2, max: 2, build: buildJSONExtract(false)},
		"from_unixtime":          {min: 1, max: 1, build: buildFromUnixtime},
		"date_trunc":             {min: 2, max: 2, build: buildDateTrunc},
		"date_add":               {min: 3, max: 3, build: buildDateAdd},
		"date_diff":              {min: 3, max: 3, build: buildDateDiff},
		"date_format":            {min: 2, max: 2, build: buildDTFormat(false)},
		"format_datetime":        {min: 2, max: 2, build: buildDTFormat(true)},
		"date_parse":             {min: 2, max: 2, build: buildDTParse(false)},
		"parse_datetime":         {min: 2, max: 2, build: buildDTParse(true)},
		"now":                    {min: 0, max: 0, build: buildNow},
		"current_timestamp":      {min: 0, max: 0, build: buildNow},
		"current_date":           {min: 0, max: 0, build: buildToday},
		"date":                   {min: 1, max: 1, build: buildDate},
		"from_iso8601_date":      {min: 1, max: 1, build: buildDate},
		"contains":               {min: 2, max: 2, build: buildContains},
		"cardinality":            {min: 1, max: 1, build: buildCardinality},
		"element_at":             {min: 2, max: 2, build: buildElementAt},
		"coalesce":               {min: 1, max: -1, build: buildCoalesce},
		"if":                     {min: 2, max: 3, build: buildIf},
		"nullif":                 {min: 2, max: 2, build: buildNullif},
		"abs":                    {min: 1, max: 1, build: buildMath("abs")},
		"floor":                  {min: 1, max: 1, build: buildMath("floor")},
		"ceil":                   {min: 1, max: 1, build: buildMath("ceil")},
		"ceiling":                {min: 1, max: 1, build: buildMath("ceil")},
		"round":                  {min: 1, max: 2, build: buildRound},
		"array_join":             {min: 2, max: 3, build: buildArrayJoin},
		"sqrt":                   unaryDouble(math.Sqrt),
		"ln":                     unaryDouble(math.Log),
		"log2":                   unaryDouble(math.Log2),
		"log10":                  unaryDouble(math.Log10),
		"exp":                    unaryDouble(math.Exp),
		"sign":                   unaryDouble(sign),
		"power":                  binaryDouble(math.Pow),
		"pow":                    binaryDouble(math.Pow),
		"mod":                    {min: 2, max: 2, build: buildMod},
		"greatest":               {min: 1, max: -1, build: buildGreatest(true)},
		"least":                  {min: 1, max: -1, build: buildGreatest(false)},
		"reverse":                plain(tString, []*dtype{tString}, reverseKernel),
		"try":                    {min: 1, max: 1, build: func(c *compiler, call *Call, args []expr) (expr, error) { return &exprTry{x: args[0]}, nil }},
		"regexp_extract_all":     {min: 2, max: 3, build: buildRegexpExtractAll},
		"array_distinct":         {min: 1, max: 1, build: buildArrayList(true, false)},
		"array_sort":             {min: 1, max: 1, build: buildArrayList(false, true)},
		"json_array_contains":    {min: 2, max: 2, build: buildJSONArrayContains},
		"map_keys":               {min: 1, max: 1, build: buildMapEntries(false)},
		"map_values":             {min: 1, max: 1, build: buildMapEntries(true)},
		"chr":                    plain(str, []*dtype{i64}, chrKernel),
		"codepoint":              plain(tInteger, []*dtype{str}, codepointKernel),
		"levenshtein_distance":   plain(i64, []*dtype{str, str}, levenshteinKernel),
		"hamming_distance":       plain(i64, []*dtype{str, str}, hammingKernel),
		"typeof":                 {min: 1, max: 1, build: buildTypeof},
		"url_extract_protocol":   plain(str, []*dtype{str}, urlExtractKernel(urlProtocol)),
		"url_extract_host":       plain(str, []*dtype{str}, urlExtractKernel(urlHost)),
		"url_extract_path":       plain(str, []*dtype{str}, urlExtractKernel(urlPath)),
		"url_extract_query":      plain(str, []*dtype{str}, urlExtractKernel(urlQuery)),
		"url_extract_fragment":   plain(str, []*dtype{str}, urlExtractKernel(urlFragment)),
		"url_extract_port":       plain(i64, []*dtype{str}, urlExtractPortKernel),
		"url_extract_parameter":  plain(str, []*dtype{str, str}, urlExtractParameterKernel),
		"url_decode":             plain(str, []*dtype{str}, urlDecodeKernel),
		"url_encode":             plain(str, []*dtype{str}, urlEncodeKernel),
	}
	for _, f := range []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second", "day_of_week", "day_of_year"} {
		scalarFuncs[f] = plain(i64, []*dtype{ts}, extractKernel(f))
	}
	scalarFuncs["dow"] = scalarFuncs["day_of_week"]
	scalarFuncs["doy"] = scalarFuncs["day_of_year"]
	scalarFuncs["day_of_month"] = scalarFuncs["day"]
	addPolicyFuncs(scalarFuncs)
	return scalarFuncs
}

// athenaFuncs are Trino functions Athena has and the local engine does
// not; using one is an error that suggests --engine athena.
var athenaFuncs = map[string]bool{}

// athenaAggregates are Trino aggregates the local engine does not run.
var athenaAggregates = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`  array_max array_min array_position
		array_remove arrays_overlap array_union array_intersect array_except sequence slice zip zip_with reduce
		map map_filter map_concat map_entries regexp_split
		 regexp_count regexp_position to_base64 from_base64 md5 sha1 sha256 sha512 to_hex
		from_hex crc32 xxhash64 to_utf8 from_utf8 at_timezone
		with_timezone current_time localtimestamp localtime last_day_of_month week_of_year year_of_week
		format lpad rpad soundex translate normalize position
		 json_array_get json_size is_json_scalar json_value json_query json_exists
		uuid random rand truncate     
		log     width_bucket cbrt   bitwise_and bitwise_or bitwise_xor to_milliseconds
		parse_duration human_readable_seconds from_unixtime_nanos to_date timezone_hour timezone_minute
		array_agg_distinct word_stem ends_with luhn_check split_to_map split_to_multimap `) {
		athenaFuncs[f] = true
	}
	for _, f := range strings.Fields(`approx_percentile approx_set approx_most_frequent
		corr covar_pop covar_samp histogram map_agg multimap_agg map_union checksum
		geometric_mean bitwise_and_agg bitwise_or_agg listagg numeric_histogram
		kurtosis skewness regr_slope regr_intercept merge tdigest_agg qdigest_agg set_agg set_union`) {
		athenaAggregates[f] = true
	}
}

// compileCall compiles a scalar function call.
func (c *compiler) compileCall(call *Call, sc *scope) (expr, error) {
	if aggregates[call.Name] || athenaAggregates[call.Name] {
		return nil, c.errf(call.pos, "expected a scalar expression, found aggregate "+call.Name+"() (aggregates are allowed in SELECT, HAVING and ORDER BY)")
	}
	def, ok := scalarFuncs()[call.Name]
	if !ok {
		switch call.Name {
		case "ip_prefix", "ip_subnet_min", "ip_subnet_max", "ip_subnet_range", "is_subnet_of":
			return nil, c.errf(call.pos, "expected a function Trino (Athena) has, found "+call.Name+", a Presto function; match networks with contains('10.0.0.0/8', CAST(x AS IPADDRESS))")
		}
		if athenaFuncs[call.Name] {
			return nil, c.errf(call.pos, "function "+call.Name+" is not supported by the local engine; run the query with --engine athena")
		}
		return nil, c.errf(call.pos, "expected a known function, found "+quoteFound(call.Name))
	}
	if call.Distinct || call.Star || call.Filter != nil || len(call.OrderBy) > 0 {
		return nil, c.errf(call.pos, "expected plain arguments to "+call.Name+", found DISTINCT, *, ORDER BY or FILTER")
	}
	n := len(call.Args)
	if n < def.min || (def.max >= 0 && n > def.max) {
		want := itoa(int64(def.min))
		if def.max != def.min {
			if def.max < 0 {
				want = "at least " + want
			} else {
				want += " to " + itoa(int64(def.max))
			}
		}
		return nil, c.errf(call.pos, "expected "+want+" arguments to "+call.Name+", found "+itoa(int64(n)))
	}
	if call.Name == "try" {
		c.inTry++
		defer func() { c.inTry-- }()
	}
	args := make([]expr, n)
	for i, a := range call.Args {
		e, err := c.compileExpr(a, sc)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return def.build(c, call, args)
}

func buildSubstr(c *compiler, call *Call, args []expr) (expr, error) {
	params := []*dtype{tString, tInt, tInt}
	if err := c.coerceArgs(call, args, func(i int) *dtype { return params[i] }); err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tString, args: args, k: substrKernel, strict: true}, nil
}

func buildRegexpLike(c *compiler, call *Call, args []expr) (expr, error) {
	x, err := c.argAs(call, 0, args[0], tString)
	if err != nil {
		return nil, err
	}
	re, err := c.constRegexp(call, args)
	if err != nil {
		return nil, err
	}
	if inner := lowerArg(x); inner != nil {
		// regexp_like(lower(x), p): x lowered inside the kernel, only
		// for texts it has not seen (see regexpLikeKernel).
		return &exprFunc{name: call.Name, t: tBool, args: []expr{inner}, k: regexpLikeKernel(re, true), strict: true}, nil
	}
	return &exprFunc{name: call.Name, t: tBool, args: []expr{x}, k: regexpLikeKernel(re, false), strict: true}, nil
}

func buildRegexpExtract(c *compiler, call *Call, args []expr) (expr, error) {
	x, re, group, err := c.regexpGroupArgs(call, args)
	if err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tString, args: []expr{x}, k: regexpExtractKernel(re, int(group)), strict: true}, nil
}

// regexpGroupArgs compiles the arguments of regexp_extract(_all): the
// string, the constant pattern, and the optional group, checked against the
// pattern's groups.
func (c *compiler) regexpGroupArgs(call *Call, args []expr) (x expr, re *regexp.Regexp, group int64, err error) {
	if x, err = c.argAs(call, 0, args[0], tString); err != nil {
		return nil, nil, 0, err
	}
	if re, err = c.constRegexp(call, args); err != nil {
		return nil, nil, 0, err
	}
	if len(args) > 2 {
		if group, err = c.constInt(call, 2, args); err != nil {
			return nil, nil, 0, err
		}
		if group < 0 || int(group) > re.NumSubexp() {
			return nil, nil, 0, c.errf(call.Args[2].Pos(), "expected a group number between 0 and "+itoa(int64(re.NumSubexp()))+", found "+itoa(group))
		}
	}
	return x, re, group, nil
}

func buildRegexpReplace(c *compiler, call *Call, args []expr) (expr, error) {
	x, err := c.argAs(call, 0, args[0], tString)
	if err != nil {
		return nil, err
	}
	re, err := c.constRegexp(call, args)
	if err != nil {
		return nil, err
	}
	repl := ""
	if len(args) > 2 {
		if repl, err = c.constArg(call, 2, args, "replacement"); err != nil {
			return nil, err
		}
	}
	return &exprFunc{name: call.Name, t: tString, args: []expr{x}, k: regexpReplaceKernel(re, repl), strict: true}, nil
}

func buildJSONExtract(scalar bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		if !args[0].typ().isText() && args[0].typ().k != kNull {
			return nil, c.errf(call.Args[0].Pos(), "expected varchar or json as argument 1 of "+call.Name+", found "+args[0].typ().name)
		}
		x, _ := c.argAs(call, 0, args[0], args[0].typ())
		if x.typ().k == kNull {
			x = &exprConst{v: constVec(tString, true)}
		}
		p, err := c.constArg(call, 1, args, "JSONPath")
		if err != nil {
			return nil, err
		}
		steps, ok := compileJSONPath(p)
		if !ok {
			return nil, c.errf(call.Args[1].Pos(), "expected a JSONPath such as '$.a.b[0]', found "+quoteFound(p))
		}
		t := tString
		if !scalar {
			t = tJSON
		}
		return &exprFunc{name: call.Name, t: t, args: []expr{x}, k: jsonExtractKernel(steps, scalar), strict: true}, nil
	}
}

func buildFromUnixtime(c *compiler, call *Call, args []expr) (expr, error) {
	if !args[0].typ().isNumeric() && args[0].typ().k != kNull {
		return nil, c.errf(call.Args[0].Pos(), "expected a number of seconds as argument 1 of from_unixtime, found "+args[0].typ().name)
	}
	x, _ := c.argAs(call, 0, args[0], args[0].typ())
	if x.typ().k == kNull {
		x = &exprConst{v: constVec(tDouble, true)}
	}
	return &exprFunc{name: call.Name, t: tTimestamp, args: []expr{x}, k: fromUnixtimeKernel, strict: true}, nil
}

func buildDateTrunc(c *compiler, call *Call, args []expr) (expr, error) {
	u, err := c.unitArg(call, args)
	if err != nil {
		return nil, err
	}
	x, err := timestampArg(c, call, 1, args)
	if err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tTimestamp, args: []expr{args[0], x}, k: dateTruncKernel(u), strict: true}, nil
}

func buildDateAdd(c *compiler, call *Call, args []expr) (expr, error) {
	u, err := c.unitArg(call, args)
	if err != nil {
		return nil, err
	}
	n, err := c.argAs(call, 1, args[1], tInt)
	if err != nil {
		return nil, err
	}
	x, err := timestampArg(c, call, 2, args)
	if err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tTimestamp, args: []expr{args[0], n, x}, k: dateAddKernel(u), strict: true}, nil
}

func buildDateDiff(c *compiler, call *Call, args []expr) (expr, error) {
	u, err := c.unitArg(call, args)
	if err != nil {
		return nil, err
	}
	x, err := timestampArg(c, call, 1, args)
	if err != nil {
		return nil, err
	}
	y, err := timestampArg(c, call, 2, args)
	if err != nil {
		return nil, err
	}
	return &exprFunc{name: call.Name, t: tInt, args: []expr{args[0], x, y}, k: dateDiffKernel(u), strict: true}, nil
}

func buildNow(c *compiler, call *Call, args []expr) (expr, error) {
	return &exprConst{v: tsConst(tTimestamp, c.now)}, nil
}

func buildCardinality(c *compiler, call *Call, args []expr) (expr, error) {
	if k := args[0].typ().k; k != kArray && k != kMap {
		return nil, c.errf(call.Args[0].Pos(), "expected an array or map as argument 1 of cardinality, found "+args[0].typ().name)
	}
	return &exprFunc{name: call.Name, t: tInt, args: args, k: cardinalityKernel}, nil
}

func buildElementAt(c *compiler, call *Call, args []expr) (expr, error) {
	return c.subscript(args[0], args[1], call.Args[1].Pos(), true)
}

func buildCoalesce(c *compiler, call *Call, args []expr) (expr, error) {
	t, err := c.commonType(args, call.pos)
	if err != nil {
		return nil, err
	}
	for i := range args {
		args[i] = c.mustCoerce(args[i], t)
	}
	// coalesce(a, b, c) is CASE WHEN a IS NOT NULL THEN a WHEN ... END.
	ce := &exprCase{t: t}
	for _, a := range args {
		ce.conds = append(ce.conds, &exprIsNull{x: a, not: true})
		ce.vals = append(ce.vals, a)
	}
	return ce, nil
}

func buildIf(c *compiler, call *Call, args []expr) (expr, error) {
	cond, err := c.argAs(call, 0, args[0], tBool)
	if err != nil {
		return nil, err
	}
	t, err := c.commonType(args[1:], call.pos)
	if err != nil {
		return nil, err
	}
	ce := &exprCase{t: t, conds: []expr{cond}, vals: []expr{c.mustCoerce(args[1], t)}}
	if len(args) > 2 {
		ce.els = c.mustCoerce(args[2], t)
	}
	return ce, nil
}

func buildNullif(c *compiler, call *Call, args []expr) (expr, error) {
	l, r, err := c.unify(args[0], args[1], call.Args[1].Pos())
	if err != nil {
		return nil, c.errf(call.Args[1].Pos(), "expected a value comparable with "+args[0].typ().name+", found "+args[1].typ().name)
	}
	eq := &exprCmp{op: opEq, l: l, r: r}
	return &exprCase{t: args[0].typ(), conds: []expr{&exprNot{x: eq}, &exprIsNull{x: eq}}, vals: []expr{args[0], args[0]}}, nil
}

// exprSubscript is array[i] (1-based) and map[key].
type exprSubscript struct {
	t      *dtype
	x, idx expr
	isMap  bool
}

func (e *exprSubscript) typ() *dtype { return e.t }

func (e *exprSubscript) eval(a *arena, c *chunk) *vec {
	x := flat(a, e.x.eval(a, c), c.n)
	ix := flat(a, e.idx.eval(a, c), c.n)
	out := a.vec(e.t, c.n)
	rows := grow(&a.vec(tInt, 0).cb, c.n)
	missing := a.vec(tBool, c.n).bools()
	if x.arr != nil {
		var child interface{ Len() int }
		switch arr := x.arr.(type) {
		case *array.List:
			child = arr.ListValues()
			for i := 0; i < c.n; i++ {
				rows[i], missing[i] = 0, true
				if x.isNull(i) || ix.isNull(i) || arr.IsNull(x.complexRow(i)) {
					continue
				}
				start, end := arr.ValueOffsets(x.complexRow(i))
				k := ix.i[i]
				if k >= 1 && k <= end-start {
					rows[i], missing[i] = int32(start+k-1), false
				}
			}
			if child.Len() > 0 {
				loadArrow(a, out, arr.ListValues(), nil, rows, c.n)
			}
		case *array.Map:
			keys := arr.Keys()
			child = arr.Items()
			for i := 0; i < c.n; i++ {
				rows[i], missing[i] = 0, true
				if x.isNull(i) || ix.isNull(i) || arr.IsNull(x.complexRow(i)) {
					continue
				}
				start, end := arr.ValueOffsets(x.complexRow(i))
				for k := start; k < end; k++ {
					if s, ok := arrowValueView(keys, int(k)).(string); ok && s == ix.s[i] {
						rows[i], missing[i] = int32(k), false
						break
					}
				}
			}
			if child.Len() > 0 {
				loadArrow(a, out, arr.Items(), nil, rows, c.n)
			}
		}
		if child.Len() == 0 {
			ensureValues(out) // no element to load: all NULL
		}
		nl := out.null
		if nl == nil {
			nl = out.nulls()
		}
		for i, m := range missing {
			nl[i] = nl[i] || m
		}
		return out
	}
	// Computed arrays (split, array_agg).
	nl := out.nulls()
	vals := make([]any, c.n)
	for i := 0; i < c.n; i++ {
		nl[i] = true
		if x.isNull(i) || ix.isNull(i) || x.x == nil {
			continue
		}
		l, _ := x.x[i].([]any)
		if k := ix.i[i]; k >= 1 && int(k) <= len(l) {
			vals[i] = l[k-1]
		}
	}
	columnOfValues(e.t, vals).toVec(out)
	return out
}

// cardinalityKernel counts array or map entries.
func cardinalityKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.ints()
	out.null = x.null
	for i := range o {
		if x.isNull(i) {
			continue
		}
		switch {
		case x.arr != nil:
			r := x.complexRow(i)
			if x.arr.IsNull(r) {
				if out.null == nil || &out.null[0] == &x.null[0] {
					nl := make([]bool, len(o))
					copy(nl, x.null)
					out.null = nl
				}
				out.null[i] = true
				continue
			}
			var start, end int64
			switch arr := x.arr.(type) {
			case *array.List:
				start, end = arr.ValueOffsets(r)
			case *array.Map:
				start, end = arr.ValueOffsets(r)
			}
			o[i] = end - start
		case x.x != nil:
			l, _ := x.x[i].([]any)
			o[i] = int64(len(l))
		}
	}
}

// arrayContainsKernel is contains(array, value).
func arrayContainsKernel(a *arena, out *vec, args []*vec) {
	x, v := args[0], args[1]
	o := out.bools()
	strictNulls(out, args)
	for i := range o {
		if out.isNull(i) {
			continue
		}
		want := boxValue(v, i)
		var l []any
		if x.arr != nil {
			l, _ = arrowValue(x.arr, x.complexRow(i)).([]any)
		} else if x.x != nil {
			l, _ = x.x[i].([]any)
		}
		// Every row's answer is written: out's bools are reused scratch.
		// As Trino: TRUE on an equal element, else NULL if an element is
		// NULL, else FALSE.
		o[i] = false
		hasNull := false
		for _, e := range l {
			if e == nil {
				hasNull = true
			} else if compareAny(e, want) == 0 {
				o[i] = true
				break
			}
		}
		if hasNull && !o[i] {
			if out.null == nil {
				out.nulls() // cleared; strictNulls' own otherwise
			}
			out.null[i] = true
		}
	}
}

func buildArrayJoin(c *compiler, call *Call, args []expr) (expr, error) {
	if args[0].typ().k != kArray {
		return nil, c.errf(call.Args[0].Pos(), "expected an array as argument 1 of array_join, found "+args[0].typ().name)
	}
	for i := 1; i < len(args); i++ {
		a, err := c.argAs(call, i, args[i], tString)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	return &exprFunc{name: call.Name, t: tString, args: args, k: arrayJoinKernel}, nil
}

// arrayJoinKernel is array_join(array, delimiter[, null_replacement]):
// NULL elements are skipped unless a replacement is given.
func arrayJoinKernel(a *arena, out *vec, args []*vec) {
	x, d := args[0], args[1]
	o := out.strs()
	nl := out.nulls()
	for i := range o {
		if x.isNull(i) || d.isNull(i) {
			nl[i] = true
			continue
		}
		var l []any
		if x.arr != nil {
			l, _ = arrowValue(x.arr, x.complexRow(i)).([]any)
		} else if x.x != nil {
			l, _ = x.x[i].([]any)
		}
		start := a.strStart()
		first := true
		for _, e := range l {
			s := ""
			if e == nil {
				if len(args) < 3 || args[2].isNull(i) {
					continue
				}
				s = args[2].s[i]
			} else {
				s = formatValue(e)
			}
			if !first {
				a.buf = append(a.buf, d.s[i]...)
			}
			first = false
			a.buf = append(a.buf, s...)
		}
		o[i] = a.strEnd(start)
	}
}

func buildToday(c *compiler, call *Call, args []expr) (expr, error) {
	return &exprConst{v: tsConst(tDate, truncMicros(c.now, "day"))}, nil
}

// buildDate is date(x) and from_iso8601_date(s): CAST(x AS date).
func buildDate(c *compiler, call *Call, args []expr) (expr, error) {
	t := args[0].typ()
	if !t.isText() && t.k != kTimestamp && t.k != kDate && t.k != kNull {
		return nil, c.errf(call.Args[0].Pos(), "expected varchar or timestamp as argument 1 of "+call.Name+", found "+t.name)
	}
	return c.cast(args[0], tDate, false, call.pos)
}

func reverseKernel(a *arena, out *vec, args []*vec) {
	x := args[0]
	o := out.strs()
	out.null = x.null
	for i, s := range x.s {
		start := a.strStart()
		for k := len(s); k > 0; {
			r, size := utf8.DecodeLastRuneInString(s[:k])
			a.buf = utf8.AppendRune(a.buf, r)
			k -= size
		}
		o[i] = a.strEnd(start)
	}
}

func buildRegexpExtractAll(c *compiler, call *Call, args []expr) (expr, error) {
	x, re, group, err := c.regexpGroupArgs(call, args)
	if err != nil {
		return nil, err
	}
	g := int(group)
	return &exprFunc{name: call.Name, t: arrayOf(tString), args: []expr{x}, strict: true, k: func(a *arena, out *vec, in []*vec) {
		x := in[0]
		out.null = x.null
		out.x = make([]any, out.n)
		for i, s := range x.s {
			if x.isNull(i) {
				continue
			}
			l := []any{}
			for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
				if m[2*g] >= 0 {
					l = append(l, strings.Clone(s[m[2*g]:m[2*g+1]]))
				}
			}
			out.x[i] = l
		}
	}}, nil
}

// buildArrayList is array_distinct and array_sort over any array.
func buildArrayList(distinct, sorted bool) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		t := args[0].typ()
		if t.k != kArray || t.elem.isComplex() {
			return nil, c.errf(call.Args[0].Pos(), "expected an array of scalars as argument 1 of "+call.Name+", found "+t.name)
		}
		return &exprFunc{name: call.Name, t: t, args: args, k: func(a *arena, out *vec, in []*vec) {
			x := in[0]
			out.null = x.null
			out.x = make([]any, out.n)
			for i := 0; i < out.n; i++ {
				if x.isNull(i) {
					continue
				}
				var l []any
				if x.arr != nil {
					l, _ = arrowValue(x.arr, x.complexRow(i)).([]any)
				} else if x.x != nil {
					l, _ = x.x[i].([]any)
				}
				r := make([]any, 0, len(l))
				for _, e := range l {
					if distinct && slices.ContainsFunc(r, func(y any) bool { return compareAny(e, y) == 0 }) {
						continue
					}
					r = append(r, e)
				}
				if sorted {
					slices.SortStableFunc(r, func(p, q any) int {
						// NULLs last, as in Trino.
						switch {
						case p == nil && q == nil:
							return 0
						case p == nil:
							return 1
						case q == nil:
							return -1
						}
						return compareAny(p, q)
					})
				}
				out.x[i] = r
			}
		}}, nil
	}
}

// buildTypeof is typeof(x): the name of x's type, a constant. A literal
// argument is typed as Trino types literals (typeof(1) is integer,
// typeof('abc') varchar(3), typeof(1.5) decimal(2,1)), though the engine
// computes with bigint, varchar and double; other expressions give the
// engine's type, which is Trino's for columns and the functions over them
// except that varchar carries no length.
func buildTypeof(c *compiler, call *Call, args []expr) (expr, error) {
	name := args[0].typ().name
	switch x := call.Args[0].(type) {
	case *StringLit:
		name = "varchar(" + itoa(int64(utf8.RuneCountInString(x.Val))) + ")"
	case *NumberLit:
		name = literalTypeName(x.Text, name)
	}
	return &exprConst{v: strConst(name)}, nil
}

// literalTypeName is Trino's type of a number literal: integer or bigint
// without a point or exponent, decimal(p,s) with a point, double with an
// exponent; name (the engine's) when out of those ranges.
func literalTypeName(text, name string) string {
	if strings.ContainsAny(text, "eE") {
		return "double"
	}
	whole, frac, isDec := strings.Cut(text, ".")
	if !isDec {
		if v, err := strconv.ParseInt(text, 10, 64); err == nil {
			if v <= math.MaxInt32 {
				return "integer"
			}
			return "bigint"
		}
		return name
	}
	whole = strings.TrimLeft(whole, "0")
	p := max(len(whole)+len(frac), 1)
	if p > 38 {
		return name
	}
	return "decimal(" + itoa(int64(p)) + "," + itoa(int64(len(frac))) + ")"
}

// buildTrim is trim, ltrim (mode 1) and rtrim (mode 2), of whitespace or,
// with a second argument, of the characters it holds.
func buildTrim(mode int) func(c *compiler, call *Call, args []expr) (expr, error) {
	return func(c *compiler, call *Call, args []expr) (expr, error) {
		if err := c.coerceArgs(call, args, func(int) *dtype { return tString }); err != nil {
			return nil, err
		}
		k := trimKernel(mode)
		if len(args) == 2 {
			k = trimCharsKernel(mode)
		}
		return &exprFunc{name: call.Name, t: tString, args: args, k: k, strict: true}, nil
	}
}
