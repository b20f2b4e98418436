// Command gen writes the generated part of the differential corpus: one
// CloudTrail log file (bench.GenerateCloudTrailRecords) and one version-5
// flow-log file (bench.GenerateFlowLines) into DIR/ct and DIR/flow.
//
//	go run ./gen -dir DIR [-seed 7] [-ct 3000] [-flows 3000]
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/hunt-sec/hunt/bench"
)

func main() {
	dir := flag.String("dir", "", "output directory")
	seed := flag.Int64("seed", 7, "generator seed")
	nct := flag.Int("ct", 3000, "CloudTrail records")
	nflow := flag.Int("flows", 3000, "flow-log lines")
	flag.Parse()
	if *dir == "" {
		log.Fatal("gen: -dir is required")
	}
	write := func(path string, data []byte) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write(filepath.Join(*dir, "ct", "generated_cloudtrail.json.gz"), bench.GenerateCloudTrailRecords(*seed, *nct))
	write(filepath.Join(*dir, "flow", "generated_v5.log.gz"), bench.GenerateFlowLines(*seed, *nflow, bench.FlowV5))
}
