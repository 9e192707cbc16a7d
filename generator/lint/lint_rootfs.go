package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// packageDBRemoval is a RUN deleting the installed-package database of
// apk, dpkg or rpm: scanners then see no packages in the image.
var packageDBRemoval = regexp.MustCompile(`rm -[rf]+ [^;&|]*(/lib/apk( |/db|/\*|$)|/var/lib/dpkg( |/status|/\*|$)|/var/lib/rpm( |/\*|$))`)

// checkRuntimeRoot judges a runtime hardened in a stage of its own: a
// shell-less final stage that copies a whole root file system from
// another stage (COPY --from=root / /) ships that stage, so its RUNs must
// remove the shell and apk last and take write permission away, like a
// final stage with a shell (DH008, DH009, DH010). It also reports a RUN
// that deletes the package database (DH024), in that stage or the final.
func (l *linter) checkRuntimeRoot(stages []instructions.Stage, final instructions.Stage) {
	l.checkPackageDB(final)
	for _, c := range final.Commands {
		cp, ok := c.(*instructions.CopyCommand)
		if !ok || cp.From == "" || len(cp.SourcePaths) != 1 || strings.TrimRight(cp.SourcePaths[0], "/.") != "" {
			continue
		}
		for _, st := range stages[:len(stages)-1] {
			if strings.EqualFold(st.Name, cp.From) {
				l.checkShellRemoval(st)
				l.checkPackageDB(st)
			}
		}
	}
}

// checkShellRemoval is the final-stage shell judgement for a root stage:
// the removal is the last RUN, it covers apk, and /etc loses write
// permission.
func (l *linter) checkShellRemoval(st instructions.Stage) {
	if shellLess.MatchString(st.BaseName) {
		return // nothing to remove
	}
	var removal *instructions.RunCommand
	all := ""
	for _, c := range st.Commands {
		r, ok := c.(*instructions.RunCommand)
		if !ok {
			continue
		}
		line := strings.Join(r.CmdLine, " ")
		if removal != nil {
			l.report("DH010", r, "RUN after the shell was removed: it cannot run, or the shell was not really removed")
		}
		if shellRemoval.MatchString(line) {
			removal = r
		}
		all += line + "\n"
	}
	at := stageFrom{st}
	switch {
	case removal == nil:
		l.report("DH008", at, "%s ships a shell and a package manager into the final image (COPY --from=%s / /), and nothing removes them: remove them in the stage's last RUN", st.BaseName, st.Name)
	case strings.Contains(st.BaseName, "alpine") && !apkRemoval.MatchString(all):
		l.report("DH008", removal, "the shell is removed but apk (/sbin/apk) stays: the package manager can still install one")
	}
	if !etcReadOnly.MatchString(all) {
		l.report("DH009", at, "system directories stay writable: take write permission away (chmod a-w /etc ...) before removing the shell")
	}
}

// checkPackageDB reports RUNs that delete the installed-package database.
func (l *linter) checkPackageDB(st instructions.Stage) {
	for _, c := range st.Commands {
		if r, ok := c.(*instructions.RunCommand); ok && packageDBRemoval.MatchString(strings.Join(r.CmdLine, " ")) {
			l.report("DH024", r, "the package database is deleted: image scanners then see no packages and report nothing for musl, OpenSSL or any library; keep /lib/apk/db (or /var/lib/dpkg) and remove only the package manager")
		}
	}
}
