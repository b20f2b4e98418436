// parquet.mjs runs the peer queries of hunt's benchmark (bench.PeerQueries)
// over a Parquet lake written by `hunt convert`, with hunt (one core:
// taskset -c 0, GOMAXPROCS=1) and DuckDB (threads=1) over the same files,
// checks that the answers agree row for row, and prints the best of N wall
// and CPU times and hunt/DuckDB ratios.
//
//   node parquet.mjs --lake DIR --hunt HUNT_BINARY [--reps 3]
//
// Exit status 1 when an answer differs.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.lake || !args.hunt) {
  console.error('usage: node parquet.mjs --lake DIR --hunt HUNT_BINARY [--reps 3]');
  process.exit(2);
}
const reps = Number(args.reps ?? 3);
const read = (table) => `read_parquet('${args.lake}/table=${table}/**/*.parquet', hive_partitioning = true)`;

// The SQL of bench.PeerQueries for hunt, and the same question for DuckDB.
const queries = {
  ct_count_by_eventname: {
    hunt: `SELECT eventname, count(*) AS n FROM cloudtrail GROUP BY eventname`,
    duckdb: `SELECT eventname, count(*) FROM ${read('cloudtrail')} GROUP BY 1`,
  },
  ct_console_login_no_mfa: {
    hunt: `SELECT sourceipaddress, count(*) AS n FROM cloudtrail
WHERE eventname = 'ConsoleLogin'
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'
GROUP BY sourceipaddress`,
    duckdb: `SELECT sourceipaddress, count(*) FROM ${read('cloudtrail')}
WHERE eventname = 'ConsoleLogin'
  AND json_extract_string(responseelements, '$.ConsoleLogin') = 'Success'
  AND json_extract_string(additionaleventdata, '$.MFAUsed') = 'No'
GROUP BY 1`,
  },
  flow_reject_per_minute: {
    hunt: `SELECT srcaddr, start / 60 * 60 AS minute, count(*) AS n FROM vpc_flow
WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100`,
    duckdb: `SELECT srcaddr, start // 60 * 60, count(*) FROM ${read('vpc_flow')}
WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100`,
  },
};
if (args.only) for (const k of Object.keys(queries)) if (!k.includes(args.only)) delete queries[k];

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function runHunt(sql) {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'taskset', '-c', '0', args.hunt, 'query', '--output', 'csv', sql, args.lake],
    { env: { ...process.env, GOMAXPROCS: '1' }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t) / 1000;
  const lines = r.stderr.trim().split('\n');
  const [u, s] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0 && r.status !== 3) throw new Error(`hunt exited ${r.status}: ${r.stderr}`);
  const rows = r.stdout.trim().split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',').join('\t')).sort(cmp);
  return { wall, cpu: u + s, rows };
}

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
await conn.runAndReadAll(`SELECT json_extract_string('{"a":"b"}', '$.a')`);
let failed = false;
console.log('query\thunt wall\thunt cpu\tduckdb wall\tduckdb cpu\thunt/duckdb (wall)\thunt/duckdb (cpu)\trows');
for (const [name, q] of Object.entries(queries)) {
  const h = { wall: Infinity, cpu: Infinity }, d = { wall: Infinity, cpu: Infinity };
  let hRows, dRows;
  for (let i = 0; i < reps; i++) {
    const r = runHunt(q.hunt);
    h.wall = Math.min(h.wall, r.wall); h.cpu = Math.min(h.cpu, r.cpu); hRows = r.rows;
    const t = performance.now();
    const c = process.cpuUsage();
    const rows = (await conn.runAndReadAll(q.duckdb)).getRows();
    const dc = process.cpuUsage(c);
    d.wall = Math.min(d.wall, (performance.now() - t) / 1000); d.cpu = Math.min(d.cpu, (dc.user + dc.system) / 1e6);
    dRows = rows.map((row) => row.map(String).join('\t')).sort(cmp);
  }
  const same = hRows.length === dRows.length && hRows.every((r, i) => r === dRows[i]);
  if (!same) {
    failed = true;
    console.error(`${name}: answers differ:\nhunt (${hRows.length}): ${hRows.slice(0, 5).join(' | ')}\nduckdb (${dRows.length}): ${dRows.slice(0, 5).join(' | ')}`);
  }
  console.log([name, h.wall.toFixed(3), h.cpu.toFixed(3), d.wall.toFixed(3), d.cpu.toFixed(3),
    (d.wall / h.wall).toFixed(2) + 'x', (d.cpu / h.cpu).toFixed(2) + 'x', hRows.length + (same ? ' same' : ' DIFFER')].join('\t'));
}
process.exit(failed ? 1 : 0);
