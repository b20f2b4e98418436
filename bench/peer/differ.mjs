// differ.mjs asks hunt and DuckDB the same questions over the same files
// and compares the answers row for row: a differential test of hunt's
// engine and readers against an independent engine. The questions
// (differ.sql, one per line, "--" comments) are in the dialect both
// accept; DuckDB sees the generated corpus through two views with hunt's
// column names: vpc_flow (flows.mjs's best read_csv of each format, union
// by name) and cloudtrail (read_json of the Records, the Athena columns
// hunt's table has, useridentity as a struct of its common fields), plus
// two macros naming Trino functions DuckDB spells differently. With
// --lake, hunt also answers over the Parquet lake `hunt convert` wrote
// from the corpus, which must give the same rows.
//
// Rows are compared as sorted tab-separated values; numbers are rounded
// to 6 decimals (hunt and DuckDB sum doubles in different orders), NULL
// and the empty string both print as NULL. Exit status 1 when any answer
// differs, 2 on usage errors. Not part of `go test ./...`: run it by
// hand (bench/peer/run.sh installs the DuckDB package).
//
//   node differ.mjs --hunt HUNT_BINARY --dir CORPUS [--lake LAKE] [--queries differ.sql]
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { flowGlobs, flowRead, flowV2Columns, flowV5Columns } from './flows.mjs';

const { values: args } = parseArgs({
  options: { hunt: { type: 'string' }, dir: { type: 'string' }, lake: { type: 'string' },
    queries: { type: 'string', default: new URL('./differ.sql', import.meta.url).pathname } },
});
if (!args.hunt || !args.dir) {
  console.error('usage: node differ.mjs --hunt HUNT_BINARY --dir CORPUS [--lake LAKE] [--queries FILE]');
  process.exit(2);
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`SET threads = 2`);
await con.run(`CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)`);
await con.run(`CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`);
await con.run(`CREATE MACRO levenshtein_distance(a, b) AS levenshtein(a, b)`);
await con.run(`CREATE MACRO hamming_distance(a, b) AS hamming(a, b)`);
await con.run(`CREATE MACRO codepoint(s) AS unicode(s)`);
const flows = flowGlobs(args.dir);
await con.run(`CREATE VIEW vpc_flow AS SELECT * FROM ${flowRead(flows.v5, flowV5Columns)}
  UNION ALL BY NAME SELECT * FROM ${flowRead(flows.v2, flowV2Columns)}`);
const ctGlob = `${args.dir}/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz`;
const ctFields = `eventVersion VARCHAR, userIdentity STRUCT(type VARCHAR, arn VARCHAR, accountId VARCHAR,
  principalId VARCHAR, invokedBy VARCHAR), eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR,
  awsRegion VARCHAR, sourceIPAddress VARCHAR, userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR,
  requestParameters JSON, responseElements JSON, additionalEventData JSON, requestID VARCHAR, eventID VARCHAR,
  eventType VARCHAR, recipientAccountId VARCHAR, readOnly VARCHAR`;
await con.run(`CREATE VIEW cloudtrail AS SELECT r.eventVersion AS eventversion,
  struct_pack(type := r.userIdentity.type, arn := r.userIdentity.arn, accountid := r.userIdentity.accountId,
    principalid := r.userIdentity.principalId, invokedby := r.userIdentity.invokedBy) AS useridentity,
  r.eventTime AS eventtime, r.eventSource AS eventsource, r.eventName AS eventname, r.awsRegion AS awsregion,
  r.sourceIPAddress AS sourceipaddress, r.userAgent AS useragent, r.errorCode AS errorcode,
  r.errorMessage AS errormessage, CAST(r.requestParameters AS VARCHAR) AS requestparameters,
  CAST(r.responseElements AS VARCHAR) AS responseelements,
  CAST(r.additionalEventData AS VARCHAR) AS additionaleventdata, r.requestID AS requestid, r.eventID AS eventid,
  r.eventType AS eventtype, r.recipientAccountId AS recipientaccountid, r.readOnly AS readonly
  FROM (SELECT unnest(Records) AS r FROM read_json('${ctGlob}', columns = {Records: 'STRUCT(${ctFields})[]'},
    format = 'auto', maximum_object_size = 67108864))`);

const cell = (v) => {
  if (v === null || v === undefined || v === '') return 'NULL';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : s;
};
const huntRows = (q, path) => {
  const r = spawnSync(args.hunt, ['query', '--output', 'json', q, path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) return { err: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  return { rows: r.stdout.split('\n').filter((l) => l !== '').map((l) => Object.values(JSON.parse(l)).map(cell).join('\t')).sort() };
};
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const firstDiff = (a, b) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `row ${i}: ${a[i] ?? '(none)'} vs ${b[i] ?? '(none)'}`;
  return '';
};

const queries = readFileSync(args.queries, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('--'));
let bad = 0;
for (const [i, q] of queries.entries()) {
  const duck = (await con.runAndReadAll(q)).getRows().map((row) => row.map((v) => cell(v === null ? null : v.toString())).join('\t')).sort();
  const checks = [['gz', args.dir], ...(args.lake ? [['lake', args.lake]] : [])];
  const notes = [];
  for (const [name, path] of checks) {
    const h = huntRows(q, path);
    if (h.err) notes.push(`${name} ${h.err}`);
    else if (!same(h.rows, duck)) notes.push(`${name} differs (${h.rows.length} vs ${duck.length} rows; ${firstDiff(h.rows, duck)})`);
  }
  if (notes.length) bad++;
  console.log(`${String(i + 1).padStart(3)} ${notes.length ? 'DIFF' : 'same'} ${String(duck.length).padStart(6)} rows  ${q.slice(0, 90)}`);
  for (const n of notes) console.log(`      ${n}`);
}
console.log(`${queries.length} questions, ${bad} answered differently`);
process.exit(bad ? 1 : 0);
