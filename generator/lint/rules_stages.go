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

// RuleSourceInFinal: the final stage of a multi-stage build copies the
// source from the build context.
var RuleSourceInFinal = &Rule{
	ID:       "DH029",
	Severity: SeverityWarning,
	Title:    "source in the final image",
	Why:      "The final stage copies the source from the build context: it ships with the program, to everyone who pulls the image, and every source change makes a new image layer.",
	Fix:      "Copy only what the program needs at run time from the builder stage (COPY --from=builder /out/app /app).",
	Source:   "dockhard's hardening bar (points 1 and 5); CIS Docker Benchmark 4.1",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if len(d.Stages) == 1 {
			return // the single stage is RuleSingleStage's
		}
		for _, c := range d.Final.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok {
				if src, ok := copiesSource(cp); ok {
					report(line(cp), "the final stage copies the source (%s) from the build context: copy only the built program from the builder", src)
				}
			}
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
