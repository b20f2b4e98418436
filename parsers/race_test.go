package parsers

import "testing"

// skipAllocsUnderRace skips a test that counts allocations: under -race
// sync.Pool drops a share of what is put back and the detector itself
// allocates, so the counts are not the ones the test promises (the
// standard library skips its allocation tests the same way).
func skipAllocsUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("allocation counts do not hold under -race")
	}
}
