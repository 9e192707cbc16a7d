// Package lint judges Dockerfiles against dockhard's hardening bar. It owns
// the rule registry: each rule is one definition (id, severity, title, why,
// fix, source and its check) over a parsed view of the file, named in code
// by its Go identifier. It also runs BuildKit's own checks offline.
package lint

import (
	"bytes"
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	yaml "go.yaml.in/yaml/v4"
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

// ignoreComment is a suppression: "# dockhard:ignore DH005 <reason>" on
// the lines before an instruction.
var ignoreComment = regexp.MustCompile(`^dockhard:ignore\s+(DH\d{3})\b\s*(.*)$`)

// Lint judges a Dockerfile against the hardening bar: every Dockerfile rule
// of the registry, over one parsed view. A file that does not parse is an
// input error.
func Lint(name string, data []byte, opts LintOptions) ([]Finding, error) {
	d, err := ParseDockerfile(name, data, opts)
	if err != nil {
		return nil, err
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	var findings []Finding
	if d.Final != nil {
		// Each image the file can ship is judged on its own; a finding
		// about a stage two images share is reported once.
		seen := map[Finding]bool{}
		for _, view := range d.Targets() {
			found, err := runChecks[DockerfileCheck](name, view, ctx.Err)
			if err != nil {
				return nil, err
			}
			for _, f := range found {
				if !seen[f] {
					seen[f] = true
					findings = append(findings, f)
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	suppress(findings, d.ast)
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Line < findings[j].Line })
	return findings, nil
}

// LintFile judges a file of any kind lint reads (KindOf): a Dockerfile
// with Lint, a GitHub Actions workflow with LintWorkflow, a compose file
// with LintCompose, a Kubernetes manifest with LintKubernetes. YAML of
// another kind is an input error.
func LintFile(name string, data []byte, opts LintOptions) ([]Finding, error) {
	switch KindOf(name, data) {
	case KindDockerfile:
		return Lint(name, data, opts)
	case KindWorkflow:
		return LintWorkflow(name, data, opts)
	case KindCompose:
		return LintCompose(name, data, opts)
	case KindKubernetes:
		return LintKubernetes(name, data, opts)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, inputerr.Errorf("%s does not parse as YAML: %v", name, err)
	}
	return nil, inputerr.Errorf("%s: lint reads Dockerfiles, GitHub Actions workflows, compose files and Kubernetes manifests, and this YAML file has no top-level jobs: (a workflow), services: (a compose file) or apiVersion: and kind: (a Kubernetes object)", name)
}

// ParseDockerfile parses a Dockerfile with BuildKit's parser and
// instruction model into the view the rules read. A file that does not
// parse is an input error.
func ParseDockerfile(name string, data []byte, opts LintOptions) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	if opts.Catalog == nil {
		opts.Catalog = catalog.BuiltIn()
	}
	if opts.Today.IsZero() {
		opts.Today = time.Now().UTC()
	}
	return newDockerfile(res.AST, stages, metaArgs, res.EscapeToken, opts), nil
}

// suppress marks the findings that a dockhard:ignore comment on the lines
// before their instruction names. An id that names no rule suppresses
// nothing.
func suppress(findings []Finding, ast *parser.Node) {
	reasons := map[int]map[string]string{} // line, rule id: reason
	for _, n := range ast.Children {
		for _, c := range n.PrevComment {
			m := ignoreComment.FindStringSubmatch(strings.TrimSpace(c))
			if m == nil {
				continue
			}
			r, err := RuleByID(m[1])
			if err != nil {
				continue
			}
			if reasons[n.StartLine] == nil {
				reasons[n.StartLine] = map[string]string{}
			}
			reasons[n.StartLine][r.ID] = m[2]
		}
	}
	for i, f := range findings {
		if reason, ok := reasons[f.Line][f.Rule]; ok {
			findings[i].Suppressed, findings[i].Reason = true, reason
		}
	}
}
