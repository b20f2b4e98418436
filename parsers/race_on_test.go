//go:build race

package parsers

// raceEnabled: the race detector makes sync.Pool drop a share of what
// is put back, so tests that count allocations or look for recycled
// buffers in a pool do not hold under -race.
const raceEnabled = true
