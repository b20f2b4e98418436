#!/usr/bin/env bash
# abtime.sh: time two builds of one package's Go benchmarks against each
# other, run by run interleaved on one core, and print each benchmark's
# fastest and median ns/op for both and the change. On a shared machine one
# binary's runs spread 10-30 %, and instruction counts (callgrind) miss
# what a gather, a mispredicted branch or a cache miss costs: a choice
# made by instructions is to be confirmed here before it lands.
#
#   bench/abtime.sh [-n RUNS] [-c CORE] [-t BENCHTIME] BENCH_REGEX A.test B.test
#
# A.test and B.test are `go test -c` binaries of the same package (say,
# main's and a branch's, or one built with different defaults). Both run
# the benchmarks BENCH_REGEX matches, RUNS times each (default 8), A then
# B, pinned to CORE (default 1) with GOMAXPROCS=1. A negative change means
# B takes less time. Example:
#
#   git stash; go test -c -o /tmp/a.test ./engine; git stash pop
#   go test -c -o /tmp/b.test ./engine
#   bench/abtime.sh 'GatherInto/int64' /tmp/a.test /tmp/b.test
set -euo pipefail
runs=8 core=1 benchtime=""
while getopts "n:c:t:" o; do
	case $o in
	n) runs=$OPTARG ;;
	c) core=$OPTARG ;;
	t) benchtime=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 3 ]; then
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
regex=$1 a=$2 b=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
args=(-test.run '^$' -test.bench "$regex")
if [ -n "$benchtime" ]; then
	args+=(-test.benchtime "$benchtime")
fi
for ((i = 0; i < runs; i++)); do
	for side in A B; do
		bin=$a
		if [ $side = B ]; then bin=$b; fi
		GOMAXPROCS=1 taskset -c "$core" "$bin" "${args[@]}" | awk -v side=$side '/^Benchmark/ { sub(/-[0-9]+$/, "", $1); print side, $1, $3 }' >>"$out"
	done
done
# Per benchmark and side: the fastest and the median of the runs.
sort -k2,2 -k1,1 -k3,3g "$out" | awk '
function stats(   m) {
	m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	best[name, side] = v[1]; med[name, side] = m
}
{
	if ($2 != name || $1 != side) {
		if (n) stats()
		name = $2; side = $1; n = 0
		if (!(name in seen)) { seen[name] = 1; order[++names] = name }
	}
	v[++n] = $3
}
END {
	if (n) stats()
	printf "%-60s %24s %24s %16s\n", "benchmark (ns/op)", "A fastest / median", "B fastest / median", "change"
	for (i = 1; i <= names; i++) {
		k = order[i]
		if (!((k, "A") in best) || !((k, "B") in best)) { printf "%-60s only in one binary\n", k; continue }
		printf "%-60s %11.0f / %10.0f %11.0f / %10.0f %+6.1f / %+6.1f %%\n", k, best[k, "A"], med[k, "A"], best[k, "B"], med[k, "B"],
			100 * (best[k, "B"] / best[k, "A"] - 1), 100 * (med[k, "B"] / med[k, "A"] - 1)
	}
}'
