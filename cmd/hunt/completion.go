package main

import (
	"fmt"
	"io"
)

// commands are the subcommands, for usage and shell completion.
var commands = []string{"cat", "query", "ls", "run", "hunts", "convert", "athena", "bench", "completion", "version", "help"}

// bashCompletion completes subcommands, each command's flags (read from its
// own -h, so it never goes stale), the hunts and athena verbs, and paths.
const bashCompletion = `# bash completion for hunt: source <(hunt completion bash)
_hunt() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "%s" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		local flags
		flags=$(hunt "$cmd" -h 2>/dev/null | sed -n 's/^  -\([a-z0-9-]*\).*/--\1/p')
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
		return
	fi
	if [ "$COMP_CWORD" -eq 2 ]; then
		case $cmd in
		hunts) COMPREPLY=($(compgen -W "list show check" -- "$cur")); return ;;
		athena) COMPREPLY=($(compgen -W "ddl" -- "$cur")); return ;;
		completion) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
		esac
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _hunt hunt
`

// runCompletion prints a shell completion script.
func runCompletion(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "bash" {
		fmt.Fprintln(stderr, "Usage: hunt completion bash\n\nPrints a bash completion script; load it with: source <(hunt completion bash)")
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return exitOK
		}
		return exitUsage
	}
	words := ""
	for i, c := range commands {
		if i > 0 {
			words += " "
		}
		words += c
	}
	fmt.Fprintf(stdout, bashCompletion, words)
	return exitOK
}
