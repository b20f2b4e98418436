package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/hunt-sec/hunt/archive"
)

// buildFacts is what `hunt version` prints, from the binary's build
// information.
type buildFacts struct {
	Version   string // module version, "(devel)" for a build from a work tree
	Commit    string // VCS revision, "" when not stamped
	Time      string // commit time
	Modified  bool   // the work tree had changes
	GoVersion string
	Platform  string
	Tags      string // -tags, "" for none
	Cgo       string // CGO_ENABLED: "1", "0", "" when not recorded
	Inflaters []string
}

// readBuildFacts reads the build information runtime/debug keeps.
func readBuildFacts() buildFacts {
	f := buildFacts{Version: "(unknown)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Inflaters: archive.Inflaters()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return f
	}
	f.Version = bi.Main.Version
	if bi.GoVersion != "" {
		f.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			f.Commit = s.Value
		case "vcs.time":
			f.Time = s.Value
		case "vcs.modified":
			f.Modified = s.Value == "true"
		case "-tags":
			f.Tags = s.Value
		case "CGO_ENABLED":
			f.Cgo = s.Value
		}
	}
	return f
}

// runVersion prints the version, commit, Go version, build tags, whether
// cgo was on (a CGO_ENABLED=0 build is static on Linux: no dynamic loader
// and C library start-up in each process) and the gzip inflaters compiled
// in (libdeflate only with -tags libdeflate).
func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, "Usage: hunt version\n\nPrints the module version, the VCS commit, the Go version and platform, the\nbuild tags, whether cgo was on (CGO_ENABLED) and the gzip inflaters compiled in\n(libdeflate with -tags libdeflate).\n")
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "hunt version: expected no arguments, found %q\nUsage: hunt version\n", args)
		return exitUsage
	}
	f := readBuildFacts()
	commit := f.Commit
	if commit == "" {
		commit = "unknown (built without VCS stamping)"
	} else {
		if f.Time != "" {
			commit += " (" + f.Time + ")"
		}
		if f.Modified {
			commit += " modified"
		}
	}
	tags := f.Tags
	if tags == "" {
		tags = "none"
	}
	cgo := "unknown"
	switch f.Cgo {
	case "0":
		cgo = "off (CGO_ENABLED=0)"
	case "1":
		cgo = "on (CGO_ENABLED=1)"
	}
	fmt.Fprintf(stdout, "hunt %s\ncommit:    %s\ngo:        %s %s\ntags:      %s\ncgo:       %s\ninflaters: %s (default first)\n",
		f.Version, commit, f.GoVersion, f.Platform, tags, cgo, strings.Join(f.Inflaters, ", "))
	return exitOK
}
