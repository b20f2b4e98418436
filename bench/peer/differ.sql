-- differ.mjs's questions: one per line, in the SQL both hunt (Trino) and DuckDB accept
-- with the same meaning (not integer division: Trino truncates, DuckDB does not).
-- VPC flow logs
SELECT srcaddr, count(*) c FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr HAVING count(*) > 50
SELECT dstport, sum(bytes), max(packets), min(start) FROM vpc_flow WHERE protocol = 6 GROUP BY dstport
SELECT account_id, count(DISTINCT srcaddr), count(DISTINCT dstaddr), count(*) FROM vpc_flow GROUP BY 1
SELECT protocol, count(*), sum(packets), min(bytes), max(bytes) FROM vpc_flow GROUP BY 1
SELECT count(*), min(start), max("end") FROM vpc_flow WHERE start BETWEEN 1700000000 AND 1800000000 AND log_status = 'OK'
SELECT srcaddr, dstaddr, count(DISTINCT dstport) p FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(DISTINCT dstport) > 10
SELECT interface_id, sum(bytes) FILTER (WHERE action = 'ACCEPT'), sum(bytes) FILTER (WHERE action = 'REJECT') FROM vpc_flow GROUP BY 1
SELECT count(*) FROM vpc_flow WHERE srcaddr LIKE '10.%' AND dstport IN (22, 3389, 445) AND packets > 1
SELECT log_status, action, count(*), count(srcaddr), count(dstport), count(vpc_id), count(tcp_flags) FROM vpc_flow GROUP BY 1, 2
SELECT version, count(*), count(DISTINCT interface_id) FROM vpc_flow GROUP BY 1
SELECT tcp_flags, flow_direction, count(*) FROM vpc_flow WHERE version = 5 GROUP BY 1, 2
SELECT srcaddr, start - start % 60 AS m, count(*) FROM vpc_flow WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100
SELECT count(*) FROM vpc_flow WHERE dstport > 1024 AND dstport < 2048 OR srcport = 443
SELECT count(*) FROM vpc_flow WHERE NOT (action = 'ACCEPT') AND bytes >= 1000
SELECT pkt_src_aws_service, count(*) FROM vpc_flow GROUP BY 1
SELECT dstaddr, count(*) FROM vpc_flow WHERE dstport = 22 AND action = 'ACCEPT' GROUP BY 1 HAVING count(*) >= 5
SELECT region, az_id, sublocation_type, count(*) FROM vpc_flow GROUP BY 1, 2, 3
SELECT "end" - start AS d, count(*) FROM vpc_flow GROUP BY 1 HAVING count(*) > 1000
SELECT count(DISTINCT srcaddr || ':' || CAST(srcport AS varchar)) FROM vpc_flow WHERE protocol = 17
-- CloudTrail
SELECT eventsource, count(*) c FROM cloudtrail GROUP BY 1
SELECT useridentity.type, count(DISTINCT sourceipaddress) FROM cloudtrail GROUP BY 1
SELECT count(*), count(errorcode), count(DISTINCT errorcode), count(errormessage) FROM cloudtrail
SELECT json_extract_scalar(requestparameters, '$.bucketName') b, count(*) FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' GROUP BY 1
SELECT count(*) FROM cloudtrail WHERE useragent LIKE '%aws-cli%' OR useragent LIKE 'Boto3%'
SELECT eventname, count(*) FROM cloudtrail WHERE errorcode = 'AccessDenied' AND regexp_like(eventname, '^(Get|List|Describe)') GROUP BY 1
SELECT useridentity.accountid, awsregion, count(*) FROM cloudtrail WHERE readonly = 'false' GROUP BY 1, 2
SELECT substr(eventtime, 1, 13) d, count(*) FROM cloudtrail WHERE eventtime >= '2024-01-01' GROUP BY 1
SELECT useridentity.arn, count(*) FROM cloudtrail WHERE useridentity.type = 'IAMUser' GROUP BY 1
SELECT sourceipaddress, count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' GROUP BY 1
SELECT eventtype, eventversion, count(*) FROM cloudtrail GROUP BY 1, 2
SELECT recipientaccountid, count(DISTINCT eventid), count(*) FROM cloudtrail GROUP BY 1
SELECT json_extract_scalar(additionaleventdata, '$.MFAUsed'), count(*) FROM cloudtrail WHERE eventname = 'ConsoleLogin' GROUP BY 1
SELECT useridentity.invokedby, count(*) FROM cloudtrail GROUP BY 1
SELECT count(*) FROM cloudtrail WHERE errormessage LIKE '%not authorized%'
SELECT length(requestparameters) > 100, count(*) FROM cloudtrail GROUP BY 1
SELECT lower(eventname), count(*) FROM cloudtrail WHERE eventname IN ('GetObject', 'PutObject', 'DeleteObject', 'ListBuckets', 'AssumeRole') GROUP BY 1
SELECT count(*) FROM cloudtrail WHERE requestparameters IS NULL
SELECT count(*) FROM cloudtrail WHERE responseelements IS NULL AND errorcode IS NULL
SELECT eventname, levenshtein_distance(eventname, 'ConsoleLogin'), count(*) FROM cloudtrail GROUP BY 1, 2
SELECT awsregion, hamming_distance(awsregion, 'us-east-1'), count(*) FROM cloudtrail WHERE length(awsregion) = 9 GROUP BY 1, 2
SELECT trim(TRAILING 's' FROM eventname), trim(LEADING 'De' FROM eventname), trim(BOTH '.' FROM split_part(eventsource, 'amazonaws', 1)), count(*) FROM cloudtrail GROUP BY 1, 2, 3
SELECT split_part(useragent, '/', 1), split_part(useragent, ' ', 3), ltrim(rtrim(useragent, 'gor'), 'Bao'), count(*) FROM cloudtrail GROUP BY 1, 2, 3
SELECT chr(codepoint(substr(eventname, 1, 1)) + 1), count(*) FROM cloudtrail GROUP BY 1
-- Set operations, windows, joins and subqueries
SELECT arn, eventname, eventtime FROM (SELECT useridentity.arn arn, eventname, eventtime, row_number() OVER (PARTITION BY useridentity.arn ORDER BY eventtime, eventid) rn FROM cloudtrail) WHERE rn = 1
SELECT eventsource, errorcode, count(*) OVER (PARTITION BY eventsource) FROM cloudtrail WHERE errorcode LIKE 'Throttl%'
SELECT c.sourceipaddress, count(*) FROM cloudtrail c JOIN (SELECT DISTINCT srcaddr FROM vpc_flow WHERE action = 'ACCEPT') f ON c.sourceipaddress = f.srcaddr GROUP BY 1
SELECT srcaddr FROM vpc_flow WHERE action = 'REJECT' AND dstport = 22 INTERSECT SELECT srcaddr FROM vpc_flow WHERE action = 'REJECT' AND dstport = 3389
SELECT sourceipaddress FROM cloudtrail WHERE errorcode IS NOT NULL EXCEPT SELECT sourceipaddress FROM cloudtrail WHERE errorcode IS NULL
SELECT eventname FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com' UNION SELECT eventname FROM cloudtrail WHERE eventsource = 'sts.amazonaws.com'
SELECT CASE WHEN bytes > 10000 THEN 'big' WHEN bytes > 100 THEN 'mid' ELSE 'small' END s, count(*), sum(packets) FROM vpc_flow GROUP BY 1
SELECT coalesce(errorcode, 'none'), coalesce(useridentity.invokedby, useridentity.arn, 'x') IS NULL, count(*) FROM cloudtrail GROUP BY 1, 2
SELECT srcaddr, max(bytes) - min(bytes), avg(packets) FROM vpc_flow WHERE account_id = (SELECT min(account_id) FROM vpc_flow) AND action = 'REJECT' GROUP BY 1
SELECT eventname, count(*) FROM cloudtrail WHERE sourceipaddress IN (SELECT srcaddr FROM vpc_flow WHERE dstport = 443) GROUP BY 1
SELECT dstport, count(*) FROM vpc_flow WHERE dstport BETWEEN 0 AND 1023 AND NOT dstport IN (22, 80, 443) GROUP BY 1 HAVING count(*) > 100
SELECT upper(substr(awsregion, 1, 2)), count(DISTINCT awsregion) FROM cloudtrail GROUP BY 1
SELECT srcaddr, dstaddr, sum(bytes) b FROM vpc_flow GROUP BY 1, 2 ORDER BY b DESC, 1, 2 LIMIT 25
SELECT replace(useragent, ' ', '_') u, count(*) FROM cloudtrail WHERE strpos(useragent, 'Python') > 0 GROUP BY 1
SELECT split_part(eventsource, '.', 1), count(*) FROM cloudtrail GROUP BY 1
SELECT count(*) FROM vpc_flow WHERE srcaddr IN (SELECT srcaddr FROM vpc_flow WHERE dstport = 22 AND action = 'REJECT')
SELECT count(*), count(DISTINCT srcaddr) FROM vpc_flow WHERE srcaddr NOT IN (SELECT dstaddr FROM vpc_flow WHERE action = 'REJECT')
SELECT eventname, count(*) c FROM cloudtrail GROUP BY 1 ORDER BY c DESC, eventname OFFSET 3 LIMIT 5
SELECT srcaddr, dstaddr, sum(bytes) b FROM vpc_flow GROUP BY 1, 2 ORDER BY b DESC, 1, 2 OFFSET 10 LIMIT 20
-- VALUES, UNNEST alone, subqueries in and after aggregates, boolean and spread aggregates
WITH iocs(ip) AS (VALUES ('10.10.36.129'), ('10.10.6.115'), ('203.0.113.250')) SELECT srcaddr, count(*) FROM vpc_flow WHERE srcaddr IN (SELECT ip FROM iocs) GROUP BY 1
SELECT t.sev, count(*) FROM cloudtrail c JOIN (VALUES ('94.106.186.75', 'HIGH'), ('171.135.55.88', 'LOW'), ('81.85.1.97', 'LOW')) AS t(ip, sev) ON c.sourceipaddress = t.ip GROUP BY 1
SELECT count(*) FROM vpc_flow WHERE dstport IN (SELECT p FROM UNNEST(ARRAY[22, 3389, 445]) AS t(p))
SELECT eventsource, bool_or(errorcode IS NOT NULL), bool_and(readonly = 'true'), count_if(errorcode IS NULL) FROM cloudtrail GROUP BY 1
SELECT eventname, count(*) * 100.0 / (SELECT count(*) FROM cloudtrail) FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10
SELECT srcaddr, count(*) FROM vpc_flow GROUP BY 1 HAVING count(*) > (SELECT count(*) FROM vpc_flow) * 0.001
SELECT count_if(srcaddr IN (SELECT sourceipaddress FROM cloudtrail)), count(*) FROM vpc_flow
SELECT eventsource, max(c) FROM (SELECT eventsource, count_if(errorcode IS NOT NULL) OVER (PARTITION BY eventsource) c FROM cloudtrail) GROUP BY 1
SELECT protocol, count(*), round(stddev(bytes), 3), round(var_pop(packets), 3), round(stddev_pop(bytes) / avg(bytes), 6) FROM vpc_flow GROUP BY 1
