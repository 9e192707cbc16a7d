package workflow

// pin is one GitHub Action the workflow uses, pinned to the full commit SHA
// its release tag named when it was checked. A tag can be moved (in March
// 2026 every tag of aquasecurity/trivy-action but one was force-pushed to a
// credential stealer); a commit SHA cannot, so the workflow names the SHA
// and shows the release only in a comment.
type pin struct {
	Action  string // owner/repo[/path], as written after "uses:"
	Commit  string // the full 40-hex commit SHA
	Version string // the release tag the commit is, shown as "# vX.Y.Z"
	Checked string // the day the pin was checked, YYYY-MM-DD
}

// pins are every action the workflow uses. The SHAs were not resolved
// against GitHub (it cannot be reached from where dockhard is developed):
// each was read from public workflows and pull requests that pin the same
// release, and kept only where at least two unrelated sources agreed on
// SHA and release (the sources are named beside each entry). Refresh them
// by resolving each tag (git ls-remote https://github.com/OWNER/REPO
// refs/tags/vX.Y.Z, dereferencing annotated tags) and update Checked.
var pins = map[string]pin{
	// A dozen public workflows and workflow tests pinning "# v7.0.1".
	"checkout": {"actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1", "2026-12-05"},
	// Public workflows and tests pinning "# v7.0.0"; one states it was verified
	// against the upstream tag.
	"setup-go": {"actions/setup-go", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0", "2026-12-05"},
	// A Dependabot compare link v4.38.1...v4.38.2 and several workflows
	// pinning "# v4.38.2".
	"upload-sarif": {"github/codeql-action/upload-sarif", "2892aa5e19bbd11bc0cff5427e3b750a04d9e3c2", "v4.38.2", "2026-12-05"},
	// A Dependabot compare link v4.3.0...v4.4.1 and workflows pinning "# v4.4.1".
	"setup-buildx": {"docker/setup-buildx-action", "f87e5991a6d7451dcb8d9637bfbc97413f497069", "v4.4.1", "2026-12-05"},
	// Several workflows and workflow tests pinning "# v7.4.0".
	"build-push": {"docker/build-push-action", "c3c9e263c25d99ce0380d002d59b67737d91b0dc", "v7.4.0", "2026-12-05"},
	// Several workflows pinning "# v4.6.0" and one stating it was taken from
	// the GitHub API; a runner log resolves docker/login-action@v4 to it.
	"login": {"docker/login-action", "dbcb813823bdd20940b903addbd779551569679f", "v4.6.0", "2026-12-05"},
	// Released after the March 2026 compromise of the action's tags; pull
	// requests moving to it (loki-vl-proxy #280: "bundles Trivy 0.70.0") and
	// workflows pinning "# v0.36.0".
	"trivy": {"aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0", "2026-12-05"},
}

// trivyVersion is the Trivy release trivy-action installs, named rather
// than left to the action's default so a change of scanner is a visible
// change of this file. v0.70.0 (2026-04-17) is trivy-action v0.36.0's own
// default; v0.69.4 is the compromised release and is never used.
const trivyVersion = "v0.70.0"
