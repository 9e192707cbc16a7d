package lint

import (
	"regexp"
	"strings"
)

var numericUser = regexp.MustCompile(`^\d+(:\d+)?$`)

// isRootUser reports whether a USER value's user is root.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	return name == "root" || name == "0"
}

// RuleNoUser: the final stage sets no USER.
var RuleNoUser = &Rule{
	ID:       "DH003",
	Severity: SeverityError,
	Title:    "no USER in the final stage",
	Why:      "Without USER the program runs as root inside the container; a compromise of the program is a compromise of root.",
	Fix:      "Set USER to a numeric non-root uid:gid, such as 65532:65532.",
	Source:   "both articles; CIS Docker Benchmark 4.1",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if d.Final.User == nil {
			report(d.Final.Line, "the final stage sets no USER: the program runs as root")
		}
	}),
}

// RuleRootUser: the final USER is root.
var RuleRootUser = &Rule{
	ID:       "DH004",
	Severity: SeverityError,
	Title:    "final USER is root",
	Why:      "USER root (or 0) runs the program with every privilege the container has.",
	Fix:      "Use a numeric non-root uid:gid.",
	Source:   "both articles; CIS Docker Benchmark 4.1",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if u := d.Final.User; u != nil && isRootUser(u.User) {
			report(line(u), "USER %s is root", u.User)
		}
	}),
}

// RuleNamedUser: the final USER is a name, not a number.
var RuleNamedUser = &Rule{
	ID:       "DH005",
	Severity: SeverityWarning,
	Title:    "named USER",
	Why:      "Kubernetes runAsNonRoot cannot resolve a user name to a uid, so it refuses to start the pod, or cannot verify it is not root.",
	Fix:      "Write USER <uid>:<gid>, and make sure the runtime has a passwd entry for it if the program looks itself up.",
	Source:   "Kubernetes Pod Security (runAsNonRoot)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if u := d.Final.User; u != nil && !isRootUser(u.User) && !numericUser.MatchString(u.User) {
			report(line(u), "USER %s is a name: Kubernetes runAsNonRoot can only verify a numeric uid; write USER <uid>:<gid>", u.User)
		}
	}),
}
