package workflow

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"sync"
	"text/template"

	"github.com/dockhard/dockhard/templates"
)

// Path is where the workflow goes, relative to the repository root.
const Path = ".github/workflows/dockhard.yml"

// DockhardPackage is what the workflow installs with go install; a module
// that requires it as a tool (go get -tool) installs its own version.
const DockhardPackage = "github.com/dockhard/dockhard/cmd/dockhard"

// view is the template's data: Input's validated values and what follows
// from them, decided here rather than in the template.
type view struct {
	Header        string
	ModuleDir     string
	GoMod         string // ModuleDir's go.mod, relative to the repository root
	Dockerfile    string
	Context       string
	CheckContext  string
	CheckOutput   string
	Catalog       string
	GoVersion     string
	Install       string // go install's argument
	FromGoMod     bool   // install from the module's own requirement (run in ModuleDir)
	DefaultBranch string
	Matrix        []string // the targets when there are several
	Target        string   // --target of the build: a stage, a matrix expression, or none
	ImageName     string   // the image's name, with the matrix expression when there is one
	TrivyVersion  string
}

func newView(in Input) view {
	v := view{
		Header:        in.Header,
		ModuleDir:     in.ModuleDir,
		GoMod:         path.Join(in.ModuleDir, "go.mod"),
		Dockerfile:    in.Dockerfile,
		Context:       in.Context,
		CheckContext:  in.CheckContext,
		CheckOutput:   in.CheckOutput,
		Catalog:       in.Catalog,
		GoVersion:     in.GoVersion,
		Install:       DockhardPackage,
		FromGoMod:     in.DockhardVersion == "",
		DefaultBranch: in.DefaultBranch,
		ImageName:     in.Image,
		TrivyVersion:  trivyVersion,
	}
	if in.DockhardVersion != "" {
		v.Install += "@" + in.DockhardVersion
	}
	switch len(in.Targets) {
	case 0:
	case 1:
		v.Target = in.Targets[0]
	default:
		v.Matrix = in.Targets
		v.Target = expr("matrix.target")
		v.ImageName = in.Image + "-" + expr("matrix.target")
	}
	return v
}

// expr writes a GitHub Actions expression. Only the template's own
// constants go through it, never an Input value.
func expr(e string) string { return "${{ " + e + " }}" }

// quote writes a validated value as a double-quoted YAML scalar, so that a
// name like "null", "true" or "1.20" stays a string. Validation already
// keeps quotes and backslashes out; quote refuses them again rather than
// trust that.
func quote(s string) (string, error) {
	if strings.ContainsAny(s, "\"\\\n\r") {
		return "", fmt.Errorf("workflow: %q reached the template unvalidated", s)
	}
	return `"` + s + `"`, nil
}

// uses writes a step's action pinned to its commit, its release in a
// comment: "actions/checkout@3d3c… # v7.0.1".
func uses(name string) (string, error) {
	p, ok := pins[name]
	if !ok {
		return "", fmt.Errorf("workflow: the template names action %q, which has no pin", name)
	}
	return p.Action + "@" + p.Commit + " # " + p.Version, nil
}

var parsed = sync.OnceValues(func() (*template.Template, error) {
	funcs := template.FuncMap{"expr": expr, "q": quote, "uses": uses}
	return template.New("workflow-github.yml.tmpl").Option("missingkey=error").Funcs(funcs).
		ParseFS(templates.FS, "workflow-github.yml.tmpl")
})

// Render returns the GitHub Actions workflow for in, or an *InputError
// naming the first value it refuses.
func Render(in Input) ([]byte, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	t, err := parsed()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, newView(in)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
