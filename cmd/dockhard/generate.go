package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
	"github.com/dockhard/dockhard/generator/write"
)

type generateOptions struct {
	generator.Options
	dockerignore bool
	check        bool
	diff         bool
	force        bool
	quiet        bool
}

// addOptionFlags binds the flags that shape the output to opts. generate,
// init and the parser of recorded headers all use it, so the three agree.
func addOptionFlags(fs *pflag.FlagSet, opts *generator.Options, dockerignore *bool) {
	fs.StringVar(&opts.Builder, "builder", catalog.DefaultBuilder, "build stage image: "+strings.Join(catalog.Builders, ", "))
	fs.StringVar(&opts.Runtime, "runtime", "", "runtime image: "+strings.Join(catalog.Runtimes, ", ")+" (default distroless; chainguard for cgo programs from the chainguard builder, whose glibc is newer than Debian 13's)")
	fs.StringVar(&opts.Main, "main", "", "main package to build, like ./cmd/server (required when there are several and none at the root)")
	fs.StringVar(&opts.Port, "port", "auto", "port to EXPOSE: a number, auto (detected) or none")
	fs.Var(newDecimalInt(&opts.UID, generator.DefaultUID, ""), "uid", "numeric user and group the image runs as (not 0)")
	fs.StringVar(&opts.Cgo, "cgo", "auto", "cgo: auto (detected), on or off")
	fs.StringVar(&opts.Tags, "tags", "", "extra build tags, comma-separated (like netgo,prod): detection applies them to build constraints, go build gets -tags")
	fs.StringVar(&opts.Context, "context", "", "build context directory, relative to DIR, when it is not DIR (like ..)")
	fs.StringVarP(&opts.Output, "output", "o", "", "Dockerfile to write, relative to DIR (default <context>/Dockerfile); - prints it and writes nothing")
	fs.BoolVar(dockerignore, "dockerignore", true, "also write <context>/.dockerignore")
	fs.StringVar(&opts.Catalog, "catalog", "", "image catalog file to use instead of the built-in one, relative to DIR")
	fs.StringVar(&opts.Pin, "pin", "auto", "digest (every base image by digest), tag, or auto (digests only for images without version tags)")
	fs.BoolVar(&opts.AllowEOL, "allow-eol", false, "write a base image past its publisher's end of life instead of refusing it (exit 2)")
	fs.StringArrayVar(&opts.Data, "data", nil, "file or directory, relative to DIR, the program reads at run time: copied into the image (WORKDIR /app) beside those detected; repeatable; none copies none")
	fs.StringVar(&opts.Healthcheck, "healthcheck", "auto", "HEALTHCHECK: http or tcp (dockhard's probe), exec (--healthcheck-cmd), none; auto is http when a port and a health route (/healthz, /health, /livez, /readyz, /ping) are detected, tcp for a port without one")
	fs.StringVar(&opts.HealthcheckPath, "healthcheck-path", "", "path the http probe requests (default: the detected health route, else "+generator.DefaultHealthcheckPath+")")
	fs.StringVar(&opts.HealthcheckCmd, "healthcheck-cmd", "", `the program's own probe for --healthcheck exec, as a JSON array: '["/usr/local/bin/app","health"]'`)
	fs.StringVar(&opts.HealthcheckInterval, "healthcheck-interval", generator.DefaultHealthcheckInterval, "time between probes (1s to 1h)")
	fs.StringVar(&opts.HealthcheckTimeout, "healthcheck-timeout", generator.DefaultHealthcheckTimeout, "time a probe may take (1s to 10m)")
	fs.StringVar(&opts.HealthcheckStartPeriod, "healthcheck-start-period", generator.DefaultHealthcheckStartPeriod, "grace time after start (0s to 1h)")
	fs.Var(newDecimalInt(&opts.HealthcheckRetries, generator.DefaultHealthcheckRetries, fmt.Sprintf("use a number from 1 to 100 (default %d)", generator.DefaultHealthcheckRetries)), "healthcheck-retries", "failed probes before the container is unhealthy (1 to 100)")
}

func newGenerateCmd(streams ioStreams) *cobra.Command {
	opts := &generateOptions{}
	cmd := &cobra.Command{
		Use:   "generate [DIR]",
		Short: "Write a hardened Dockerfile and .dockerignore for the Go module in DIR",
		Long: `generate detects the module in DIR (default: the current directory, which is
also what go generate uses) and writes <context>/Dockerfile and
<context>/.dockerignore.

With no flags, a Dockerfile that dockhard generated before is regenerated
with the options recorded in its header; flags given override them.

Paths in flags are relative to DIR, so the command in the header works
from anywhere. A file without dockhard's header is never overwritten
unless --force is given. Writes are atomic.

Exit codes: 0 done (or current, with --check); 1 --check found stale files,
or the work failed; 2 bad flags or input; 130 interrupted.`,
		Example: `  # Print the Dockerfile for a bundled example
  dockhard generate examples/webserver -o -

  # Static binary on Alpine, made shell-less, running as uid 10001
  dockhard generate --runtime alpine --uid 10001

  # Several main packages: pick one
  dockhard generate --main ./cmd/api

  # go.mod in src/, Dockerfile and context one level up (the second article)
  dockhard generate src --context ..

  # CI: exit 1 with a diff when the committed files are stale
  dockhard generate --check

  # In a Go file, regenerated by go generate with the recorded options:
  //go:generate go tool dockhard generate`,
		Args: maxOneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.check && opts.diff {
				return &usageError{fmt.Errorf("--check and --diff do not go together: --check exits 1 on drift, --diff only shows it")}
			}
			opts.NoDockerignore = !opts.dockerignore
			return runGenerate(cmd, streams, argsDir(args), opts)
		},
	}
	fs := cmd.Flags()
	addOptionFlags(fs, &opts.Options, &opts.dockerignore)
	fs.BoolVar(&opts.check, "check", false, "write nothing; exit 1 and print a unified diff when the files on disk are stale")
	fs.BoolVar(&opts.diff, "diff", false, "write nothing; print the diff of what would change")
	fs.BoolVar(&opts.force, "force", false, "overwrite files that dockhard did not generate")
	fs.BoolVarP(&opts.quiet, "quiet", "q", false, "print nothing when files are written")
	return cmd
}

// warnLoopback says when an exposed, detected port is bound to loopback by
// default: the image is right, but the container must be started with the
// program's address flag or variable, or nothing outside reaches it.
func warnLoopback(streams ioStreams, res *generator.Result, o generator.Options) {
	if o.Port != "" && o.Port != "auto" {
		return // the port was chosen by hand
	}
	main, ok := res.Facts.Main(strings.TrimPrefix(res.Plan.Package, "./"))
	if !ok {
		return
	}
	for _, p := range main.Ports {
		if p.Loopback {
			fmt.Fprintf(streams.Err, "dockhard: warning: port %d binds to loopback by default (%s:%d); start the container with the program's address flag or variable set to listen on all interfaces, or nothing outside it can connect\n", p.Number, p.Evidence.File, p.Evidence.Line)
		}
	}
}

func runGenerate(cmd *cobra.Command, streams ioStreams, dir string, opts *generateOptions) error {
	o, err := withRecordedOptions(cmd.Flags(), dir, opts.Options)
	if err != nil {
		return err
	}
	if (opts.check || opts.diff) && o.Output == "-" {
		return &usageError{fmt.Errorf("--check and --diff compare files on disk; they cannot be used with --output -")}
	}
	res, err := generator.Generate(dir, &o)
	if err != nil {
		return err
	}
	warnLoopback(streams, res, o)
	states, err := printOrInspect(streams, res)
	if err != nil || states == nil {
		return err
	}
	if opts.check || opts.diff {
		stale := 0
		for _, s := range states {
			if s.Changed() {
				stale++
				fmt.Fprint(streams.Out, s.Diff(displayPath(s.Path)))
			}
		}
		if opts.check && stale > 0 {
			fmt.Fprintf(streams.Err, "dockhard: %d generated file(s) are stale; run `dockhard %s` to update them\n", stale, strings.Join(o.Args(), " "))
			return &silentError{code: exitFailed}
		}
		return nil
	}
	if err := cmd.Context().Err(); err != nil {
		return err
	}
	written, err := writeFiles(states, opts.force)
	if err != nil {
		return err
	}
	if !opts.quiet {
		for _, s := range states {
			if slices.Contains(written, s.Path) {
				fmt.Fprintln(streams.Out, "wrote", displayPath(s.Path))
			} else {
				fmt.Fprintln(streams.Out, displayPath(s.Path), "is up to date")
			}
		}
	}
	return nil
}

// printOrInspect prints the Dockerfile when it goes to standard output (and
// returns no states), else reads what is on disk where the files go.
func printOrInspect(streams ioStreams, res *generator.Result) ([]write.FileState, error) {
	if res.Plan.DockerfilePath == "-" {
		_, err := streams.Out.Write(res.Dockerfile)
		return nil, err
	}
	return write.Inspect(res.Files())
}

// withRecordedOptions re-uses the options recorded in the header of a
// Dockerfile dockhard generated before; flags set on this command line win.
//
// The header is untrusted input (it comes with the repository): it is read
// by the same flag parser and validation as the command line, and it may
// not move the output or the build context out of the directory that holds
// the header's file unless the same flag is typed on the command line.
func withRecordedOptions(flags *pflag.FlagSet, dir string, given generator.Options) (generator.Options, error) {
	if given.Output == "-" {
		return given, nil
	}
	out := given.Output
	if out == "" {
		out = filepath.Join(given.Context, "Dockerfile")
	}
	headerFile := filepath.Join(dir, filepath.FromSlash(out))
	recorded, ok, err := recordedArgs(headerFile)
	if err != nil || !ok {
		return given, err
	}
	where := "the header (line 1) of " + out
	var o generator.Options
	var dockerignore bool
	fs := pflag.NewFlagSet("header", pflag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	addOptionFlags(fs, &o, &dockerignore)
	if err := fs.Parse(recorded); err != nil {
		return given, &usageError{fmt.Errorf("%s records arguments dockhard cannot read (%v); fix the header line or delete the file", where, err)}
	}
	if fs.NArg() > 0 {
		return given, &usageError{fmt.Errorf("%s records %q, which is not a flag; a header records only flags: fix the header line or delete the file", where, fs.Arg(0))}
	}
	if err := headerContained(fs, flags, dir, headerFile, where, &o); err != nil {
		return given, err
	}
	var setErr error
	flags.Visit(func(f *pflag.Flag) {
		rf := fs.Lookup(f.Name)
		if rf == nil || setErr != nil {
			return
		}
		// A repeatable flag given on the command line replaces the
		// recorded list as a whole.
		if list, ok := f.Value.(pflag.SliceValue); ok {
			setErr = rf.Value.(pflag.SliceValue).Replace(list.GetSlice())
			return
		}
		setErr = rf.Value.Set(f.Value.String())
	})
	if setErr != nil {
		return given, &usageError{setErr}
	}
	o.NoDockerignore = !dockerignore
	if err := o.Validate(); err != nil {
		if given.Validate() == nil { // the bad value came from the header
			return given, &usageError{fmt.Errorf("%s: %v; fix the header line or delete the file", where, err)}
		}
		return given, err
	}
	return o, nil
}

// headerContained refuses a header whose --output or --context (not also
// given on the command line) points outside the directory holding the
// header's file: a cloned repository must not make go generate write
// elsewhere.
func headerContained(recorded, typed *pflag.FlagSet, dir, headerFile, where string, o *generator.Options) error {
	holder, err := filepath.Abs(filepath.Dir(headerFile))
	if err != nil {
		return err
	}
	check := func(flag, value string) error {
		if !recorded.Changed(flag) || typed.Changed(flag) {
			return nil
		}
		if flag == "output" && value == "-" {
			return &usageError{fmt.Errorf("%s records --output -, which dockhard never records; fix the header line or delete the file", where)}
		}
		target, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(value)))
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(holder, target)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return &usageError{fmt.Errorf("%s records --%s %q, outside %s, the directory that holds it; a header may not move the output or the build context out of its directory: give --%s on the command line if you mean it", where, flag, value, holder, flag)}
		}
		return nil
	}
	if err := check("output", o.Output); err != nil {
		return err
	}
	return check("context", o.Context)
}

// recordedArgs returns the arguments after "dockhard generate" in the
// header of a generated file. Only a regular file is read, and only its
// first line; arguments are separated by ASCII spaces, the way Header joins
// them (a value may hold other white space).
func recordedArgs(path string) ([]string, bool, error) {
	line, ok, err := safefile.ReadHeaderLine(path)
	if err != nil {
		if inputerr.Is(err) {
			return nil, false, err
		}
		return nil, false, nil // unreadable: not a header to re-use; writing will say why
	}
	if !ok {
		return nil, false, nil
	}
	rest, ok := strings.CutPrefix(line, write.HeaderPrefix)
	if !ok {
		return nil, false, nil
	}
	rest, ok = strings.CutSuffix(rest, ". DO NOT EDIT.")
	var fields []string
	for _, f := range strings.Split(rest, " ") {
		if f != "" {
			fields = append(fields, f)
		}
	}
	if !ok || len(fields) == 0 || fields[0] != "generate" {
		return nil, false, &usageError{fmt.Errorf("%s has a dockhard header that does not record a generate command; fix the first line or delete the file", path)}
	}
	return fields[1:], true, nil
}

// displayPath shows a path relative to the working directory when that is
// shorter.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
