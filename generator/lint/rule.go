package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Rule is one departure from the hardening bar that lint reports: its
// metadata and its check, in one definition. Code names a rule by its Go
// identifier (RuleSingleStage); the id (DH001) is for people, suppression
// comments and reports.
type Rule struct {
	ID       string
	Severity Severity
	Title    string
	// Why says what goes wrong when the rule is broken.
	Why string
	// Fix says how to meet the rule.
	Fix string
	// Source is where the practice comes from.
	Source string
	// Check judges one file. Its type is the kind of file the rule reads
	// (DockerfileCheck); Lint runs a file's rules by that kind.
	Check Check
}

// Kind is the kind of file a rule judges.
type Kind string

// The kinds of file lint reads.
const (
	KindDockerfile Kind = "Dockerfile"
	KindWorkflow   Kind = "GitHub Actions workflow"
	// KindCompose and KindKubernetes are files KindOf tells apart; the
	// rules that judge them are KindDeploy, one rule for both.
	KindCompose    Kind = "compose file"
	KindKubernetes Kind = "Kubernetes manifest"
	KindDeploy     Kind = "compose file or Kubernetes manifest"
)

// Check is a rule's judgement of one kind of file. Each kind has its own
// check type over its own parsed view (DockerfileCheck over a *Dockerfile);
// a new kind is one more view, one more check type and one entry point that
// calls runChecks.
type Check interface{ Kind() Kind }

// DockerfileCheck judges a Dockerfile's parsed view and reports each
// departure it finds.
type DockerfileCheck func(d *Dockerfile, report Report)

// Kind is KindDockerfile.
func (DockerfileCheck) Kind() Kind { return KindDockerfile }

// Report records one finding of the rule being checked at a line of the
// file. A check can only report its own rule.
type Report func(line int, format string, args ...any)

// Kind is the kind of file the rule judges.
func (r *Rule) Kind() Kind { return r.Check.Kind() }

// Explain is the text of `dockhard lint --explain`: why the rule matters,
// then how to fix it.
func (r *Rule) Explain() string { return r.Why + " " + r.Fix }

// URL is the rule's row in the README, whose id cell carries the anchor.
func (r *Rule) URL() string {
	return "https://github.com/dockhard/dockhard#" + strings.ToLower(r.ID)
}

// registry is every rule in the order the rules check a file. Findings are
// sorted by line and keep this order within a line: a FROM line reads its
// base first, then what the final stage does with it; a RUN line reads its
// packages, then its build, then the shell.
var registry = []*Rule{
	RuleSingleStage,
	RuleBaseChosenAtBuildTime,
	RuleEndOfLife,
	RuleNearEndOfLife,
	RuleUnpinnedBase,
	RuleToolchainRuntime,
	RuleSourceInFinal,
	RuleNoUser,
	RuleRootUser,
	RuleNamedUser,
	RuleRuntimeUserOwnsFiles,
	RuleShellFormEntrypoint,
	RuleShellFormHealthcheck,
	RuleAddInsteadOfCopy,
	RuleSecretInArgOrEnv,
	RuleCredentialsInDockerfile,
	RuleCredentialFileCopied,
	RuleModuleChecksOff,
	RuleAptRecommends,
	RuleAptLists,
	RuleApkCache,
	RuleDistroGo,
	RuleNoTrimpath,
	RuleNoStrip,
	RuleCgoOnStatic,
	RuleNoDependencyCache,
	RuleCrossBuildForBuildPlatform,
	RuleRunAfterShellRemoval,
	RuleRunInShellLess,
	RuleShellKept,
	RuleWritableSystemDirs,
	RulePackageDatabaseRemoved,
	RuleUnpinnedAction,
	RuleWriteAllPermissions,
	RuleSecretBuildArg,
	RuleRunsAsRoot,
	RuleWritableRootFilesystem,
	RuleAddedCapabilities,
	RulePrivileged,
	RulePrivilegeEscalation,
}

// Rules is every rule, in id order: what --explain, SARIF and the README
// list.
var Rules = slices.SortedFunc(slices.Values(registry), func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })

// RuleByID finds a rule by its id (DH005); an id that names no rule is an
// error that lists the ids there are.
func RuleByID(id string) (*Rule, error) {
	for _, r := range Rules {
		if r.ID == id {
			return r, nil
		}
	}
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return nil, fmt.Errorf("no such rule; rules are %s", strings.Join(ids, ", "))
}

// runChecks runs every rule whose check is a C over view, the parsed view
// of the file called file, and returns the findings in registry order.
func runChecks[C ~func(V, Report), V any](file string, view V, stop func() error) ([]Finding, error) {
	var findings []Finding
	for _, r := range registry {
		check, ok := r.Check.(C)
		if !ok {
			continue
		}
		check(view, func(line int, format string, args ...any) {
			findings = append(findings, Finding{Rule: r.ID, Severity: r.Severity, File: file, Line: line, Message: fmt.Sprintf(format, args...)})
		})
		if err := stop(); err != nil {
			return nil, err
		}
	}
	return findings, nil
}

// line is where a parsed instruction starts.
func line(c interface{ Location() []parser.Range }) int {
	if loc := c.Location(); len(loc) > 0 {
		return loc[0].Start.Line
	}
	return 0
}
