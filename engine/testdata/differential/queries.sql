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
SELECT a.srcaddr, a.n, b.m FROM (SELECT srcaddr, count(*) AS n FROM vpc_flow GROUP BY srcaddr) a JOIN (SELECT srcaddr, sum(bytes) AS m FROM vpc_flow WHERE action = 'REJECT' GROUP BY srcaddr) b ON a.srcaddr = b.srcaddr ORDER BY 1 NULLS FIRST
SELECT a.dstport, a.n, b.n FROM (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY dstport) a LEFT JOIN (SELECT dstport, count(*) AS n FROM vpc_flow WHERE action = 'ACCEPT' AND bytes > 4900 AND dstport <> 53 GROUP BY dstport) b ON a.dstport = b.dstport ORDER BY 1 NULLS FIRST
SELECT a.dstport, b.dstport, b.n FROM (SELECT DISTINCT dstport FROM vpc_flow WHERE dstport < 1000) a RIGHT JOIN (SELECT dstport, count(*) AS n FROM vpc_flow GROUP BY dstport) b ON a.dstport = b.dstport ORDER BY 2 NULLS FIRST
SELECT a.srcaddr, b.srcaddr FROM (SELECT DISTINCT srcaddr FROM vpc_flow WHERE srcaddr LIKE '10.%') a FULL JOIN (SELECT DISTINCT srcaddr FROM vpc_flow WHERE srcaddr IS NULL OR srcaddr <> '10.0.0.1') b ON a.srcaddr = b.srcaddr ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT count(*) FROM vpc_flow WHERE dstport IN (SELECT dstport FROM vpc_flow WHERE bytes > 4990)
SELECT count(*) FROM vpc_flow WHERE dstport NOT IN (SELECT dstport FROM vpc_flow WHERE bytes > 4990)
SELECT count(*) FROM vpc_flow WHERE dstport NOT IN (SELECT dstport FROM vpc_flow WHERE bytes > 4990 AND dstport IS NOT NULL)
SELECT count(*) FROM vpc_flow WHERE srcaddr NOT IN (SELECT srcaddr FROM vpc_flow WHERE bytes < 0)
SELECT count(*) FROM vpc_flow a WHERE EXISTS (SELECT 1 FROM vpc_flow b WHERE b.srcaddr = a.srcaddr AND b.dstport = a.dstport AND b.action = 'REJECT' AND b.bytes > 4950)
SELECT count(*) FROM vpc_flow a WHERE NOT EXISTS (SELECT * FROM vpc_flow b WHERE a.dstport = b.dstport AND b.bytes > 4990)
SELECT count(*) FROM vpc_flow WHERE EXISTS (SELECT 1 FROM vpc_flow WHERE bytes > 100000)
SELECT srcaddr, dstport, bytes FROM vpc_flow WHERE bytes = (SELECT max(bytes) FROM vpc_flow) ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT count(*), min(bytes) FROM vpc_flow WHERE bytes > (SELECT avg(bytes) FROM vpc_flow WHERE action = 'REJECT')
SELECT DISTINCT dstport, CASE WHEN dstport IN (SELECT dstport FROM vpc_flow WHERE action = 'REJECT' AND bytes > 4980) THEN 'in' WHEN NOT (dstport IN (SELECT dstport FROM vpc_flow WHERE action = 'REJECT' AND bytes > 4980)) THEN 'out' ELSE 'unknown' END FROM vpc_flow ORDER BY 1 NULLS FIRST
SELECT count(*) FROM vpc_flow a WHERE a.dstport IN (SELECT b.dstport FROM vpc_flow b WHERE b.srcaddr = a.srcaddr AND b.action = 'REJECT' AND b.bytes > 4900)
SELECT count(*) FROM vpc_flow a WHERE a.dstport NOT IN (SELECT b.dstport FROM vpc_flow b WHERE b.srcaddr = a.srcaddr AND b.bytes > 4900)
SELECT dstport, a.n, b.n FROM (SELECT dstport, count(*) AS n FROM vpc_flow WHERE action = 'ACCEPT' GROUP BY dstport) a JOIN (SELECT dstport, count(*) AS n FROM vpc_flow WHERE action = 'REJECT' GROUP BY dstport) b USING (dstport) ORDER BY 1 NULLS FIRST
SELECT count(*) FROM (SELECT DISTINCT action FROM vpc_flow) a CROSS JOIN (SELECT DISTINCT dstport FROM vpc_flow) b
SELECT count(*) FROM (SELECT DISTINCT srcaddr FROM vpc_flow) a, (SELECT DISTINCT srcaddr FROM vpc_flow) b WHERE a.srcaddr < b.srcaddr
SELECT a.srcaddr, a.action, b.action FROM (SELECT srcaddr, action, count(*) AS n FROM vpc_flow GROUP BY 1, 2) a JOIN (SELECT srcaddr, action, count(*) AS n FROM vpc_flow GROUP BY 1, 2) b ON a.srcaddr = b.srcaddr AND a.n > b.n ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3 NULLS FIRST
SELECT a.srcaddr, a.dstport FROM (SELECT DISTINCT srcaddr, dstport FROM vpc_flow) a LEFT JOIN (SELECT DISTINCT srcaddr, dstport FROM vpc_flow WHERE bytes > 4950) b ON a.srcaddr = b.srcaddr AND a.dstport = b.dstport WHERE b.srcaddr IS NULL ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT a.srcaddr, a.action, a.n, b.s FROM (SELECT srcaddr, action, count(*) AS n FROM vpc_flow GROUP BY 1, 2) a JOIN (SELECT srcaddr, action, sum(bytes) AS s FROM vpc_flow GROUP BY 1, 2) b ON a.srcaddr = b.srcaddr AND a.action = b.action ORDER BY 1 NULLS FIRST, 2 NULLS FIRST
SELECT count(*), sum(a.bytes) FROM vpc_flow a JOIN vpc_flow b ON a.start = b.start AND a.srcaddr = b.srcaddr
SELECT a.dstport, b.d FROM (SELECT DISTINCT dstport FROM vpc_flow) a JOIN (SELECT DISTINCT CAST(dstport AS double) AS d FROM vpc_flow) b ON a.dstport = b.d ORDER BY 1 NULLS FIRST
SELECT a.srcaddr, b.n, c.n FROM (SELECT DISTINCT srcaddr FROM vpc_flow) a JOIN (SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 22 GROUP BY 1) b ON a.srcaddr = b.srcaddr LEFT JOIN (SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 22 AND bytes > 4900 GROUP BY 1) c ON c.srcaddr = a.srcaddr ORDER BY 1 NULLS FIRST
SELECT count(*) FROM vpc_flow a LEFT JOIN (SELECT DISTINCT dstport FROM vpc_flow WHERE action = 'REJECT' AND bytes > 4990) b ON a.dstport = b.dstport AND a.action = 'ACCEPT' WHERE b.dstport IS NOT NULL
