package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

var numericUser = regexp.MustCompile(`^\d+(:\d+)?$`)

// isRootUser reports whether a USER or --chown value's user is root.
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

// RuleRuntimeUserOwnsFiles: the final stage copies files that a non-root
// user owns, or that every user may write.
var RuleRuntimeUserOwnsFiles = &Rule{
	ID:       "DH027",
	Severity: SeverityWarning,
	Title:    "shipped files writable at run time",
	Why:      "A file the running user owns (COPY --chown=<user>), or that every user may write (--chmod=0777), can be rewritten by the program: a compromise of the program replaces the program itself, or the files it trusts.",
	Fix:      "Copy the program and its files root-owned (no --chown) and read-only (--chmod=0555); give what the program writes a volume of its own.",
	Source:   "dockhard's hardening bar (point 11)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, c := range d.Final.Commands {
			var chown, chmod string
			switch c := c.(type) {
			case *instructions.CopyCommand:
				chown, chmod = c.Chown, c.Chmod
			case *instructions.AddCommand:
				chown, chmod = c.Chown, c.Chmod
			default:
				continue
			}
			if user, _, _ := strings.Cut(chown, ":"); user != "" && !isRootUser(chown) {
				report(line(c), "%s --chown=%s gives the files to a non-root user, who can then rewrite them; copy them root-owned and read-only (--chmod=0555)", strings.ToUpper(c.Name()), chown)
			}
			if othersMayWrite(chmod) {
				report(line(c), "%s --chmod=%s lets every user write the files; copy them read-only (--chmod=0555)", strings.ToUpper(c.Name()), chmod)
			}
		}
	}),
}

// othersMayWrite reports whether a --chmod mode gives write permission to
// users other than the owner and group: an octal mode with the o+w bit, or
// a symbolic one that adds w for o or a.
func othersMayWrite(mode string) bool {
	if mode == "" {
		return false
	}
	if m, err := strconv.ParseUint(mode, 8, 32); err == nil {
		return m&0o002 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		who, perms, ok := strings.Cut(clause, "+")
		if !ok {
			who, perms, ok = strings.Cut(clause, "=")
		}
		if ok && (who == "" || strings.ContainsAny(who, "oa")) && strings.Contains(perms, "w") {
			return true
		}
	}
	return false
}
