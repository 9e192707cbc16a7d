package lint

import (
	"regexp"
	"strings"
)

var (
	// shellLess are bases without a shell: distroless, Chainguard's
	// minimal images, Docker Hardened Images' static and scratch.
	shellLess = regexp.MustCompile(`(^scratch$|gcr\.io/distroless/|cgr\.dev/chainguard/(static|glibc-dynamic)|dhi\.io/static(:|@|$))`)
	// The removals name whole paths: /usr/sbin is not /sbin.
	shellRemoval = regexp.MustCompile(`rm -[rf]+\s([^;&|]*\s)?(/bin/sh|/bin/\*|/bin|/bin/busybox)(\s|$)`)
	apkRemoval   = regexp.MustCompile(`rm -[rf]+\s([^;&|]*\s)?(/sbin/apk|/sbin/\*|/sbin)(\s|$)`)
	// etcReadOnly is chmod a-w on /etc, directly or through find.
	etcReadOnly = regexp.MustCompile(`chmod (-R )?a-w [^;&|]*/etc|find /etc[^;&|]*-exec chmod a-w`)
	// packageDBRemoval is a RUN deleting the installed-package database of
	// apk, dpkg or rpm: scanners then see no packages in the image.
	packageDBRemoval = regexp.MustCompile(`rm -[rf]+ [^;&|]*(/lib/apk( |/db|/\*|$)|/var/lib/dpkg( |/status|/\*|$)|/var/lib/rpm( |/\*|$))`)
)

// shellBase is the base whose shell the shell rules judge: the final
// stage's base with build arguments expanded, a shipped root's as written.
func shellBase(d *Dockerfile, st *Stage) string {
	if st == d.Final {
		return st.Base
	}
	return st.BaseName
}

// shellStages are the stages whose shell ships unless they remove it: the
// final stage on a known base with a shell that is not another stage of
// the file (judged there), and each root the final stage copies whole
// whose base has a shell.
func shellStages(d *Dockerfile) []*Stage {
	var out []*Stage
	if b := d.Final.Base; b != "" && !shellLess.MatchString(b) && !d.IsStage(b) {
		out = append(out, d.Final)
	}
	for _, st := range d.ShippedRoots {
		if !shellLess.MatchString(shellBase(d, st)) {
			out = append(out, st)
		}
	}
	return out
}

// lastShellRemoval is the stage's last RUN that removes the shell, nil for
// none.
func lastShellRemoval(st *Stage) *Run {
	var removal *Run
	for i, r := range st.Runs {
		if shellRemoval.MatchString(r.Text) {
			removal = &st.Runs[i]
		}
	}
	return removal
}

// RuleShellKept: a runtime that ships a shell or a package manager.
var RuleShellKept = &Rule{
	ID:       "DH008",
	Severity: SeverityWarning,
	Title:    "runtime keeps its shell or package manager",
	Why:      "The runtime image ships a shell and a package manager, and nothing removes them: an attacker with code execution gets both.",
	Fix:      "Remove every shell and the package manager in the last RUN (Alpine: rm -rf /bin /sbin /usr/bin /usr/sbin /etc/apk, keeping the package database /lib/apk/db for scanners), or use a shell-less runtime; harden in a stage of its own and COPY --from it / / onto scratch so that every file ships once.",
	Source:   "first article (removing shells)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range shellStages(d) {
			removal := lastShellRemoval(st)
			switch {
			case removal == nil && st == d.Final:
				report(st.Line, "%s ships a shell and a package manager, and nothing removes them: remove them in the last RUN, or use a shell-less runtime", st.Base)
			case removal == nil:
				report(st.Line, "%s ships a shell and a package manager into the final image (COPY --from=%s / /), and nothing removes them: remove them in the stage's last RUN", st.BaseName, st.Name)
			case strings.Contains(shellBase(d, st), "alpine") && !apkRemoval.MatchString(st.RunText):
				report(line(removal), "the shell is removed but apk (/sbin/apk) stays: the package manager can still install one")
			}
		}
	}),
}

// RuleWritableSystemDirs: a runtime with a shell that keeps /etc
// writable.
var RuleWritableSystemDirs = &Rule{
	ID:       "DH009",
	Severity: SeverityWarning,
	Title:    "system directories stay writable",
	Why:      "A runtime with a shell keeps /etc writable by whoever owns it.",
	Fix:      "Take write permission away (chmod -R a-w /etc /lib /usr) in the same RUN, before the shell is removed.",
	Source:   "first article (chmod a-w /etc)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range shellStages(d) {
			if !etcReadOnly.MatchString(st.RunText) {
				report(st.Line, "system directories stay writable: take write permission away (chmod a-w /etc ...) before removing the shell")
			}
		}
	}),
}

// RuleRunAfterShellRemoval: a RUN after the shell was removed.
var RuleRunAfterShellRemoval = &Rule{
	ID:       "DH010",
	Severity: SeverityError,
	Title:    "RUN after the shell was removed",
	Why:      "A RUN after the shell removal either fails (no shell to run it) or proves the shell was not really removed.",
	Fix:      "Make the removal the last RUN.",
	Source:   "first article; dockhard's hardening bar (point 6)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		stages := []*Stage{d.Final}
		for _, st := range d.ShippedRoots {
			if !shellLess.MatchString(shellBase(d, st)) {
				stages = append(stages, st)
			}
		}
		for _, st := range stages {
			removed := false
			for _, r := range st.Runs {
				if removed {
					report(line(r), "RUN after the shell was removed: it cannot run, or the shell was not really removed")
				}
				removed = removed || shellRemoval.MatchString(r.Text)
			}
		}
	}),
}

// RuleRunInShellLess: a RUN in a final stage whose base has no shell.
var RuleRunInShellLess = &Rule{
	ID:       "DH011",
	Severity: SeverityError,
	Title:    "RUN in a shell-less runtime",
	Why:      "Distroless, Chainguard's static images and scratch have no shell: a RUN there cannot work.",
	Fix:      "Prepare files in the builder stage and COPY them in.",
	Source:   "dockhard's hardening bar (point 7)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if d.Final.Base == "" || !shellLess.MatchString(d.Final.Base) {
			return
		}
		for _, r := range d.Final.Runs {
			report(line(r), "RUN in %s, which has no shell to run it", d.Final.Base)
		}
	}),
}

// RulePackageDatabaseRemoved: a shipped stage deletes the installed-package
// database.
var RulePackageDatabaseRemoved = &Rule{
	ID:       "DH024",
	Severity: SeverityWarning,
	Title:    "package database removed",
	Why:      "The image's installed-package database (/lib/apk/db on Alpine, /var/lib/dpkg on Debian) is deleted: Trivy, Grype and Docker Scout find no OS packages and report nothing for musl, OpenSSL or any other library, so the image looks clean while it is not.",
	Fix:      "Hardening must never hide an image's contents from a scanner: remove the package manager (/sbin/apk, /etc/apk keys) and keep its database.",
	Source:   "dockhard's hardening bar (point 6); how image scanners find OS packages",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range append([]*Stage{d.Final}, d.ShippedRoots...) {
			for _, r := range st.Runs {
				if packageDBRemoval.MatchString(r.Text) {
					report(line(r), "the package database is deleted: image scanners then see no packages and report nothing for musl, OpenSSL or any library; keep /lib/apk/db (or /var/lib/dpkg) and remove only the package manager")
				}
			}
		}
	}),
}
