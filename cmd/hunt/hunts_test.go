package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hunt-sec/hunt/queries"
)

func TestHunts_List(t *testing.T) {
	hunts, err := queries.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runHunt(t, "hunts", "list", "--output", "csv")
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "id,severity,table,tactics,techniques,window,title" || len(lines) != len(hunts)+1 || len(hunts) < 40 {
		t.Fatalf("got %d lines starting %q; want a header and %d hunts (at least 40)", len(lines), lines[0], len(hunts))
	}
	if !strings.Contains(out, "\nvpc_reject_flood,MEDIUM,vpc_flow,\"TA0007,TA0043\",\"T1046,T1595.001\",1h,Flood of rejected connections from one source address\n") {
		t.Errorf("vpc_reject_flood row missing or changed:\n%s", out)
	}
}

func TestHunts_Show(t *testing.T) {
	code, out, errOut := runHunt(t, "hunts", "show", "cloudtrail_stopped")
	if code != exitOK || !strings.HasPrefix(out, "-- queries/cloudtrail_stopped.sql\n-- id: cloudtrail_stopped\n") || !strings.Contains(out, "FROM cloudtrail_logs") {
		t.Fatalf("exit %d, stderr %s, out:\n%s", code, errOut, out)
	}
	if code, _, errOut := runHunt(t, "hunts", "show", "nope"); code != exitUsage || !strings.Contains(errOut, `found "nope"`) {
		t.Fatalf("unknown ID: exit %d, stderr %q", code, errOut)
	}
}

func TestHunts_Check(t *testing.T) {
	hunts, _ := queries.Embedded()
	code, out, errOut := runHunt(t, "hunts", "check")
	if code != exitOK || out != strconv.Itoa(len(hunts))+" hunts ok, 0 errors\n" {
		t.Fatalf("built-in: exit %d, out %q, stderr %s", code, out, errOut)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const header = "-- id: %s\n-- title: T\n-- severity: LOW\n-- table: cloudtrail\n-- resource: r\n-- resource_type: Other\n-- time: eventtime\n-- dedup: r\n\n"
	write("good.sql", strings.Replace(header, "%s", "good", 1)+"SELECT eventtime, eventname AS r, \"$path\" FROM cloudtrail")
	write("bad_sql.sql", strings.Replace(header, "%s", "bad_sql", 1)+"SELECT eventtime, evntname AS r, \"$path\" FROM cloudtrail")
	write("bad_header.sql", "-- id: bad_header\n-- severity: SEVERE\n")
	code, out, errOut = runHunt(t, "hunts", "check", dir)
	if code != exitError || out != "0 hunts ok, 1 errors\n" || !strings.Contains(errOut, filepath.ToSlash(dir)+"/bad_header.sql:2:14: severity: expected INFORMATIONAL") {
		t.Fatalf("folder: exit %d, out %q, stderr:\n%s", code, out, errOut)
	}
	os.Remove(filepath.Join(dir, "bad_header.sql"))
	code, out, errOut = runHunt(t, "hunts", "check", dir)
	if code != exitError || out != "1 hunts ok, 1 errors\n" || !strings.Contains(errOut, "bad_sql.sql:10:19: expected a column of cloudtrail") {
		t.Fatalf("SQL error: exit %d, out %q, stderr:\n%s", code, out, errOut)
	}
	// --hunts adds a folder to the built-in hunts; a duplicate ID is an error.
	write("bad_sql.sql", strings.Replace(header, "%s", "cloudtrail_stopped", 1)+"SELECT 1")
	os.Rename(filepath.Join(dir, "bad_sql.sql"), filepath.Join(dir, "cloudtrail_stopped.sql"))
	code, _, errOut = runHunt(t, "hunts", "check", "--hunts", dir)
	if code != exitError || !strings.Contains(errOut, `id: expected a unique hunt ID, found "cloudtrail_stopped" again (first in queries/cloudtrail_stopped.sql)`) {
		t.Fatalf("duplicate: exit %d, stderr:\n%s", code, errOut)
	}
}
