package engine

import (
	"hash/maphash"
	"iter"
	"math/bits"
)

// flatTable is a hash table of uint64 keys to values of type V in two
// flat slices, with linear probing: what grouping keeps per group (value
// IDs of a key column, folds of value IDs into group IDs, COUNT(DISTINCT)
// pairs). A Go map of the same entries keeps control words and groups of
// slots the garbage collector walks, hashes through the runtime's
// generic path and iterates through an iterator object; at millions of
// groups those dominated vpc_port_scan. flatTable[struct{}] is a set:
// its vals slice takes no memory.
//
// A free slot holds emptyKey; the entry whose key is emptyKey itself is
// kept aside. The zero flatTable is empty and ready to use. Not safe for
// concurrent use.
type flatTable[V any] struct {
	keys  []uint64 // per slot: the key, or emptyKey
	vals  []V      // per slot: the value
	n     int      // entries in the slots
	shift uint     // 64 - log2(len(keys))
	// The entry of key emptyKey, which no slot can hold.
	hasEmpty bool
	emptyVal V
}

// emptyKey marks a free slot.
const emptyKey = ^uint64(0)

// slot returns the home slot of k: Fibonacci hashing, whose top bits
// depend on every bit of k (keys here are often small integers or two
// 32-bit IDs side by side).
func (t *flatTable[V]) slot(k uint64) uint64 {
	return (k * 0x9e3779b97f4a7c15) >> t.shift
}

// len returns the number of entries.
func (t *flatTable[V]) len() int {
	if t.hasEmpty {
		return t.n + 1
	}
	return t.n
}

// get returns the value of k.
func (t *flatTable[V]) get(k uint64) (V, bool) {
	if k == emptyKey {
		return t.emptyVal, t.hasEmpty
	}
	if t.n > 0 {
		mask := uint64(len(t.keys) - 1)
		for i := t.slot(k); ; i = (i + 1) & mask {
			switch t.keys[i] {
			case k:
				return t.vals[i], true
			case emptyKey:
				var zero V
				return zero, false
			}
		}
	}
	var zero V
	return zero, false
}

// put sets the value of k to v, unless k has one: it returns k's value
// and whether k was there already.
func (t *flatTable[V]) put(k uint64, v V) (V, bool) {
	if k == emptyKey {
		if t.hasEmpty {
			return t.emptyVal, true
		}
		t.hasEmpty, t.emptyVal = true, v
		return v, false
	}
	if (t.n+1)*4 > len(t.keys)*3 {
		t.rehash()
	}
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.vals[i], true
		case emptyKey:
			t.keys[i], t.vals[i] = k, v
			t.n++
			return v, false
		}
	}
}

// probeWindow is how many rows a batched probe prefetches at a time:
// it prefetches the slots of the next window's rows, then probes this
// window's, so each prefetch has a window of probes (tens of
// nanoseconds apiece when their slots are cached) to arrive in.
const probeWindow = 32

// prefetchMinSlots is the fewest slots a flatTable has for numberKeys to
// prefetch: a smaller table (256 KiB of keys) stays in the caches, where
// the hints are only overhead, and reserving room for a whole batch
// would grow it early. A variable so tests can take the batched path
// with a few keys.
var prefetchMinSlots = 1 << 15

// numberKeys sets ids[i] to the value of keys[i] in t, filing each key
// it does not hold under the next number (t.len() then): group IDs. It
// appends the rows whose key was new to fresh, in order, and returns it.
// The result is that of calling put for each key in turn.
//
// Fast path, for a table past the caches: the slots of a window of rows
// are prefetched while the window before is probed (see probeWindow),
// after room is made for every key of the batch, so no slot moves while
// its prefetch is in flight.
func numberKeys(t *flatTable[int32], keys []uint64, ids, fresh []int32) []int32 {
	n := len(keys)
	if len(t.keys) < prefetchMinSlots {
		for i, k := range keys {
			id, ok := t.put(k, int32(t.len()))
			if !ok {
				fresh = append(fresh, int32(i))
			}
			ids[i] = id
		}
		return fresh
	}
	for (t.n+n)*4 > len(t.keys)*3 {
		t.rehash()
	}
	var idx [probeWindow]uint32
	t.prefetch(keys[:min(probeWindow, n)], &idx)
	mask := uint64(len(t.keys) - 1)
	for lo := 0; lo < n; lo += probeWindow {
		hi := min(lo+probeWindow, n)
		if hi < n {
			t.prefetch(keys[hi:min(hi+probeWindow, n)], &idx)
		}
		for i := lo; i < hi; i++ {
			k := keys[i]
			if k == emptyKey {
				id, ok := t.put(k, int32(t.len()))
				if !ok {
					fresh = append(fresh, int32(i))
				}
				ids[i] = id
				continue
			}
			for j := t.slot(k); ; j = (j + 1) & mask {
				if t.keys[j] == k {
					ids[i] = t.vals[j]
					break
				}
				if t.keys[j] == emptyKey {
					id := int32(t.len())
					t.keys[j], t.vals[j] = k, id
					t.n++
					ids[i] = id
					fresh = append(fresh, int32(i))
					break
				}
			}
		}
	}
	return fresh
}

// prefetch hints the home slots of keys (at most probeWindow) into the
// caches, keys and values; idx is scratch.
func (t *flatTable[V]) prefetch(keys []uint64, idx *[probeWindow]uint32) {
	w := idx[:len(keys)]
	for i, k := range keys {
		w[i] = uint32(t.slot(k))
	}
	prefetchSlots(t.keys, w)
	prefetchSlots(t.vals, w)
}

// reset empties t, keeping its slots for the next entries.
func (t *flatTable[V]) reset() {
	if t.n > 0 {
		fill(t.keys, emptyKey)
	}
	var zero V
	t.n, t.hasEmpty, t.emptyVal = 0, false, zero
}

// rehash doubles the slots (at least 16) and reinserts the entries.
func (t *flatTable[V]) rehash() {
	size := max(16, 2*len(t.keys))
	oldKeys, oldVals := t.keys, t.vals
	t.keys, t.vals = make([]uint64, size), make([]V, size)
	fill(t.keys, emptyKey)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for j, k := range oldKeys {
		if k == emptyKey {
			continue
		}
		i := t.slot(k)
		for t.keys[i] != emptyKey {
			i = (i + 1) & mask
		}
		t.keys[i], t.vals[i] = k, oldVals[j]
	}
}

// all yields every entry, in slot order (which depends only on the keys
// inserted and their order, not on the process).
func (t *flatTable[V]) all() iter.Seq2[uint64, V] {
	return func(yield func(uint64, V) bool) {
		if t.hasEmpty && !yield(emptyKey, t.emptyVal) {
			return
		}
		for i, k := range t.keys {
			if k != emptyKey && !yield(k, t.vals[i]) {
				return
			}
		}
	}
}

// strTable numbers strings whose bytes live elsewhere (a grouper's column
// of key values). Each slot holds the string's 32-bit hash and its ID + 1
// (0: free), and a string of at most 15 bytes (an IPv4 address, an
// account ID, most names) inline as two words: such a lookup reads one
// slot and compares words, where comparing with the column's string
// costs two more cache misses (its header, then its bytes) at hundreds of
// thousands of values. Longer strings are compared with the column's. No
// slot holds a pointer for the collector to walk, as a map[string]int32
// entry does; the hash is kept in the slot, so growing never rehashes a
// string. The zero strTable is empty and ready to use. Not safe for
// concurrent use.
type strTable struct {
	slots []strSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

// strSlot is one slot of a strTable: e is hash<<32 | ID+1, or 0 when
// free; k0 and k1 are the string's strKey words.
type strSlot struct {
	e      uint64
	k0, k1 uint64
}

// strKey is what a strTable files a string under: its hash, and for a
// string of at most 15 bytes its bytes, little-endian, in k0 (bytes 0-7)
// and k1 (bytes 8-14) with the length in k1's top byte; for a longer one
// k0 is 0 and k1's top byte strLong.
type strKey struct {
	k0, k1 uint64
	h      uint32
}

// strLong is the top byte of k1 for a string longer than 15 bytes.
const strLong = 0xFF

// strSeed seeds strTable's hashes of long strings; IDs do not depend on
// it (they are given in insertion order), so neither do results.
var strSeed = maphash.MakeSeed()

// strKeyOf returns the key s is filed under.
func strKeyOf(s string) strKey {
	n := len(s)
	var k0, k1 uint64
	switch {
	case n > 15:
		return strKey{k1: strLong << 56, h: uint32(maphash.String(strSeed, s))}
	case n >= 8:
		k0 = le64(s)
		k1 = le64(s[n-8:]) >> (8 * (16 - n)) // bytes 8..n-1; 0 for n = 8
	case n >= 4:
		// Two overlapping 4-byte loads: the shared bytes are equal.
		k0 = uint64(le32(s)) | uint64(le32(s[n-4:]))<<(8*(n-4))
	case n > 0:
		k0 = uint64(s[0]) | uint64(s[n/2])<<(8*(n/2)) | uint64(s[n-1])<<(8*(n-1))
	}
	k1 |= uint64(n) << 56
	x := (k0 ^ 0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	x ^= k1 + x>>29
	x *= 0x94d049bb133111eb
	return strKey{k0: k0, k1: k1, h: uint32(x >> 32)}
}

// le64 is the first 8 bytes of s, little-endian (one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// le32 is the first 4 bytes of s, little-endian (one load).
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func (t *strTable) home(h uint32) uint64 { return (uint64(h) * 0x9e3779b97f4a7c15) >> t.shift }

// get returns the ID of s, of key k, whose strings by ID are vals.
func (t *strTable) get(s string, k strKey, vals []string) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(k.h); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.e == 0 {
			return 0, false
		}
		if uint32(sl.e>>32) == k.h && sl.k0 == k.k0 && sl.k1 == k.k1 {
			// Slow path for long strings: compare the bytes.
			if id := int32(uint32(sl.e) - 1); k.k1>>56 != strLong || vals[id] == s {
				return id, true
			}
		}
	}
}

// prefetch hints the home slots of keys (at most probeWindow) into the
// caches; idx is scratch.
func (t *strTable) prefetch(keys []strKey, idx *[probeWindow]uint32) {
	w := idx[:len(keys)]
	for i, k := range keys {
		w[i] = uint32(t.home(k.h))
	}
	prefetchSlots(t.slots, w)
}

// add files a string of key k, not in t, under id.
func (t *strTable) add(k strKey, id int32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	t.place(strSlot{e: uint64(k.h)<<32 | uint64(uint32(id)+1), k0: k.k0, k1: k.k1})
	t.n++
}

func (t *strTable) place(sl strSlot) {
	mask := uint64(len(t.slots) - 1)
	i := t.home(uint32(sl.e >> 32))
	for t.slots[i].e != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = sl
}

// reset empties t, keeping its slots.
func (t *strTable) reset() {
	if t.n > 0 {
		clear(t.slots)
	}
	t.n = 0
}

// grow doubles the slots (at least 16) and refiles the entries.
func (t *strTable) grow() {
	size := max(16, 2*len(t.slots))
	old := t.slots
	t.slots = make([]strSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, sl := range old {
		if sl.e != 0 {
			t.place(sl)
		}
	}
}
