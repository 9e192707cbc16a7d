package lint

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Dockerfile is the parsed view of one Dockerfile that every Dockerfile
// rule reads. It is built once per file, so that each rule is one short
// walk over what it needs.
type Dockerfile struct {
	// GlobalArgs are the ARGs before the first FROM.
	GlobalArgs []instructions.ArgCommand
	// Stages are the build stages in file order.
	Stages []*Stage
	// Final is the last stage: the image that ships. Nil only for a file
	// without a stage, which no rule judges.
	Final *Stage
	// ShippedRoots are the earlier stages that the final stage copies whole
	// (COPY --from=<stage> / /), each once, in the order of those copies:
	// they ship like the final stage itself.
	ShippedRoots []*Stage
	// GoVersion is go.mod's Go when it is known, else "".
	GoVersion string
	// Catalog and Today judge end of life.
	Catalog *catalog.Catalog
	Today   time.Time

	stageNames map[string]bool // lower-case names of the stages
	ast        *parser.Node    // for the suppression comments
}

// Stage is one build stage and what the rules read from it.
type Stage struct {
	instructions.Stage
	// Line is the line of the stage's FROM.
	Line int
	// Base is the base image with build arguments expanded the way BuildKit
	// expands them; "" for a base chosen at build time (an argument without
	// a value).
	Base string
	// Image is Base as an image reference; nil for scratch, another stage,
	// a base chosen at build time or one that does not parse.
	Image reference.Named
	// User is the stage's last USER, nil without one.
	User *instructions.UserCommand
	// Runs are the stage's RUN instructions in order.
	Runs []Run
	// RunText is every RUN's command line, one per line, for rules that
	// look at what a stage does as a whole.
	RunText string
}

// Run is one RUN instruction with its command as one line of text.
type Run struct {
	*instructions.RunCommand
	Text string
}

// runText is a RUN's command as one line, as the rules match it.
func runText(c *instructions.RunCommand) string { return strings.Join(c.CmdLine, " ") }

// IsStage reports whether name is a stage of this Dockerfile (a base such
// as FROM builder).
func (d *Dockerfile) IsStage(name string) bool { return d.stageNames[strings.ToLower(name)] }

// newDockerfile builds the view of a parsed file: its syntax tree, its
// stages, the ARGs before the first FROM and its escape character.
func newDockerfile(ast *parser.Node, stages []instructions.Stage, metaArgs []instructions.ArgCommand, escape rune, opts LintOptions) *Dockerfile {
	d := &Dockerfile{GlobalArgs: metaArgs, GoVersion: opts.GoVersion, Catalog: opts.Catalog, Today: opts.Today, stageNames: map[string]bool{}, ast: ast}
	for _, st := range stages {
		if st.Name != "" {
			d.stageNames[strings.ToLower(st.Name)] = true
		}
	}
	bases := resolveBases(stages, metaArgs, escape, opts.BuildArgs)
	for i, st := range stages {
		s := &Stage{Stage: st, Base: bases[i]}
		if len(st.Location) > 0 {
			s.Line = st.Location[0].Start.Line
		}
		if s.Base != "" && s.Base != "scratch" && !d.IsStage(s.Base) {
			if ref, err := reference.ParseNormalizedNamed(s.Base); err == nil {
				s.Image = ref
			}
		}
		// One builder, not +=: a stage of 100,000 RUN lines must cost
		// linear time.
		var text strings.Builder
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.UserCommand:
				s.User = c
			case *instructions.RunCommand:
				r := Run{RunCommand: c, Text: runText(c)}
				s.Runs = append(s.Runs, r)
				text.WriteString(r.Text)
				text.WriteByte('\n')
			}
		}
		s.RunText = text.String()
		d.Stages = append(d.Stages, s)
	}
	if len(d.Stages) == 0 {
		return d
	}
	d.setFinal(d.Stages[len(d.Stages)-1])
	return d
}

// setFinal makes st the stage that ships, and finds the stages it copies
// whole.
func (d *Dockerfile) setFinal(st *Stage) {
	d.Final, d.ShippedRoots = st, nil
	for _, c := range d.Final.Commands {
		cp, ok := c.(*instructions.CopyCommand)
		if !ok || cp.From == "" || len(cp.SourcePaths) != 1 || strings.TrimRight(cp.SourcePaths[0], "/.") != "" {
			continue
		}
		for _, st := range d.Stages {
			if st != d.Final && strings.EqualFold(st.Name, cp.From) && !slices.Contains(d.ShippedRoots, st) {
				d.ShippedRoots = append(d.ShippedRoots, st)
			}
		}
	}
}

// Targets are the views of the file for each image it ships (what docker
// build --target picks): the last stage, and every other stage that no
// stage builds on, copies from or mounts and that copies files from
// another stage, as a runtime stage receives a binary. A file of one such
// stage is its own single view. A file of several (dockhard writes one
// final stage per binary) gets one view per target, holding that stage as
// Final and only the stages it is built from, so that every image is
// judged on its own. A stage that ships nothing (an unused stage, a test
// stage built on the builder) is no target.
func (d *Dockerfile) Targets() []*Dockerfile {
	deps := make([][]int, len(d.Stages))
	used := make([]bool, len(d.Stages))
	receives := make([]bool, len(d.Stages))
	for i, st := range d.Stages {
		for _, c := range st.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				receives[i] = true
			}
		}
		for _, name := range stageRefs(st) {
			for j := range i {
				if strings.EqualFold(d.Stages[j].Name, name) || name == strconv.Itoa(j) {
					deps[i] = append(deps[i], j)
					used[j] = true
				}
			}
		}
	}
	var targets []int
	for i := range d.Stages {
		if i == len(d.Stages)-1 || (!used[i] && receives[i]) {
			targets = append(targets, i)
		}
	}
	if len(targets) <= 1 {
		return []*Dockerfile{d}
	}
	var views []*Dockerfile
	for _, t := range targets {
		in := make([]bool, len(d.Stages))
		var visit func(int)
		visit = func(i int) {
			if !in[i] {
				in[i] = true
				for _, j := range deps[i] {
					visit(j)
				}
			}
		}
		visit(t)
		v := *d
		v.Stages = nil
		for i, st := range d.Stages {
			if in[i] {
				v.Stages = append(v.Stages, st)
			}
		}
		v.setFinal(d.Stages[t])
		views = append(views, &v)
	}
	return views
}

// stageRefs are the names (or indexes) of the earlier stages a stage is
// built from: its base, COPY --from and RUN --mount from=.
func stageRefs(st *Stage) []string {
	refs := []string{st.BaseName}
	for _, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if c.From != "" {
				refs = append(refs, c.From)
			}
		case *instructions.RunCommand:
			// The mounts are parsed when the command is expanded; the
			// names as written are what matters here.
			if c.Expand(func(w string) (string, error) { return w, nil }) != nil {
				continue
			}
			for _, m := range instructions.GetMounts(c) {
				if m.From != "" {
					refs = append(refs, m.From)
				}
			}
		}
	}
	return refs
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
