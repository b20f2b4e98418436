#!/usr/bin/env bash
# run.sh: the DuckDB oracle for `hunt convert`. Converts an archive to
# Parquet with hunt, asks DuckDB (an independent Parquet reader, from npm)
# the questions of queries.json over the Parquet, asks hunt the same over the
# source logs, and diffs the answers row for row. Not part of `go test
# ./...` nor of CI: run it by hand.
#
#   bench/parquet_oracle/run.sh                          # testdata plus a generated 32 MiB corpus
#   SRC=/data/AWSLogs-parent OUT=/tmp/oracle bench/parquet_oracle/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
OUT="${OUT:-/tmp/hunt-parquet-oracle}"
rm -rf "$OUT" && mkdir -p "$OUT"

command -v node >/dev/null || { echo "run.sh: node (>= 20) and npm are needed" >&2; exit 1; }
(cd "$here" && npm install --no-audit --no-fund --loglevel=error)
(cd "$root" && go build -o "$OUT/hunt" ./cmd/hunt)
hunt="$OUT/hunt"

if [[ -z "${SRC:-}" ]]; then
	SRC="$OUT/src"
	mkdir -p "$SRC"
	cp -r "$root/testdata/cloudtrail/AWSLogs" "$SRC/"
	"$hunt" bench --generate 32MiB --dir "$SRC/gen" --cores 1 --reps 1 >/dev/null 2>&1 || {
		echo "run.sh: hunt bench --generate failed; using testdata only" >&2; rm -rf "$SRC/gen"; }
fi
"$hunt" convert --row-group-rows 2000 "$SRC" "$OUT/parquet"

node "$here/oracle.mjs" --dst "$OUT/parquet" --queries "$here/queries.json" --out "$OUT"
status=0
n=$(node -e "console.log(require('$here/queries.json').length)")
for ((i = 0; i < n; i++)); do
	name=$(node -e "console.log(require('$here/queries.json')[$i].name)")
	sql=$(node -e "console.log(require('$here/queries.json')[$i].hunt)")
	"$hunt" query --output csv "$sql" "$SRC" 2>/dev/null | tail -n +2 | sort > "$OUT/$name.hunt"
	if diff -q "$OUT/$name.hunt" "$OUT/$name.duckdb" >/dev/null; then
		echo "same  $name ($(wc -l < "$OUT/$name.hunt") rows)"
	else
		echo "DIFF  $name:"; diff "$OUT/$name.hunt" "$OUT/$name.duckdb" | head -20
		status=1
	fi
done
exit $status
