package generator

// Rules is every rule lint reports, in id order. Sources: the two articles
// the project grew from, the CIS Docker Benchmark (section 4, container
// images), Kubernetes' runAsNonRoot, and Go's own build flags.
var Rules = []Rule{
	{"DH001", SeverityError, "single-stage build",
		"The image that builds the program also runs it: the Go toolchain, the source and every build dependency ship to production (the first article's 667 MB image). Build in one stage and copy only the binary into a minimal runtime stage with COPY --from.",
		"both articles; CIS Docker Benchmark 4.1 (minimal images)"},
	{"DH002", SeverityError, "base image not pinned",
		"A missing tag means latest, and latest, nonroot or any tag without a version names a different image tomorrow: builds stop being reproducible and a scanned image is not the one you ship. Pin a version tag (alpine:3.24.1) or, for images without versions, a digest (cgr.dev/chainguard/static:latest@sha256:...). `dockhard pin` keeps digests fresh.",
		"first article (pinned tags); CIS Docker Benchmark 4.2"},
	{"DH003", SeverityError, "no USER in the final stage",
		"Without USER the program runs as root inside the container; a compromise of the program is a compromise of root. Set USER to a numeric non-root uid:gid, such as 65532:65532.",
		"both articles; CIS Docker Benchmark 4.1"},
	{"DH004", SeverityError, "final USER is root",
		"USER root (or 0) runs the program with every privilege the container has. Use a numeric non-root uid:gid.",
		"both articles; CIS Docker Benchmark 4.1"},
	{"DH005", SeverityWarning, "named USER",
		"Kubernetes runAsNonRoot cannot resolve a user name to a uid, so it refuses to start the pod, or cannot verify it is not root. Write USER <uid>:<gid>, and make sure the runtime has a passwd entry for it if the program looks itself up.",
		"Kubernetes Pod Security (runAsNonRoot)"},
	{"DH006", SeverityWarning, "shell-form ENTRYPOINT or CMD",
		"The shell form runs `/bin/sh -c`: the shell becomes PID 1, signals such as SIGTERM do not reach the program, and the image needs a shell. Write ENTRYPOINT [\"/path/to/program\"].",
		"Docker best practices; BuildKit JSONArgsRecommended"},
	{"DH007", SeverityError, "toolchain image as the runtime",
		"The final stage is based on a Go toolchain image: the compiler, the package manager and hundreds of megabytes ship with the program. Base it on distroless, Chainguard static, Alpine made shell-less, or scratch.",
		"second article; CIS Docker Benchmark 4.3"},
	{"DH008", SeverityWarning, "runtime keeps its shell or package manager",
		"The runtime image ships a shell and a package manager, and nothing removes them: an attacker with code execution gets both. Remove every shell and the package manager in the last RUN (Alpine: rm -rf /bin /sbin /usr/bin /usr/sbin /etc/apk, keeping the package database /lib/apk/db for scanners), or use a shell-less runtime; harden in a stage of its own and COPY --from it / / onto scratch so that every file ships once.",
		"first article (removing shells)"},
	{"DH009", SeverityWarning, "system directories stay writable",
		"A runtime with a shell keeps /etc writable by whoever owns it. Take write permission away (chmod -R a-w /etc /lib /usr) in the same RUN, before the shell is removed.",
		"first article (chmod a-w /etc)"},
	{"DH010", SeverityError, "RUN after the shell was removed",
		"A RUN after the shell removal either fails (no shell to run it) or proves the shell was not really removed. Make the removal the last RUN.",
		"first article; dockhard's hardening bar (point 6)"},
	{"DH011", SeverityError, "RUN in a shell-less runtime",
		"Distroless, Chainguard's static images and scratch have no shell: a RUN there cannot work. Prepare files in the builder stage and COPY them in.",
		"dockhard's hardening bar (point 7)"},
	{"DH012", SeverityWarning, "go build without -trimpath",
		"Without -trimpath the binary records the build machine's file paths, which leak layout and break reproducible builds.",
		"Go build flags; reproducible builds"},
	{"DH013", SeverityInfo, "go build without -ldflags \"-s -w\"",
		"The symbol table and DWARF data make the binary about a third larger and are not needed to run it.",
		"second article (-ldflags=\"-s -w\")"},
	{"DH014", SeverityWarning, "cgo left on for a static runtime",
		"The runtime (scratch, distroless static, Chainguard static) has no C library, but the build does not set CGO_ENABLED=0: a binary that links libc will not start. Set CGO_ENABLED=0, or use a glibc runtime if the program needs cgo.",
		"both articles (CGO_ENABLED=0)"},
	{"DH015", SeverityWarning, "no dependency layer cache",
		"The source is copied before the modules are downloaded, so every change to a .go file downloads every dependency again. COPY go.mod go.sum first, RUN go mod download, then COPY the source; better with a BuildKit cache mount.",
		"Docker build cache best practices"},
	{"DH016", SeverityWarning, "distribution Go may be older than go.mod's",
		"The builder installs Go from the distribution (apt-get install golang-go), whose version may be older than go.mod asks for. Set ENV GOTOOLCHAIN=go<version> so the go command fetches the exact toolchain, or use the golang image at that version.",
		"first article (ubuntu + golang-go); Go toolchain selection"},
	{"DH017", SeverityWarning, "ADD where COPY serves",
		"ADD also unpacks archives and fetches URLs, which makes what lands in the image depend on the file's content. Use COPY for local files.",
		"CIS Docker Benchmark 4.9"},
	{"DH018", SeverityError, "secret in ARG or ENV",
		"Build arguments and environment variables are recorded in the image and its history; anyone who pulls the image reads them. Use RUN --mount=type=secret at build time and inject secrets at run time.",
		"CIS Docker Benchmark 4.10; BuildKit SecretsUsedInArgOrEnv"},
	{"DH019", SeverityWarning, "apt-get install without --no-install-recommends",
		"Recommended packages are installed by default: more packages, more CVEs, a larger image.",
		"first article (ubuntu builder); hadolint DL3015"},
	{"DH020", SeverityInfo, "apt lists not cleaned",
		"/var/lib/apt/lists stays in the layer unless it is removed in the same RUN as the install.",
		"first article (apt-get clean); hadolint DL3009"},
	{"DH021", SeverityWarning, "apk add without --no-cache",
		"Without --no-cache the package index stays in the layer.",
		"hadolint DL3019"},
	{"DH022", SeverityError, "base image past end of life",
		"The publisher no longer fixes this image: every vulnerability found from now on stays in it (Debian 12 distroless, an Alpine branch past its two years, an Ubuntu LTS past standard support, a Go release older than the two supported ones). Move to what the message names; the dates are in dockhard's catalog (`dockhard images --json`, endOfLife).",
		"dockhard's hardening bar (point 2); the publishers' stated end-of-life dates"},
	{"DH023", SeverityWarning, "base image near end of life",
		"The publisher stops fixing this image within 90 days. Plan the move now, while it is still a version bump and not an incident.",
		"dockhard's hardening bar (point 2); the publishers' stated end-of-life dates"},
	{"DH024", SeverityWarning, "package database removed",
		"The image's installed-package database (/lib/apk/db on Alpine, /var/lib/dpkg on Debian) is deleted: Trivy, Grype and Docker Scout find no OS packages and report nothing for musl, OpenSSL or any other library, so the image looks clean while it is not. Hardening must never hide an image's contents from a scanner: remove the package manager (/sbin/apk, /etc/apk keys) and keep its database.",
		"dockhard's hardening bar (point 6); how image scanners find OS packages"},
}

// RuleByID returns a rule by its id; an unknown id is a zero Rule.
func RuleByID(id string) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return Rule{}
}
