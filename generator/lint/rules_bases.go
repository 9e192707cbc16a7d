package lint

import (
	"github.com/distribution/reference"
	"github.com/dockhard/dockhard/generator/catalog"
)

// RuleBaseChosenAtBuildTime: a base image comes from a build argument
// without a value.
var RuleBaseChosenAtBuildTime = &Rule{
	ID:       "DH025",
	Severity: SeverityInfo,
	Title:    "base image chosen at build time",
	Why:      "The base image comes from a build argument without a default (ARG BASE_IMAGE, then FROM ${BASE_IMAGE}): which image it is, and whether it is pinned, is decided by whoever runs the build.",
	Fix:      "Everything else in the file is judged; pass --build-arg NAME=VALUE to judge the base with a value, or give the ARG a pinned default.",
	Source:   "dockhard's hardening bar (point 2)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			if st.Base == "" {
				report(st.Line, "the base image %s is chosen at build time by a build argument without a value: its pinning cannot be checked; pass --build-arg NAME=VALUE to check it with a value", st.BaseName)
			}
		}
	}),
}

// RuleEndOfLife: a base image past its publisher's end of life.
var RuleEndOfLife = &Rule{
	ID:       "DH022",
	Severity: SeverityError,
	Title:    "base image past end of life",
	Why:      "The publisher no longer fixes this image: every vulnerability found from now on stays in it (Debian 12 distroless, an Alpine branch past its two years, an Ubuntu LTS past standard support, a Go release older than the two supported ones).",
	Fix:      "Move to what the message names; the dates are in dockhard's catalog (`dockhard images --json`, endOfLife).",
	Source:   "dockhard's hardening bar (point 2); the publishers' stated end-of-life dates",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			if e, ok := endOfLife(d, st); ok {
				if past, _ := e.Status(d.Today); past {
					report(st.Line, "%s is past its end of life (%s) and gets no more fixes; instead use %s", st.Base, e.EOL, e.Instead)
				}
			}
		}
	}),
}

// RuleNearEndOfLife: a base image within catalog.EOLSoon of its end of
// life.
var RuleNearEndOfLife = &Rule{
	ID:       "DH023",
	Severity: SeverityWarning,
	Title:    "base image near end of life",
	Why:      "The publisher stops fixing this image within 90 days.",
	Fix:      "Plan the move now, while it is still a version bump and not an incident.",
	Source:   "dockhard's hardening bar (point 2); the publishers' stated end-of-life dates",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			if e, ok := endOfLife(d, st); ok {
				if past, soon := e.Status(d.Today); !past && soon {
					report(st.Line, "%s reaches its end of life on %s: plan the move to %s", st.Base, e.EOL, e.Instead)
				}
			}
		}
	}),
}

// endOfLife is the catalog's end of life for a stage's base image.
func endOfLife(d *Dockerfile, st *Stage) (catalog.EndOfLife, bool) {
	if st.Image == nil {
		return catalog.EndOfLife{}, false
	}
	return d.Catalog.EndOfLifeFor(st.Base)
}

// RuleUnpinnedBase: a base image named by a moving tag or none.
var RuleUnpinnedBase = &Rule{
	ID:       "DH002",
	Severity: SeverityError,
	Title:    "base image not pinned",
	Why:      "A missing tag means latest, and latest, nonroot or any tag without a version names a different image tomorrow: builds stop being reproducible and a scanned image is not the one you ship.",
	Fix:      "Pin a version tag (alpine:3.24.1) or, for images without versions, a digest (cgr.dev/chainguard/static:latest@sha256:...). `dockhard pin` keeps digests fresh.",
	Source:   "first article (pinned tags); CIS Docker Benchmark 4.2",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			if st.Image == nil {
				continue
			}
			if _, digested := st.Image.(reference.Digested); digested {
				continue
			}
			tagged, hasTag := st.Image.(reference.Tagged)
			switch {
			case !hasTag:
				report(st.Line, "%s has no tag: it means latest, a different image tomorrow; pin a version tag or a digest", st.Base)
			case tagged.Tag() == "latest" || catalog.UnversionedTags[tagged.Tag()]:
				report(st.Line, "%s names no version; pin it by digest (%s@sha256:…)", st.Base, st.Base)
			}
		}
	}),
}
