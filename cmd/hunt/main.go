// Command hunt hunts through AWS security log archives: CloudTrail and VPC
// Flow Logs, in local folders or S3, parsed straight into Arrow batches.
//
// Run `hunt help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"runtime/debug"
	"slices"
	"syscall"
)

// Exit codes, for cron and CI.
const (
	exitOK       = 0 // done, nothing found
	exitError    = 1 // an error, or results incomplete (an object could not be read)
	exitUsage    = 2 // bad command line
	exitFindings = 3 // done, findings emitted
)

const usage = `hunt — hunt through AWS CloudTrail and VPC Flow Logs archives

Usage:
  hunt <command> [flags] [arguments]

Commands:
  cat      print parsed records (chosen columns), for checking input
  query    run an ad-hoc SQL query (Athena dialect) over local paths or s3://
  run      run the saved hunts (all or --hunt ID), incremental with --state, findings to --sink
  hunts    list, show or check the saved hunts
  ls       the objects a scan would read, with sizes and key facts, and what is pruned and why
  convert  convert CloudTrail and flow-log archives to partitioned Parquet
  athena   athena ddl: CREATE TABLE statements (partition projection) for --engine athena
  bench    measure inflate, parse and end-to-end throughput over a corpus
  completion  print a shell completion script (bash)
  help     show this help

Run 'hunt <command> -h' for a command's flags and examples.

Exit codes: 0 done and nothing found, 3 findings, 1 error (or results
incomplete), 2 usage.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to the subcommand; it is main without the process. A
// panic in the command is a bug: it is reported with its stack and exits
// exitError, not with the runtime's exit status 2, which would read as a
// usage error. (Panics in a command's own goroutines, and fatal runtime
// errors such as running out of memory, still end the process with 2:
// Go cannot recover them.)
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "hunt: internal error: %v\n%s", r, debug.Stack())
			code = exitError
		}
	}()
	return dispatch(ctx, args, stdout, stderr)
}

// usageOrError is the exit code for an error from a step that both checks
// the command line and uses what it names (reads --file, opens the first
// input, opens the sinks): exitUsage for hunt's own complaint about the
// command line, which is a plain message (errors.New, fmt.Errorf, possibly
// wrapped), exitError when beneath it lies a failure to open, read or
// connect, which always carries a typed cause: an *fs.PathError, an
// *archive.ObjectError, an AWS SDK error.
func usageOrError(err error) int {
	if isPlainError(err) {
		return exitUsage
	}
	return exitError
}

// plainErrorTypes are the types of errors.New and fmt.Errorf values.
var plainErrorTypes = [...]reflect.Type{
	reflect.TypeOf(errors.New("")),
	reflect.TypeOf(fmt.Errorf("%w", io.EOF)),
	reflect.TypeOf(fmt.Errorf("%w%w", io.EOF, io.EOF)),
}

// isPlainError reports whether err and all it wraps are plain messages.
func isPlainError(err error) bool {
	if err == nil {
		return true
	}
	if !slices.Contains(plainErrorTypes[:], reflect.TypeOf(err)) {
		return false
	}
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		return isPlainError(x.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			if !isPlainError(e) {
				return false
			}
		}
	}
	return true
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "cat":
		return runCat(ctx, rest, stdout, stderr)
	case "query":
		return runQuery(ctx, rest, stdout, stderr)
	case "ls":
		return runLs(ctx, rest, stdout, stderr)
	case "run":
		return runRun(ctx, rest, stdout, stderr)
	case "hunts":
		return runHunts(ctx, rest, stdout, stderr)
	case "convert":
		return runConvert(ctx, rest, stdout, stderr)
	case "athena":
		return runAthena(ctx, rest, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, stdout, stderr)
	case "completion":
		return runCompletion(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "hunt: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}
