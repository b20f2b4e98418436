// parquet.mjs runs the peer queries of hunt's benchmark (bench.PeerQueries)
// over a Parquet lake written by `hunt convert`, with hunt (one core:
// taskset -c 0, GOMAXPROCS=1) and DuckDB (threads=1) over the same files,
// checks that the answers agree row for row, and prints the best of N wall
// and CPU times and hunt/DuckDB ratios. Selective hunts (sel_*: a rare
// event name, a rare source address, an integer equality, a rare ARN; the
// values are picked from the lake) are measured the same way.
//
// With --gz, the corpus the lake was converted from, hunt also runs each
// query over the .gz objects and the last columns give its CPU time there
// and how many times faster the Parquet run is (the goal for selective
// hunts is 10x).
//
// With --base, a second hunt binary (say, main's build) runs each query
// right after --hunt, interleaved rep by rep so that both see the same load,
// and the last column says how many times less CPU --hunt takes.
//
// With --inproc, hunt's CPU is also measured inside one process, as
// DuckDB's is: `hunt bench --dir LAKE --only query` runs the three peer
// queries (planning the lake, opening and reading the files, grouping)
// --reps times in one warm process, and a second table compares its best
// CPU with DuckDB's. The first table's hunt times include starting the
// process (about 10 ms of CPU: the runtime, package initialisation, page
// faults of a 60 MB binary), which DuckDB's in-process times do not.
//
// hunt's CPU time is the user+system time of its process in microseconds,
// read with wait4(2) by a small Python wrapper (python3 is on the project's
// machines): /usr/bin/time prints 10 ms steps, too coarse for 10-50 ms
// queries. DuckDB's is process.cpuUsage() around the query, also in
// microseconds. Each time is the best of --reps runs.
//
//   node parquet.mjs --lake DIR --hunt HUNT_BINARY [--reps 7] [--gz CORPUS_DIR] [--base HUNT_BINARY] [--only NAME_PART] [--inproc yes]
//
// Exit status 1 when an answer differs.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.lake || !args.hunt) {
  console.error('usage: node parquet.mjs --lake DIR --hunt HUNT_BINARY [--reps 7] [--gz CORPUS_DIR] [--base HUNT_BINARY] [--only NAME_PART] [--inproc yes]');
  process.exit(2);
}
const reps = Number(args.reps ?? 7);
if (!(reps >= 1)) {
  console.error(`parquet.mjs: --reps ${args.reps}: expected a count >= 1`);
  process.exit(2);
}
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

const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
await conn.runAndReadAll(`SELECT json_extract_string('{"a":"b"}', '$.a')`);
const first = async (sql) => String((await conn.runAndReadAll(sql)).getRows()[0][0]).replaceAll("'", "''");

// Selective hunts, with values picked from the lake: the rarest source
// address of rejected flows and the rarest caller ARN.
const ip = await first(`SELECT srcaddr FROM ${read('vpc_flow')} WHERE action = 'REJECT' GROUP BY 1 ORDER BY count(*), 1 LIMIT 1`);
const arn = await first(`SELECT useridentity.arn FROM ${read('cloudtrail')} WHERE useridentity.arn IS NOT NULL GROUP BY 1 ORDER BY count(*), 1 LIMIT 1`);
Object.assign(queries, {
  sel_ct_stop_logging: {
    hunt: `SELECT eventtime, sourceipaddress FROM cloudtrail WHERE eventname = 'StopLogging'`,
    duckdb: `SELECT eventtime, sourceipaddress FROM ${read('cloudtrail')} WHERE eventname = 'StopLogging'`,
  },
  sel_ct_arn: {
    hunt: `SELECT eventname, count(*) AS n FROM cloudtrail WHERE useridentity.arn = '${arn}' GROUP BY 1`,
    duckdb: `SELECT eventname, count(*) FROM ${read('cloudtrail')} WHERE useridentity.arn = '${arn}' GROUP BY 1`,
  },
  sel_flow_srcaddr: {
    hunt: `SELECT dstport, count(*) AS n FROM vpc_flow WHERE srcaddr = '${ip}' GROUP BY 1`,
    duckdb: `SELECT dstport, count(*) FROM ${read('vpc_flow')} WHERE srcaddr = '${ip}' GROUP BY 1`,
  },
  sel_flow_rdp_rejects: {
    hunt: `SELECT srcaddr, count(*) AS n FROM vpc_flow WHERE dstport = 3389 AND action = 'REJECT' GROUP BY 1`,
    duckdb: `SELECT srcaddr, count(*) FROM ${read('vpc_flow')} WHERE dstport = 3389 AND action = 'REJECT' GROUP BY 1`,
  },
});
if (args.only) for (const k of Object.keys(queries)) if (!k.includes(args.only)) delete queries[k];

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// rusage runs argv[1:] as a child, waits for it with wait4(2), and prints
// its wall, user and system seconds (microsecond resolution) on stderr's
// last line, passing the child's stdout and exit status through.
const rusage = `
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
sys.stderr.write("\\n%.6f %.6f %.6f\\n" % (wall, ru.ru_utime, ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
`;

function runHunt(sql, dir = args.lake, bin = args.hunt) {
  const r = spawnSync('python3', ['-c', rusage, 'taskset', '-c', '0', bin, 'query', '--output', 'csv', sql, dir],
    { env: { ...process.env, GOMAXPROCS: '1' }, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  const lines = r.stderr.trim().split('\n');
  const [wall, u, s] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0 && r.status !== 3) throw new Error(`${bin} exited ${r.status}: ${r.stderr}`);
  if (!(u >= 0 && s >= 0)) throw new Error(`${bin}: no CPU time in the wrapper's output: ${r.stderr}`);
  const rows = r.stdout.trim().split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',').join('\t')).sort(cmp);
  return { wall, cpu: u + s, rows };
}

let failed = false;
const duckCPU = {};
const sec = (x) => x.toFixed(4);
console.log('query\thunt wall\thunt cpu\tduckdb wall\tduckdb cpu\thunt/duckdb (wall)\thunt/duckdb (cpu)\trows' +
  (args.gz ? '\thunt .gz cpu\tParquet/.gz (cpu)' : '') + (args.base ? '\tbase cpu\tbase/hunt (cpu)' : ''));
for (const [name, q] of Object.entries(queries)) {
  const h = { wall: Infinity, cpu: Infinity }, d = { wall: Infinity, cpu: Infinity };
  let baseCPU = Infinity;
  let hRows, dRows;
  for (let i = 0; i < reps; i++) {
    const r = runHunt(q.hunt);
    h.wall = Math.min(h.wall, r.wall); h.cpu = Math.min(h.cpu, r.cpu); hRows = r.rows;
    if (args.base) {
      const b = runHunt(q.hunt, args.lake, args.base);
      baseCPU = Math.min(baseCPU, b.cpu);
      if (b.rows.join('\n') !== r.rows.join('\n')) {
        failed = true;
        console.error(`${name}: the --base answer differs from the --hunt one`);
      }
    }
    const t = performance.now();
    const c = process.cpuUsage();
    const rows = (await conn.runAndReadAll(q.duckdb)).getRows();
    const dc = process.cpuUsage(c);
    d.wall = Math.min(d.wall, (performance.now() - t) / 1000); d.cpu = Math.min(d.cpu, (dc.user + dc.system) / 1e6);
    dRows = rows.map((row) => row.map((v) => (v === null ? '' : String(v))).join('\t')).sort(cmp);
  }
  let gz = '';
  if (args.gz) {
    let cpu = Infinity;
    for (let i = 0; i < reps; i++) {
      const r = runHunt(q.hunt, args.gz);
      cpu = Math.min(cpu, r.cpu);
      if (r.rows.join('\n') !== hRows.join('\n')) {
        failed = true;
        console.error(`${name}: the .gz answer differs from the Parquet one`);
      }
    }
    gz = '\t' + sec(cpu) + '\t' + (cpu / h.cpu).toFixed(1) + 'x';
  }
  duckCPU[name] = d.cpu;
  const same = hRows.length === dRows.length && hRows.every((r, i) => r === dRows[i]);
  if (!same) {
    failed = true;
    console.error(`${name}: answers differ:\nhunt (${hRows.length}): ${hRows.slice(0, 5).join(' | ')}\nduckdb (${dRows.length}): ${dRows.slice(0, 5).join(' | ')}`);
  }
  console.log([name, sec(h.wall), sec(h.cpu), sec(d.wall), sec(d.cpu),
    (d.wall / h.wall).toFixed(2) + 'x', (d.cpu / h.cpu).toFixed(2) + 'x', hRows.length + (same ? ' same' : ' DIFFER')].join('\t') + gz +
    (args.base ? '\t' + sec(baseCPU) + '\t' + (baseCPU / h.cpu).toFixed(2) + 'x' : ''));
}

// In process: hunt bench over the lake (the peer queries only), one core.
if (args.inproc) {
  const dir = mkdtempSync(join(tmpdir(), 'parquet-mjs-'));
  const json = join(dir, 'bench.json');
  const r = spawnSync('taskset', ['-c', '0', args.hunt, 'bench', '--dir', args.lake, '--only', 'query', '--cores', '1',
    '--reps', String(reps), '--quiet', '--json', json], { env: { ...process.env, GOMAXPROCS: '1' }, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`hunt bench exited ${r.status}: ${r.stderr}`);
  const rep = JSON.parse(readFileSync(json, 'utf8'));
  rmSync(dir, { recursive: true });
  console.log('\nin process\thunt cpu\tduckdb cpu\thunt/duckdb (cpu)');
  for (const s of rep.summaries) {
    const name = s.best.variant;
    if (!(name in duckCPU)) continue;
    const cpu = s.best_cpu_ns / 1e9;
    console.log([name, sec(cpu), sec(duckCPU[name]), (duckCPU[name] / cpu).toFixed(2) + 'x'].join('\t'));
  }
}
process.exit(failed ? 1 : 0);
