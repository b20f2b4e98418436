// grouping.mjs asks hunt and DuckDB the grouping questions of the
// flow-log hunts that make millions of groups (issue 18): vpc_port_scan's
// two COUNT(DISTINCT)s per source and five minutes, and vpc_large_egress's
// sum per source, destination and hour, summed over every group so each
// group's values are checked. hunt runs `hunt query` on one core (taskset
// -c 0, GOMAXPROCS=1), DuckDB threads=1 in process, over the same files:
// the .gz corpus (DuckDB given every column, auto_detect off, one
// read_csv per format, as peer.mjs) and, with --lake, the Parquet lake
// `hunt convert` wrote from it. Prints best-of-N wall and CPU and the
// hunt/DuckDB ratios; exit status 1 when an answer differs.
//
//   node grouping.mjs --hunt HUNT_BINARY [--dir DIR] [--lake DIR] [--reps 3] [--only NAME]
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { flowGlobs, flowRead, flowV2Columns, flowV5Columns } from './flows.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.hunt || (!args.dir && !args.lake)) {
  console.error('usage: node grouping.mjs --hunt HUNT_BINARY [--dir DIR] [--lake DIR] [--reps 3] [--only NAME]');
  process.exit(2);
}
const reps = Number(args.reps ?? 3);

// The corpus's two flow formats, as peer.mjs reads them (flows.mjs).
const gzFlows = (cols) => {
  const g = flowGlobs(args.dir);
  return `(SELECT ${cols} FROM ${flowRead(g.v2, flowV2Columns)} UNION ALL SELECT ${cols} FROM ${flowRead(g.v5, flowV5Columns)})`;
};
const lakeFlows = (cols) => `(SELECT ${cols} FROM read_parquet('${args.lake}/table=vpc_flow/**/*.parquet', hive_partitioning = true))`;

// Each question: hunt's SQL, and DuckDB's over a FROM made by from(columns).
const questions = {
  port_scan_groups: {
    cols: 'account_id, srcaddr, dstaddr, srcport, dstport, protocol, start',
    inner: (from) => `SELECT account_id, srcaddr, start - start % 300 AS bucket, count(DISTINCT dstport) AS ports,
    count(DISTINCT dstaddr) AS targets, count(*) AS flows
  FROM ${from} WHERE srcaddr IS NOT NULL AND protocol IN (6, 17) AND dstport < srcport
  GROUP BY account_id, srcaddr, start - start % 300`,
  },
  large_egress_groups: {
    cols: 'account_id, srcaddr, dstaddr, bytes, start, action',
    inner: (from) => `SELECT account_id, srcaddr, dstaddr, start - start % 3600 AS hour, sum(bytes) AS bytes, count(*) AS flows
  FROM ${from} WHERE action = 'ACCEPT'
  GROUP BY account_id, srcaddr, dstaddr, start - start % 3600`,
  },
};
const outer = (inner) => `SELECT count(*) AS groups, ${'${SUMS}'} FROM (${inner}) g`;
const sums = { port_scan_groups: 'sum(ports) AS ports, sum(targets) AS targets, sum(flows) AS flows, max(ports) AS max_ports',
  large_egress_groups: 'sum(bytes) AS bytes, sum(flows) AS flows, max(bytes) AS max_bytes' };
if (args.only) for (const k of Object.keys(questions)) if (!k.includes(args.only)) delete questions[k];

function runHunt(sql, path) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'taskset', '-c', '0', args.hunt, 'query', '--output', 'csv', sql, path],
    { env: { ...process.env, GOMAXPROCS: '1' }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t) / 1000;
  const lines = r.stderr.trim().split('\n');
  const [u, s, kb] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0 && r.status !== 3) throw new Error(`hunt exited ${r.status}: ${r.stderr}`);
  const rows = r.stdout.trim().split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',').join('\t'));
  return { wall, cpu: u + s, rss: kb / 1024, rows };
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
let failed = false;
console.log('source\tquestion\thunt wall\thunt cpu\thunt MiB\tduckdb wall\tduckdb cpu\thunt/duckdb (cpu)\tanswer');
const sources = [];
if (args.dir) sources.push(['gz', args.dir, gzFlows]);
if (args.lake) sources.push(['parquet', args.lake, lakeFlows]);
for (const [source, path, from] of sources) {
  for (const [name, q] of Object.entries(questions)) {
    const huntSQL = outer(q.inner('vpc_flow')).replace('${SUMS}', sums[name]);
    const duckSQL = outer(q.inner(from(q.cols))).replace('${SUMS}', sums[name]);
    const h = { wall: Infinity, cpu: Infinity, rss: 0 }, d = { wall: Infinity, cpu: Infinity };
    let hRows, dRows;
    for (let i = 0; i < reps; i++) {
      const r = runHunt(huntSQL, path);
      h.wall = Math.min(h.wall, r.wall); h.cpu = Math.min(h.cpu, r.cpu); h.rss = Math.max(h.rss, r.rss); hRows = r.rows;
      const t = performance.now();
      const c = process.cpuUsage();
      const rows = (await conn.runAndReadAll(duckSQL)).getRows();
      const dc = process.cpuUsage(c);
      d.wall = Math.min(d.wall, (performance.now() - t) / 1000); d.cpu = Math.min(d.cpu, (dc.user + dc.system) / 1e6);
      dRows = rows.map((row) => row.map(String).join('\t'));
    }
    const same = hRows.length === dRows.length && hRows.every((r, i) => r === dRows[i]);
    if (!same) {
      failed = true;
      console.error(`${source} ${name}: answers differ:\nhunt:   ${hRows.join(' | ')}\nduckdb: ${dRows.join(' | ')}`);
    }
    console.log([source, name, h.wall.toFixed(2), h.cpu.toFixed(2), h.rss.toFixed(0), d.wall.toFixed(2), d.cpu.toFixed(2),
      (d.cpu / h.cpu).toFixed(2) + 'x', (hRows[0] ?? '') + (same ? ' same' : ' DIFFER')].join('\t'));
  }
}
process.exit(failed ? 1 : 0);
