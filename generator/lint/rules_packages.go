package lint

import (
	"regexp"
	"strings"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// distroGo is Go installed from a distribution's packages.
var distroGo = regexp.MustCompile(`(apt-get install|apk add)[^;&|]*\b(golang-go|golang|go)\b`)

// RuleAptRecommends: apt-get install without --no-install-recommends.
var RuleAptRecommends = &Rule{
	ID:       "DH019",
	Severity: SeverityWarning,
	Title:    "apt-get install without --no-install-recommends",
	Why:      "Recommended packages are installed by default: more packages, more CVEs, a larger image.",
	Fix:      "Write apt-get install --no-install-recommends.",
	Source:   "first article (ubuntu builder); hadolint DL3015",
	Check:    runWithout("apt-get install", "--no-install-recommends", "apt-get install without --no-install-recommends pulls in packages nobody asked for"),
}

// RuleAptLists: apt-get install that leaves the package lists in the
// layer.
var RuleAptLists = &Rule{
	ID:       "DH020",
	Severity: SeverityInfo,
	Title:    "apt lists not cleaned",
	Why:      "/var/lib/apt/lists stays in the layer unless it is removed in the same RUN as the install.",
	Fix:      "End the RUN that installs with rm -rf /var/lib/apt/lists/*.",
	Source:   "first article (apt-get clean); hadolint DL3009",
	Check:    runWithout("apt-get install", "/var/lib/apt/lists", "apt-get lists are not removed in the same RUN: they stay in the layer"),
}

// RuleApkCache: apk add without --no-cache.
var RuleApkCache = &Rule{
	ID:       "DH021",
	Severity: SeverityWarning,
	Title:    "apk add without --no-cache",
	Why:      "Without --no-cache the package index stays in the layer.",
	Fix:      "Write apk add --no-cache.",
	Source:   "hadolint DL3019",
	Check:    runWithout("apk add", "--no-cache", "apk add without --no-cache leaves the package index in the layer"),
}

// RuleDistroGo: Go from the distribution's packages, which may be older
// than go.mod's. Judged only when go.mod's Go is known.
var RuleDistroGo = &Rule{
	ID:       "DH016",
	Severity: SeverityWarning,
	Title:    "distribution Go may be older than go.mod's",
	Why:      "The builder installs Go from the distribution (apt-get install golang-go), whose version may be older than go.mod asks for.",
	Fix:      "Set ENV GOTOOLCHAIN=go<version> so the go command fetches the exact toolchain, or use the golang image at that version.",
	Source:   "first article (ubuntu + golang-go); Go toolchain selection",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		if d.GoVersion == "" {
			return
		}
		for _, st := range d.Stages {
			// GOTOOLCHAIN usually comes after the package install: an ENV
			// anywhere in the stage counts.
			if setsEnv(st, "GOTOOLCHAIN") {
				continue
			}
			for _, r := range st.Runs {
				if distroGo.MatchString(r.Text) && !strings.Contains(r.Text, "GOTOOLCHAIN=") {
					report(line(r), "the distribution's Go package may be older than go.mod's Go %s; set ENV GOTOOLCHAIN=go%s", d.GoVersion, catalog.FullGoVersion(d.GoVersion))
				}
			}
		}
	}),
}

// setsEnv reports whether any ENV of the stage sets key.
func setsEnv(st *Stage, key string) bool {
	for _, c := range st.Commands {
		if env, ok := c.(*instructions.EnvCommand); ok {
			for _, kv := range env.Env {
				if kv.Key == key {
					return true
				}
			}
		}
	}
	return false
}

// runWithout reports each RUN, in any stage, whose command line holds does
// but not with: a package step that leaves its leftovers in the layer.
func runWithout(does, with, message string) Check {
	return DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			for _, r := range st.Runs {
				if strings.Contains(r.Text, does) && !strings.Contains(r.Text, with) {
					report(line(r), message)
				}
			}
		}
	})
}
