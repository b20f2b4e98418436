package engine

import "testing"

// BenchmarkFlatTablePut files 1,048,576 keys, 655,360 of them distinct,
// in no order, into an empty table (the packed keys of vpc_large_egress's
// groups, which rarely repeat): probes of a table larger than the caches,
// and its growth. MB/s of keys filed.
func BenchmarkFlatTablePut(b *testing.B) {
	keys := make([]uint64, 1<<20)
	for i := range keys {
		keys[i] = mix64(uint64(i) % 655360)
	}
	b.SetBytes(int64(8 * len(keys)))
	b.ReportAllocs()
	defer reportCPU(b)()
	var t flatTable[int32]
	for b.Loop() {
		t = flatTable[int32]{}
		for _, k := range keys {
			t.put(k, int32(t.len()))
		}
	}
	if t.len() != 655360 {
		b.Fatalf("%d entries; want 655360", t.len())
	}
}
