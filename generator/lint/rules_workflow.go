package lint

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
	yaml "go.yaml.in/yaml/v4"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/workflow"
)

// The rules for GitHub Actions workflows: the CI mistakes that undo a
// hardened image. What each finds is generator/workflow's check (one
// function each, which dockhard's own generated workflow passes); here each
// gets its id, severity and explanation.

// WorkflowCheck judges a GitHub Actions workflow as actionlint parses it.
type WorkflowCheck func(wf *actionlint.Workflow, report Report)

// Kind is KindWorkflow.
func (WorkflowCheck) Kind() Kind { return KindWorkflow }

// reportProblems makes a rule's check of one of generator/workflow's
// checks.
func reportProblems(check func(*actionlint.Workflow) []workflow.Problem) WorkflowCheck {
	return func(wf *actionlint.Workflow, report Report) {
		for _, p := range check(wf) {
			line := 1
			if p.Pos != nil {
				line = p.Pos.Line
			}
			report(line, "%s", p.Message)
		}
	}
}

// RuleUnpinnedAction: an action, reusable workflow or docker:// image named
// by a tag or branch.
var RuleUnpinnedAction = &Rule{
	ID:       "DH030",
	Severity: SeverityError,
	Title:    "action not pinned by commit",
	Why:      "A tag or branch can be moved to other code: in March 2026 every tag of aquasecurity/trivy-action but one was force-pushed to a credential stealer, and only workflows pinned by commit kept running what they had reviewed. The job that builds and publishes the image runs whatever the tag names today.",
	Fix:      "Name the full 40-hex commit SHA of the release, with the release in a comment (uses: actions/checkout@<sha> # v7.0.1); a docker:// image by digest. dockhard generate --ci github writes such a workflow.",
	Source:   "GitHub's security hardening guide for Actions (pin to a full-length commit SHA); OpenSSF Scorecard Pinned-Dependencies",
	Check:    reportProblems(workflow.UnpinnedActions),
}

// RuleWriteAllPermissions: permissions: write-all for the workflow or a
// job.
var RuleWriteAllPermissions = &Rule{
	ID:       "DH031",
	Severity: SeverityError,
	Title:    "permissions: write-all",
	Why:      "The job's token can then push code, replace releases and packages and rewrite the workflows: any compromised step (an action, a build script, a dependency's test) can replace the published image or the code it is built from.",
	Fix:      "Put permissions: {} at the top and give each job only what it needs: contents: read, plus packages: write to push an image and security-events: write to upload SARIF.",
	Source:   "GitHub's security hardening guide for Actions (GITHUB_TOKEN least privilege); OpenSSF Scorecard Token-Permissions",
	Check:    reportProblems(workflow.WriteAllPermissions),
}

// RuleSecretBuildArg: a secret passed to an image build as a build
// argument.
var RuleSecretBuildArg = &Rule{
	ID:       "DH032",
	Severity: SeverityError,
	Title:    "secret passed as a build argument",
	Why:      "Build arguments are recorded in the image's history and in its provenance attestation: whoever pulls the image reads the secret (DH018 for the Dockerfile's own ARG and ENV).",
	Fix:      "Pass it as a build secret (build-push-action's secrets input, docker build --secret id=NAME,env=NAME) and read it in the Dockerfile with RUN --mount=type=secret,id=NAME.",
	Source:   "Docker build secrets documentation; CIS Docker Benchmark 4.10",
	Check:    reportProblems(workflow.SecretsInBuildArgs),
}

// KindOf is the kind of file lint reads name as: a YAML file (.yml, .yaml)
// by what it holds (a workflow has jobs, a compose file services, a
// Kubernetes manifest apiVersion and kind in its first document), anything
// else a Dockerfile. "" is YAML lint has no rules for.
func KindOf(name string, data []byte) Kind {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yml", ".yaml":
	default:
		return KindDockerfile
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return ""
	}
	keys := map[string]bool{}
	top := doc.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		keys[top[i].Value] = true
	}
	switch {
	case keys["jobs"]:
		return KindWorkflow
	case keys["services"]:
		return KindCompose
	case keys["apiVersion"] && keys["kind"]:
		return KindKubernetes
	}
	return ""
}

// LintWorkflow judges a GitHub Actions workflow: every workflow rule of the
// registry over actionlint's parse of it. A file actionlint cannot parse
// is an input error. A comment "# dockhard:ignore DH030 <reason>" on the
// lines just before a finding's line suppresses it.
func LintWorkflow(name string, data []byte, opts LintOptions) ([]Finding, error) {
	wf, errs := actionlint.Parse(data)
	if len(errs) > 0 {
		e := errs[0]
		return nil, inputerr.Errorf("%s:%d:%d: %s (a GitHub Actions workflow as actionlint parses it)", name, e.Line, e.Column, e.Message)
	}
	if wf == nil {
		return nil, inputerr.Errorf("%s: not a GitHub Actions workflow", name)
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	findings, err := runChecks[WorkflowCheck](name, wf, ctx.Err)
	if err != nil {
		return nil, err
	}
	suppressByComments(findings, data)
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Line < findings[j].Line })
	return findings, nil
}

// suppressByComments marks the findings that a dockhard:ignore comment on
// the comment lines just above their line names.
func suppressByComments(findings []Finding, data []byte) {
	lines := bytes.Split(data, []byte("\n"))
	for i, f := range findings {
		for l := f.Line - 1; l >= 1 && l <= len(lines); l-- {
			text, ok := strings.CutPrefix(strings.TrimSpace(string(lines[l-1])), "#")
			if !ok {
				break
			}
			m := ignoreComment.FindStringSubmatch(strings.TrimSpace(text))
			if m != nil && m[1] == f.Rule {
				findings[i].Suppressed, findings[i].Reason = true, m[2]
				break
			}
		}
	}
}
