package lint

import (
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

var (
	ldflagsStrip = regexp.MustCompile(`-ldflags[= ]["']?[^"']*-s -w`)
	// staticRuntime is a runtime without a C library: scratch, distroless
	// static, Chainguard static and the Docker Hardened Images' static
	// dated tags.
	staticRuntime = regexp.MustCompile(`(^scratch$|distroless/static|chainguard/static|dhi\.io/static:\d+(-debian\d+|-alpine[\d.]*)?(@|$))`)
	// targetArch sets GOARCH from BuildKit's TARGETARCH argument.
	targetArch = regexp.MustCompile(`GOARCH=["']?\$\{?TARGETARCH\b`)
)

// goBuilds are the RUNs of a stage that build Go.
func goBuilds(st *Stage) []Run {
	var out []Run
	for _, r := range st.Runs {
		if strings.Contains(r.Text, "go build") {
			out = append(out, r)
		}
	}
	return out
}

// RuleNoTrimpath: go build without -trimpath.
var RuleNoTrimpath = &Rule{
	ID:       "DH012",
	Severity: SeverityWarning,
	Title:    "go build without -trimpath",
	Why:      "Without -trimpath the binary records the build machine's file paths, which leak layout and break reproducible builds.",
	Fix:      "Add -trimpath to go build.",
	Source:   "Go build flags; reproducible builds",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			for _, r := range goBuilds(st) {
				if !strings.Contains(r.Text, "-trimpath") {
					report(line(r), "go build without -trimpath: the binary records build paths")
				}
			}
		}
	}),
}

// RuleNoStrip: go build that keeps the symbol table and DWARF data.
var RuleNoStrip = &Rule{
	ID:       "DH013",
	Severity: SeverityInfo,
	Title:    `go build without -ldflags "-s -w"`,
	Why:      "The symbol table and DWARF data make the binary about a third larger and are not needed to run it.",
	Fix:      `Add -ldflags="-s -w" to go build.`,
	Source:   `second article (-ldflags="-s -w")`,
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			for _, r := range goBuilds(st) {
				if !ldflagsStrip.MatchString(r.Text) {
					report(line(r), `go build without -ldflags="-s -w": symbol tables make the binary about a third larger`)
				}
			}
		}
	}),
}

// buildOutput is a go build's -o path.
var buildOutput = regexp.MustCompile(`\bgo build\b.*\s--?o(?:=|\s+)(\S+)`)

// RuleCgoOnStatic: a build that leaves cgo on for a runtime without a C
// library.
var RuleCgoOnStatic = &Rule{
	ID:       "DH014",
	Severity: SeverityWarning,
	Title:    "cgo left on for a static runtime",
	Why:      "The runtime (scratch, distroless static, Chainguard static) has no C library, but the build does not set CGO_ENABLED=0: a binary that links libc will not start.",
	Fix:      "Set CGO_ENABLED=0, or use a glibc runtime if the program needs cgo.",
	Source:   "both articles (CGO_ENABLED=0)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if !staticRuntime.MatchString(d.Final.Base) {
			return
		}
		// What the final stage copies from other stages: a build whose
		// output (-o) it does not copy makes another image's binary.
		var copied []string
		for _, c := range d.Final.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				copied = append(copied, cp.SourcePaths...)
			}
		}
		for _, st := range d.Stages {
			cgoOff := false // by an ENV before the build
			for _, c := range st.Commands {
				switch c := c.(type) {
				case *instructions.EnvCommand:
					for _, kv := range c.Env {
						cgoOff = cgoOff || (kv.Key == "CGO_ENABLED" && kv.Value == "0")
					}
				case *instructions.RunCommand:
					text := runText(c)
					if out := buildOutput.FindStringSubmatch(text); out != nil && len(copied) > 0 && !slices.ContainsFunc(copied, func(src string) bool {
						src = strings.TrimRight(src, "/")
						return out[1] == src || strings.HasPrefix(out[1], src+"/")
					}) {
						continue
					}
					if strings.Contains(text, "go build") && !cgoOff && !strings.Contains(text, "CGO_ENABLED=0") {
						report(line(c), "cgo is left on (CGO_ENABLED is not 0) while the runtime has no C library: the binary may not start")
					}
				}
			}
		}
	}),
}

// RuleNoDependencyCache: the source comes in before the modules are
// downloaded.
var RuleNoDependencyCache = &Rule{
	ID:       "DH015",
	Severity: SeverityWarning,
	Title:    "no dependency layer cache",
	Why:      "The source is copied before the modules are downloaded, so every change to a .go file downloads every dependency again.",
	Fix:      "COPY go.mod go.sum first, RUN go mod download, then COPY the source; better with a BuildKit cache mount.",
	Source:   "Docker build cache best practices",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			sourceCopied, downloaded := false, false
			for _, c := range st.Commands {
				switch c := c.(type) {
				case *instructions.CopyCommand:
					if _, ok := copiesSource(c); ok {
						sourceCopied = true
					}
				case *instructions.RunCommand:
					text := runText(c)
					if strings.Contains(text, "go mod download") && !sourceCopied {
						downloaded = true
					}
					if strings.Contains(text, "go build") && sourceCopied && !downloaded && !strings.Contains(text, "-mod=vendor") {
						report(line(c), "no dependency step before the source is copied (COPY go.mod go.sum, then go mod download): every source change downloads the modules again")
					}
				}
			}
		}
	}),
}

// RuleCrossBuildForBuildPlatform: a builder that runs on the build
// machine's platform but builds for it too.
var RuleCrossBuildForBuildPlatform = &Rule{
	ID:       "DH026",
	Severity: SeverityError,
	Title:    "cross-compiling builder without the target architecture",
	Why:      "FROM --platform=$BUILDPLATFORM runs the builder natively on the build machine, so that multi-arch builds need no emulation; go build then builds for the build machine unless GOARCH names the target, and the arm64 image ships an amd64 binary that cannot start.",
	Fix:      "Declare ARG TARGETOS and ARG TARGETARCH in the stage and build with GOOS=$TARGETOS GOARCH=$TARGETARCH go build.",
	Source:   "dockhard's hardening bar (point 8); Docker multi-platform builds (cross-compilation)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			if !strings.Contains(st.Platform, "BUILDPLATFORM") {
				continue
			}
			archSet := false // by an ENV before the build
			for _, c := range st.Commands {
				switch c := c.(type) {
				case *instructions.EnvCommand:
					for _, kv := range c.Env {
						archSet = archSet || (kv.Key == "GOARCH" && strings.Contains(kv.Value, "TARGETARCH"))
					}
				case *instructions.RunCommand:
					text := runText(c)
					if strings.Contains(text, "go build") && !archSet && !targetArch.MatchString(text) && !strings.Contains(text, "xx-go build") {
						report(line(c), "go build runs on the build platform (FROM --platform=%s) without GOARCH=$TARGETARCH: it builds for the build machine, not for the image's platform", st.Platform)
					}
				}
			}
		}
	}),
}
