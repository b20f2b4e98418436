package parsers

import (
	"strings"
	"testing"
)

// TestCTField_KeyMatch: keyMatch finds a predicted key exactly where
// keyAt does and a ':' follows it, at every offset (so some compares
// run past 24 bytes of the spelling and some near the buffer's end), for
// spellings of every length around the three words. A miss where keyAt
// hits is only a key with blank space (or the window's end) before its
// ':', which the reader then scans and looks up, finding the same field.
func TestCTField_KeyMatch(t *testing.T) {
	spellings := []string{"a", "eventName", "eventSource1", "recipientAccountId", "additionalEventData",
		"abcdefghijklmnopqrstu", "abcdefghijklmnopqrstuv", "sessionCredentialFromConsole"}
	for _, sp := range spellings {
		var f ctField
		f.setSpelled(sp)
		if want := len(sp) + 3; (f.plen != 0) != (want <= 24) || f.plen != 0 && f.plen != want {
			t.Fatalf("%q: plen %d", sp, f.plen)
		}
		inputs := []string{
			`"` + sp + `":1`,
			`"` + sp + `" :1`,
			`"` + sp + `"` + `,`,
			`"` + sp + `x":1`,
			`"` + sp[:len(sp)-1] + `":1`,
			`"` + strings.ToUpper(sp) + `":1`,
			`"` + sp[:len(sp)-1] + `\u00` + `":1`,
		}
		for _, in := range inputs {
			for pad := range 30 {
				for tail := range 30 {
					b := []byte(strings.Repeat(" ", pad) + in + strings.Repeat("}", tail))
					for cut := pad + 1; cut <= len(b); cut++ {
						w := b[:cut]
						end, hit := f.keyMatch(w, pad)
						atEnd, atHit := f.keyAt(w, pad)
						colon := atHit && atEnd < len(w) && w[atEnd] == ':'
						// A hit is keyAt's; keyAt's is one when ':' follows.
						if hit && (!atHit || end != atEnd) || colon && !hit {
							t.Fatalf("keyMatch(%q, %d) for %q = %d, %v; keyAt gives %d, %v", w, pad, sp, end, hit, atEnd, atHit)
						}
					}
				}
			}
		}
	}
}
