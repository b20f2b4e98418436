// peer.mjs runs the peer queries of hunt's benchmark (bench.PeerQueries) with
// DuckDB (@duckdb/node-api, in process) and jq (one process per batch of
// objects, N at once through xargs -P) over a corpus, checks that their
// answers equal hunt's row for row, and prints hunt/peer speed ratios.
//
//   node peer.mjs --dir DIR --hunt HUNT.json [--cores 1,2] [--reps 3] [--jq-reps 2] [--no-jq] [--json OUT]
//
// HUNT.json is what `hunt bench --json` wrote over the same DIR and cores.
// Exit status 1 when an answer differs (the diff is printed).
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { flowGlobs, flowRead, flowV2Columns, flowV5Columns } from './flows.mjs';

const args = parseArgs(process.argv.slice(2));
const dir = args.dir;
if (!dir || !args.hunt) {
  console.error('usage: node peer.mjs --dir DIR --hunt HUNT.json [--cores 1,2] [--reps 3] [--jq-reps 2] [--no-jq] [--json OUT]');
  process.exit(2);
}
const hunt = JSON.parse(readFileSync(args.hunt, 'utf8'));
const cores = (args.cores ?? hunt.summaries.map((s) => s.best.cores).filter((c, i, a) => a.indexOf(c) === i).join(','))
  .split(',').map(Number);
const reps = Number(args.reps ?? 3);
const jqReps = Number(args['jq-reps'] ?? 2);

const ctGlob = `${dir}/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz`;
const flowGlob = `${dir}/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz`;
const ctRead = (fields) => `(SELECT unnest(Records) AS r FROM read_json('${ctGlob}',
    columns = {Records: 'STRUCT(${fields})[]'}, format = 'auto', maximum_object_size = 67108864))`;

// Flow logs, split by format, as DuckDB reads them best (flows.mjs).
const { v2: flowV2Glob, v5: flowV5Glob } = flowGlobs(dir);

// The same three questions as bench.PeerQueries, in DuckDB SQL and as jq
// pipelines. Every answer is rendered as sorted tab-separated rows, the
// form of hunt's Measurement.Answer.
const queries = {
  ct_count_by_eventname: {
    table: 'cloudtrail',
    duckdb: `SELECT r.eventName, count(*) FROM ${ctRead('eventName VARCHAR')} GROUP BY 1`,
    jq: { each: 16, filter: `.Records[].eventName` },
  },
  ct_console_login_no_mfa: {
    table: 'cloudtrail',
    duckdb: `SELECT r.sourceIPAddress, count(*)
      FROM ${ctRead('eventName VARCHAR, sourceIPAddress VARCHAR, responseElements JSON, additionalEventData JSON')}
      WHERE r.eventName = 'ConsoleLogin'
        AND json_extract_string(r.responseElements, '$.ConsoleLogin') = 'Success'
        AND json_extract_string(r.additionalEventData, '$.MFAUsed') = 'No'
      GROUP BY 1`,
    jq: {
      each: 16,
      filter: `.Records[] | select(.eventName == "ConsoleLogin" and .responseElements.ConsoleLogin? == "Success" and .additionalEventData.MFAUsed? == "No") | .sourceIPAddress`,
    },
  },
  flow_reject_per_minute: {
    table: 'vpc_flow',
    // DuckDB's best configuration: every column named and typed, no
    // auto-detection, one read_csv per format (the generated v2 default
    // format's flow logs have 8-hex IDs, the v5 custom format's 17-hex
    // ones, and the flow log ID is in each object's key).
    duckdb: `SELECT srcaddr, start // 60 * 60, count(*)
      FROM (SELECT srcaddr, start, action FROM ${flowRead(flowV2Glob, flowV2Columns)}
            UNION ALL
            SELECT srcaddr, start, action FROM ${flowRead(flowV5Glob, flowV5Columns)})
      WHERE action = 'REJECT' GROUP BY 1, 2 HAVING count(*) > 100`,
    // One file per jq: each file's header line names its fields.
    jq: {
      each: 1, raw: true, having: 100,
      filter: `input | split(" ") as $h | ($h | index("srcaddr")) as $s | ($h | index("start")) as $t | ($h | index("action")) as $a
        | inputs | split(" ") | select(.[$a] == "REJECT") | "\\(.[$s])\\t\\((.[$t] | tonumber / 60 | floor) * 60)"`,
    },
  },
};

// Hunt's best run, raw bytes and answer per gzip inflater, query and core
// count (hunt measures each inflater it was asked for: klauspost, the
// pure-Go default, and libdeflate in a -tags libdeflate build).
const huntBest = {};
const inflaters = [];
for (const s of hunt.summaries) {
  if (s.best.kind !== 'query') continue;
  const inf = s.best.inflater || 'klauspost';
  if (!inflaters.includes(inf)) inflaters.push(inf);
  huntBest[`${inf}/${s.best.variant}/${s.best.cores}`] = s;
}

const results = []; // {peer, query, cores, walls[], cpus[], answer[]}
for (const n of cores) {
  const db = await DuckDBInstance.create(':memory:', { threads: String(n) });
  const conn = await db.connect();
  // Warm up, untimed: load the JSON extension.
  await conn.runAndReadAll(`SELECT json_extract_string('{"a":"b"}', '$.a')`);
  for (const [name, q] of Object.entries(queries)) {
    const r = { peer: 'duckdb', query: name, cores: n, walls: [], cpus: [], answer: null };
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      const rows = (await conn.runAndReadAll(q.duckdb)).getRows();
      const dc = process.cpuUsage(c);
      r.walls.push((performance.now() - t) / 1000);
      r.cpus.push((dc.user + dc.system) / 1e6);
      r.answer = rows.map((row) => row.map(String).join('\t')).sort(cmp);
      progress(r);
    }
    results.push(r);
  }
  conn.closeSync?.();
  if (args['no-jq']) continue;
  for (const [name, q] of Object.entries(queries)) {
    const r = { peer: 'jq', query: name, cores: n, walls: [], cpus: [], answer: null };
    for (let i = 0; i < jqReps; i++) {
      const t = performance.now();
      const { out, cpu } = runJq(q, n);
      r.walls.push((performance.now() - t) / 1000);
      r.cpus.push(cpu);
      r.answer = out.split('\n').filter((l) => l !== '').sort(cmp);
      progress(r);
    }
    results.push(r);
  }
}

// Compare answers and print the ratios.
let bad = 0;
const lines = [['peer', 'query', 'hunt inflater', 'cores', 'hunt s', 'peer s', 'spread', 'hunt MB/s', 'peer MB/s', 'hunt/peer',
  'hunt cpu-s', 'peer cpu-s', 'cpu hunt/peer', 'answer']];
for (const r of results) {
  for (const inf of inflaters.length ? inflaters : ['klauspost']) {
    const h = huntBest[`${inf}/${r.query}/${r.cores}`];
    if (!h) {
      lines.push([r.peer, r.query, inf, String(r.cores), '-', fmt(Math.min(...r.walls)), spread(r.walls), '-', '-', '-',
        '-', fmt(Math.min(...r.cpus)), '-', 'no hunt run']);
      continue;
    }
    const want = h.best.answer ?? [];
    const same = want.length === r.answer.length && want.every((row, i) => row === r.answer[i]);
    if (!same) {
      bad++;
      console.log(`\n${r.peer} ${r.query} at ${r.cores} cores: answer differs from hunt's (${inf}) (- hunt, + ${r.peer}):`);
      console.log(diff(want, r.answer));
    }
    const hs = h.best.wall_ns / 1e9;
    const ps = Math.min(...r.walls);
    const mb = h.best.raw_bytes / 1e6;
    const hc = h.best_cpu_ns / 1e9;
    const pc = Math.min(...r.cpus);
    lines.push([r.peer, r.query, inf, String(r.cores), fmt(hs), fmt(ps), spread(r.walls), (mb / hs).toFixed(1), (mb / ps).toFixed(1),
      (ps / hs).toFixed(2) + '×', fmt(hc), fmt(pc), (pc / hc).toFixed(2) + '×', same ? `same (${want.length} rows)` : 'DIFFERS']);
  }
}
console.log(`\npeers on ${dir} (${os.cpus()[0]?.model}, ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
console.log('best wall time of each side; MB/s = decompressed MB of the table read / s; hunt/peer = peer s / hunt s;');
console.log('cpu-s = least CPU time (user+system, all threads and child processes) of a run; cpu hunt/peer = peer cpu-s / hunt cpu-s\n');
printTable(lines);
if (args.json) writeFileSync(args.json, JSON.stringify({ dir, cores, reps, jqReps, results }, null, 2) + '\n');
process.exit(bad ? 1 : 0);

// runJq runs q's jq over the table's objects, n processes at once, each
// over q.jq.each objects and printing one line per matching record into a
// file of its own (so no two processes interleave their output); awk then
// counts the lines. It returns the counts and the CPU seconds of every
// process of the pipeline.
function runJq(q, n) {
  const glob = q.table === 'cloudtrail' ? ctGlob : flowGlob;
  const jqArgs = q.jq.raw ? '-R -r -n' : '-r';
  const having = q.jq.having ?? 0;
  const script = `set -euo pipefail; TIMEFORMAT='%3U %3S'
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    time (printf '%s\\0' ${glob} | xargs -0 -P ${n} -n ${q.jq.each} sh -c 'zcat "$@" | jq ${jqArgs} "$0" > "$(mktemp -p '"$tmp"')"' '${q.jq.filter.replace(/'/g, `'\\''`)}'
      cat "$tmp"/* | awk '{ c[$0]++ } END { for (k in c) if (c[k] > ${having}) print k "\\t" c[k] }')`;
  const p = spawnSync('bash', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (p.status !== 0) throw new Error(`jq pipeline for ${q.table} failed (${p.status}): ${p.stderr}`);
  const [user, sys] = p.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { out: p.stdout, cpu: user + sys };
}

function progress(r) {
  process.stderr.write(`  ${r.peer.padEnd(6)} ${r.query.padEnd(24)} cores ${r.cores}: ${fmt(r.walls.at(-1))} s\n`);
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    if (k.startsWith('no-')) out[k] = true;
    else out[k] = argv[++i];
  }
  return out;
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function fmt(s) {
  return s.toFixed(2);
}

function spread(walls) {
  const lo = Math.min(...walls), hi = Math.max(...walls);
  return `${Math.round((100 * (hi - lo)) / lo)}%`;
}

// diff lists the rows only one side has (both sides are sorted).
function diff(a, b) {
  const out = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(`- ${a[i++]}`);
    else if (i >= a.length || b[j] < a[i]) out.push(`+ ${b[j++]}`);
    else { i++; j++; }
  }
  return out.slice(0, 40).join('\n') + (out.length > 40 ? `\n… ${out.length - 40} more` : '');
}

function printTable(rows) {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((v, c) => (c < 2 ? v.padEnd(w[c]) : v.padStart(w[c]))).join('  '));
}
