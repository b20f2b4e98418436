#!/usr/bin/env bash
# run.sh: hunt against DuckDB and jq on the same generated corpus, the same
# core counts and the same three questions (bench.PeerQueries); checks the
# answers agree and prints hunt/peer ratios. Not part of `go test ./...` nor
# of CI: run it by hand, on a quiet machine if you can.
#
#   bench/peer/run.sh                       # 512 MiB per table, cores 1,2, 3 reps
#   SIZE=1GiB CORES=1,2,4 REPS=5 JQ_REPS=2 DIR=/data/corpus OUT=/tmp/peer bench/peer/run.sh
#   NO_JQ=1 bench/peer/run.sh               # DuckDB only
#   LIBDEFLATE=1 bench/peer/run.sh          # hunt built with -tags libdeflate (cgo), measured with both inflaters
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SIZE="${SIZE:-512MiB}"
DIR="${DIR:-/tmp/hunt-bench-corpus-$SIZE}"
CORES="${CORES:-1,2}"
REPS="${REPS:-3}"
JQ_REPS="${JQ_REPS:-2}"
OUT="${OUT:-/tmp/hunt-bench-out}"
mkdir -p "$OUT"

# DuckDB from npm (@duckdb/node-api ships its engine as a prebuilt binary
# package); jq from the distribution.
command -v node >/dev/null || { echo "run.sh: node (>= 20) and npm are needed" >&2; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
if [[ -z "${NO_JQ:-}" ]] && ! command -v jq >/dev/null; then
	apt-get update -qq && apt-get install -y -qq jq
fi

hunt=()
if [[ -n "${LIBDEFLATE:-}" ]]; then
	dpkg -s libdeflate-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libdeflate-dev; }
	(cd "$root" && go build -tags libdeflate -o "$OUT/hunt" ./cmd/hunt)
	hunt+=(--inflaters klauspost,libdeflate)
else
	(cd "$root" && go build -o "$OUT/hunt" ./cmd/hunt)
fi
if [[ ! -d "$DIR/AWSLogs" ]]; then
	hunt+=(--generate "$SIZE")
fi
"$OUT/hunt" bench "${hunt[@]}" --dir "$DIR" --cores "$CORES" --reps "$REPS" --json "$OUT/hunt.json" | tee "$OUT/hunt.txt"
echo
peer=(--dir "$DIR" --hunt "$OUT/hunt.json" --cores "$CORES" --reps "$REPS" --jq-reps "$JQ_REPS" --json "$OUT/peer.json")
if [[ -n "${NO_JQ:-}" ]]; then
	peer+=(--no-jq)
fi
node "$here/peer.mjs" "${peer[@]}" | tee "$OUT/peer.txt"
