#!/usr/bin/env bash
# run.sh: the differential test of hunt's SQL engine against DuckDB (npm
# @duckdb/node-api). Builds hunt, writes the corpus (testdata CloudTrail and
# flow logs plus a generated part) to $OUT/data, runs queries.mjs through
# both and compares the answers. Exits non-zero, printing a diff, on any
# mismatch. Not part of `go test ./...` nor of CI: run it by hand.
#
#   bench/differential/run.sh
#   OUT=/tmp/diff ONLY=contains_cidr bench/differential/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
OUT="${OUT:-/tmp/hunt-differential}"
SEED="${SEED:-7}"
rm -rf "$OUT" && mkdir -p "$OUT/data/ct" "$OUT/data/flow" "$OUT/results"

command -v node >/dev/null || { echo "run.sh: node (>= 20) and npm are needed" >&2; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && go build -o "$OUT/hunt" ./cmd/hunt)
(cd "$here" && GOFLAGS=-mod=mod go build -o "$OUT/gen" ./gen)

# CloudTrail: delivered .json.gz (digests are not records), stratus-red-team
# arrays, the otrf NDJSON file; flow logs: the well-formed text files.
ct="$root/testdata/cloudtrail"
cp -r "$ct/AWSLogs" "$OUT/data/ct/"
cp "$ct"/corpus/stratus-red-team/*.json "$ct"/corpus/otrf/*.json "$OUT/data/ct/"
for f in v2-default-header.log ipv6.log nodata-skipdata.log v3-custom.log v5-all-fields.log v8-ecs.log reject-flood.log.gz; do
	cp "$root/testdata/vpcflow/$f" "$OUT/data/flow/"
done
chmod -R u+w "$OUT/data"
"$OUT/gen" -dir "$OUT/data" -seed "$SEED" -ct "${CT_RECORDS:-3000}" -flows "${FLOW_LINES:-3000}"

only=()
[[ -n "${ONLY:-}" ]] && only=(--only "$ONLY")
node "$here/diff.mjs" --data "$OUT/data" --hunt "$OUT/hunt" --out "$OUT/results" "${only[@]}"
