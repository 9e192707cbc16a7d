package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// toolchainImage is a Go toolchain image: golang, go, Chainguard's go.
var toolchainImage = regexp.MustCompile(`(^|/)(golang|go)(:|@|$)|cgr\.dev/chainguard/go(:|@|$)`)

// RuleSingleStage: the image that builds the program also runs it.
var RuleSingleStage = &Rule{
	ID:       "DH001",
	Severity: SeverityError,
	Title:    "single-stage build",
	Why:      "The image that builds the program also runs it: the Go toolchain, the source and every build dependency ship to production (the first article's 667 MB image).",
	Fix:      "Build in one stage and copy only the binary into a minimal runtime stage with COPY --from.",
	Source:   "both articles; CIS Docker Benchmark 4.1 (minimal images)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if len(d.Stages) == 1 {
			report(d.Final.Line, "single stage: the toolchain and the source ship in the image")
		}
	}),
}

// RuleToolchainRuntime: the final stage is based on a Go toolchain image.
var RuleToolchainRuntime = &Rule{
	ID:       "DH007",
	Severity: SeverityError,
	Title:    "toolchain image as the runtime",
	Why:      "The final stage is based on a Go toolchain image: the compiler, the package manager and hundreds of megabytes ship with the program.",
	Fix:      "Base it on distroless, Chainguard static, Alpine made shell-less, or scratch.",
	Source:   "second article; CIS Docker Benchmark 4.3",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if toolchainImage.MatchString(d.Final.Base) {
			report(d.Final.Line, "the runtime stage is based on %s, a toolchain image: the compiler ships with the program", d.Final.Base)
		}
	}),
}

// copiesSource reports whether a COPY brings Go source in from the build
// context (., ./ or a .go file), and which source path does.
func copiesSource(c *instructions.CopyCommand) (string, bool) {
	if c.From != "" || len(c.SourceContents) > 0 {
		return "", false
	}
	for _, s := range c.SourcePaths {
		if s == "." || s == "./" || strings.HasSuffix(s, ".go") {
			return s, true
		}
	}
	return "", false
}
