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
// of key values): each slot is the string's 32-bit hash and its ID + 1 (0:
// free), 8 bytes holding no pointer, where a map[string]int32 entry holds
// a string header the collector walks and hashes through the runtime's
// generic map path. Lookups compare hashes first, then the string. The
// hash is kept in the slot, so growing never rehashes a string. The zero
// strTable is empty and ready to use. Not safe for concurrent use.
type strTable struct {
	slots []uint64 // per slot: hash<<32 | ID+1, or 0
	n     int
	shift uint // 64 - log2(len(slots))
}

// strSeed seeds strTable's hashes; IDs do not depend on it (they are
// given in insertion order), so neither do results.
var strSeed = maphash.MakeSeed()

// strHash is the hash strTable files s under.
func strHash(s string) uint32 { return uint32(maphash.String(strSeed, s)) }

func (t *strTable) home(h uint32) uint64 { return (uint64(h) * 0x9e3779b97f4a7c15) >> t.shift }

// get returns the ID of s (of hash h), whose strings by ID are vals.
func (t *strTable) get(s string, h uint32, vals []string) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(h); ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == 0 {
			return 0, false
		}
		if uint32(e>>32) == h {
			if id := int32(uint32(e) - 1); vals[id] == s {
				return id, true
			}
		}
	}
}

// add files a string of hash h, not in t, under id.
func (t *strTable) add(h uint32, id int32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	t.place(uint64(h)<<32 | uint64(uint32(id)+1))
	t.n++
}

func (t *strTable) place(e uint64) {
	mask := uint64(len(t.slots) - 1)
	i := t.home(uint32(e >> 32))
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = e
}

// grow doubles the slots (at least 16) and refiles the entries.
func (t *strTable) grow() {
	size := max(16, 2*len(t.slots))
	old := t.slots
	t.slots = make([]uint64, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, e := range old {
		if e != 0 {
			t.place(e)
		}
	}
}
