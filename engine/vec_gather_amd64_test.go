//go:build amd64 && !purego

package engine

// gatherQWays returns the settings of useGatherQAsm a gather test runs
// under: both where the quadword assembly exists (it is off by default,
// see useGatherQAsm, so without this its gathers would go untested), and
// a function that puts the setting back.
func gatherQWays() ([]bool, func()) {
	was := useGatherQAsm
	if !useGatherAsm {
		return []bool{false}, func() {}
	}
	return []bool{false, true}, func() { useGatherQAsm = was }
}

// setGatherQAsm sets useGatherQAsm.
func setGatherQAsm(on bool) { useGatherQAsm = on }
