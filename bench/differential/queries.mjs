// queries.mjs: the differential suite. Each query has a name, the Trino
// (Athena) text hunt runs, and, where DuckDB's dialect differs, the DuckDB
// text that means the same; `ordered` keeps the row order (the query has
// an ORDER BY that orders every row), otherwise both answers are sorted;
// `json` compares JSON-text values by their parsed, key-sorted form.
//
// Translations used (Trino -> DuckDB):
//   json_extract_scalar(x, p)  -> json_extract_string(x, p), NULL when the value is an object or array
//   json_extract(x, p)         -> CAST(json_extract(x, p) AS VARCHAR)
//   from_iso8601_timestamp(s)  -> CAST(s AS TIMESTAMP)       (all corpus times are UTC 'Z')
//   from_unixtime(n)           -> make_timestamp(n * 1000000)
//   to_unixtime(t)             -> epoch(t)
//   date_add('unit', n, t)     -> t + to_<unit>s(n)
//   date_diff(unit, a, b)      -> date_sub(unit, a, b) (whole units elapsed; DuckDB's date_diff counts unit boundaries crossed)
//   regexp_like                -> regexp_matches
//   regexp_extract(x, p[, g])  -> NULL when no match (DuckDB gives '')
//   split_part out of range    -> NULL (DuckDB gives '')
//   concat(a, b)               -> a || b (DuckDB's concat skips NULLs; Trino's returns NULL)
//   bigint / bigint            -> // (integer division)
//   approx_distinct(x)         -> count(DISTINCT x)
//   arbitrary(x)               -> any_value(x)
//   array_agg(x)               -> list_sort(array_agg(x)) (hunt keeps the smallest ArrayAggLimit values, sorted)
//   contains('a.b.c.d/n', ip)  -> ipv4 arithmetic on split_part (no inet extension: it needs a download)
//   transform / filter         -> list_transform / list_filter; cardinality -> len
//   any_match/all_match/none_match -> anyM/allM/noneM below (Trino's NULL rules spelled out)
//   CAST(x AS IPADDRESS) order -> the IPv4 text ordered by ipint(x) (IPv4 addresses only)
//   array_agg(x ORDER BY y), windows, joins, USING, IN/EXISTS, INTERSECT/EXCEPT/UNION,
//   DATE casts and literals    -> unchanged: DuckDB's semantics are Trino's for these
//                                 (NULLS LAST for ASC and DESC by default in both)
const jes = (x, p) => `CASE WHEN json_type(${x}, '${p}') IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(${x}, '${p}') END`;
const ts = (x) => `CAST(${x} AS TIMESTAMP)`;
const ipint = (x) => `(CAST(split_part(${x}, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(${x}, '.', 2) AS BIGINT) * 65536 + CAST(split_part(${x}, '.', 3) AS BIGINT) * 256 + CAST(split_part(${x}, '.', 4) AS BIGINT))`;
const cidr = (net, bits, x) => {
  const [a, b, c, d] = net.split('.').map(Number);
  const base = ((a * 256 + b) * 256 + c) * 256 + d;
  const size = 2 ** (32 - bits);
  return `(CASE WHEN ${x} IS NULL THEN NULL WHEN NOT regexp_full_match(${x}, '\\d+\\.\\d+\\.\\d+\\.\\d+') THEN false ELSE ${ipint(x)} // ${size} = ${Math.floor(base / size)} END)`;
};

// Trino's any_match/all_match/none_match with their NULL rules (an element
// whose predicate is NULL makes the answer NULL unless a TRUE (any) or FALSE
// (all/none) decides it; an empty array gives false/true/true). DuckDB's
// list_bool_or/and ignore NULLs, so they are spelled out.
const lt = (a, lam) => `list_transform(${a}, ${lam})`;
const hasT = (a, lam) => `len(list_filter(${lt(a, lam)}, b_ -> b_)) > 0`;
const hasF = (a, lam) => `len(list_filter(${lt(a, lam)}, b_ -> NOT b_)) > 0`;
const hasN = (a, lam) => `len(list_filter(${lt(a, lam)}, b_ -> b_ IS NULL)) > 0`;
const anyM = (a, lam) => `(CASE WHEN ${a} IS NULL THEN NULL WHEN ${hasT(a, lam)} THEN true WHEN ${hasN(a, lam)} THEN NULL ELSE false END)`;
const allM = (a, lam) => `(CASE WHEN ${a} IS NULL THEN NULL WHEN ${hasF(a, lam)} THEN false WHEN ${hasN(a, lam)} THEN NULL ELSE true END)`;
const noneM = (a, lam) => `(CASE WHEN ${a} IS NULL THEN NULL WHEN ${hasT(a, lam)} THEN false WHEN ${hasN(a, lam)} THEN NULL ELSE true END)`;
const fu = (x) => `make_timestamp(${x} * 1000000)`;
const v4 = (x) => `regexp_full_match(${x}, '\\d+\\.\\d+\\.\\d+\\.\\d+')`;

// Q(name, hunt, opts): a query whose DuckDB text is the hunt text with the
// two time functions translated, unless opts.duckdb gives it.
const dd = (q) => q.replace(/from_iso8601_timestamp\(([^()]*)\)/g, 'CAST($1 AS TIMESTAMP)').replace(/from_unixtime\(([^()]*)\)/g, 'make_timestamp($1 * 1000000)');
const Q = (name, hunt, opts = {}) => {
  const duckdb = opts.duckdb ?? dd(hunt);
  return { name, hunt, ...(duckdb !== hunt ? { duckdb } : {}), ...(opts.ordered ? { ordered: true } : {}), ...(opts.json ? { json: true } : {}) };
};

export const queries = [
  // ---- projection, aliases, * ----
  { name: 'proj_alias', hunt: `SELECT eventname AS name, eventsource src, awsregion FROM cloudtrail WHERE eventname LIKE 'Create%'` },
  { name: 'star_subquery', hunt: `SELECT * FROM (SELECT eventid, eventname, recipientaccountid AS acct FROM cloudtrail WHERE errorcode IS NOT NULL) t` },
  { name: 'star_flow', hunt: `SELECT * FROM (SELECT version, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, "end", action, log_status FROM vpc_flow) WHERE dstport = 22` },
  // ---- WHERE: boolean logic, comparisons ----
  { name: 'where_and_or_not', hunt: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE (awsregion = 'us-east-1' OR awsregion = 'eu-west-1') AND NOT (readonly = 'true') GROUP BY eventname` },
  { name: 'cmp_all_flow', hunt: `SELECT count(*) FILTER (WHERE bytes = 40) AS eq, count(*) FILTER (WHERE bytes <> 40) AS ne, count(*) FILTER (WHERE bytes != 40) AS ne2, count(*) FILTER (WHERE bytes < 1000) AS lt, count(*) FILTER (WHERE bytes <= 1000) AS le, count(*) FILTER (WHERE bytes > 1000) AS gt, count(*) FILTER (WHERE bytes >= 1000) AS ge FROM vpc_flow` },
  { name: 'cmp_strings', hunt: `SELECT eventtime, eventname FROM cloudtrail WHERE eventtime >= '2024-03-05T15:00:00Z' AND eventtime < '2024-03-05T16:00:00Z' AND eventname > 'D'` },
  { name: 'three_valued', hunt: `SELECT count(*) AS n FROM cloudtrail WHERE NOT (errorcode = 'AccessDenied') OR errorcode IS NULL` },
  { name: 'between', hunt: `SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE dstport BETWEEN 20 AND 25 AND bytes NOT BETWEEN 100 AND 200` },
  { name: 'in_list', hunt: `SELECT eventname, eventsource FROM cloudtrail WHERE eventname IN ('ConsoleLogin', 'DeleteTrail', 'StopLogging', 'CreateUser')` },
  { name: 'not_in_list', hunt: `SELECT dstport, count(*) AS n FROM vpc_flow WHERE dstport NOT IN (22, 443, 80) GROUP BY dstport` },
  { name: 'like_percent_underscore', hunt: `SELECT eventname FROM cloudtrail WHERE eventname LIKE 'Get_______Value' OR eventname LIKE '%Trail%'` },
  { name: 'like_escape', hunt: `SELECT x FROM (SELECT eventsource AS x FROM cloudtrail UNION ALL SELECT 'a_b%c' AS x UNION ALL SELECT 'axb%c' AS x) WHERE x LIKE 'a!_b!%%' ESCAPE '!'` },
  { name: 'not_like', hunt: `SELECT count(*) AS n FROM cloudtrail WHERE useragent NOT LIKE '%aws-cli%'` },
  { name: 'is_null', hunt: `SELECT count(*) FILTER (WHERE errorcode IS NULL) AS a, count(*) FILTER (WHERE errorcode IS NOT NULL) AS b, count(*) FILTER (WHERE srcport IS NULL) AS c FROM (SELECT errorcode, CAST(NULL AS integer) AS srcport FROM cloudtrail)` },
  { name: 'is_null_flow', hunt: `SELECT log_status, count(*) AS n, count(srcaddr) AS s FROM vpc_flow WHERE srcaddr IS NULL OR packets IS NULL GROUP BY log_status` },
  // ---- arithmetic ----
  { name: 'arith', hunt: `SELECT srcaddr, bytes + packets AS a, bytes - packets AS b, bytes * 2 AS c, bytes / 3 AS d, bytes % 7 AS e, -packets AS f, "end" - start AS dur FROM vpc_flow WHERE dstport = 443`,
    duckdb: `SELECT srcaddr, bytes + packets AS a, bytes - packets AS b, bytes * 2 AS c, bytes // 3 AS d, bytes % 7 AS e, -packets AS f, "end" - start AS dur FROM vpc_flow WHERE dstport = 443` },
  { name: 'arith_double', hunt: `SELECT action, sum(bytes) * 1.0 / count(*) AS avg1, avg(bytes) AS avg2 FROM vpc_flow GROUP BY action` },
  // ---- nested fields ----
  { name: 'nested_arn', hunt: `SELECT useridentity.arn AS arn, useridentity.type AS t, count(*) AS n FROM cloudtrail GROUP BY useridentity.arn, useridentity.type` },
  { name: 'nested_deep', hunt: `SELECT useridentity.sessioncontext.sessionissuer.username AS role, useridentity.sessioncontext.attributes.mfaauthenticated AS mfa, count(*) AS n FROM cloudtrail WHERE useridentity.sessioncontext.sessionissuer.username IS NOT NULL GROUP BY 1, 2` },
  { name: 'nested_struct_value', hunt: `SELECT eventid, useridentity.sessioncontext.sessionissuer AS issuer FROM cloudtrail WHERE useridentity.type = 'AssumedRole' AND eventname LIKE 'Get%'` },
  { name: 'tlsdetails', hunt: `SELECT tlsdetails.tlsversion AS v, count(*) AS n FROM cloudtrail GROUP BY 1` },
  // ---- unnest ----
  { name: 'unnest_row', hunt: `SELECT eventname, r.arn, r.type FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r)` },
  { name: 'unnest_fields', hunt: `SELECT u.type, count(*) AS n, count(DISTINCT u.accountid) AS accts FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(arn, accountid, type) GROUP BY u.type`,
    duckdb: `SELECT u.r.type, count(*) AS n, count(DISTINCT u.r.accountid) AS accts FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) GROUP BY u.r.type` },
  // ---- grouping ----
  { name: 'group_expr', hunt: `SELECT lower(eventsource) AS s, substr(eventtime, 1, 13) AS hour, count(*) AS n FROM cloudtrail GROUP BY lower(eventsource), substr(eventtime, 1, 13)` },
  { name: 'group_ordinal_having', hunt: `SELECT srcaddr, action, count(*) AS n, sum(bytes) AS b FROM vpc_flow GROUP BY 1, 2 HAVING count(*) > 5` },
  { name: 'having_agg_not_selected', hunt: `SELECT eventsource FROM cloudtrail GROUP BY eventsource HAVING max(eventtime) > '2024-03-05T15:30:00Z' AND count(DISTINCT eventname) >= 2` },
  { name: 'seed_reject_per_minute', hunt: `SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS rejects FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr, start / 60 * 60 HAVING count(*) > 100`,
    duckdb: `SELECT srcaddr, start // 60 * 60 AS minute, count(*) AS rejects FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr, start // 60 * 60 HAVING count(*) > 100` },
  // ---- aggregates ----
  { name: 'agg_counts', hunt: `SELECT count(*) AS a, count(errorcode) AS b, count(DISTINCT eventname) AS c, count(DISTINCT useridentity.arn) AS d FROM cloudtrail` },
  { name: 'agg_sum_min_max_avg', hunt: `SELECT action, sum(bytes) AS s, min(bytes) AS mn, max(bytes) AS mx, avg(packets) AS av, min(srcaddr) AS ms, max(start) AS ls FROM vpc_flow GROUP BY action` },
  { name: 'agg_empty', hunt: `SELECT count(*) AS n, sum(bytes) AS s, min(bytes) AS m, avg(bytes) AS a FROM vpc_flow WHERE dstport = -1` },
  { name: 'approx_distinct', hunt: `SELECT eventsource, approx_distinct(eventname) AS n FROM cloudtrail GROUP BY eventsource`,
    duckdb: `SELECT eventsource, count(DISTINCT eventname) AS n FROM cloudtrail GROUP BY eventsource` },
  { name: 'arbitrary_single', hunt: `SELECT eventid, arbitrary(eventname) AS e, count(*) AS n FROM cloudtrail GROUP BY eventid`,
    duckdb: `SELECT eventid, any_value(eventname) AS e, count(*) AS n FROM cloudtrail GROUP BY eventid` },
  { name: 'min_by_max_by', hunt: `SELECT eventsource, min_by(eventid, eventtime || eventid) AS first_id, max_by(eventname, eventtime || eventid) AS last_name FROM cloudtrail GROUP BY eventsource` },
  { name: 'array_agg', hunt: `SELECT eventsource, array_agg(eventname) AS names FROM cloudtrail WHERE eventsource LIKE '%iam%' OR eventsource LIKE 'cloudtrail%' GROUP BY eventsource`,
    duckdb: `SELECT eventsource, list_sort(array_agg(eventname)) AS names FROM cloudtrail WHERE eventsource LIKE '%iam%' OR eventsource LIKE 'cloudtrail%' GROUP BY eventsource` },
  { name: 'count_filter', hunt: `SELECT awsregion, count(*) FILTER (WHERE errorcode IS NOT NULL) AS errs, count(*) AS n FROM cloudtrail GROUP BY awsregion` },
  // ---- ORDER BY / LIMIT ----
  { name: 'order_desc_limit', ordered: true, hunt: `SELECT srcaddr, dstaddr, srcport, bytes FROM vpc_flow WHERE bytes IS NOT NULL ORDER BY bytes DESC, srcaddr ASC, dstaddr, srcport, start LIMIT 10` },
  { name: 'order_nulls_first', ordered: true, hunt: `SELECT errorcode, count(*) AS n FROM cloudtrail GROUP BY errorcode ORDER BY errorcode ASC NULLS FIRST` },
  { name: 'order_nulls_last_desc', ordered: true, hunt: `SELECT errorcode, count(*) AS n FROM cloudtrail GROUP BY errorcode ORDER BY errorcode DESC NULLS LAST` },
  { name: 'order_default_nulls', ordered: true, hunt: `SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY dstport ORDER BY dstport DESC LIMIT 15` },
  { name: 'order_by_agg_alias', ordered: true, hunt: `SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname ORDER BY n DESC, eventname LIMIT 20` },
  { name: 'limit_count', hunt: `SELECT count(*) AS n FROM (SELECT eventid FROM cloudtrail WHERE eventname = 'AssumeRole' LIMIT 5)` },
  // ---- CASE, CAST ----
  { name: 'case_searched', hunt: `SELECT CASE WHEN dstport < 1024 THEN 'system' WHEN dstport < 49152 THEN 'user' WHEN dstport IS NULL THEN 'none' ELSE 'dynamic' END AS kind, count(*) AS n FROM vpc_flow GROUP BY 1` },
  { name: 'case_simple', hunt: `SELECT CASE action WHEN 'ACCEPT' THEN 1 WHEN 'REJECT' THEN 0 END AS ok, count(*) AS n FROM vpc_flow GROUP BY 1` },
  { name: 'cast_try_cast', hunt: `SELECT CAST(dstport AS varchar) AS p, CAST(bytes AS double) AS d, TRY_CAST(srcaddr AS integer) AS bad, TRY_CAST(substr(srcaddr, 1, strpos(srcaddr, '.') - 1) AS bigint) AS octet FROM vpc_flow WHERE protocol = 17` },
  { name: 'cast_string_int', hunt: `SELECT CAST(json_extract_scalar(requestparameters, '$.maxResults') AS integer) AS mr, count(*) AS n FROM cloudtrail WHERE json_extract_scalar(requestparameters, '$.maxResults') IS NOT NULL GROUP BY 1`,
    duckdb: `SELECT CAST(${jes('requestparameters', '$.maxResults')} AS integer) AS mr, count(*) AS n FROM cloudtrail WHERE ${jes('requestparameters', '$.maxResults')} IS NOT NULL GROUP BY 1` },
  { name: 'readonly_bool_text', hunt: `SELECT readonly, CAST(readonly AS boolean) AS b, count(*) AS n FROM cloudtrail GROUP BY 1, 2` },
  // ---- string functions ----
  { name: 'lower_upper', hunt: `SELECT DISTINCT lower(eventname) AS l, upper(awsregion) AS u FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com'` },
  { name: 'substr_strpos', hunt: `SELECT eventsource, substr(eventsource, 1, strpos(eventsource, '.') - 1) AS svc, substr(eventsource, strpos(eventsource, '.') + 1) AS rest, strpos(eventsource, 'zzz') AS nope FROM cloudtrail GROUP BY eventsource` },
  { name: 'split_part', hunt: `SELECT useridentity.arn AS arn, split_part(useridentity.arn, ':', 5) AS acct, split_part(useridentity.arn, '/', 2) AS name, split_part(useridentity.arn, '/', 9) AS none FROM cloudtrail WHERE useridentity.arn IS NOT NULL GROUP BY useridentity.arn`,
    duckdb: `SELECT useridentity.arn AS arn, nullif(split_part(useridentity.arn, ':', 5), '') AS acct, CASE WHEN strpos(useridentity.arn, '/') > 0 THEN split_part(useridentity.arn, '/', 2) END AS name, NULL AS none FROM cloudtrail WHERE useridentity.arn IS NOT NULL GROUP BY useridentity.arn` },
  { name: 'concat_pipes', hunt: `SELECT concat(eventsource, ':', eventname) AS a, eventsource || '/' || errorcode AS b FROM cloudtrail WHERE eventsource LIKE 's3%' OR eventsource LIKE 'sts%'`,
    duckdb: `SELECT eventsource || ':' || eventname AS a, eventsource || '/' || errorcode AS b FROM cloudtrail WHERE eventsource LIKE 's3%' OR eventsource LIKE 'sts%'` },
  { name: 'starts_with', hunt: `SELECT eventname, starts_with(eventname, 'Describe') AS d, count(*) AS n FROM cloudtrail WHERE starts_with(useragent, 'aws-cli') OR starts_with(eventname, 'List') GROUP BY 1, 2` },
  { name: 'regexp_like', hunt: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE regexp_like(eventname, '^(Put|Delete|Stop)[A-Z]') GROUP BY eventname`,
    duckdb: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE regexp_matches(eventname, '^(Put|Delete|Stop)[A-Z]') GROUP BY eventname` },
  { name: 'regexp_extract', hunt: `SELECT useragent, regexp_extract(useragent, '^[A-Za-z-]+/[0-9.]+') AS prog, regexp_extract(useragent, 'Python/([0-9.]+)', 1) AS py FROM cloudtrail GROUP BY useragent`,
    duckdb: `SELECT useragent, CASE WHEN regexp_matches(useragent, '^[A-Za-z-]+/[0-9.]+') THEN regexp_extract(useragent, '^[A-Za-z-]+/[0-9.]+') END AS prog, CASE WHEN regexp_matches(useragent, 'Python/([0-9.]+)') THEN regexp_extract(useragent, 'Python/([0-9.]+)', 1) END AS py FROM cloudtrail GROUP BY useragent` },
  // ---- JSON ----
  { name: 'json_extract_scalar', hunt: `SELECT eventname, json_extract_scalar(requestparameters, '$.bucketName') AS bucket, json_extract_scalar(requestparameters, '$.roleArn') AS role, json_extract_scalar(responseelements, '$.ConsoleLogin') AS login FROM cloudtrail WHERE eventname IN ('GetObject', 'ListObjects', 'AssumeRole', 'ConsoleLogin', 'ListBuckets')`,
    duckdb: `SELECT eventname, ${jes('requestparameters', '$.bucketName')} AS bucket, ${jes('requestparameters', '$.roleArn')} AS role, ${jes('responseelements', '$.ConsoleLogin')} AS login FROM cloudtrail WHERE eventname IN ('GetObject', 'ListObjects', 'AssumeRole', 'ConsoleLogin', 'ListBuckets')` },
  { name: 'json_extract_scalar_index', hunt: `SELECT eventid, json_extract_scalar(requestparameters, '$.instancesSet.items[0].instanceId') AS i0, json_extract_scalar(requestparameters, '$.instancesSet') AS obj FROM cloudtrail WHERE requestparameters LIKE '%instancesSet%'`,
    duckdb: `SELECT eventid, ${jes('requestparameters', '$.instancesSet.items[0].instanceId')} AS i0, ${jes('requestparameters', '$.instancesSet')} AS obj FROM cloudtrail WHERE requestparameters LIKE '%instancesSet%'` },
  { name: 'json_extract', json: true, hunt: `SELECT eventid, json_extract(requestparameters, '$.instancesSet') AS s, json_extract(requestparameters, '$.instancesSet.items[0]') AS first FROM cloudtrail WHERE requestparameters LIKE '%instancesSet%'`,
    duckdb: `SELECT eventid, CAST(json_extract(requestparameters, '$.instancesSet') AS VARCHAR) AS s, CAST(json_extract(requestparameters, '$.instancesSet.items[0]') AS VARCHAR) AS first FROM cloudtrail WHERE requestparameters LIKE '%instancesSet%'` },
  { name: 'seed_console_no_mfa', hunt: `SELECT useridentity.arn AS arn, sourceipaddress, eventtime FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'`,
    duckdb: `SELECT useridentity.arn AS arn, sourceipaddress, eventtime FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND ${jes('additionaleventdata', '$.MFAUsed')} = 'No'` },
  // ---- time ----
  { name: 'from_iso8601', hunt: `SELECT eventid, from_iso8601_timestamp(eventtime) AS t FROM cloudtrail WHERE eventname LIKE 'Stop%' OR eventname LIKE 'Delete%'`,
    duckdb: `SELECT eventid, ${ts('eventtime')} AS t FROM cloudtrail WHERE eventname LIKE 'Stop%' OR eventname LIKE 'Delete%'` },
  { name: 'date_trunc', hunt: `SELECT date_trunc('hour', from_iso8601_timestamp(eventtime)) AS h, date_trunc('day', from_iso8601_timestamp(eventtime)) AS d, count(*) AS n FROM cloudtrail GROUP BY 1, 2`,
    duckdb: `SELECT date_trunc('hour', ${ts('eventtime')}) AS h, date_trunc('day', ${ts('eventtime')}) AS d, count(*) AS n FROM cloudtrail GROUP BY 1, 2` },
  { name: 'time_window_literal', hunt: `SELECT eventname, useridentity.arn AS arn FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) BETWEEN timestamp '2024-03-05 15:00:00' AND timestamp '2024-03-05 15:00:00' + interval '1' hour AND eventname LIKE '%NetworkAcl%'`,
    duckdb: `SELECT eventname, useridentity.arn AS arn FROM cloudtrail WHERE ${ts('eventtime')} BETWEEN timestamp '2024-03-05 15:00:00' AND timestamp '2024-03-05 15:00:00' + interval '1' hour AND eventname LIKE '%NetworkAcl%'` },
  { name: 'interval_minus', hunt: `SELECT count(*) AS n FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) > timestamp '2024-08-01 00:00:00' - interval '2' day`,
    duckdb: `SELECT count(*) AS n FROM cloudtrail WHERE ${ts('eventtime')} > timestamp '2024-08-01 00:00:00' - interval '2' day` },
  { name: 'from_unixtime', hunt: `SELECT from_unixtime(start) AS s, from_unixtime("end") AS e, count(*) AS n FROM vpc_flow GROUP BY 1, 2`,
    duckdb: `SELECT make_timestamp(start * 1000000) AS s, make_timestamp("end" * 1000000) AS e, count(*) AS n FROM vpc_flow GROUP BY 1, 2` },
  { name: 'to_unixtime', hunt: `SELECT eventid, to_unixtime(from_iso8601_timestamp(eventtime)) AS u FROM cloudtrail WHERE eventsource = 'cloudtrail.amazonaws.com'`,
    duckdb: `SELECT eventid, epoch(${ts('eventtime')}) AS u FROM cloudtrail WHERE eventsource = 'cloudtrail.amazonaws.com'` },
  { name: 'date_add_diff', hunt: `SELECT srcaddr, date_add('minute', 5, from_unixtime(start)) AS s5, date_diff('second', from_unixtime(start), from_unixtime("end")) AS secs, date_add('hour', -1, from_unixtime("end")) AS e1 FROM vpc_flow WHERE dstport = 22`,
    duckdb: `SELECT srcaddr, make_timestamp(start * 1000000) + to_minutes(5) AS s5, date_sub('second', make_timestamp(start * 1000000), make_timestamp("end" * 1000000)) AS secs, make_timestamp("end" * 1000000) + to_hours(-1) AS e1 FROM vpc_flow WHERE dstport = 22` },
  { name: 'date_diff_ct', hunt: `SELECT eventsource, date_diff('minute', min(from_iso8601_timestamp(eventtime)), max(from_iso8601_timestamp(eventtime))) AS span FROM cloudtrail GROUP BY eventsource`,
    duckdb: `SELECT eventsource, date_sub('minute', min(${ts('eventtime')}), max(${ts('eventtime')})) AS span FROM cloudtrail GROUP BY eventsource` },
  { name: 'current_timestamp', hunt: `SELECT count(*) AS n, current_timestamp > timestamp '2024-01-01 00:00:00' AS after FROM cloudtrail WHERE from_iso8601_timestamp(eventtime) < current_timestamp`,
    duckdb: `SELECT count(*) AS n, current_timestamp > timestamp '2024-01-01 00:00:00' AS after FROM cloudtrail WHERE ${ts('eventtime')} < current_timestamp` },
  { name: 'group_two_dict_keys_filtered', hunt: `SELECT eventname, readonly, count(*) AS n FROM cloudtrail WHERE (awsregion = 'us-east-1' OR awsregion = 'eu-west-1') AND NOT (readonly = 'true') GROUP BY eventname, readonly` },
  // ---- CIDR ----
  { name: 'contains_cidr', hunt: `SELECT srcaddr, contains('10.0.0.0/8', TRY_CAST(srcaddr AS IPADDRESS)) AS private10, contains('172.16.0.0/12', TRY_CAST(srcaddr AS IPADDRESS)) AS p172, count(*) AS n FROM vpc_flow GROUP BY 1, 2, 3`,
    duckdb: `SELECT srcaddr, ${cidr('10.0.0.0', 8, 'srcaddr')} AS private10, ${cidr('172.16.0.0', 12, 'srcaddr')} AS p172, count(*) AS n FROM vpc_flow GROUP BY 1, 2, 3` },
  { name: 'contains_cidr_where', hunt: `SELECT dstaddr, count(*) AS n FROM vpc_flow WHERE NOT contains('10.0.0.0/8', TRY_CAST(srcaddr AS IPADDRESS)) AND contains('10.0.0.0/8', TRY_CAST(dstaddr AS IPADDRESS)) AND action = 'ACCEPT' GROUP BY dstaddr`,
    duckdb: `SELECT dstaddr, count(*) AS n FROM vpc_flow WHERE NOT ${cidr('10.0.0.0', 8, 'srcaddr')} AND ${cidr('10.0.0.0', 8, 'dstaddr')} AND action = 'ACCEPT' GROUP BY dstaddr` },
  { name: 'contains_cidr_ct', hunt: `SELECT sourceipaddress, count(*) AS n FROM cloudtrail WHERE contains('198.51.100.0/24', TRY_CAST(sourceipaddress AS IPADDRESS)) OR contains('203.0.113.0/24', TRY_CAST(sourceipaddress AS IPADDRESS)) GROUP BY 1`,
    duckdb: `SELECT sourceipaddress, count(*) AS n FROM cloudtrail WHERE ${cidr('198.51.100.0', 24, 'sourceipaddress')} OR ${cidr('203.0.113.0', 24, 'sourceipaddress')} GROUP BY 1` },
  // ---- WITH, subqueries, UNION ALL ----
  { name: 'cte', hunt: `WITH logins AS (SELECT useridentity.arn AS arn, eventtime FROM cloudtrail WHERE eventname = 'ConsoleLogin'), counted AS (SELECT arn, count(*) AS n FROM logins GROUP BY arn) SELECT * FROM counted` },
  { name: 'cte_two_tables', hunt: `WITH a AS (SELECT 'ct' AS t, count(*) AS n FROM cloudtrail), b AS (SELECT 'flow' AS t, count(*) AS n FROM vpc_flow) SELECT * FROM a UNION ALL SELECT * FROM b` },
  { name: 'subquery_from_agg', hunt: `SELECT n, count(*) AS sources FROM (SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr) s GROUP BY n` },
  { name: 'subquery_nested', hunt: `SELECT svc, max(n) AS top FROM (SELECT split_part(eventsource, '.', 1) AS svc, eventname, count(*) AS n FROM (SELECT eventsource, eventname FROM cloudtrail WHERE errorcode IS NULL) x GROUP BY 1, 2) y GROUP BY svc` },
  { name: 'union_all', hunt: `SELECT eventname AS what, 'ct' AS src FROM cloudtrail WHERE eventname LIKE 'Delete%' UNION ALL SELECT action, 'flow' FROM vpc_flow WHERE dstport = 3389` },
  { name: 'union_all_ordered', ordered: true, hunt: `SELECT x, n FROM (SELECT awsregion AS x, count(*) AS n FROM cloudtrail GROUP BY 1 UNION ALL SELECT region, count(*) FROM vpc_flow GROUP BY 1) ORDER BY n DESC, x NULLS FIRST` },
  { name: 'distinct', hunt: `SELECT DISTINCT action, log_status FROM vpc_flow` },
  { name: 'seed_acl_window', hunt: `SELECT useridentity.arn AS who, eventname, eventtime, json_extract_scalar(requestparameters, '$.networkAclId') AS acl FROM cloudtrail WHERE eventname IN ('CreateNetworkAclEntry', 'ReplaceNetworkAclEntry', 'DeleteNetworkAclEntry') AND eventtime BETWEEN '2024-03-05T15:00:00Z' AND '2024-03-05T16:00:00Z'`,
    duckdb: `SELECT useridentity.arn AS who, eventname, eventtime, ${jes('requestparameters', '$.networkAclId')} AS acl FROM cloudtrail WHERE eventname IN ('CreateNetworkAclEntry', 'ReplaceNetworkAclEntry', 'DeleteNetworkAclEntry') AND eventtime BETWEEN '2024-03-05T15:00:00Z' AND '2024-03-05T16:00:00Z'` },
  { name: 'flow_direction_v5', hunt: `SELECT flow_direction, traffic_path, pkt_dst_aws_service, count(*) AS n, sum(bytes) AS b FROM vpc_flow WHERE version >= 5 GROUP BY 1, 2, 3` },
  { name: 'flow_ecs', hunt: `SELECT ecs_cluster_name, ecs_service_name, reject_reason, tcp_flags FROM vpc_flow WHERE ecs_cluster_name IS NOT NULL` },
  // ---- more edge cases ----
  { name: 'order_desc_nulls_first', ordered: true, hunt: `SELECT useridentity.username AS u, count(*) AS n FROM cloudtrail GROUP BY 1 ORDER BY u DESC NULLS FIRST` },
  { name: 'order_asc_nulls_last_multi', ordered: true, hunt: `SELECT dstport, action, sum(packets) AS p FROM vpc_flow GROUP BY dstport, action ORDER BY dstport ASC NULLS LAST, action DESC NULLS FIRST LIMIT 25` },
  { name: 'in_with_null', hunt: `SELECT count(*) FILTER (WHERE dstport IN (22, NULL)) AS a, count(*) FILTER (WHERE dstport NOT IN (22, NULL)) AS b, count(*) FILTER (WHERE dstport NOT IN (22, 443)) AS c FROM vpc_flow` },
  { name: 'substr_negative', hunt: `SELECT eventid, substr(eventid, -4) AS tail, substr(eventid, 3, 4) AS mid FROM cloudtrail WHERE eventsource = 'sts.amazonaws.com'` },
  { name: 'json_extract_scalar_types', hunt: `SELECT json_extract_scalar(requestparameters, '$.maxResults') AS n, json_extract_scalar(responseelements, '$.return') AS b, json_extract_scalar(requestparameters, '$.filterSet.items[0].name') AS f, count(*) AS c FROM cloudtrail GROUP BY 1, 2, 3`,
    duckdb: `SELECT ${jes('requestparameters', '$.maxResults')} AS n, ${jes('responseelements', '$.return')} AS b, ${jes('requestparameters', '$.filterSet.items[0].name')} AS f, count(*) AS c FROM cloudtrail GROUP BY 1, 2, 3` },
  { name: 'date_trunc_minute_flow', hunt: `SELECT date_trunc('minute', from_unixtime(start)) AS m, count(*) AS n, count(DISTINCT srcaddr) AS s FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1 HAVING count(DISTINCT srcaddr) > 1`,
    duckdb: `SELECT date_trunc('minute', make_timestamp(start * 1000000)) AS m, count(*) AS n, count(DISTINCT srcaddr) AS s FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1 HAVING count(DISTINCT srcaddr) > 1` },
  { name: 'cte_union_order_limit', ordered: true, hunt: `WITH e AS (SELECT eventname AS k, count(*) AS n FROM cloudtrail GROUP BY 1), f AS (SELECT action AS k, count(*) AS n FROM vpc_flow GROUP BY 1) SELECT k, n FROM (SELECT k, n FROM e UNION ALL SELECT k, n FROM f) ORDER BY n DESC, k LIMIT 12` },
  { name: 'unnest_filter_nested', hunt: `SELECT useridentity.sessioncontext.sessionissuer.username AS role, r.type AS t, count(*) AS n FROM cloudtrail CROSS JOIN UNNEST(resources) AS u(r) WHERE r.arn LIKE 'arn:aws:%' GROUP BY 1, 2` },
  // Joins and subqueries (engine/op_join.go): CloudTrail ⋈ flow logs on an address, self joins, IN/EXISTS.
  { name: 'join_ct_flow_address', hunt: `SELECT c.eventname, c.sourceipaddress, v.dstport, v.action FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr` },
  { name: 'join_ip_summary_full_using', hunt: `SELECT ip, calls, flows FROM (SELECT sourceipaddress AS ip, count(*) AS calls FROM cloudtrail GROUP BY 1) a FULL JOIN (SELECT srcaddr AS ip, count(*) AS flows FROM vpc_flow GROUP BY 1) b USING (ip)` },
  { name: 'join_left_count_per_ip', hunt: `SELECT a.ip, a.calls, count(v.srcaddr) AS flows, sum(v.bytes) AS bytes FROM (SELECT sourceipaddress AS ip, count(*) AS calls FROM cloudtrail GROUP BY 1) a LEFT JOIN vpc_flow v ON a.ip = v.srcaddr GROUP BY 1, 2` },
  { name: 'join_right_residual', hunt: `SELECT v.srcaddr, v.dstport, v.action, c.n FROM (SELECT sourceipaddress, count(*) AS n FROM cloudtrail WHERE errorcode IS NULL GROUP BY 1) c RIGHT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND v.action = 'REJECT'` },
  { name: 'join_self_errors_then_success', hunt: `SELECT a.useridentity.arn AS who, a.eventname AS failed, b.eventname AS later FROM cloudtrail a JOIN cloudtrail b ON a.useridentity.arn = b.useridentity.arn AND a.eventtime < b.eventtime WHERE a.errorcode IS NOT NULL AND b.errorcode IS NULL AND b.eventsource = a.eventsource` },
  { name: 'join_two_keys_dst', hunt: `SELECT a.dstaddr, a.dstport, a.n, b.n AS rejected FROM (SELECT dstaddr, dstport, count(*) AS n FROM vpc_flow GROUP BY 1, 2) a JOIN (SELECT dstaddr, dstport, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2) b ON a.dstaddr = b.dstaddr AND a.dstport = b.dstport` },
  { name: 'join_comma_where', hunt: `SELECT c.eventname, v.srcaddr, v.dstport FROM cloudtrail c, vpc_flow v WHERE c.sourceipaddress = v.srcaddr AND v.action = 'REJECT'` },
  { name: 'join_cross_small', hunt: `SELECT a.action, b.region, count(*) AS n FROM (SELECT DISTINCT action FROM vpc_flow) a CROSS JOIN (SELECT DISTINCT awsregion AS region FROM cloudtrail) b GROUP BY 1, 2` },
  { name: 'in_subquery_flows', hunt: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow WHERE action = 'REJECT') GROUP BY 1` },
  { name: 'not_in_subquery_nulls', hunt: `SELECT count(*) AS n FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow)` },
  { name: 'not_in_subquery', hunt: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow WHERE srcaddr IS NOT NULL) GROUP BY 1` },
  { name: 'exists_correlated_flow', hunt: `SELECT c.eventname, c.sourceipaddress FROM cloudtrail c WHERE EXISTS (SELECT 1 FROM vpc_flow v WHERE v.srcaddr = c.sourceipaddress AND v.action = 'REJECT')` },
  { name: 'not_exists_correlated_flow', hunt: `SELECT c.eventsource, count(*) AS n FROM cloudtrail c WHERE NOT EXISTS (SELECT * FROM vpc_flow v WHERE v.dstaddr = c.sourceipaddress) GROUP BY 1` },
  { name: 'scalar_subquery_max', hunt: `SELECT eventname, eventtime FROM cloudtrail WHERE eventtime = (SELECT max(eventtime) FROM cloudtrail)` },
  { name: 'in_select_list', hunt: `SELECT DISTINCT srcaddr, srcaddr IN (SELECT sourceipaddress FROM cloudtrail) AS seen FROM vpc_flow` },
  // ==== issue 15: joins, subqueries, windows, set operations, lambdas, CTEs ====
  // `dd` turns the hunt text into DuckDB's for the two time functions only
  // (from_iso8601_timestamp, from_unixtime); other differences are spelled out.
  // ---- joins: across tables on addresses, self joins, outer joins, NULL keys ----
  Q('join_inner_ct_flow_dst16', `SELECT c.eventname, v.action, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON split_part(c.sourceipaddress, '.', 1) || '.' || split_part(c.sourceipaddress, '.', 2) = split_part(v.dstaddr, '.', 1) || '.' || split_part(v.dstaddr, '.', 2) GROUP BY 1, 2`,
    { duckdb: `SELECT c.eventname, v.action, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON nullif(split_part(c.sourceipaddress, '.', 1), '') || '.' || nullif(split_part(c.sourceipaddress, '.', 2), '') = nullif(split_part(v.dstaddr, '.', 1), '') || '.' || nullif(split_part(v.dstaddr, '.', 2), '') GROUP BY 1, 2` }),
  Q('join_left_nullpad', `SELECT c.sourceipaddress, c.eventid, v.dstport, v.bytes FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr WHERE c.eventsource = 'sts.amazonaws.com'`),
  Q('join_left_anti_is_null', `SELECT c.sourceipaddress, count(*) AS n FROM cloudtrail c LEFT JOIN (SELECT DISTINCT srcaddr FROM vpc_flow) v ON c.sourceipaddress = v.srcaddr WHERE v.srcaddr IS NULL GROUP BY 1`),
  Q('join_right_nullpad_counts', `SELECT v.action, v.log_status, count(c.eventid) AS matched, count(*) AS n FROM cloudtrail c RIGHT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1, 2`),
  Q('join_full_on_residual', `SELECT a.ip AS aip, a.n AS an, b.ip AS bip, b.n AS bn FROM (SELECT sourceipaddress AS ip, count(*) AS n FROM cloudtrail GROUP BY 1) a FULL OUTER JOIN (SELECT dstaddr AS ip, count(*) AS n FROM vpc_flow GROUP BY 1) b ON a.ip = b.ip AND b.n > 1`),
  Q('join_full_coalesce_regions', `SELECT coalesce(a.r, b.r) AS r, a.n AS ct, b.n AS fl FROM (SELECT awsregion AS r, count(*) AS n FROM cloudtrail GROUP BY 1) a FULL JOIN (SELECT region AS r, count(*) AS n FROM vpc_flow GROUP BY 1) b ON a.r = b.r`),
  Q('join_using_two_cols', `SELECT eventsource, eventname, a.n AS calls, b.n AS errors FROM (SELECT eventsource, eventname, count(*) AS n FROM cloudtrail GROUP BY 1, 2) a JOIN (SELECT eventsource, eventname, count(*) AS n FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1, 2) b USING (eventsource, eventname)`),
  Q('join_left_using_star', `SELECT * FROM (SELECT eventname AS k, count(*) AS n FROM cloudtrail GROUP BY 1) a LEFT JOIN (SELECT eventname AS k, count(*) AS e FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1) b USING (k)`),
  Q('join_right_using_coalesced', `SELECT ip, a.n AS calls, b.n AS flows FROM (SELECT sourceipaddress AS ip, count(*) AS n FROM cloudtrail GROUP BY 1) a RIGHT JOIN (SELECT srcaddr AS ip, count(*) AS n FROM vpc_flow GROUP BY 1) b USING (ip)`),
  Q('join_full_using_star', `SELECT * FROM (SELECT dstport AS p, count(*) AS dn FROM vpc_flow GROUP BY 1) a FULL JOIN (SELECT srcport AS p, count(*) AS sn FROM vpc_flow WHERE srcport < 1024 GROUP BY 1) b USING (p)`),
  Q('join_self_ip_two_users', `SELECT a.ip, a.arn AS first_arn, b.arn AS second_arn FROM (SELECT DISTINCT sourceipaddress AS ip, useridentity.arn AS arn FROM cloudtrail) a JOIN (SELECT DISTINCT sourceipaddress AS ip, useridentity.arn AS arn FROM cloudtrail) b ON a.ip = b.ip AND a.arn < b.arn`),
  Q('join_self_flow_reply', `SELECT a.srcaddr, a.dstaddr, a.dstport, count(*) AS n FROM vpc_flow a JOIN vpc_flow b ON a.srcaddr = b.dstaddr AND a.dstaddr = b.srcaddr AND a.dstport = b.srcport GROUP BY 1, 2, 3`),
  Q('join_cross_with_nulls', `SELECT a.l, b.p, count(*) AS n FROM (SELECT DISTINCT log_status AS l FROM vpc_flow) a CROSS JOIN (SELECT DISTINCT protocol AS p FROM vpc_flow) b GROUP BY 1, 2`),
  Q('join_three_way', `SELECT c.eventname, v.action, w.action AS back, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr JOIN vpc_flow w ON w.srcaddr = v.dstaddr GROUP BY 1, 2, 3`),
  Q('join_null_keys_never_match', `SELECT count(*) AS n FROM cloudtrail a JOIN cloudtrail b ON a.errorcode = b.errorcode AND a.eventid = b.eventid`),
  Q('join_left_null_key', `SELECT a.eventid, a.errorcode, b.eventid IS NULL AS unmatched FROM cloudtrail a LEFT JOIN cloudtrail b ON a.errorcode = b.errorcode AND a.eventid = b.eventid WHERE a.eventsource LIKE 's3%' OR a.eventsource LIKE 'iam%'`),
  Q('join_non_equi', `SELECT a.dstport, count(*) AS higher FROM (SELECT DISTINCT dstport FROM vpc_flow WHERE dstport < 1024) a JOIN (SELECT DISTINCT srcport FROM vpc_flow WHERE srcport < 1024) b ON a.dstport < b.srcport GROUP BY 1`),
  Q('join_left_having_zero', `SELECT c.eventsource, count(*) AS calls, count(v.srcaddr) AS flows FROM cloudtrail c LEFT JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1 HAVING count(v.srcaddr) = 0`),
  Q('join_order_limit', `SELECT a.srcaddr, a.n, b.n AS rejects FROM (SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY 1) a JOIN (SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1) b ON a.srcaddr = b.srcaddr ORDER BY b.n DESC, a.srcaddr LIMIT 10`, { ordered: true }),
  Q('join_on_struct_field', `SELECT a.useridentity.type AS t, b.eventname, count(*) AS n FROM cloudtrail a JOIN (SELECT DISTINCT eventname, useridentity.accountid AS acct FROM cloudtrail WHERE errorcode IS NOT NULL) b ON a.useridentity.accountid = b.acct AND a.eventname = b.eventname GROUP BY 1, 2`),
  Q('join_left_right_chain', `SELECT x.eventsource, y.n, z.n AS errs FROM (SELECT DISTINCT eventsource FROM cloudtrail) x LEFT JOIN (SELECT eventsource, count(*) AS n FROM cloudtrail WHERE readonly = 'true' GROUP BY 1) y ON x.eventsource = y.eventsource LEFT JOIN (SELECT eventsource, count(*) AS n FROM cloudtrail WHERE errorcode IS NOT NULL GROUP BY 1) z ON z.eventsource = x.eventsource`),
  Q('join_api_then_flow_time', `SELECT c.eventname, v.srcaddr, v.dstport, date_diff('day', from_iso8601_timestamp(c.eventtime), from_unixtime(v.start)) AS days FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND from_iso8601_timestamp(c.eventtime) < from_unixtime(v.start) - INTERVAL '365' DAY`,
    { duckdb: `SELECT c.eventname, v.srcaddr, v.dstport, date_sub('day', CAST(c.eventtime AS TIMESTAMP), make_timestamp(v.start * 1000000)) AS days FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr AND CAST(c.eventtime AS TIMESTAMP) < make_timestamp(v.start * 1000000) - INTERVAL '365' DAY` }),
  // ---- semi/anti joins: IN, NOT IN, EXISTS, with NULLs and empty subqueries ----
  Q('in_subquery_nulls_select', `SELECT dstport, dstport IN (SELECT srcport FROM vpc_flow) AS hit FROM (SELECT DISTINCT dstport FROM vpc_flow)`),
  Q('not_in_subquery_nulls_select', `SELECT dstport, dstport NOT IN (SELECT srcport FROM vpc_flow) AS miss, dstport NOT IN (SELECT srcport FROM vpc_flow WHERE srcport IS NOT NULL) AS miss2 FROM (SELECT DISTINCT dstport FROM vpc_flow)`),
  Q('in_empty_subquery_null_left', `SELECT dstport, dstport IN (SELECT srcport FROM vpc_flow WHERE srcport < 0) AS a, dstport NOT IN (SELECT srcport FROM vpc_flow WHERE srcport < 0) AS b FROM (SELECT DISTINCT dstport FROM vpc_flow)`),
  Q('exists_uncorrelated_empty', `SELECT (SELECT count(*) FROM cloudtrail WHERE EXISTS (SELECT 1 FROM vpc_flow WHERE dstport = -1)) AS e, (SELECT count(*) FROM cloudtrail WHERE NOT EXISTS (SELECT 1 FROM vpc_flow WHERE dstport = -1)) AS ne`),
  Q('exists_correlated_two_keys', `SELECT a.srcaddr, a.dstaddr, count(*) AS n FROM vpc_flow a WHERE EXISTS (SELECT 1 FROM vpc_flow b WHERE b.srcaddr = a.dstaddr AND b.dstaddr = a.srcaddr) GROUP BY 1, 2`),
  Q('not_exists_correlated_nulls', `SELECT a.dstport, count(*) AS n FROM vpc_flow a WHERE NOT EXISTS (SELECT 1 FROM vpc_flow b WHERE b.srcport = a.dstport) GROUP BY 1`),
  Q('in_subquery_having', `SELECT eventname, awsregion, count(*) AS n FROM cloudtrail WHERE eventname IN (SELECT eventname FROM cloudtrail GROUP BY 1 HAVING count(*) > 50) GROUP BY 1, 2`),
  Q('not_in_subquery_rejects', `SELECT eventsource, count(*) AS n FROM cloudtrail WHERE sourceipaddress NOT IN (SELECT srcaddr FROM vpc_flow WHERE action = 'REJECT') GROUP BY 1`),
  Q('in_subquery_and_or', `SELECT eventname, count(*) AS n FROM cloudtrail WHERE sourceipaddress IN (SELECT dstaddr FROM vpc_flow) OR eventname IN (SELECT eventname FROM cloudtrail WHERE errorcode = 'AccessDenied') GROUP BY 1`),
  Q('scalar_subquery_share', `SELECT eventsource, CAST(n AS double) / (SELECT count(*) FROM cloudtrail) AS share FROM (SELECT eventsource, count(*) AS n FROM cloudtrail GROUP BY 1) t`),
  Q('scalar_subquery_empty_null', `SELECT (SELECT max(bytes) FROM vpc_flow WHERE dstport = -1) AS m, (SELECT count(*) FROM vpc_flow WHERE dstport = -1) AS c, (SELECT count(*) FROM cloudtrail) AS n`),
  Q('scalar_subquery_compare_avg', `SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE bytes > (SELECT avg(bytes) FROM vpc_flow) * 20`),
  Q('in_subquery_correlated', `SELECT DISTINCT v.srcaddr, v.dstport FROM vpc_flow v WHERE v.dstport IN (SELECT w.srcport FROM vpc_flow w WHERE w.dstaddr = v.srcaddr)`),
  Q('not_in_subquery_correlated_nulls', `SELECT v.action, count(*) AS n FROM vpc_flow v WHERE v.dstport NOT IN (SELECT w.srcport FROM vpc_flow w WHERE w.dstaddr = v.srcaddr) GROUP BY 1`),
  Q('exists_in_select_list', `SELECT eventsource, seen, count(*) AS n FROM (SELECT eventsource, EXISTS (SELECT 1 FROM vpc_flow v WHERE v.srcaddr = c.sourceipaddress) AS seen FROM cloudtrail c) t GROUP BY 1, 2`),
  // ---- window functions: ranking with ties, offsets, values, frames ----
  Q('win_row_number_partition', `SELECT eventsource, eventid, row_number() OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS rn FROM cloudtrail`),
  Q('win_rank_dense_ties', `SELECT eventsource, eventtime, rank() OVER (PARTITION BY eventsource ORDER BY eventtime) AS r, dense_rank() OVER (PARTITION BY eventsource ORDER BY eventtime) AS d FROM cloudtrail`),
  Q('win_rank_desc_nulls', `SELECT errorcode, rank() OVER (ORDER BY errorcode DESC) AS r, dense_rank() OVER (ORDER BY errorcode) AS d FROM cloudtrail`),
  Q('win_rank_nulls_first', `SELECT errorcode, rank() OVER (ORDER BY errorcode ASC NULLS FIRST) AS r, rank() OVER (ORDER BY errorcode DESC NULLS FIRST) AS r2 FROM cloudtrail`),
  Q('win_row_number_top_n', `SELECT * FROM (SELECT srcaddr, bytes, row_number() OVER (PARTITION BY srcaddr ORDER BY bytes DESC) AS rn FROM vpc_flow) t WHERE rn <= 2`),
  Q('win_dense_rank_counts', `SELECT dstport, n, dense_rank() OVER (ORDER BY n DESC) AS d, rank() OVER (ORDER BY n DESC) AS r FROM (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY 1) t`),
  Q('win_lag_lead', `SELECT eventid, lag(eventname) OVER (PARTITION BY useridentity.arn ORDER BY eventtime, eventid) AS prev, lead(eventname, 2) OVER (PARTITION BY useridentity.arn ORDER BY eventtime, eventid) AS next2, lag(eventname, 1, 'none') OVER (PARTITION BY useridentity.arn ORDER BY eventtime, eventid) AS prevd FROM cloudtrail`),
  Q('win_lag_time_gap', `SELECT eventid, date_diff('second', lag(from_iso8601_timestamp(eventtime)) OVER (PARTITION BY sourceipaddress ORDER BY eventtime, eventid), from_iso8601_timestamp(eventtime)) AS gap FROM cloudtrail`,
    { duckdb: `SELECT eventid, date_sub('second', lag(CAST(eventtime AS TIMESTAMP)) OVER (PARTITION BY sourceipaddress ORDER BY eventtime, eventid), CAST(eventtime AS TIMESTAMP)) AS gap FROM cloudtrail` }),
  Q('win_lead_default', `SELECT srcaddr, start, lead(dstport, 3, -1) OVER (PARTITION BY srcaddr ORDER BY start, dstport) AS l3 FROM (SELECT DISTINCT srcaddr, start, dstport FROM vpc_flow WHERE dstport IS NOT NULL) t`),
  Q('win_first_last_value', `SELECT eventid, first_value(eventname) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS fv, last_value(eventname) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lv, last_value(eventid) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS self FROM cloudtrail`),
  Q('win_first_value_null', `SELECT eventid, first_value(errorcode) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS fe, last_value(errorcode) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS le FROM cloudtrail`),
  Q('win_count_peers_default_frame', `SELECT eventsource, eventtime, count(*) OVER (PARTITION BY eventsource ORDER BY eventtime) AS c, max(eventname) OVER (PARTITION BY eventsource, eventtime) AS m FROM cloudtrail`),
  Q('win_nth_value', `SELECT eventid, nth_value(eventname, 2) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second, nth_value(eventname, 3) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS third FROM cloudtrail`),
  Q('win_ntile', `SELECT eventid, ntile(4) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid) AS q, ntile(3) OVER (ORDER BY eventid) AS t FROM cloudtrail`),
  Q('win_percent_rank_cume_dist', `SELECT dstport, n, percent_rank() OVER (ORDER BY n) AS pr, cume_dist() OVER (ORDER BY n) AS cd FROM (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY 1) t`),
  Q('win_percent_rank_partition_ties', `SELECT eventsource, eventtime, percent_rank() OVER (PARTITION BY eventsource ORDER BY eventtime DESC) AS pr, cume_dist() OVER (PARTITION BY eventsource ORDER BY eventtime DESC) AS cd FROM cloudtrail`),
  Q('win_partition_totals', `SELECT DISTINCT srcaddr, sum(bytes) OVER (PARTITION BY srcaddr) AS b, count(*) OVER (PARTITION BY srcaddr) AS n, count(*) OVER () AS total FROM vpc_flow`),
  Q('win_running_sum_rows', `SELECT eventid, sum(CASE WHEN readonly = 'true' THEN 1 ELSE 0 END) OVER (PARTITION BY eventsource ORDER BY eventtime, eventid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ro FROM cloudtrail`),
  Q('win_moving_avg_rows', `SELECT srcaddr, start, b, avg(b) OVER (PARTITION BY srcaddr ORDER BY start ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS mv FROM (SELECT srcaddr, start, sum(bytes) AS b FROM vpc_flow GROUP BY 1, 2) t`),
  Q('win_rows_following_empty', `SELECT srcaddr, start, max(b) OVER (PARTITION BY srcaddr ORDER BY start ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS nx, min(b) OVER (PARTITION BY srcaddr ORDER BY start ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS pv FROM (SELECT srcaddr, start, sum(bytes) AS b FROM vpc_flow GROUP BY 1, 2) t`),
  Q('win_range_interval_minute', `SELECT srcaddr, start, count(*) OVER (PARTITION BY srcaddr ORDER BY from_unixtime(start) RANGE BETWEEN INTERVAL '60' SECOND PRECEDING AND CURRENT ROW) AS c FROM vpc_flow WHERE action = 'REJECT'`),
  Q('win_range_interval_following', `SELECT srcaddr, start, sum(bytes) OVER (PARTITION BY srcaddr ORDER BY from_unixtime(start) RANGE BETWEEN CURRENT ROW AND INTERVAL '5' MINUTE FOLLOWING) AS b FROM vpc_flow`),
  Q('win_range_interval_ct', `SELECT sourceipaddress, eventtime, count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS c FROM cloudtrail`),
  Q('win_range_interval_exact_boundary', `SELECT m, count(*) OVER (ORDER BY m RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND INTERVAL '1' MINUTE FOLLOWING) AS c3, count(*) OVER (ORDER BY m RANGE BETWEEN INTERVAL '2' MINUTE PRECEDING AND INTERVAL '1' MINUTE PRECEDING) AS before FROM (SELECT DISTINCT date_trunc('minute', from_unixtime(start)) AS m FROM vpc_flow) t`),
  Q('win_range_interval_day_ct', `SELECT d, n, sum(n) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) AS two_days FROM (SELECT date_trunc('day', from_iso8601_timestamp(eventtime)) AS d, count(*) AS n FROM cloudtrail GROUP BY 1) t`),
  Q('win_range_numeric', `SELECT srcaddr, start, count(*) OVER (PARTITION BY srcaddr ORDER BY start RANGE BETWEEN 60 PRECEDING AND CURRENT ROW) AS c FROM vpc_flow WHERE version = 5`),
  Q('win_range_unbounded_nulls', `SELECT dstport, sum(n) OVER (ORDER BY dstport RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum, sum(n) OVER (ORDER BY dstport DESC) AS cumd FROM (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY 1) t`),
  Q('win_rows_desc_window', `SELECT k, n, sum(n) OVER (ORDER BY n DESC, k ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s3 FROM (SELECT eventname AS k, count(*) AS n FROM cloudtrail GROUP BY 1) t`),
  Q('win_latest_per_user_cte', `WITH r AS (SELECT useridentity.arn AS arn, eventname, eventtime, row_number() OVER (PARTITION BY useridentity.arn ORDER BY eventtime DESC, eventid DESC) AS rn FROM cloudtrail) SELECT arn, eventname, eventtime FROM r WHERE rn = 1`),
  Q('win_ordered_by_rank', `SELECT eventname, n, rank() OVER (ORDER BY n DESC) AS r FROM (SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY 1) t ORDER BY r, eventname LIMIT 25`, { ordered: true }),
  Q('win_over_group_by', `SELECT eventsource, count(*) AS n, sum(count(*)) OVER () AS total, rank() OVER (ORDER BY count(*) DESC) AS r FROM cloudtrail GROUP BY 1`),
  Q('win_lag_default_flow', `SELECT srcaddr, start, lag(b, 1, -1) OVER (PARTITION BY srcaddr ORDER BY start) AS pb, b - lag(b) OVER (PARTITION BY srcaddr ORDER BY start) AS delta FROM (SELECT srcaddr, start, sum(bytes) AS b FROM vpc_flow GROUP BY 1, 2) t`),
  Q('win_min_max_partition', `SELECT eventid, min(eventtime) OVER (PARTITION BY useridentity.arn) AS first_seen, max(eventtime) OVER (PARTITION BY useridentity.arn) AS last_seen FROM cloudtrail WHERE eventsource LIKE 's%'`),
  Q('win_two_partitionings', `SELECT eventid, row_number() OVER (PARTITION BY eventsource ORDER BY eventid) AS a, row_number() OVER (PARTITION BY awsregion ORDER BY eventid DESC) AS b, count(*) OVER (PARTITION BY awsregion, eventsource) AS c FROM cloudtrail`),
  Q('win_ntile_uneven', `SELECT dstport, ntile(3) OVER (ORDER BY dstport) AS t, ntile(7) OVER (ORDER BY dstport DESC) AS s FROM (SELECT DISTINCT dstport FROM vpc_flow WHERE dstport IS NOT NULL) t`),
  Q('win_avg_range_ct', `SELECT eventid, avg(CASE WHEN errorcode IS NULL THEN 0.0 ELSE 1.0 END) OVER (PARTITION BY eventsource ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND INTERVAL '10' MINUTE FOLLOWING) AS err_rate FROM cloudtrail`),
  Q('win_filter_on_window_cte', `WITH w AS (SELECT srcaddr, dstport, count(*) OVER (PARTITION BY srcaddr) AS n, dense_rank() OVER (PARTITION BY srcaddr ORDER BY dstport) AS d FROM vpc_flow WHERE action = 'REJECT') SELECT srcaddr, max(d) AS ports, max(n) AS flows FROM w GROUP BY srcaddr HAVING max(d) > 3`),
  Q('win_date_partition', `SELECT CAST(from_unixtime(start) AS DATE) AS d, action, count(*) AS n, sum(count(*)) OVER (PARTITION BY CAST(from_unixtime(start) AS DATE)) AS day_total FROM vpc_flow GROUP BY 1, 2`),
  // ---- lambdas over the resources array ----
  Q('lambda_transform_arn', `SELECT eventid, transform(resources, r -> r.arn) AS arns FROM cloudtrail WHERE resources IS NOT NULL`,
    { duckdb: `SELECT eventid, list_transform(resources, r -> r.arn) AS arns FROM cloudtrail WHERE resources IS NOT NULL` }),
  Q('lambda_transform_expr', `SELECT eventid, transform(resources, r -> upper(split_part(r.arn, ':', 3))) AS svcs FROM cloudtrail WHERE resources IS NOT NULL`,
    { duckdb: `SELECT eventid, list_transform(resources, r -> upper(nullif(split_part(r.arn, ':', 3), ''))) AS svcs FROM cloudtrail WHERE resources IS NOT NULL` }),
  Q('lambda_filter_outer_column', `SELECT eventid, filter(resources, r -> r.accountid = recipientaccountid) AS own FROM cloudtrail WHERE cardinality(resources) > 0`,
    { duckdb: `SELECT eventid, list_filter(resources, r -> r.accountid = recipientaccountid) AS own FROM cloudtrail WHERE len(resources) > 0` }),
  Q('lambda_cardinality_filter', `SELECT cardinality(resources) AS n, cardinality(filter(resources, r -> r.type IS NOT NULL)) AS typed, count(*) AS c FROM cloudtrail GROUP BY 1, 2`,
    { duckdb: `SELECT len(resources) AS n, len(list_filter(resources, r -> r.type IS NOT NULL)) AS typed, count(*) AS c FROM cloudtrail GROUP BY 1, 2` }),
  Q('lambda_any_match', `SELECT eventname, any_match(resources, r -> r.type = 'AWS::S3::Object') AS s3obj, count(*) AS n FROM cloudtrail GROUP BY 1, 2`,
    { duckdb: `SELECT eventname, ${anyM('resources', "r -> r.type = 'AWS::S3::Object'")} AS s3obj, count(*) AS n FROM cloudtrail GROUP BY 1, 2` }),
  Q('lambda_all_match', `SELECT eventname, all_match(resources, r -> r.accountid = recipientaccountid) AS own, count(*) AS n FROM cloudtrail GROUP BY 1, 2`,
    { duckdb: `SELECT eventname, ${allM('resources', 'r -> r.accountid = recipientaccountid')} AS own, count(*) AS n FROM cloudtrail GROUP BY 1, 2` }),
  Q('lambda_none_match', `SELECT eventsource, none_match(resources, r -> r.arn LIKE '%stratus%') AS clean, count(*) AS n FROM cloudtrail GROUP BY 1, 2`,
    { duckdb: `SELECT eventsource, ${noneM('resources', "r -> r.arn LIKE '%stratus%'")} AS clean, count(*) AS n FROM cloudtrail GROUP BY 1, 2` }),
  Q('lambda_match_where', `SELECT eventname, count(*) AS n FROM cloudtrail WHERE any_match(resources, r -> r.arn LIKE 'arn:aws:s3:::%') AND NOT all_match(resources, r -> r.type IS NULL) GROUP BY 1`,
    { duckdb: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE ${anyM('resources', "r -> r.arn LIKE 'arn:aws:s3:::%'")} AND NOT ${allM('resources', 'r -> r.type IS NULL')} GROUP BY 1` }),
  Q('lambda_empty_array', `SELECT eventid, filter(resources, r -> r.arn IS NULL) AS none, any_match(filter(resources, r -> r.arn IS NULL), r -> true) AS a, all_match(filter(resources, r -> r.arn IS NULL), r -> false) AS b FROM cloudtrail WHERE eventsource LIKE 'ssm%'`,
    { duckdb: `SELECT eventid, list_filter(resources, r -> r.arn IS NULL) AS none, ${anyM('list_filter(resources, r -> r.arn IS NULL)', 'r -> true')} AS a, ${allM('list_filter(resources, r -> r.arn IS NULL)', 'r -> false')} AS b FROM cloudtrail WHERE eventsource LIKE 'ssm%'` }),
  Q('lambda_unnest_transform', `SELECT t, count(*) AS n FROM cloudtrail CROSS JOIN UNNEST(transform(resources, r -> coalesce(r.type, 'untyped'))) AS u(t) GROUP BY 1`,
    { duckdb: `SELECT t, count(*) AS n FROM cloudtrail CROSS JOIN UNNEST(list_transform(resources, r -> coalesce(r.type, 'untyped'))) AS u(t) GROUP BY 1` }),
  Q('lambda_transform_array_agg', `SELECT eventsource, transform(array_agg(eventname ORDER BY eventtime, eventid), x -> lower(x)) AS names FROM cloudtrail WHERE eventsource LIKE 'sts%' OR eventsource LIKE 'kms%' GROUP BY 1`,
    { duckdb: `SELECT eventsource, list_transform(array_agg(eventname ORDER BY eventtime, eventid), x -> lower(x)) AS names FROM cloudtrail WHERE eventsource LIKE 'sts%' OR eventsource LIKE 'kms%' GROUP BY 1` }),
  // ---- array_agg(x ORDER BY y) ----
  Q('array_agg_order_by', `SELECT eventsource, array_agg(eventname ORDER BY eventtime, eventid) AS names FROM cloudtrail WHERE eventsource LIKE 'sts%' OR eventsource LIKE 'iam%' GROUP BY 1`),
  Q('array_agg_order_desc_nulls', `SELECT eventsource, array_agg(errorcode ORDER BY eventtime DESC, eventid) AS errs FROM cloudtrail WHERE eventsource LIKE 's3%' OR eventsource LIKE 'ec2-%' GROUP BY 1`),
  Q('array_agg_order_flow', `SELECT srcaddr, array_agg(dstport ORDER BY dstport DESC) AS ports FROM vpc_flow WHERE version <> 5 GROUP BY 1`),
  // ---- set operations ----
  Q('intersect_ips', `SELECT srcaddr FROM vpc_flow INTERSECT SELECT sourceipaddress FROM cloudtrail`),
  Q('except_ips', `SELECT sourceipaddress FROM cloudtrail EXCEPT SELECT srcaddr FROM vpc_flow`),
  Q('union_distinct_nulls', `SELECT errorcode FROM cloudtrail UNION SELECT errorcode FROM cloudtrail WHERE eventsource LIKE 's3%'`),
  Q('union_distinct_keyword', `SELECT action AS v FROM vpc_flow UNION DISTINCT SELECT log_status FROM vpc_flow UNION DISTINCT SELECT action FROM vpc_flow`),
  Q('intersect_ports_nulls', `SELECT dstport FROM vpc_flow INTERSECT SELECT srcport FROM vpc_flow`),
  Q('except_ports_nulls', `SELECT srcport FROM vpc_flow WHERE version <> 5 EXCEPT SELECT dstport FROM vpc_flow WHERE version = 5`),
  Q('set_op_precedence', `SELECT eventname FROM cloudtrail WHERE eventsource LIKE 'sts%' UNION SELECT eventname FROM cloudtrail WHERE eventsource LIKE 'iam%' INTERSECT SELECT eventname FROM cloudtrail WHERE errorcode IS NOT NULL`),
  Q('set_op_left_assoc', `SELECT eventname FROM cloudtrail WHERE eventsource LIKE 'ec2%' EXCEPT SELECT eventname FROM cloudtrail WHERE readonly = 'true' UNION SELECT eventname FROM cloudtrail WHERE eventsource LIKE 'kms%'`),
  Q('set_op_multi_column', `SELECT eventsource, awsregion FROM cloudtrail WHERE errorcode IS NOT NULL INTERSECT SELECT eventsource, awsregion FROM cloudtrail WHERE readonly = 'true'`),
  Q('set_op_cte_order_limit', `WITH s AS (SELECT srcaddr AS ip FROM vpc_flow UNION SELECT dstaddr FROM vpc_flow EXCEPT SELECT sourceipaddress FROM cloudtrail) SELECT ip FROM s ORDER BY ip NULLS FIRST LIMIT 15`, { ordered: true }),
  Q('set_op_count_subquery', `SELECT count(*) AS n FROM (SELECT eventname, awsregion FROM cloudtrail UNION SELECT eventname, awsregion FROM cloudtrail UNION ALL SELECT eventname, awsregion FROM cloudtrail WHERE eventsource LIKE 'sts%') t`),
  Q('except_then_join', `SELECT e.ip, count(*) AS calls FROM (SELECT sourceipaddress AS ip FROM cloudtrail EXCEPT SELECT srcaddr FROM vpc_flow) e JOIN cloudtrail c ON c.sourceipaddress = e.ip GROUP BY 1`),
  // ---- IPADDRESS ----
  Q('ip_cast_min_max', `SELECT min(CAST(srcaddr AS IPADDRESS)) AS lo, max(CAST(srcaddr AS IPADDRESS)) AS hi FROM vpc_flow WHERE srcaddr LIKE '%.%.%.%'`,
    { duckdb: `SELECT min_by(srcaddr, ${ipint('srcaddr')}) AS lo, max_by(srcaddr, ${ipint('srcaddr')}) AS hi FROM vpc_flow WHERE srcaddr LIKE '%.%.%.%'` }),
  Q('ip_order_by', `SELECT DISTINCT CAST(dstaddr AS IPADDRESS) AS a FROM vpc_flow WHERE dstaddr LIKE '%.%.%.%' ORDER BY a LIMIT 20`, { ordered: true,
    duckdb: `SELECT dstaddr FROM (SELECT DISTINCT dstaddr FROM vpc_flow WHERE dstaddr LIKE '%.%.%.%') t ORDER BY ${ipint('dstaddr')} LIMIT 20` }),
  Q('ip_join_on_ipaddress', `SELECT c.eventname, v.dstport, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON TRY_CAST(c.sourceipaddress AS IPADDRESS) = TRY_CAST(v.srcaddr AS IPADDRESS) GROUP BY 1, 2`,
    { duckdb: `SELECT c.eventname, v.dstport, count(*) AS n FROM cloudtrail c JOIN vpc_flow v ON c.sourceipaddress = v.srcaddr GROUP BY 1, 2` }),
  Q('ip_contains_join_group', `SELECT contains('192.0.2.0/24', CAST(v.srcaddr AS IPADDRESS)) AS doc, v.action, count(*) AS n FROM vpc_flow v WHERE v.srcaddr IN (SELECT sourceipaddress FROM cloudtrail) GROUP BY 1, 2`,
    { duckdb: `SELECT ${cidr('192.0.2.0', 24, 'v.srcaddr')} AS doc, v.action, count(*) AS n FROM vpc_flow v WHERE v.srcaddr IN (SELECT sourceipaddress FROM cloudtrail) GROUP BY 1, 2` }),
  Q('ip_cast_round_trip_v4', `SELECT CAST(CAST(srcaddr AS IPADDRESS) AS varchar) AS s, count(*) AS n FROM vpc_flow WHERE srcaddr LIKE '%.%.%.%' GROUP BY 1`,
    { duckdb: `SELECT srcaddr AS s, count(*) AS n FROM vpc_flow WHERE srcaddr LIKE '%.%.%.%' GROUP BY 1` }),
  // ---- DATE ----
  Q('date_cast_group', `SELECT CAST(from_iso8601_timestamp(eventtime) AS DATE) AS d, count(*) AS n FROM cloudtrail GROUP BY 1`),
  Q('date_literal_compare', `SELECT CAST(from_unixtime(start) AS DATE) AS d, count(*) AS n FROM vpc_flow WHERE CAST(from_unixtime(start) AS DATE) >= DATE '2024-03-05' GROUP BY 1`),
  Q('date_join_ct_flow_days', `SELECT a.d, a.n AS calls, b.n AS flows FROM (SELECT CAST(from_iso8601_timestamp(eventtime) AS DATE) AS d, count(*) AS n FROM cloudtrail GROUP BY 1) a FULL JOIN (SELECT CAST(from_unixtime(start) AS DATE) AS d, count(*) AS n FROM vpc_flow GROUP BY 1) b ON a.d = b.d`),
  // ---- multi-level CTEs ----
  Q('cte_three_level_join', `WITH a AS (SELECT sourceipaddress AS ip, eventname FROM cloudtrail WHERE errorcode IS NOT NULL), b AS (SELECT ip, count(*) AS n FROM a GROUP BY ip), c AS (SELECT b.ip, b.n, count(v.srcaddr) AS f FROM b LEFT JOIN vpc_flow v ON v.srcaddr = b.ip GROUP BY 1, 2) SELECT * FROM c WHERE n > 1`),
  Q('cte_reused_self_join', `WITH s AS (SELECT eventsource, count(*) AS n FROM cloudtrail GROUP BY 1) SELECT a.eventsource, a.n, b.eventsource AS same_n FROM s a JOIN s b ON a.n = b.n AND a.eventsource < b.eventsource`),
  Q('cte_window_join', `WITH ranked AS (SELECT srcaddr, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM vpc_flow GROUP BY 1), top AS (SELECT srcaddr, n FROM ranked WHERE r <= 5) SELECT t.srcaddr, t.n, count(c.eventid) AS calls FROM top t LEFT JOIN cloudtrail c ON c.sourceipaddress = t.srcaddr GROUP BY 1, 2`),
  Q('cte_set_ops_nested', `WITH ct AS (SELECT DISTINCT sourceipaddress AS ip FROM cloudtrail), fl AS (SELECT srcaddr AS ip FROM vpc_flow UNION SELECT dstaddr FROM vpc_flow), inter AS (SELECT ip FROM ct INTERSECT SELECT ip FROM fl), only_ct AS (SELECT ip FROM ct EXCEPT SELECT ip FROM inter) SELECT (SELECT count(*) FROM inter) AS b, (SELECT count(*) FROM only_ct) AS o, (SELECT count(*) FROM ct) AS c`),
  Q('cte_chain_windows', `WITH e AS (SELECT useridentity.arn AS arn, eventname, from_iso8601_timestamp(eventtime) AS t, eventid FROM cloudtrail WHERE useridentity.arn IS NOT NULL), g AS (SELECT arn, eventname, date_diff('second', lag(t) OVER (PARTITION BY arn ORDER BY t, eventid), t) AS gap FROM e), s AS (SELECT arn, count(*) AS n, max(gap) AS maxgap FROM g GROUP BY arn) SELECT * FROM s WHERE n > 2`,
    { duckdb: `WITH e AS (SELECT useridentity.arn AS arn, eventname, CAST(eventtime AS TIMESTAMP) AS t, eventid FROM cloudtrail WHERE useridentity.arn IS NOT NULL), g AS (SELECT arn, eventname, date_sub('second', lag(t) OVER (PARTITION BY arn ORDER BY t, eventid), t) AS gap FROM e), s AS (SELECT arn, count(*) AS n, max(gap) AS maxgap FROM g GROUP BY arn) SELECT * FROM s WHERE n > 2` }),
  Q('cte_in_subquery_ref', `WITH bad AS (SELECT DISTINCT srcaddr FROM vpc_flow WHERE action = 'REJECT'), hits AS (SELECT eventname, sourceipaddress FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM bad)) SELECT eventname, count(DISTINCT sourceipaddress) AS ips FROM hits GROUP BY 1`),
  // ---- detection shapes ----
  Q('detect_burst_range', `SELECT sourceipaddress, eventtime, n FROM (SELECT sourceipaddress, eventtime, count(*) OVER (PARTITION BY sourceipaddress ORDER BY from_iso8601_timestamp(eventtime) RANGE BETWEEN INTERVAL '5' MINUTE PRECEDING AND CURRENT ROW) AS n FROM cloudtrail WHERE errorcode IS NOT NULL) t WHERE n >= 3`),
  Q('detect_first_seen_ip', `SELECT arn, ip, eventname FROM (SELECT useridentity.arn AS arn, sourceipaddress AS ip, eventname, row_number() OVER (PARTITION BY useridentity.arn, sourceipaddress ORDER BY eventtime, eventid) AS rn FROM cloudtrail WHERE useridentity.arn IS NOT NULL) t WHERE rn = 1`),
  Q('detect_port_scan_then_api', `SELECT s.srcaddr, s.ports, count(c.eventid) AS calls FROM (SELECT srcaddr, count(DISTINCT dstport) AS ports FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1 HAVING count(DISTINCT dstport) >= 5) s LEFT JOIN cloudtrail c ON c.sourceipaddress = s.srcaddr GROUP BY 1, 2`),
  Q('detect_rare_event_per_user', `WITH c AS (SELECT useridentity.arn AS arn, eventname, count(*) AS n FROM cloudtrail WHERE useridentity.arn IS NOT NULL GROUP BY 1, 2) SELECT arn, eventname, n, cume_dist() OVER (PARTITION BY arn ORDER BY n) AS cd FROM c`),
  Q('detect_new_api_after_error', `SELECT a.eventid, min(b.eventtime) AS next_ok FROM cloudtrail a JOIN cloudtrail b ON a.sourceipaddress = b.sourceipaddress AND b.eventtime > a.eventtime AND b.errorcode IS NULL WHERE a.errorcode = 'AccessDenied' GROUP BY 1`),
];
