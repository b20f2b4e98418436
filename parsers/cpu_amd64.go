package parsers

// cpuid runs the CPUID instruction with leaf eaxArg and subleaf ecxArg
// (cpu_amd64.s).
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// fastPDEP reports whether PDEP is one fast instruction on this CPU.
// AMD's cores before Zen 3 (family 19h), and Hygon's (Zen 1), run PDEP
// and PEXT in microcode at up to hundreds of cycles, where flowLocateAsm
// would be many times slower than the full tape it replaces; golang.org/x/sys/cpu
// says whether BMI2 is there, not how fast it is.
func fastPDEP() bool {
	_, b, c, d := cpuid(0, 0)
	amd := b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163   // "AuthenticAMD"
	hygon := b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975 // "HygonGenuine"
	if !amd && !hygon {
		return true
	}
	a, _, _, _ := cpuid(1, 0)
	return cpuFamily(a) >= 0x19 && !hygon
}

// cpuFamily is the display family of CPUID leaf 1's EAX: the base
// family, plus the extended family where the base is 0xf.
func cpuFamily(eax uint32) uint32 {
	f := eax >> 8 & 0xf
	if f == 0xf {
		f += eax >> 20 & 0xff
	}
	return f
}
