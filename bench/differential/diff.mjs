// diff.mjs: the differential test of hunt's SQL engine against DuckDB.
// Loads the corpus under --data (ct/: CloudTrail files; flow/: flow-log
// text files) into DuckDB tables `cloudtrail` and `vpc_flow` with hunt's
// column names and types, runs every query of queries.mjs through DuckDB
// (its `duckdb` text, else its `hunt` text) and through the hunt binary
// (`hunt query --output json`), normalises both answers and compares them
// exactly. Prints a diff per mismatch; exits 1 if any query differs.
//
//   node diff.mjs --data DIR --hunt HUNT_BINARY --out OUT [--only NAME]
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { queries } from './queries.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.data || !args.hunt || !args.out) {
  console.error('usage: node diff.mjs --data DIR --hunt HUNT --out OUT [--only NAME]');
  process.exit(2);
}
mkdirSync(args.out, { recursive: true });

// ---- CloudTrail: JSON files -> rows with the Athena DDL's columns --------
const walk = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
const ctFiles = walk(join(args.data, 'ct')).filter((p) => /\.json(\.gz)?$/.test(p) && !p.includes('CloudTrail-Digest')).sort();

const ddl = {
  useridentity: { type: 0, principalid: 0, arn: 0, accountid: 0, invokedby: 0, accesskeyid: 0, username: 0,
    onbehalfof: { userid: 0, identitystorearn: 0 },
    sessioncontext: {
      attributes: { mfaauthenticated: 0, creationdate: 0 },
      sessionissuer: { type: 0, principalid: 0, arn: 0, accountid: 0, username: 0 },
      ec2roledelivery: 0,
      webidfederationdata: { federatedprovider: 0, attributes: 'map' },
    } },
  addendum: { reason: 0, updatedfields: 0, originalrequestid: 0, originaleventid: 0 },
  tlsdetails: { tlsversion: 0, ciphersuite: 0, clientprovidedhostheader: 0 },
};
const strCols = ['eventversion', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
  'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
  'eventtype', 'apiversion', 'readonly', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid', 'vpcendpointid',
  'vpcendpointaccountid', 'eventcategory', 'sessioncredentialfromconsole', 'edgedevicedetails'];
// A string column holds a JSON string as is, anything else as its JSON text.
const asStr = (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
const lower = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
function shape(v, spec) {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return null;
  const l = lower(v);
  const out = {};
  for (const [k, s] of Object.entries(spec)) {
    if (s === 0) out[k] = asStr(l[k]);
    else if (s === 'map') out[k] = l[k] && typeof l[k] === 'object' ? Object.fromEntries(Object.entries(l[k]).map(([a, b]) => [a, asStr(b)])) : null;
    else out[k] = shape(l[k], s);
  }
  return out;
}
function row(rec) {
  const l = lower(rec);
  const r = {};
  for (const c of strCols) r[c] = asStr(l[c]);
  // As hunt's reader (parsers/cloudtrail.go): a record without an eventTime
  // key takes its top-level "@timestamp" (SIEM exports such as OTRF's).
  if (!('eventtime' in l) && typeof l['@timestamp'] === 'string') r.eventtime = l['@timestamp'];
  for (const [c, spec] of Object.entries(ddl)) r[c] = shape(l[c], spec);
  r.resources = Array.isArray(l.resources)
    ? l.resources.map((x) => { const y = lower(x ?? {}); return { arn: asStr(y.arn), accountid: asStr(y.accountid), type: asStr(y.type) }; })
    : null;
  return r;
}
const ctRows = [];
for (const f of ctFiles) {
  let text = readFileSync(f);
  if (f.endsWith('.gz')) text = gunzipSync(text);
  text = text.toString('utf8');
  let recs;
  try {
    const doc = JSON.parse(text);
    recs = Array.isArray(doc) ? doc : doc.Records;
  } catch {
    recs = text.split('\n').filter((s) => s.trim()).map((s) => JSON.parse(s)); // NDJSON
  }
  for (const rec of recs) ctRows.push(row(rec));
}
const ctPath = join(args.out, 'cloudtrail.ndjson');
writeFileSync(ctPath, ctRows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const V = 'VARCHAR';
const ctColumns = {
  eventversion: V,
  useridentity: `STRUCT("type" VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR,
    onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR),
    sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, creationdate VARCHAR),
      sessionissuer STRUCT("type" VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, username VARCHAR),
      ec2roledelivery VARCHAR,
      webidfederationdata STRUCT(federatedprovider VARCHAR, attributes MAP(VARCHAR, VARCHAR))))`,
  eventtime: V, eventsource: V, eventname: V, awsregion: V, sourceipaddress: V, useragent: V, errorcode: V, errormessage: V,
  requestparameters: V, responseelements: V, additionaleventdata: V, requestid: V, eventid: V,
  resources: 'STRUCT(arn VARCHAR, accountid VARCHAR, "type" VARCHAR)[]',
  eventtype: V, apiversion: V, readonly: V, recipientaccountid: V, serviceeventdetails: V, sharedeventid: V,
  vpcendpointid: V, vpcendpointaccountid: V, eventcategory: V,
  addendum: 'STRUCT(reason VARCHAR, updatedfields VARCHAR, originalrequestid VARCHAR, originaleventid VARCHAR)',
  sessioncredentialfromconsole: V, edgedevicedetails: V,
  tlsdetails: 'STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)',
};
const cols = Object.entries(ctColumns).map(([k, t]) => `${k}: '${t.replace(/\s+/g, ' ')}'`).join(', ');

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`CREATE TABLE cloudtrail AS SELECT * FROM read_json('${ctPath}', format = 'newline_delimited', columns = {${cols}})`);

// ---- VPC flow logs: each file with its own header ------------------------
const flowTypes = { version: 'INTEGER', srcport: 'INTEGER', dstport: 'INTEGER', tcp_flags: 'INTEGER', traffic_path: 'INTEGER',
  protocol: 'BIGINT', packets: 'BIGINT', bytes: 'BIGINT', start: 'BIGINT', end: 'BIGINT' };
const flowCols = ['version', 'account_id', 'interface_id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes',
  'start', 'end', 'action', 'log_status', 'vpc_id', 'subnet_id', 'instance_id', 'tcp_flags', 'type', 'pkt_srcaddr', 'pkt_dstaddr',
  'region', 'az_id', 'sublocation_type', 'sublocation_id', 'pkt_src_aws_service', 'pkt_dst_aws_service', 'flow_direction',
  'traffic_path', 'ecs_cluster_arn', 'ecs_cluster_name', 'ecs_container_instance_arn', 'ecs_container_instance_id',
  'ecs_container_id', 'ecs_second_container_id', 'ecs_service_name', 'ecs_task_definition_arn', 'ecs_task_arn', 'ecs_task_id',
  'reject_reason'];
const flowFiles = walk(join(args.data, 'flow')).filter((p) => /\.log(\.gz)?$/.test(p)).sort();
const parts = [];
for (const f of flowFiles) {
  const src = `read_csv('${f}', delim = ' ', header = true, nullstr = '-', all_varchar = true, auto_detect = true)`;
  const have = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRows().map((r) => String(r[0]));
  const sel = flowCols.map((c) => {
    const h = have.find((x) => x.replaceAll('-', '_') === c);
    const e = h ? `"${h}"` : 'NULL';
    return `CAST(${e} AS ${flowTypes[c] ?? 'VARCHAR'}) AS "${c}"`;
  });
  parts.push(`SELECT ${sel.join(', ')} FROM ${src}`);
}
await conn.run(`CREATE TABLE vpc_flow AS ${parts.join(' UNION ALL ')}`);
const nct = (await conn.runAndReadAll('SELECT count(*) FROM cloudtrail')).getRows()[0][0];
const nfl = (await conn.runAndReadAll('SELECT count(*) FROM vpc_flow')).getRows()[0][0];
console.log(`duckdb: cloudtrail ${nct} rows from ${ctFiles.length} files, vpc_flow ${nfl} rows from ${flowFiles.length} files`);

// ---- normalisation -------------------------------------------------------
const tsRe = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]00(:?00)?)?$/;
function normTs(s) {
  const m = tsRe.exec(s);
  if (!m) return s;
  let frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac === '.') frac = '';
  return `${m[1]}T${m[2]}${frac}Z`;
}
function normNum(n) {
  if (Number.isInteger(n)) return n;
  return Number(n.toPrecision(12));
}
// DuckDB values (node-api classes) and hunt's JSON values into plain JSON.
function fromDuck(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return normNum(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromDuck);
  if (v.items !== undefined) return v.items.map(fromDuck); // list
  if (v.entries !== undefined && !Array.isArray(v.entries)) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, fromDuck(x)]));
  if (v.entries !== undefined) return Object.fromEntries(v.entries.map((e) => [String(fromDuck(e.key)), fromDuck(e.value)])); // map
  if (typeof v.toDouble === 'function') return normNum(v.toDouble()); // decimal
  return String(v); // timestamps, dates, intervals
}
function fromHunt(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return normNum(v);
  if (Array.isArray(v)) return v.map(fromHunt);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromHunt(x)]));
  return v;
}
// Strings: timestamps to one form; JSON text (json: true queries) to its
// canonical text; objects with sorted keys.
function canon(v, q) {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (q.json && /^[[{"]/.test(v)) { try { return JSON.stringify(canonObj(JSON.parse(v))); } catch { /* not JSON */ } }
    return normTs(v);
  }
  if (Array.isArray(v)) return v.map((x) => canon(x, q));
  if (typeof v === 'object') return canonObj(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x, q)])));
  return v;
}
function canonObj(v) {
  if (Array.isArray(v)) return v.map(canonObj);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonObj(v[k])]));
  return v;
}
const lines = (rows, q) => {
  const l = rows.map((r) => JSON.stringify(r.map((x) => canon(x, q))));
  return q.ordered ? l : l.sort();
};

// ---- run -----------------------------------------------------------------
let matched = 0, failed = 0;
const report = [];
for (const q of queries) {
  if (args.only && !new RegExp(`^(${args.only})$`).test(q.name)) continue;
  let duck, hunt;
  try {
    const res = await conn.runAndReadAll(q.duckdb ?? q.hunt);
    duck = lines(res.getRows().map((r) => r.map(fromDuck)), q);
  } catch (e) {
    duck = [`DuckDB error: ${e.message}`];
  }
  try {
    const out = execFileSync(args.hunt, ['query', '--output', 'json', q.hunt, join(args.data, 'ct'), join(args.data, 'flow')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    hunt = lines(out.split('\n').filter((s) => s).map((s) => Object.values(JSON.parse(s)).map(fromHunt)), q);
  } catch (e) {
    hunt = [`hunt error: ${(e.stderr || e.message).trim().split('\n')[0]}`];
  }
  writeFileSync(join(args.out, `${q.name}.duckdb`), duck.join('\n') + '\n');
  writeFileSync(join(args.out, `${q.name}.hunt`), hunt.join('\n') + '\n');
  if (duck.join('\n') === hunt.join('\n')) {
    matched++;
    console.log(`same  ${q.name} (${hunt.length} rows)`);
  } else {
    failed++;
    console.log(`DIFF  ${q.name}:\n  hunt:   ${q.hunt}\n  duckdb: ${q.duckdb ?? q.hunt}`);
    try {
      execFileSync('diff', ['-u', '--label', 'hunt', '--label', 'duckdb', join(args.out, `${q.name}.hunt`), join(args.out, `${q.name}.duckdb`)], { encoding: 'utf8' });
    } catch (e) {
      console.log(e.stdout.split('\n').slice(0, 30).join('\n'));
    }
  }
  report.push({ name: q.name, rows: hunt.length, same: duck.join('\n') === hunt.join('\n') });
}
const empty = report.filter((r) => r.rows === 0).map((r) => r.name);
if (empty.length) console.log(`note: queries with no rows on either side: ${empty.join(', ')}`);
console.log(`differential: ${matched + failed} queries, ${matched} matched, ${failed} differ`);
process.exit(failed ? 1 : 0);
