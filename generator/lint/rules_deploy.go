package lint

import (
	"context"
	"sort"

	"github.com/dockhard/dockhard/generator/deploy"
	"github.com/dockhard/dockhard/generator/inputerr"
)

// The rules for the settings an image runs with: compose files and
// Kubernetes manifests that undo a hardened image by running it as root,
// writable, with capabilities or privileges. What each finds is
// generator/deploy's check (CheckCompose, CheckKubernetes: one judgement
// of every service or container, which the files generate --compose and
// --k8s write pass); here each kind of problem gets its id, severity and
// explanation. One rule judges both kinds of file.

// DeployCheck judges the problems generator/deploy found in a compose file
// or a Kubernetes manifest.
type DeployCheck func(problems []deploy.Problem, report Report)

// Kind is KindDeploy.
func (DeployCheck) Kind() Kind { return KindDeploy }

// reportDeployProblems makes the check of a rule that reports the problems
// of one kind.
func reportDeployProblems(kind deploy.ProblemKind) DeployCheck {
	return func(problems []deploy.Problem, report Report) {
		for _, p := range problems {
			if p.Kind != kind {
				continue
			}
			line := p.Line
			if line == 0 {
				line = 1 // a service from an included file
			}
			report(line, "%s: %s; %s", p.Where, p.Message, p.Fix)
		}
	}
}

// podSecurity is the Kubernetes standard every rule here follows.
const podSecurity = "Kubernetes Pod Security Standards, restricted profile"

// RuleRunsAsRoot: a service or container that runs as root, or that
// nothing keeps from it.
var RuleRunsAsRoot = &Rule{
	ID:       "DH033",
	Severity: SeverityError,
	Title:    "container may run as root",
	Why:      "Without a user (compose user:, Kubernetes runAsNonRoot or runAsUser) the container runs as the image's USER, root unless the image sets another, and uid 0 is root outright: a compromised program then owns the container, and any escape owns the host.",
	Fix:      `Set the image's numeric non-root user: user: "65532:65532" in compose; runAsNonRoot: true with runAsUser and runAsGroup in the pod's securityContext. dockhard generate --compose and --k8s write them.`,
	Source:   podSecurity + " (running as non-root); CIS Docker Benchmark 4.1 (a user for the container)",
	Check:    reportDeployProblems(deploy.ProblemRoot),
}

// RuleWritableRootFilesystem: the root filesystem is writable.
var RuleWritableRootFilesystem = &Rule{
	ID:       "DH034",
	Severity: SeverityError,
	Title:    "writable root filesystem",
	Why:      "A compromised program can replace its own binary, plant files and change /etc: the image no longer says what runs.",
	Fix:      "Set read_only: true (compose) or readOnlyRootFilesystem: true (Kubernetes), with a tmpfs or an emptyDir at /tmp when the program writes temporary files.",
	Source:   "CIS Docker Benchmark (mount the container's root filesystem read-only); NSA/CISA Kubernetes Hardening Guide (immutable container file systems)",
	Check:    reportDeployProblems(deploy.ProblemWritableRoot),
}

// RuleAddedCapabilities: capabilities added beyond NET_BIND_SERVICE.
var RuleAddedCapabilities = &Rule{
	ID:       "DH035",
	Severity: SeverityError,
	Title:    "capabilities added",
	Why:      "Each capability is a piece of root (NET_ADMIN reconfigures the network, SYS_ADMIN is nearly all of it); the restricted standard allows adding only NET_BIND_SERVICE.",
	Fix:      "Remove cap_add (compose) or capabilities.add (Kubernetes) and drop them all: cap_drop: [ALL], capabilities: {drop: [ALL]}. To bind a port below 1024 without one, Kubernetes can lower net.ipv4.ip_unprivileged_port_start.",
	Source:   podSecurity + " (capabilities); CIS Docker Benchmark (restrict Linux kernel capabilities)",
	Check:    reportDeployProblems(deploy.ProblemCapabilities),
}

// RulePrivileged: a privileged container.
var RulePrivileged = &Rule{
	ID:       "DH036",
	Severity: SeverityError,
	Title:    "privileged container",
	Why:      "privileged: true gives the container every capability and every device of the host, and turns off its isolation: root in it is root on the host.",
	Fix:      "Remove privileged: true; grant the one device or capability the program needs, if any.",
	Source:   "Kubernetes Pod Security Standards, baseline profile (privileged containers); CIS Docker Benchmark (do not use privileged containers)",
	Check:    reportDeployProblems(deploy.ProblemPrivileged),
}

// RulePrivilegeEscalation: nothing stops a setuid program from gaining
// privileges.
var RulePrivilegeEscalation = &Rule{
	ID:       "DH037",
	Severity: SeverityError,
	Title:    "privilege escalation allowed",
	Why:      "Without the kernel's no_new_privs a setuid or file-capability program in the image can gain privileges the container's user does not have; Kubernetes allows escalation unless told otherwise.",
	Fix:      `Add security_opt: ["no-new-privileges:true"] (compose) or allowPrivilegeEscalation: false in the container's securityContext (Kubernetes).`,
	Source:   podSecurity + " (privilege escalation); CIS Docker Benchmark (restrict the container from acquiring additional privileges)",
	Check:    reportDeployProblems(deploy.ProblemPrivilegeEscalation),
}

// LintCompose judges a compose file, loaded and validated by the Compose
// Specification's loader (a file it refuses is an input error), by every
// deploy rule. A "# dockhard:ignore DH033 <reason>" comment on the lines
// just above a service's key suppresses that rule for it.
func LintCompose(name string, data []byte, opts LintOptions) ([]Finding, error) {
	problems, err := deploy.CheckCompose(name, data)
	if err != nil {
		return nil, err
	}
	return lintDeployProblems(name, data, problems, opts)
}

// LintKubernetes judges every workload of a Kubernetes manifest, decoded
// strictly into its k8s.io/api type (a document it refuses is an input
// error), by every deploy rule. A dockhard:ignore comment on the lines just
// above a container's "- name:" line suppresses that rule for it.
func LintKubernetes(name string, data []byte, opts LintOptions) ([]Finding, error) {
	problems, err := deploy.CheckKubernetes(data)
	if err != nil {
		return nil, inputerr.Errorf("%s: %v (a Kubernetes manifest as k8s.io/api decodes it, strictly)", name, err)
	}
	return lintDeployProblems(name, data, problems, opts)
}

func lintDeployProblems(name string, data []byte, problems []deploy.Problem, opts LintOptions) ([]Finding, error) {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	findings, err := runChecks[DeployCheck](name, problems, ctx.Err)
	if err != nil {
		return nil, err
	}
	suppressByComments(findings, data)
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Line < findings[j].Line })
	return findings, nil
}
