package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/spf13/cobra"
)

// Exit codes scripts can rely on.
const (
	exitOK          = 0
	exitFailed      = 1 // the work failed: --check found drift, a write failed
	exitUsage       = 2 // bad flag, bad value, bad input
	exitInterrupted = 130
)

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = "devel"

type ioStreams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// usageError marks errors of the command line itself (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// silentError carries an exit code for a failure already reported (a
// --check drift prints its diff and says so), with an optional last word.
type silentError struct {
	code int
	msg  string
}

func (e *silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run executes one dockhard command line and returns its exit code. Tests
// call it directly.
func run(ctx context.Context, args []string, streams ioStreams) int {
	root := newRootCmd(streams)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		// Say only what is known: a command that stopped on the
		// interrupt wrote nothing; one that finished has said what it
		// wrote, and every file it wrote is whole.
		msg := "dockhard: interrupted; each file on disk is whole, the old one or the new one"
		if errors.Is(err, context.Canceled) {
			msg = "dockhard: interrupted before anything was written"
		}
		fmt.Fprintln(streams.Err, msg)
		return exitInterrupted
	}
	if err == nil {
		return exitOK
	}
	var silent *silentError
	if errors.As(err, &silent) {
		if silent.msg != "" {
			fmt.Fprintln(streams.Err, "dockhard: "+silent.msg)
		}
		return silent.code
	}
	fmt.Fprintln(streams.Err, "dockhard: "+strings.TrimSpace(inFlags(err)))
	var usage *usageError
	// cobra reports an unknown command as a plain error.
	if errors.As(err, &usage) || inputerr.Is(err) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitFailed
}

// inFlags is the message of err in the command line's words: the
// library's option errors name options by their fields, the command by
// its flags.
func inFlags(err error) string {
	if oe, ok := err.(*generator.OptionError); ok {
		return oe.Text(generator.FlagFor)
	}
	return err.Error()
}

func newRootCmd(streams ioStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "dockhard",
		Short: "Turn a Go module into a hardened, minimal, multi-stage Dockerfile",
		Long: `dockhard reads a Go module (go.mod, its main packages, cgo use and listen
ports) and writes a multi-stage Dockerfile that is pinned, non-root and
shell-less, plus a .dockerignore.`,
		Example: `  # Print the Dockerfile for a module without writing anything
  dockhard generate ./myservice -o -

  # Write Dockerfile and .dockerignore with an Alpine runtime
  dockhard generate --runtime alpine

  # In CI: fail when the committed files are stale
  dockhard generate --check

  # See what dockhard found, with evidence
  dockhard detect --json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.AddCommand(newGenerateCmd(streams), newDetectCmd(streams), newInitCmd(streams), newPinCmd(streams), newImagesCmd(streams), newLintCmd(streams), newVersionCmd(streams))
	return root
}

// argsDir returns the module directory argument, "." by default. go
// generate runs commands in the directory of $GOFILE, so "." is the module
// root there too.
func argsDir(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// maxOneDir is cobra's MaximumNArgs(1) with an exit-2 error.
func maxOneDir(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return &usageError{fmt.Errorf("%s takes at most one directory (the module root), got %d arguments", cmd.CommandPath(), len(args))}
	}
	return nil
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	info, err := file.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
