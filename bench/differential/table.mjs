// table.mjs prints queries.mjs as a Markdown table: each query's hunt
// (Trino) text and, where it differs, its DuckDB text.
//   node table.mjs > queries.md
import { queries } from './queries.mjs';
const cell = (s) => '`' + s.replaceAll('|', '\\|').replace(/\s+/g, ' ') + '`';
console.log('| # | name | hunt (Trino) | DuckDB |');
console.log('|---|---|---|---|');
queries.forEach((q, i) => console.log(`| ${i + 1} | ${q.name}${q.ordered ? ' (ordered)' : ''} | ${cell(q.hunt)} | ${q.duckdb ? cell(q.duckdb) : 'same'} |`));
