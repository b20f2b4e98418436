SELECT count(*), count(srcaddr), count(dstport), count(DISTINCT srcaddr), sum(bytes), min(bytes), max(bytes) FROM vpc_flow
SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr ORDER BY srcaddr NULLS LAST
SELECT action, dstport, count(*), sum(bytes) FROM vpc_flow WHERE dstport IN (22, 3389) GROUP BY action, dstport ORDER BY action NULLS LAST, dstport NULLS LAST
SELECT srcaddr, count(DISTINCT dstport) FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr HAVING count(DISTINCT dstport) > 3 ORDER BY 1 NULLS LAST
SELECT count(*) FROM vpc_flow WHERE NOT (dstport = 22 OR action = 'ACCEPT')
SELECT count(*) FROM vpc_flow WHERE dstport NOT IN (22, 80) AND bytes BETWEEN 100 AND 2000
SELECT count(*) FROM vpc_flow WHERE srcaddr LIKE '10.0.%' AND srcaddr NOT LIKE '%.5'
SELECT CASE WHEN bytes > 2500 THEN 'big' WHEN bytes IS NULL THEN 'none' ELSE 'small' END AS k, count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1
SELECT dstport, max(bytes) - min(bytes), sum(bytes) / count(bytes) FROM vpc_flow GROUP BY dstport ORDER BY dstport NULLS FIRST
SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE bytes IS NOT NULL ORDER BY bytes DESC, srcaddr NULLS LAST, dstport NULLS LAST LIMIT 7
SELECT count(*) FROM (SELECT DISTINCT srcaddr, action FROM vpc_flow)
SELECT a, count(*) FROM (SELECT srcaddr AS a FROM vpc_flow WHERE action = 'ACCEPT' UNION ALL SELECT srcaddr FROM vpc_flow WHERE dstport = 53) GROUP BY a ORDER BY a NULLS LAST
SELECT count(*) FROM vpc_flow WHERE (bytes > 1000 AND dstport = 443) OR (bytes < 100 AND action IS NULL)
SELECT "end" - start AS d, count(*) FROM vpc_flow WHERE "end" - start > 115 GROUP BY 1 ORDER BY 1
SELECT srcaddr || ':' || CAST(dstport AS varchar), count(*) FROM vpc_flow WHERE dstport = 8080 GROUP BY 1 ORDER BY 1 NULLS LAST
SELECT count(*) FROM vpc_flow WHERE coalesce(action, 'NONE') = 'NONE'
SELECT action, count(*) FILTER (WHERE dstport = 22), count(*) FROM vpc_flow GROUP BY action ORDER BY action NULLS LAST
SELECT bytes % 7, count(*) FROM vpc_flow WHERE bytes IS NOT NULL GROUP BY 1 ORDER BY 1
SELECT max(srcaddr), min(action) FROM vpc_flow WHERE dstport IS NULL
SELECT count(*) FROM vpc_flow WHERE srcaddr IS DISTINCT FROM '10.0.0.1'
SELECT count(*) FROM vpc_flow WHERE srcaddr > '10.0.0.2' AND srcaddr <= '192.168.1.9'
SELECT action, avg(bytes) FROM vpc_flow WHERE dstport = 53 GROUP BY action ORDER BY action NULLS FIRST
SELECT srcaddr, min(start), max("end") FROM vpc_flow GROUP BY srcaddr ORDER BY 2, 1 NULLS LAST
SELECT count(*) FROM vpc_flow WHERE bytes * 2 + 1 > 5000 OR -bytes < -4900
SELECT dstport, count(*) AS c FROM vpc_flow GROUP BY dstport HAVING count(*) > 420 ORDER BY c DESC, dstport NULLS LAST
SELECT count(*) FROM vpc_flow WHERE action IN ('ACCEPT', NULL)
SELECT count(*) FROM vpc_flow WHERE action NOT IN ('ACCEPT')
SELECT count(*) FROM vpc_flow WHERE NOT (bytes > 100)
SELECT upper(action), lower(srcaddr), count(*) FROM vpc_flow WHERE srcaddr = '10.0.1.5' GROUP BY 1, 2 ORDER BY 1 NULLS LAST
SELECT substr(srcaddr, 1, 6), count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1 NULLS LAST
SELECT length(srcaddr), count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1 NULLS LAST
SELECT srcaddr, sum(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejects FROM vpc_flow GROUP BY srcaddr ORDER BY rejects DESC, srcaddr NULLS LAST LIMIT 3
SELECT x, count(*) FROM (SELECT CASE dstport WHEN 22 THEN 'ssh' WHEN 3389 THEN 'rdp' ELSE 'other' END AS x FROM vpc_flow) GROUP BY x ORDER BY x
SELECT count(*) FROM (SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr) WHERE n > 590
SELECT max(n), min(n) FROM (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY dstport)
SELECT start / 600 AS bucket, count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1
SELECT count(*) FROM vpc_flow WHERE srcaddr IS NULL AND dstport IS NOT NULL AND action IS NULL
SELECT count(DISTINCT action), count(DISTINCT bytes) FROM vpc_flow WHERE dstport = 443
SELECT srcaddr, dstport FROM vpc_flow WHERE bytes = 4995 ORDER BY srcaddr NULLS FIRST, dstport NULLS FIRST
SELECT count(*) FROM vpc_flow WHERE srcaddr LIKE '%1%' AND srcaddr NOT LIKE '192%'
SELECT coalesce(srcaddr, 'none') AS s, count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1
SELECT DISTINCT dstport FROM vpc_flow WHERE action = 'ACCEPT' ORDER BY dstport NULLS LAST
SELECT action, count(*) FROM vpc_flow GROUP BY action ORDER BY count(*) DESC, action NULLS LAST
SELECT count(*) FROM vpc_flow WHERE bytes BETWEEN "end" - start AND 200
SELECT sum(bytes) FROM vpc_flow WHERE start BETWEEN 1709252000 AND 1709253000 AND dstport IN (80, 443, 8080)
SELECT nullif(dstport, 22) AS p, count(*) FROM vpc_flow GROUP BY 1 ORDER BY 1 NULLS FIRST
SELECT srcaddr, count(*) FROM vpc_flow WHERE srcaddr IS NOT DISTINCT FROM NULL GROUP BY 1
SELECT count(*) FROM vpc_flow WHERE (dstport = 22) IS NULL
SELECT count(*) FROM (SELECT srcaddr FROM vpc_flow UNION ALL SELECT srcaddr FROM vpc_flow WHERE bytes > 4000)
SELECT abs(start - "end"), count(*) FROM vpc_flow GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3
