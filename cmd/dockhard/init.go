package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/detect"
)

func newInitCmd(streams ioStreams) *cobra.Command {
	var opts generator.Options
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Answer a few questions and write a hardened Dockerfile (needs a terminal)",
		Long: `init detects the module in DIR, asks only what detection could not settle
(which main package, builder, runtime, port, user, extras), shows the
Dockerfile it is about to write, and writes it after you confirm. It prints
the dockhard generate command that makes the same files without questions.

Flags pre-answer their questions. Ctrl-C or Esc cancels: nothing is written
and the exit code is 130. Without a terminal, init refuses (exit 2): use
dockhard generate.`,
		Example: `  dockhard init
  dockhard init ./service --runtime alpine   # does not ask for the runtime`,
		Args: maxOneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, inOK := streams.In.(*os.File)
			out, outOK := streams.Out.(*os.File)
			if !inOK || !outOK || !isTerminal(in) || !isTerminal(out) {
				return &usageError{fmt.Errorf("init asks questions and needs a terminal on stdin and stdout; to generate without questions use `dockhard generate` with flags (--builder, --runtime, --main, --port, --uid; see `dockhard generate --help`)")}
			}
			// Between questions the terminal is not in raw mode, so Ctrl-C
			// arrives as SIGINT, which main turns into a cancelled context.
			// Questions do not watch the context: leave at once, unless the
			// files are being written (then the write finishes first).
			var writing atomic.Bool
			stop := context.AfterFunc(cmd.Context(), func() {
				if !writing.Load() {
					fmt.Fprintln(streams.Err, "\ndockhard: interrupted; nothing was written")
					os.Exit(exitInterrupted)
				}
			})
			defer stop()
			err := runInit(cmd.Flags(), streams, newSurveyPrompter(in, out, streams.Err), argsDir(args), opts, &writing)
			if errors.Is(err, errInterrupted) {
				return &silentError{code: exitInterrupted, msg: "interrupted; nothing was written"}
			}
			return err
		},
	}
	generator.AddFlags(cmd.Flags(), &opts)
	return cmd
}

// runInit is the wizard from detection to the written files.
func runInit(flags *pflag.FlagSet, streams ioStreams, p Prompter, dir string, given generator.Options, writing *atomic.Bool) error {
	if err := typedOptions(flags, streams, dir, &given); err != nil {
		return err
	}
	tags, err := generator.ParseTags(given.Tags)
	if err != nil {
		return err
	}
	facts, err := detect.DetectWithTags(dir, tags)
	if err != nil {
		return err
	}
	preset := map[string]bool{}
	flags.Visit(func(f *pflag.Flag) { preset[f.Name] = true })
	o, err := askOptions(p, facts, given, preset)
	if err != nil {
		return err
	}
	res, err := generator.GenerateFrom(facts, &o)
	if err != nil {
		return err
	}
	states, err := printOrInspect(streams, res)
	if err != nil || states == nil {
		return err
	}

	var handWritten []string
	for _, s := range states {
		switch {
		case !s.Changed():
			fmt.Fprintf(streams.Out, "\n%s is already up to date.\n", displayPath(s.Path))
		case s.Exists:
			fmt.Fprintf(streams.Out, "\nChanges to %s:\n%s", displayPath(s.Path), s.Diff(displayPath(s.Path)))
			if !s.Generated {
				handWritten = append(handWritten, displayPath(s.Path))
			}
		case s.Path == res.Plan.DockerfilePath:
			fmt.Fprintf(streams.Out, "\n%s:\n\n%s", displayPath(s.Path), s.Content)
		}
	}
	ok, err := p.Confirm("Write these files?", "Nothing is written until you confirm.", true)
	if err != nil {
		return err
	}
	force := false
	if ok && len(handWritten) > 0 {
		force, err = p.Confirm(strings.Join(handWritten, " and ")+" was not written by dockhard. Replace it?",
			"Your file will be overwritten; dockhard will regenerate it from now on.", false)
		if err != nil {
			return err
		}
		ok = force
	}
	if !ok {
		fmt.Fprintln(streams.Out, "Nothing was written.")
		return nil
	}
	writing.Store(true)
	written, err := writeFiles(states, force)
	if err != nil {
		return err
	}
	for _, w := range written {
		fmt.Fprintln(streams.Out, "wrote", displayPath(w))
	}
	printNextSteps(streams, dir, res.Resolved.Args, res.Plan)
	return nil
}

// printNextSteps shows the non-interactive equivalent and how to try the
// image.
func printNextSteps(streams ioStreams, dir string, args []string, p *generator.Plan) {
	shellArgs := []string{"dockhard", args[0]}
	if dir != "." {
		shellArgs = append(shellArgs, dir)
	}
	shellArgs = append(shellArgs, args[1:]...)
	var shellWords, goWords []string
	for _, a := range shellArgs {
		shellWords = append(shellWords, shellQuote(a))
	}
	for _, a := range args {
		goWords = append(goWords, goGenerateQuote(a))
	}
	fmt.Fprintf(streams.Out, "\nThe same files without questions:\n  %s\n", strings.Join(shellWords, " "))
	fmt.Fprintf(streams.Out, "In a Go file, for go generate:\n  //go:generate go tool dockhard %s\n", strings.Join(goWords, " "))
	file := ""
	// A build of private modules lends them their credentials.
	docker := "docker build "
	if p.Private != nil {
		docker += p.Private.BuildFlags + " "
	}
	if rel, err := filepath.Rel(p.ContextDir, p.DockerfilePath); err == nil && rel != "Dockerfile" {
		file = " -f " + displayPath(p.DockerfilePath)
	}
	context := displayPath(p.ContextDir)
	if len(p.Targets) > 1 {
		fmt.Fprintf(streams.Out, "Build the images, one per target:\n")
		for _, t := range p.Targets {
			fmt.Fprintf(streams.Out, "  %s--target %s -t %s%s %s\n", docker, t.Name, t.Name, file, context)
		}
		if p.Bake {
			fmt.Fprintf(streams.Out, "or all at once, in %s:\n  docker buildx bake\n", context)
		}
		return
	}
	run := "docker run --rm"
	for _, port := range p.Ports {
		run += " -p " + strconv.Itoa(port) + ":" + strconv.Itoa(port)
	}
	fmt.Fprintf(streams.Out, "Try the image:\n  %s-t %s%s %s\n  %s %s\n", docker, p.Binary, file, context, run, p.Binary)
}

// plainWord is what a shell and go generate take literally.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9._/@+=:,-]+$`)

// shellQuote quotes a word for a POSIX shell when it needs it (the JSON of
// --healthcheck-cmd does).
func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// goGenerateQuote quotes a word the way go generate reads arguments: Go
// string syntax.
func goGenerateQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
