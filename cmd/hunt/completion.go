package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hunt-sec/hunt/parsers"
	"github.com/hunt-sec/hunt/queries"
)

// commands are the subcommands, for usage and shell completion.
var commands = []string{"cat", "query", "ls", "run", "investigate", "hunts", "sigma", "convert", "athena", "bench", "completion", "version", "help"}

// completionShells are the shells `hunt completion` writes scripts for.
var completionShells = []string{"bash", "zsh", "fish"}

// completionWords are the values the scripts complete: the flags whose
// values are names, not files, and the verbs and hunt IDs of subcommands.
type completionWords struct {
	Commands, Outputs, Sinks, Tables, Engines, Hunts []string
}

// newCompletionWords reads the values from where they are defined: the
// table descriptors and the embedded hunts.
func newCompletionWords() completionWords {
	w := completionWords{
		Commands: commands,
		Outputs:  []string{"table", "line", "json", "csv"},
		Sinks:    []string{"stdout", "file:", "ocsf:", "sns:", "securityhub", "securityhub:"},
		Tables:   append(parsers.TableNames(), "all"),
		Engines:  []string{"local", "athena", "auto"},
	}
	if hunts, err := queries.Embedded(); err == nil {
		for _, h := range hunts {
			w.Hunts = append(w.Hunts, h.ID)
		}
	}
	return w
}

// bashCompletion completes subcommands, each command's flags (read from its
// own -h, so it never goes stale), the values of --output, --sink, --table,
// --engine and --hunt, the hunts and athena verbs, hunt IDs after `hunts
// show`, and paths elsewhere. %[n]s are the word lists of completionWords.
const bashCompletion = `# bash completion for hunt: source <(hunt completion bash)
_hunt() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "%[1]s" -- "$cur"))
		return
	fi
	case $prev in
	--output|-output) COMPREPLY=($(compgen -W "%[2]s" -- "$cur")); return ;;
	--sink|-sink)
		COMPREPLY=($(compgen -W "%[3]s" -- "$cur"))
		if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]]; then compopt -o nospace 2>/dev/null; fi
		return ;;
	--table|-table) COMPREPLY=($(compgen -W "%[4]s" -- "$cur")); return ;;
	--engine|-engine) COMPREPLY=($(compgen -W "%[5]s" -- "$cur")); return ;;
	--hunt|-hunt) COMPREPLY=($(compgen -W "%[6]s" -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		local flags sub=$cmd
		[ "$cmd" = athena ] && sub="athena ddl"
		flags=$(hunt $sub -h 2>/dev/null | sed -n 's/^  -\([a-z0-9-]*\).*/--\1/p')
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
		return
	fi
	if [ "$COMP_CWORD" -eq 2 ]; then
		case $cmd in
		hunts) COMPREPLY=($(compgen -W "list show check" -- "$cur")); return ;;
		athena) COMPREPLY=($(compgen -W "ddl" -- "$cur")); return ;;
		completion) COMPREPLY=($(compgen -W "%[7]s" -- "$cur")); return ;;
		esac
	fi
	if [ "$cmd" = hunts ] && [ "${COMP_WORDS[2]}" = show ] && [ "$COMP_CWORD" -eq 3 ]; then
		COMPREPLY=($(compgen -W "%[6]s" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _hunt hunt
`

// zshCompletion is the zsh counterpart of bashCompletion.
const zshCompletion = `#compdef hunt
# zsh completion for hunt: source <(hunt completion zsh), or save as _hunt in a folder of $fpath
_hunt() {
	local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd=${words[2]}
	if (( CURRENT == 2 )); then
		compadd -- %[1]s
		return
	fi
	case $prev in
	--output|-output) compadd -- %[2]s; return ;;
	--sink|-sink) compadd -S '' -- %[8]s; compadd -- %[9]s; return ;;
	--table|-table) compadd -- %[4]s; return ;;
	--engine|-engine) compadd -- %[5]s; return ;;
	--hunt|-hunt) compadd -- %[6]s; return ;;
	esac
	if [[ $cur == -* ]]; then
		local sub=$cmd
		[[ $cmd == athena ]] && sub="athena ddl"
		compadd -- ${(f)"$(hunt ${=sub} -h 2>/dev/null | sed -n 's/^  -\([a-z0-9-]*\).*/--\1/p')"}
		return
	fi
	if (( CURRENT == 3 )); then
		case $cmd in
		hunts) compadd -- list show check; return ;;
		athena) compadd -- ddl; return ;;
		completion) compadd -- %[7]s; return ;;
		esac
	fi
	if [[ $cmd == hunts && ${words[3]} == show ]] && (( CURRENT == 4 )); then
		compadd -- %[6]s
		return
	fi
	_files
}
if [[ $funcstack[1] == _hunt ]]; then
	_hunt "$@"
else
	compdef _hunt hunt
fi
`

// fishCompletion is the fish counterpart; fish wants each command's flags
// declared, so they are written out (fishFlags).
const fishCompletion = `# fish completion for hunt: hunt completion fish | source, or save as ~/.config/fish/completions/hunt.fish
complete -c hunt -n __fish_use_subcommand -f -a '%[1]s'
complete -c hunt -n '__fish_seen_subcommand_from hunts; and not __fish_seen_subcommand_from list show check' -f -a 'list show check'
complete -c hunt -n '__fish_seen_subcommand_from hunts; and __fish_seen_subcommand_from show' -f -a '%[6]s'
complete -c hunt -n '__fish_seen_subcommand_from athena; and not __fish_seen_subcommand_from ddl' -f -a ddl
complete -c hunt -n '__fish_seen_subcommand_from completion' -f -a '%[7]s'
complete -c hunt -l output -x -a '%[2]s'
complete -c hunt -l sink -x -a '%[3]s'
complete -c hunt -l table -x -a '%[4]s'
complete -c hunt -l engine -x -a '%[5]s'
complete -c hunt -l hunt -x -a '%[6]s'
`

// valueFlags are completed by the lines above, not by fishFlags.
var valueFlags = []string{"output", "sink", "table", "engine", "hunt"}

// fishFlags declares each command's flags, read from its -h: a flag that
// takes a value completes files after it (-r), a boolean nothing.
func fishFlags(ctx context.Context) string {
	var b strings.Builder
	for _, cmd := range commands {
		args := []string{cmd, "-h"}
		switch cmd {
		case "athena":
			args = []string{"athena", "ddl", "-h"}
		case "completion", "version", "help":
			continue
		}
		var help bytes.Buffer
		dispatch(ctx, args, &help, io.Discard)
		sc := bufio.NewScanner(&help)
		var name string
		var takesValue bool
		flush := func(usage string) {
			if name == "" || slices.Contains(valueFlags, name) {
				return
			}
			usage, _, _ = strings.Cut(usage, " (default")
			if r := []rune(strings.TrimSpace(usage)); len(r) > 70 {
				usage = string(r[:69]) + "…"
			}
			usage = strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(usage)
			opt := ""
			if takesValue {
				opt = " -r"
			}
			fmt.Fprintf(&b, "complete -c hunt -n '__fish_seen_subcommand_from %s' -l %s%s -d '%s'\n", cmd, name, opt, usage)
			name = ""
		}
		for sc.Scan() {
			line := sc.Text()
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				fields := strings.Fields(f)
				name, takesValue = fields[0], len(fields) > 1
				continue
			}
			if u, ok := strings.CutPrefix(line, "    \t"); ok && name != "" {
				flush(u)
			}
		}
	}
	return b.String()
}

// runCompletion prints a shell completion script.
func runCompletion(args []string, stdout, stderr io.Writer) int {
	const help = "Usage: hunt completion bash|zsh|fish\n\nPrints a shell completion script. Load it with:\n" +
		"  bash: source <(hunt completion bash)\n  zsh:  source <(hunt completion zsh)\n  fish: hunt completion fish | source\n"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	if len(args) != 1 || !slices.Contains(completionShells, args[0]) {
		if len(args) == 1 {
			fmt.Fprintf(stderr, "hunt completion: expected bash, zsh or fish, found %q\n", args[0])
			if s := suggest(args[0], completionShells); s != "" {
				fmt.Fprintf(stderr, "Did you mean %s?\n", s)
			}
		}
		fmt.Fprint(stderr, "Usage: hunt completion bash|zsh|fish\nRun 'hunt completion -h' for how to load it.\n")
		return exitUsage
	}
	w := newCompletionWords()
	var sinkPrefixes, sinkWords []string
	for _, s := range w.Sinks {
		if strings.HasSuffix(s, ":") {
			sinkPrefixes = append(sinkPrefixes, s)
		} else {
			sinkWords = append(sinkWords, s)
		}
	}
	j := func(ws []string) string { return strings.Join(ws, " ") }
	words := []any{j(w.Commands), j(w.Outputs), j(w.Sinks), j(w.Tables), j(w.Engines), j(w.Hunts), j(completionShells), j(sinkPrefixes), j(sinkWords)}
	switch args[0] {
	case "bash":
		fmt.Fprintf(stdout, bashCompletion, words...)
	case "zsh":
		fmt.Fprintf(stdout, zshCompletion, words...)
	case "fish":
		fmt.Fprintf(stdout, fishCompletion, words...)
		fmt.Fprint(stdout, fishFlags(context.Background()))
	}
	return exitOK
}
