// This go.mod keeps bench/peer (a Node.js script and its node_modules) out
// of the main module: `go test ./...` and `go vet ./...` never enter it.
module github.com/hunt-sec/hunt/bench/peer

go 1.26
