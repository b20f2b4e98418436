// oracle.mjs asks DuckDB, an independent Parquet reader, the questions of
// queries.json over the Parquet files `hunt convert` wrote, and writes each
// answer as sorted comma-separated rows (NULL as an empty field) to
// OUT/NAME.duckdb, the form run.sh gives hunt's answers over the source
// logs. It also checks the files' schema: column names and types as in the
// Athena tables.
//
//   node oracle.mjs --dst DST --queries queries.json --out OUT
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, writeFileSync } from 'node:fs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.dst || !args.queries || !args.out) {
  console.error('usage: node oracle.mjs --dst DST --queries queries.json --out OUT');
  process.exit(2);
}
const ct = `read_parquet('${args.dst}/table=cloudtrail/**/*.parquet', hive_partitioning = true, hive_types = {'account': VARCHAR, 'region': VARCHAR, 'date': DATE})`;
const flow = `read_parquet('${args.dst}/table=vpc_flow/**/*.parquet', hive_partitioning = true)`;
const queries = JSON.parse(readFileSync(args.queries, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();

const render = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x)) : String(v));
let failed = 0;
for (const q of queries) {
  const sql = q.duckdb.replaceAll('$CT', ct).replaceAll('$FLOW', flow);
  try {
    const res = await conn.runAndReadAll(sql);
    const lines = res.getRows().map((r) => r.map(render).join(',')).sort();
    writeFileSync(`${args.out}/${q.name}.duckdb`, lines.join('\n') + (lines.length ? '\n' : ''));
  } catch (e) {
    console.error(`${q.name}: DuckDB: ${e.message}`);
    failed++;
  }
}

// The schema DuckDB sees: the Athena column types.
const want = {
  eventtime: 'VARCHAR', eventname: 'VARCHAR', readonly: 'VARCHAR',
  useridentity: /^STRUCT\("type" VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, onbehalfof STRUCT\(userid VARCHAR, identitystorearn VARCHAR\), sessioncontext STRUCT\(/,
  resources: 'STRUCT(arn VARCHAR, accountid VARCHAR, "type" VARCHAR)[]',
  tlsdetails: 'STRUCT(tlsversion VARCHAR, ciphersuite VARCHAR, clientprovidedhostheader VARCHAR)',
  account: 'VARCHAR', region: 'VARCHAR', date: 'DATE',
};
const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${ct}`)).getRows();
for (const [name, type] of Object.entries(want)) {
  const got = cols.find((c) => c[0] === name)?.[1];
  const ok = type instanceof RegExp ? type.test(got ?? '') : got === type;
  if (!ok) {
    console.error(`schema: column ${name} is ${got}; want ${type}`);
    failed++;
  }
}
console.log(`duckdb: ${queries.length} queries, ${cols.length} cloudtrail columns; ${failed} failed`);
process.exit(failed ? 1 : 0);
