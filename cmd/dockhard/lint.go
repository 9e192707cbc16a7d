package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/lint"
	"github.com/dockhard/dockhard/generator/safefile"
)

func newLintCmd(streams ioStreams) *cobra.Command {
	var (
		format, failOn, explain, gomod string
		buildArgs                      []string
	)
	cmd := &cobra.Command{
		Use:   "lint [FILE...]",
		Short: "Judge any Dockerfile, GitHub Actions workflow, compose file or Kubernetes manifest against the hardening bar",
		Long: `lint parses each Dockerfile (default ./Dockerfile; - for standard input) with
BuildKit's own parser and reports, with file:line and a rule id, every
departure from dockhard's hardening bar, plus BuildKit's own checks (the
docker build --check rules, run offline, ids BK:<rule>).

A .yml or .yaml file with jobs: is a GitHub Actions workflow, parsed by
actionlint's parser and judged for the CI mistakes that undo a hardened
image: actions not pinned by commit (DH030), permissions: write-all
(DH031), secrets passed to the image build as build arguments (DH032).

A .yml or .yaml file with services: is a compose file (loaded by the
Compose Specification's loader), one with apiVersion: and kind: a
Kubernetes manifest (decoded strictly into the k8s.io/api types); each
service or container must not run as root (DH033), must have a read-only
root filesystem (DH034), add no capability (DH035), not be privileged
(DH036) and not allow privilege escalation (DH037).

A comment "# dockhard:ignore DH005 <reason>" on the line before an
instruction (in a workflow, the comment lines just above the finding's
line) suppresses that rule there; suppressed findings are shown as such in
JSON and SARIF and never fail the run.

Exit codes: 0 clean (nothing at or above --fail-on); 1 findings at or above
--fail-on; 2 bad flags or a file that does not parse.`,
		Example: `  dockhard lint
  dockhard lint --format sarif Dockerfile > dockhard.sarif
  dockhard lint .github/workflows/*.yml
  dockhard lint compose.yaml deploy/*.yaml
  dockhard lint --explain DH005
  cat Dockerfile | dockhard lint -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// compose-go warns through logrus on standard error (an
			// obsolete version:, a yes for a boolean); lint's output is
			// its findings only.
			logrus.SetOutput(io.Discard)
			if explain != "" {
				return printExplain(streams.Out, explain)
			}
			threshold, err := lint.ParseSeverity(failOn)
			if err != nil {
				return err
			}
			if format != "text" && format != "json" && format != "sarif" {
				return &usageError{fmt.Errorf("--format %q: use text, json or sarif", format)}
			}
			values := map[string]string{}
			for _, kv := range buildArgs {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return &usageError{fmt.Errorf("--build-arg %q: write NAME=VALUE, like BASE_IMAGE=alpine:3.24.1", kv)}
				}
				values[k] = v
			}
			if len(args) == 0 {
				args = []string{"Dockerfile"}
			}
			var all []lint.Finding
			var modules []string
			for _, name := range args {
				data, err := readInput(streams.In, name)
				if err != nil {
					return err
				}
				if lint.KindOf(name, data) != lint.KindDockerfile {
					findings, err := lint.LintFile(name, data, lint.LintOptions{Context: cmd.Context()})
					if err != nil {
						return err
					}
					all = append(all, findings...)
					continue
				}
				goVersion, module, err := goVersionFor(name, gomod)
				if err != nil {
					return err
				}
				if module != "" {
					modules = append(modules, module)
				}
				lintOpts := lint.LintOptions{GoVersion: goVersion, BuildArgs: values, Context: cmd.Context()}
				findings, err := lint.Lint(name, data, lintOpts)
				if err != nil {
					return err
				}
				bk, err := lint.BuildKitLintWith(name, data, lintOpts)
				if err != nil {
					return err
				}
				all = append(all, findings...)
				all = append(all, bk...)
			}
			switch format {
			case "json":
				if all == nil {
					all = []lint.Finding{}
				}
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(all); err != nil {
					return err
				}
			case "sarif":
				if err := writeSARIF(streams.Out, all); err != nil {
					return err
				}
			default:
				printFindings(streams.Out, all, modules)
			}
			for _, f := range all {
				if !f.Suppressed && f.Severity >= threshold {
					return &silentError{code: exitFailed}
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "text", "text, json or sarif (SARIF 2.1.0, for GitHub code scanning)")
	fs.StringVar(&failOn, "fail-on", "warning", "lowest severity that makes lint exit 1: info, warning or error")
	fs.StringVar(&explain, "explain", "", "print what a rule means and how to fix it, like DH005")
	fs.StringArrayVar(&buildArgs, "build-arg", nil, "NAME=VALUE for a build argument, to judge a base image chosen by one (FROM ${BASE_IMAGE}); repeatable")
	fs.StringVar(&gomod, "gomod", "", "go.mod file whose Go version the builder must match (default: a go.mod beside the Dockerfile)")
	return cmd
}

func readInput(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return safefile.ReadDockerfileFrom("standard input", stdin)
	}
	var data []byte
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yml", ".yaml":
		data, err = safefile.Read(name, safefile.YAML)
	default:
		data, err = safefile.ReadDockerfile(name)
	}
	if inputerr.Is(err) {
		return nil, err
	}
	if err != nil {
		return nil, &usageError{fmt.Errorf("cannot read %s: %w", name, err)}
	}
	return data, nil
}

// goVersionFor finds the Go version the builder must provide: from the
// go.mod named by --gomod (which must exist), or a go.mod beside the
// Dockerfile when there is one; it also returns the module directory for
// the closing generate hint.
func goVersionFor(dockerfile, gomod string) (version, moduleDir string, err error) {
	if gomod != "" {
		v, err := detect.ReadGoVersion(gomod)
		if err != nil {
			return "", "", err
		}
		return v, filepath.Dir(gomod), nil
	}
	if dockerfile == "-" {
		return "", "", nil
	}
	dir := filepath.Dir(dockerfile)
	v, err := detect.ReadGoVersion(filepath.Join(dir, "go.mod"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", "", nil
	case err != nil:
		return "", "", err
	}
	return v, dir, nil
}

func printFindings(w io.Writer, all []lint.Finding, modules []string) {
	counts := map[string]int{}
	for _, f := range all {
		state := ""
		if f.Suppressed {
			state = " (suppressed: " + f.Reason + ")"
		} else {
			counts[f.Severity.String()]++
		}
		fmt.Fprintf(w, "%s:%d: %s %s: %s%s\n", f.File, f.Line, f.Severity, f.Rule, f.Message, state)
	}
	if len(all) == 0 {
		fmt.Fprintln(w, "no findings")
		return
	}
	fmt.Fprintf(w, "%d error(s), %d warning(s), %d info; `dockhard lint --explain RULE` says why and how to fix\n", counts["error"], counts["warning"], counts["info"])
	for _, m := range modules {
		fmt.Fprintf(w, "a Dockerfile that passes: dockhard generate %s --force\n", m)
	}
}

func printExplain(w io.Writer, id string) error {
	r, err := lint.RuleByID(strings.ToUpper(id))
	if err != nil {
		return &usageError{fmt.Errorf("--explain %q: %v (BK: rules are BuildKit's, see docs.docker.com/reference/build-checks)", id, err)}
	}
	fmt.Fprintf(w, "%s (%s): %s\n\n%s\n\nSource: %s\nMore: %s\n", r.ID, r.Severity, r.Title, r.Explain(), r.Source, r.URL())
	return nil
}

// SARIF 2.1.0, the subset GitHub code scanning reads.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	HelpURI              string            `json:"helpUri,omitempty"`
	DefaultConfiguration map[string]string `json:"defaultConfiguration"`
	Properties           map[string]any    `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

func sarifLevel(s lint.Severity) string {
	return map[lint.Severity]string{lint.SeverityError: "error", lint.SeverityWarning: "warning", lint.SeverityInfo: "note"}[s]
}

func writeSARIF(w io.Writer, all []lint.Finding) error {
	driver := sarifDriver{Name: "dockhard", InformationURI: "https://github.com/dockhard/dockhard", Version: version}
	for _, r := range lint.Rules {
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: r.Title,
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Explain()},
			Help:                 sarifText{r.Explain() + " Source: " + r.Source},
			HelpURI:              r.URL(),
			DefaultConfiguration: map[string]string{"level": sarifLevel(r.Severity)},
		})
	}
	results := []sarifResult{}
	bkRules := map[string]bool{}
	for _, f := range all {
		res := sarifResult{RuleID: f.Rule, Level: sarifLevel(f.Severity), Message: sarifText{f.Message}}
		var loc sarifLocation
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(f.File)
		loc.PhysicalLocation.Region.StartLine = max(f.Line, 1)
		res.Locations = []sarifLocation{loc}
		if f.Suppressed {
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Reason}}
		}
		results = append(results, res)
		if strings.HasPrefix(f.Rule, "BK:") {
			bkRules[f.Rule] = true
		}
	}
	var bk []string
	for id := range bkRules {
		bk = append(bk, id)
	}
	sort.Strings(bk)
	for _, id := range bk {
		name := strings.TrimPrefix(id, "BK:")
		driver.Rules = append(driver.Rules, sarifRule{ID: id, Name: name, ShortDescription: sarifText{"BuildKit check " + name},
			FullDescription: sarifText{"BuildKit's own check " + name + ": https://docs.docker.com/reference/build-checks/"},
			Help:            sarifText{"See https://docs.docker.com/reference/build-checks/"}, DefaultConfiguration: map[string]string{"level": "warning"}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}}})
}
