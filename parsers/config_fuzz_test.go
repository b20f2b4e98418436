package parsers

import "testing"

func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"fileVersion":"1.0","configurationItems":[` + cfgItem + `,` + cfgItem + `]}`))
	f.Add([]byte(`{"configSnapshotId":"s","configurationItems":[{"resourceType":"T","resourceId":"r","configurationItemCaptureTime":"2024-03-05T09:00:05Z","configurationStateId":"9","tags":{"a":null}}],"x":1}{}`))
	addSeedFiles(f, "../testdata/config/bad/*", "../testdata/hunts/config_*/*.json")
	projections := [][]string{nil, {"resourceid", "configurationstateid", "tags", "supplementaryconfiguration", "$path"}}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRows(t, newCfg, data, projections) })
}
