package findings

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns the stable ID of a finding: the hex form of the first 16
// bytes of a SHA-256 over the hunt ID, the dedup key values and the start of
// the window bucket (see [Bucket]). Each part is length-prefixed, so
// ("a,b") and ("a", "b") give different IDs. The same hunt seeing the same
// key in the same window always yields the same ID, on any machine and in
// any run; that is what suppression and the sinks' upserts key on.
func NewID(huntID string, key []string, bucket time.Time) string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(huntID)
	binary.BigEndian.PutUint64(n[:], uint64(len(key)))
	h.Write(n[:])
	for _, k := range key {
		put(k)
	}
	var b int64
	if !bucket.IsZero() {
		b = bucket.Unix()
	}
	binary.BigEndian.PutUint64(n[:], uint64(b))
	h.Write(n[:])
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:16])
}

// Bucket returns the start of the suppression window that holds t: t rounded
// down to a multiple of window since the Unix epoch, in UTC. A window of 0
// (one finding per key, ever) gives the zero time.
func Bucket(t time.Time, window time.Duration) time.Time {
	if window <= 0 {
		return time.Time{}
	}
	w := int64(window)
	n := t.UnixNano()
	b := n - n%w
	if n < 0 && n%w != 0 {
		b -= w
	}
	return time.Unix(0, b).UTC()
}
