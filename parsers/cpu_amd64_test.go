package parsers

import "testing"

// TestCPUFamily checks the display family of real CPUID leaf 1 values:
// the extended family counts only where the base family is 0xf, which is
// what tells AMD's Zen 2 (17h, slow PDEP) from Zen 3 (19h).
func TestCPUFamily(t *testing.T) {
	for _, tc := range []struct {
		name string
		eax  uint32
		want uint32
	}{
		{"AMD EPYC 7R32 (Zen 2)", 0x00830f10, 0x17},
		{"AMD EPYC 7R13 (Zen 3)", 0x00a00f11, 0x19},
		{"AMD EPYC 9R14 (Zen 4)", 0x00a10f11, 0x19},
		{"AMD EPYC 9R45 (Zen 5)", 0x00b00f21, 0x1a},
		{"Intel Xeon Platinum 8259CL", 0x00050657, 0x6},
		{"extended family ignored below 0xf", 0x0ff00600, 0x6},
	} {
		if got := cpuFamily(tc.eax); got != tc.want {
			t.Errorf("%s: cpuFamily(%#x) = %#x, want %#x", tc.name, tc.eax, got, tc.want)
		}
	}
}

// TestFastPDEP checks that this machine's answer agrees with its vendor
// and family as CPUID reports them.
func TestFastPDEP(t *testing.T) {
	_, b, c, d := cpuid(0, 0)
	vendor := string([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24), byte(d), byte(d >> 8), byte(d >> 16), byte(d >> 24), byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
	a, _, _, _ := cpuid(1, 0)
	want := !(vendor == "AuthenticAMD" && cpuFamily(a) < 0x19 || vendor == "HygonGenuine")
	if got := fastPDEP(); got != want {
		t.Errorf("fastPDEP() = %v on %s family %#x, want %v", got, vendor, cpuFamily(a), want)
	}
	t.Logf("%s family %#x: fast PDEP %v", vendor, cpuFamily(a), want)
}
