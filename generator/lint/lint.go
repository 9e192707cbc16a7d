package lint

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Severity orders findings; --fail-on picks the threshold.
type Severity int

// Severities, lowest first.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	return [...]string{"info", "warning", "error"}[s]
}

// MarshalText writes a severity by name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads info, warning or error.
func ParseSeverity(s string) (Severity, error) {
	for i, name := range []string{"info", "warning", "error"} {
		if s == name {
			return Severity(i), nil
		}
	}
	return 0, inputerr.Errorf("--fail-on %s: use info, warning or error", inputerr.Quote(s))
}

// Rule is one departure from the hardening bar that lint reports.
type Rule struct {
	ID       string
	Severity Severity
	Title    string
	// Explain is the longer text of `dockhard lint --explain`: why it
	// matters and how to fix it.
	Explain string
	// Source is where the practice comes from.
	Source string
}

// Finding is one reported departure.
type Finding struct {
	Rule       string   `json:"rule"`
	Severity   Severity `json:"severity"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Message    string   `json:"message"`
	Suppressed bool     `json:"suppressed"`
	// Reason is the text after the rule in a dockhard:ignore comment.
	Reason string `json:"reason,omitempty"`
}

// LintOptions tune a lint run.
type LintOptions struct {
	// GoVersion, when known (from a go.mod), lets lint judge a distro
	// builder's packaged Go.
	GoVersion string
	// BuildArgs are --build-arg values: a base image chosen by a build
	// argument (FROM ${BASE_IMAGE}) is judged with them.
	BuildArgs map[string]string
	// Context ends a long lint early (an interrupt); nil means never.
	Context context.Context
	// Catalog holds the end-of-life dates; nil means the built-in one.
	Catalog *catalog.Catalog
	// Today is the date end of life is judged on; zero means now.
	Today time.Time
}

// shellRuntimes are bases that ship a shell; the others (distroless,
// Chainguard's minimal images, scratch) have none.
var (
	shellLess      = regexp.MustCompile(`(^scratch$|gcr\.io/distroless/|cgr\.dev/chainguard/(static|glibc-dynamic)|dhi\.io/static(:|@|$))`)
	toolchainImage = regexp.MustCompile(`(^|/)(golang|go)(:|@|$)|cgr\.dev/chainguard/go(:|@|$)`)
	// Docker Hardened Images' static: the dated tags without glibc.
	staticRuntime = regexp.MustCompile(`(^scratch$|distroless/static|chainguard/static|dhi\.io/static:\d+(-debian\d+|-alpine[\d.]*)?(@|$))`)
	numericUser   = regexp.MustCompile(`^\d+(:\d+)?$`)
	// SecretName is an ARG or ENV name that suggests a secret.
	SecretName    = regexp.MustCompile(`(?i)(secret|token|passw|api_?key|credential|private_?key)`)
	ignoreComment = regexp.MustCompile(`^dockhard:ignore\s+(DH\d{3})\b\s*(.*)$`)
	// The removals name whole paths: /usr/sbin is not /sbin.
	shellRemoval = regexp.MustCompile(`rm -[rf]+\s([^;&|]*\s)?(/bin/sh|/bin/\*|/bin|/bin/busybox)(\s|$)`)
	// etcReadOnly is chmod a-w on /etc, directly or through find.
	etcReadOnly = regexp.MustCompile(`chmod (-R )?a-w [^;&|]*/etc|find /etc[^;&|]*-exec chmod a-w`)
	apkRemoval  = regexp.MustCompile(`rm -[rf]+\s([^;&|]*\s)?(/sbin/apk|/sbin/\*|/sbin)(\s|$)`)
)

// Lint judges a Dockerfile against the hardening bar. It parses with
// BuildKit's parser and instruction model; a file that does not parse is an
// input error.
func Lint(name string, data []byte, opts LintOptions) ([]Finding, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// Suppressions: a dockhard:ignore comment on the lines before an
	// instruction.
	ignores := map[int]map[string]string{}
	for _, n := range res.AST.Children {
		for _, c := range n.PrevComment {
			if m := ignoreComment.FindStringSubmatch(strings.TrimSpace(c)); m != nil {
				if ignores[n.StartLine] == nil {
					ignores[n.StartLine] = map[string]string{}
				}
				ignores[n.StartLine][m[1]] = m[2]
			}
		}
	}
	if opts.Catalog == nil {
		opts.Catalog = catalog.BuiltIn()
	}
	if opts.Today.IsZero() {
		opts.Today = time.Now().UTC()
	}
	l := &linter{file: name, opts: opts, ctx: ctx, bases: resolveBases(stages, metaArgs, res.EscapeToken, opts.BuildArgs)}
	l.check(stages)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, f := range l.findings {
		if reason, ok := ignores[f.Line][f.Rule]; ok {
			l.findings[i].Suppressed, l.findings[i].Reason = true, reason
		}
	}
	sort.SliceStable(l.findings, func(i, j int) bool { return l.findings[i].Line < l.findings[j].Line })
	return l.findings, nil
}

type linter struct {
	file     string
	opts     LintOptions
	ctx      context.Context
	findings []Finding
	// bases are the stages' base names with build arguments expanded; ""
	// for a base chosen at build time (an argument without a value).
	bases []string
	// steps counts instructions judged, to check ctx now and then.
	steps int
}

// interrupted reports, every 1024 instructions, whether the context ended.
func (l *linter) interrupted() bool {
	l.steps++
	return l.steps%1024 == 0 && l.ctx.Err() != nil
}

// argEnv is the build arguments visible to FROM, for BuildKit's shell
// lexer.
type argEnv map[string]string

func (e argEnv) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e argEnv) Keys() []string              { return slices.Sorted(maps.Keys(e)) }

// resolveBases expands the build arguments in each stage's base name the
// way BuildKit does: the global ARGs' defaults, overridden by buildArgs. A
// base that still depends on an argument without a value is chosen at
// build time, "".
func resolveBases(stages []instructions.Stage, metaArgs []instructions.ArgCommand, escape rune, buildArgs map[string]string) []string {
	lex := shell.NewLex(escape)
	env := argEnv{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if v, ok := buildArgs[kv.Key]; ok {
				env[kv.Key] = v
			} else if kv.Value != nil {
				if v, _, err := lex.ProcessWord(*kv.Value, env); err == nil {
					env[kv.Key] = v
				}
			}
		}
	}
	bases := make([]string, len(stages))
	for i, st := range stages {
		if !strings.Contains(st.BaseName, "$") {
			bases[i] = st.BaseName
			continue
		}
		r, err := lex.ProcessWordWithMatches(st.BaseName, env)
		if err == nil && len(r.Unmatched) == 0 && r.Result != "" {
			bases[i] = r.Result
		}
	}
	return bases
}

func (l *linter) report(id string, at located, format string, args ...any) {
	line := 0
	if at != nil {
		if loc := at.Location(); len(loc) > 0 {
			line = loc[0].Start.Line
		}
	}
	r := RuleByID(id)
	l.findings = append(l.findings, Finding{Rule: id, Severity: r.Severity, File: l.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// located is anything with a place in the file: a command, or a stage's
// FROM.
type located interface{ Location() []parser.Range }

// stageFrom is the FROM line of a stage.
type stageFrom struct{ st instructions.Stage }

func (s stageFrom) Location() []parser.Range { return s.st.Location }

func (l *linter) check(stages []instructions.Stage) {
	if len(stages) == 0 {
		return
	}
	names := map[string]bool{}
	for _, st := range stages {
		if st.Name != "" {
			names[strings.ToLower(st.Name)] = true
		}
	}
	final := stages[len(stages)-1]
	finalBase := l.bases[len(stages)-1]
	if len(stages) == 1 {
		l.report("DH001", stageFrom{final}, "single stage: the toolchain and the source ship in the image")
	}
	staticFinal := staticRuntime.MatchString(finalBase)
	for i, st := range stages {
		l.checkBase(st, l.bases[i], names)
		l.checkCommands(st, staticFinal)
	}
	l.checkFinal(final, finalBase, names)
	l.checkRuntimeRoot(stages, final)
}

func (l *linter) checkBase(st instructions.Stage, base string, stageNames map[string]bool) {
	if base == "" {
		l.report("DH025", stageFrom{st}, "the base image %s is chosen at build time by a build argument without a value: its pinning cannot be checked; pass --build-arg NAME=VALUE to check it with a value", st.BaseName)
		return
	}
	if base == "scratch" || stageNames[strings.ToLower(base)] {
		return
	}
	ref, err := reference.ParseNormalizedNamed(base)
	if err != nil {
		return
	}
	l.checkEndOfLife(st, base)
	tagged, hasTag := ref.(reference.Tagged)
	_, digested := ref.(reference.Digested)
	switch {
	case digested:
	case !hasTag:
		l.report("DH002", stageFrom{st}, "%s has no tag: it means latest, a different image tomorrow; pin a version tag or a digest", base)
	case tagged.Tag() == "latest" || catalog.UnversionedTags[tagged.Tag()]:
		l.report("DH002", stageFrom{st}, "%s names no version; pin it by digest (%s@sha256:…)", base, base)
	}
}

// checkEndOfLife reports a base past its publisher's end of life (DH022)
// or within EOLSoon of it (DH023); base is the stage's image with build
// arguments expanded.
func (l *linter) checkEndOfLife(st instructions.Stage, base string) {
	e, ok := l.opts.Catalog.EndOfLifeFor(base)
	if !ok {
		return
	}
	switch past, soon := e.Status(l.opts.Today); {
	case past:
		l.report("DH022", stageFrom{st}, "%s is past its end of life (%s) and gets no more fixes; instead use %s", base, e.EOL, e.Instead)
	case soon:
		l.report("DH023", stageFrom{st}, "%s reaches its end of life on %s: plan the move to %s", base, e.EOL, e.Instead)
	}
}

// checkCommands judges every stage's instructions; staticRuntime says
// whether the final image has no C library (cgo must be off).
func (l *linter) checkCommands(st instructions.Stage, staticFinal bool) {
	sourceCopied, downloaded, cgoOff := false, false, false
	// GOTOOLCHAIN usually comes after the package install: look at the
	// whole stage.
	toolchainSet := false
	for _, c := range st.Commands {
		if env, ok := c.(*instructions.EnvCommand); ok {
			for _, kv := range env.Env {
				toolchainSet = toolchainSet || kv.Key == "GOTOOLCHAIN"
			}
		}
	}
	for _, c := range st.Commands {
		if l.interrupted() {
			return
		}
		switch c := c.(type) {
		case *instructions.AddCommand:
			remote := false
			for _, s := range c.SourcePaths {
				remote = remote || strings.Contains(s, "://")
			}
			if !remote {
				l.report("DH017", c, "ADD copies local files and also unpacks archives and fetches URLs; use COPY")
			}
		case *instructions.CopyCommand:
			if c.From == "" && len(c.SourceContents) == 0 {
				for _, s := range c.SourcePaths {
					if s == "." || s == "./" || strings.HasSuffix(s, ".go") {
						sourceCopied = true
					}
				}
			}
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				if SecretName.MatchString(a.Key) {
					l.report("DH018", c, "ARG %s looks like a secret: build arguments are stored in the image history; use RUN --mount=type=secret", a.Key)
				}
			}
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				if SecretName.MatchString(kv.Key) {
					l.report("DH018", c, "ENV %s looks like a secret: it is stored in the image; pass it at run time", kv.Key)
				}
				cgoOff = cgoOff || (kv.Key == "CGO_ENABLED" && kv.Value == "0")
			}
		case *instructions.RunCommand:
			line := strings.Join(c.CmdLine, " ")
			if strings.Contains(line, "apt-get install") && !strings.Contains(line, "--no-install-recommends") {
				l.report("DH019", c, "apt-get install without --no-install-recommends pulls in packages nobody asked for")
			}
			if strings.Contains(line, "apt-get install") && !strings.Contains(line, "/var/lib/apt/lists") {
				l.report("DH020", c, "apt-get lists are not removed in the same RUN: they stay in the layer")
			}
			if strings.Contains(line, "apk add") && !strings.Contains(line, "--no-cache") {
				l.report("DH021", c, "apk add without --no-cache leaves the package index in the layer")
			}
			if l.opts.GoVersion != "" && distroGo.MatchString(line) && !toolchainSet && !strings.Contains(line, "GOTOOLCHAIN=") {
				l.report("DH016", c, "the distribution's Go package may be older than go.mod's Go %s; set ENV GOTOOLCHAIN=go%s", l.opts.GoVersion, catalog.FullGoVersion(l.opts.GoVersion))
			}
			if strings.Contains(line, "go mod download") && !sourceCopied {
				downloaded = true
			}
			if !strings.Contains(line, "go build") {
				continue
			}
			if !strings.Contains(line, "-trimpath") {
				l.report("DH012", c, "go build without -trimpath: the binary records build paths")
			}
			if !ldflagsStrip.MatchString(line) {
				l.report("DH013", c, `go build without -ldflags="-s -w": symbol tables make the binary about a third larger`)
			}
			if staticFinal && !cgoOff && !strings.Contains(line, "CGO_ENABLED=0") {
				l.report("DH014", c, "cgo is left on (CGO_ENABLED is not 0) while the runtime has no C library: the binary may not start")
			}
			if sourceCopied && !downloaded && !strings.Contains(line, "-mod=vendor") {
				l.report("DH015", c, "no dependency step before the source is copied (COPY go.mod go.sum, then go mod download): every source change downloads the modules again")
			}
		}
	}
}

var (
	ldflagsStrip = regexp.MustCompile(`-ldflags[= ]["']?[^"']*-s -w`)
	// distroGo is Go installed from a distribution's packages.
	distroGo = regexp.MustCompile(`(apt-get install|apk add)[^;&|]*\b(golang-go|golang|go)\b`)
)

func (l *linter) checkFinal(st instructions.Stage, base string, stageNames map[string]bool) {
	at := stageFrom{st}
	if toolchainImage.MatchString(base) {
		l.report("DH007", at, "the runtime stage is based on %s, a toolchain image: the compiler ships with the program", base)
	}
	var user *instructions.UserCommand
	var runs []*instructions.RunCommand
	var removal *instructions.RunCommand // the RUN that removes the shell
	for _, c := range st.Commands {
		if l.interrupted() {
			return
		}
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c
		case *instructions.RunCommand:
			runs = append(runs, c)
			line := strings.Join(c.CmdLine, " ")
			if removal != nil {
				l.report("DH010", c, "RUN after the shell was removed: it cannot run, or the shell was not really removed")
			}
			if shellRemoval.MatchString(line) {
				removal = c
			}
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				l.report("DH006", c, "ENTRYPOINT in shell form: a shell runs the program and signals do not reach it; write it as a JSON array")
			}
		case *instructions.CmdCommand:
			if c.PrependShell {
				l.report("DH006", c, "CMD in shell form: a shell runs the program and signals do not reach it; write it as a JSON array")
			}
		}
	}
	switch {
	case user == nil:
		l.report("DH003", at, "the final stage sets no USER: the program runs as root")
	case isRootUser(user.User):
		l.report("DH004", user, "USER %s is root", user.User)
	case !numericUser.MatchString(user.User):
		l.report("DH005", user, "USER %s is a name: Kubernetes runAsNonRoot can only verify a numeric uid; write USER <uid>:<gid>", user.User)
	}
	if base == "" {
		return // chosen at build time: whether it has a shell is unknown
	}
	if shellLess.MatchString(base) {
		for _, r := range runs {
			l.report("DH011", r, "RUN in %s, which has no shell to run it", base)
		}
		return
	}
	if stageNames[strings.ToLower(base)] {
		return // built on another stage of this file: judged there
	}
	// One builder, not +=: a final stage of 100,000 RUN lines must cost
	// linear time.
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(strings.Join(r.CmdLine, " "))
		b.WriteByte('\n')
	}
	all := b.String()
	switch {
	case removal == nil:
		l.report("DH008", at, "%s ships a shell and a package manager, and nothing removes them: remove them in the last RUN, or use a shell-less runtime", base)
	case strings.Contains(base, "alpine") && !apkRemoval.MatchString(all):
		l.report("DH008", removal, "the shell is removed but apk (/sbin/apk) stays: the package manager can still install one")
	}
	if !etcReadOnly.MatchString(all) {
		l.report("DH009", at, "system directories stay writable: take write permission away (chmod a-w /etc ...) before removing the shell")
	}
}

func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0"
}
