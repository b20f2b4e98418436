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

// BenchmarkNumberKeys numbers 4,194,304 keys, 3,000,000 of them
// distinct, in no order, BatchRows at a time into an empty table: the
// packed keys of vpc_large_egress's ~3 M groups over the 2 GiB corpus,
// whose table (4 Mi slots, 48 MiB) outgrows the caches. put files them
// one by one; batch through numberKeys (prefetching). MB/s of keys filed.
func BenchmarkNumberKeys(b *testing.B) {
	const n, distinct = 1 << 22, 3000000
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = mix64(uint64(i)*0x9e3779b97f4a7c15%n%distinct + 1)
	}
	ids := make([]int32, BatchRows)
	for _, batch := range []bool{false, true} {
		name := "put"
		if batch {
			name = "batch"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(8 * len(keys)))
			b.ReportAllocs()
			defer reportCPU(b)()
			var t flatTable[int32]
			var fresh []int32
			for b.Loop() {
				t.reset()
				for lo := 0; lo < n; lo += BatchRows {
					ks := keys[lo : lo+BatchRows]
					if batch {
						fresh = numberKeys(&t, ks, ids, fresh[:0])
						continue
					}
					for i, k := range ks {
						ids[i], _ = t.put(k, int32(t.len()))
					}
				}
			}
			if t.len() != distinct {
				b.Fatalf("%d entries; want %d", t.len(), distinct)
			}
		})
	}
}
