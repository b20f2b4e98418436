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
const jes = (x, p) => `CASE WHEN json_type(${x}, '${p}') IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(${x}, '${p}') END`;
const ts = (x) => `CAST(${x} AS TIMESTAMP)`;
const ipint = (x) => `(CAST(split_part(${x}, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(${x}, '.', 2) AS BIGINT) * 65536 + CAST(split_part(${x}, '.', 3) AS BIGINT) * 256 + CAST(split_part(${x}, '.', 4) AS BIGINT))`;
const cidr = (net, bits, x) => {
  const [a, b, c, d] = net.split('.').map(Number);
  const base = ((a * 256 + b) * 256 + c) * 256 + d;
  const size = 2 ** (32 - bits);
  return `(CASE WHEN ${x} IS NULL THEN NULL WHEN NOT regexp_full_match(${x}, '\\d+\\.\\d+\\.\\d+\\.\\d+') THEN false ELSE ${ipint(x)} // ${size} = ${Math.floor(base / size)} END)`;
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
];
