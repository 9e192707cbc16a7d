package generator

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/lint"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// barExpect is what a generated Dockerfile must show beyond the bar itself.
type barExpect struct {
	builder, runtime string
	cgo              bool
	goVersion        string // the Go go.mod asks for
	uid              int
	ports            []string
	vendored         bool
	// health is the HEALTHCHECK mode expected: http, tcp, exec or "" (none).
	health string
	// dataFiles are the module-relative paths the program reads at run
	// time: each copied from the builder's module to /app/<path>,
	// root-owned and read-only, with WORKDIR /app.
	dataFiles []string
}

// checkBar checks the twelve points of the hardening bar (DESIGN.md) on
// BuildKit's parsed instruction model of a Dockerfile and returns every
// departure. An empty result means the Dockerfile meets the bar.
func checkBar(dockerfile []byte, want barExpect) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	if len(res.Warnings) > 0 {
		fail("12: parser warning: %s", res.Warnings[0].Short)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return []string{"instructions do not parse: " + err.Error()}
	}
	if len(metaArgs) > 0 {
		fail("11: global ARGs before FROM")
	}
	// 1. Multi-stage; the final stage receives only the binary (and, for
	// scratch, the CA bundle) from the builder, plus account files.
	// Alpine is hardened in a stage of its own, between the two.
	wantStages := 2
	if want.runtime == "alpine" {
		wantStages = 3
	}
	if len(stages) < 2 {
		return append(problems, fmt.Sprintf("1: want a builder and a runtime stage, got %d stages", len(stages)))
	}
	if len(stages) != wantStages {
		fail("1: want a builder and a runtime stage (and alpine's root stage), got %d stages", len(stages))
	}
	builder, final := stages[0], stages[len(stages)-1]
	if builder.Name != "builder" {
		fail("1: first stage is %q, want builder", builder.Name)
	}
	// 2. Pinned bases.
	for _, st := range stages {
		if st.BaseName == "scratch" {
			continue
		}
		ref, err := reference.ParseNormalizedNamed(st.BaseName)
		if err != nil {
			fail("2: base %q: %v", st.BaseName, err)
			continue
		}
		tagged, ok := ref.(reference.Tagged)
		_, digested := ref.(reference.Digested)
		switch {
		case !ok:
			fail("2: base %q has no tag", st.BaseName)
		case (tagged.Tag() == "latest" || tagged.Tag() == "nonroot") && !digested:
			fail("2: base %q is a moving tag without a digest", st.BaseName)
		}
	}
	if want.runtime == "scratch" && final.BaseName != "scratch" {
		fail("runtime base %q, want scratch", final.BaseName)
	}
	// 10. The builder's Go.
	switch want.builder {
	case "golang":
		if !strings.HasPrefix(builder.BaseName, "golang:"+want.goVersion+"-") {
			fail("10: golang builder %q does not carry go.mod's Go %s", builder.BaseName, want.goVersion)
		}
	case "dhi":
		if !strings.HasPrefix(builder.BaseName, "dhi.io/golang:"+want.goVersion+"-debian13-dev") {
			fail("10: dhi builder %q does not carry go.mod's Go %s", builder.BaseName, want.goVersion)
		}
	case "ubuntu":
		if got := envValue(builder, "GOTOOLCHAIN"); got != "go"+catalog.FullGoVersion(want.goVersion) {
			fail("10: ubuntu builder GOTOOLCHAIN=%q, want go%s", got, catalog.FullGoVersion(want.goVersion))
		}
	}
	// 8 and 9: the build.
	checkBuild(builder, want, fail)
	// 3-7, 11: the final stage.
	checkFinal(final, want, fail)
	if want.runtime == "alpine" && len(stages) == 3 {
		checkAlpineRoot(stages[1], fail)
	}
	return problems
}

func envValue(st instructions.Stage, key string) string {
	v := ""
	for _, c := range st.Commands {
		if env, ok := c.(*instructions.EnvCommand); ok {
			for _, kv := range env.Env {
				if kv.Key == key {
					v = kv.Value
				}
			}
		}
	}
	return v
}

func checkBuild(st instructions.Stage, want barExpect, fail func(string, ...any)) {
	if !want.cgo && st.Platform != "$BUILDPLATFORM" {
		fail("8: static build without --platform=$BUILDPLATFORM (got %q)", st.Platform)
	}
	if want.cgo && st.Platform != "" {
		fail("8: cgo build cross-compiles (--platform=%s) without a cross C toolchain", st.Platform)
	}
	downloadAt, sourceAt, buildAt := -1, -1, -1
	var depSources []string
	for i, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.AddCommand:
			fail("11: ADD in the builder; use COPY")
		case *instructions.CopyCommand:
			if len(c.SourceContents) > 0 { // the health probe's source
				if want.health != "http" && want.health != "tcp" {
					fail("the builder carries a probe although the health check is %q", want.health)
				}
				continue
			}
			if len(c.SourcePaths) == 1 && c.SourcePaths[0] == "." {
				sourceAt = i
			} else if sourceAt < 0 {
				depSources = append(depSources, c.SourcePaths...)
			}
		case *instructions.RunCommand:
			line := strings.Join(c.CmdLine, " ")
			// Mounts are parsed when the command is expanded.
			if err := c.Expand(func(w string) (string, error) { return w, nil }); err != nil {
				fail("RUN does not expand: %v", err)
			}
			mounts := instructions.GetMounts(c)
			cacheTargets := map[string]bool{}
			for _, m := range mounts {
				if m.Type == instructions.MountTypeCache {
					cacheTargets[m.Target] = true
				}
			}
			if strings.Contains(line, "go mod download") {
				downloadAt = i
				if !cacheTargets["/go/pkg/mod"] {
					fail("9: go mod download without a module cache mount")
				}
			}
			if strings.Contains(line, "/healthcheck/main.go") { // the probe
				if !strings.Contains(line, "CGO_ENABLED=0") || !strings.Contains(line, "-trimpath") || !strings.Contains(line, `-ldflags="-s -w -buildid="`) || !cacheTargets["/go/build-cache"] {
					fail("8: the probe is not built static, trimmed and cached: %s", line)
				}
				continue
			}
			if strings.Contains(line, "go build") {
				buildAt = i
				if !cacheTargets["/go/pkg/mod"] || !cacheTargets["/go/build-cache"] {
					fail("9: go build without module and build cache mounts")
				}
				if !strings.Contains(line, "-trimpath") || !strings.Contains(line, `-ldflags="-s -w -buildid="`) {
					fail("8: go build without -trimpath and -ldflags=\"-s -w\": %s", line)
				}
				cgoFlag := "CGO_ENABLED=0"
				if want.cgo {
					cgoFlag = "CGO_ENABLED=1"
				}
				if !strings.Contains(line, cgoFlag) {
					fail("8: go build without %s", cgoFlag)
				}
				if !want.cgo && !strings.Contains(line, "GOOS=$TARGETOS GOARCH=$TARGETARCH") {
					fail("8: static build not targeting TARGETOS/TARGETARCH")
				}
			}
			if strings.Contains(line, "apt-get install") && !strings.Contains(line, "--no-install-recommends") {
				fail("11: apt-get install without --no-install-recommends")
			}
		case *instructions.ArgCommand:
			checkSecretNames(c.Args, fail)
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				if lint.SecretName.MatchString(kv.Key) {
					fail("11: ENV %s looks like a secret", kv.Key)
				}
			}
		}
	}
	if buildAt < 0 || sourceAt < 0 || sourceAt > buildAt {
		fail("9: want COPY . before go build (copy at %d, build at %d)", sourceAt, buildAt)
	}
	if want.vendored {
		if downloadAt >= 0 {
			fail("9: vendored module still runs go mod download")
		}
		return
	}
	if downloadAt < 0 || downloadAt > sourceAt {
		fail("9: go mod download must come before the source is copied (download at %d, source at %d)", downloadAt, sourceAt)
	}
	for _, s := range depSources {
		if !strings.HasSuffix(s, "go.mod") && !strings.HasSuffix(s, "go.sum") && !strings.HasSuffix(s, "go.work") && !strings.HasSuffix(s, "go.work.sum") {
			fail("9: the dependency step copies %s; only go.mod/go.sum/go.work belong there", s)
		}
	}
}

var (
	barNumericUser = regexp.MustCompile(`^(\d+):(\d+)$`)
)

func checkSecretNames(args []instructions.KeyValuePairOptional, fail func(string, ...any)) {
	for _, a := range args {
		if lint.SecretName.MatchString(a.Key) {
			fail("11: ARG %s looks like a secret", a.Key)
		}
	}
}

func checkFinal(st instructions.Stage, want barExpect, fail func(string, ...any)) {
	var (
		user       string
		entrypoint *instructions.EntrypointCommand
		health     *instructions.HealthCheckCommand
		runs       []*instructions.RunCommand
		lastRunAt  = -1
		ports      []string
		binaryCopy *instructions.CopyCommand
		dataCopied []string
		workdir    string
	)
	for _, b := range catalog.Builders {
		if strings.Contains(st.BaseName, "/"+b+":") || strings.HasPrefix(st.BaseName, b+":") || strings.Contains(st.BaseName, "chainguard/go:") || strings.Contains(st.BaseName, "dhi.io/golang:") {
			fail("5: the runtime stage is based on a toolchain image %q", st.BaseName)
		}
	}
	for i, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.AddCommand:
			fail("11: ADD in the final stage")
		case *instructions.RunCommand:
			runs = append(runs, c)
			lastRunAt = i
		case *instructions.UserCommand:
			user = c.User
		case *instructions.EntrypointCommand:
			entrypoint = c
		case *instructions.CmdCommand:
			if c.PrependShell {
				fail("4: CMD in shell form")
			}
		case *instructions.ExposeCommand:
			ports = append(ports, c.Ports...)
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.ArgCommand:
			checkSecretNames(c.Args, fail)
		case *instructions.CopyCommand:
			switch {
			case len(c.SourceContents) > 0:
				for _, sc := range c.SourceContents {
					if sc.Path != "PASSWD" && sc.Path != "GROUP" {
						fail("5: unexpected inline file %s in the final stage", sc.Path)
					}
				}
			case want.runtime == "alpine" && c.From == "alpine-root":
				if i != 0 || len(c.SourcePaths) != 1 || c.SourcePaths[0] != "/" || c.DestPath != "/" {
					fail("6: the hardened alpine root must be the first instruction, COPY --from=alpine-root / /; got %v -> %s at %d", c.SourcePaths, c.DestPath, i)
				}
			case c.From != "builder":
				fail("5: the final stage copies %v from the build context, not from the builder", c.SourcePaths)
			case c.SourcePaths[0] == "/out/healthcheck":
				if c.Chmod != "0555" || c.Chown != "" {
					fail("11: the probe is copied with --chown=%q --chmod=%q; want root-owned, mode 0555", c.Chown, c.Chmod)
				}
			case strings.HasPrefix(c.SourcePaths[0], "/out/"):
				binaryCopy = c
			case strings.HasPrefix(c.DestPath, "/app/"):
				rel := strings.TrimPrefix(c.DestPath, "/app/")
				if !slices.Contains(want.dataFiles, rel) || len(c.SourcePaths) != 1 || path.Base(c.SourcePaths[0]) != path.Base(rel) {
					fail("5: the final stage copies %v to %s, not an expected data file (%v)", c.SourcePaths, c.DestPath, want.dataFiles)
				}
				if c.Chmod != "0555" || c.Chown != "" {
					fail("11: data file %s is copied with --chown=%q --chmod=%q; want root-owned, mode 0555 (no write bit; the /app it creates must stay searchable)", rel, c.Chown, c.Chmod)
				}
				dataCopied = append(dataCopied, rel)
			case c.SourcePaths[0] != "/etc/ssl/certs/ca-certificates.crt":
				fail("5: the final stage copies %v from the builder; only the binary and the CA bundle belong", c.SourcePaths)
			}
		case *instructions.WorkdirCommand:
			workdir = c.Path
		}
		if lastRunAt >= 0 && i > lastRunAt {
			if _, ok := c.(*instructions.RunCommand); ok {
				fail("6: a RUN after the shell was removed")
			}
		}
	}
	if fmt.Sprint(dataCopied) != fmt.Sprint(want.dataFiles) {
		fail("5: data files copied %v, want %v", dataCopied, want.dataFiles)
	}
	if len(want.dataFiles) > 0 && workdir != "/app" {
		fail("5: WORKDIR %q in the final stage, want /app so that the data files' relative paths resolve", workdir)
	}
	// 3. Numeric non-root user.
	m := barNumericUser.FindStringSubmatch(user)
	switch {
	case m == nil:
		fail("3: USER %q is not numeric uid:gid", user)
	case m[1] == "0" || m[2] == "0":
		fail("3: USER %q is root", user)
	case want.uid != 0 && m[1] != fmt.Sprint(want.uid):
		fail("3: USER %q, want uid %d", user, want.uid)
	}
	// 4. Exec form.
	if entrypoint == nil || entrypoint.PrependShell {
		fail("4: ENTRYPOINT missing or in shell form")
	}
	if fmt.Sprint(ports) != fmt.Sprint(want.ports) {
		fail("EXPOSE %v, want %v", ports, want.ports)
	}
	// 12. A real health probe for services, in exec form.
	switch {
	case want.health == "" && health != nil:
		fail("12: HEALTHCHECK present, want none")
	case want.health != "" && health == nil:
		fail("12: no HEALTHCHECK, want %s", want.health)
	case health != nil:
		test := health.Health.Test
		if len(test) < 2 || test[0] != "CMD" {
			fail("12: HEALTHCHECK %q is not in exec form", test)
		} else if want.health == "http" || want.health == "tcp" {
			if test[1] != "/usr/local/bin/healthcheck" || !strings.HasPrefix(test[2], want.health+"://127.0.0.1:"+strings.Join(want.ports[:1], "")) {
				fail("12: HEALTHCHECK %q does not probe %s on port %v", test, want.health, want.ports)
			}
		}
		if health.Health.Interval == 0 || health.Health.Timeout == 0 || health.Health.Retries == 0 {
			fail("12: HEALTHCHECK without interval, timeout or retries")
		}
	}
	// 11. The binary: root-owned, not writable by anyone.
	if binaryCopy == nil {
		fail("5: the binary is not copied from the builder")
	} else if binaryCopy.Chown != "" || binaryCopy.Chmod != "0555" {
		fail("11: the binary is copied with --chown=%q --chmod=%q; want root-owned, mode 0555", binaryCopy.Chown, binaryCopy.Chmod)
	}
	// 6 and 7: shells. Alpine's are removed in its root stage; the final
	// stage is scratch.
	if len(runs) > 0 {
		fail("7: RUN in a shell-less runtime (%s)", want.runtime)
	}
	if want.runtime == "alpine" && st.BaseName != "scratch" {
		fail("6: the alpine runtime stage is based on %q, want scratch with the hardened root copied in", st.BaseName)
	}
}

// checkAlpineRoot judges the stage that hardens Alpine: one RUN, the last,
// that takes write permission away before removing apk, its keys and every
// shell, and keeps the package database for scanners.
func checkAlpineRoot(root instructions.Stage, fail func(string, ...any)) {
	if root.Name != "alpine-root" || !strings.HasPrefix(root.BaseName, "alpine:") {
		fail("6: the alpine root stage is %q from %q, want alpine-root from alpine", root.Name, root.BaseName)
	}
	var runs []*instructions.RunCommand
	for i, c := range root.Commands {
		r, ok := c.(*instructions.RunCommand)
		if !ok {
			fail("6: the alpine root stage does more than its one RUN: %T", c)
			continue
		}
		if i != len(root.Commands)-1 {
			fail("6: a RUN after the shell was removed")
		}
		runs = append(runs, r)
	}
	if len(runs) != 1 {
		fail("6: alpine wants exactly one RUN (user, chmod, removal), got %d", len(runs))
		return
	}
	line := strings.Join(runs[0].CmdLine, " ")
	for _, part := range []string{"find /etc ", "-exec chmod a-w {} +", "chmod -R a-w /lib /usr", "rm -rf /etc/apk", " /usr/share/apk ", " /bin ", " /sbin "} {
		if !strings.Contains(line+" ", part) {
			fail("6: the alpine RUN lacks %q", part)
		}
	}
	if strings.Contains(line+" ", " /lib/apk ") || strings.Contains(line, "/lib/apk/db") {
		fail("6: the alpine RUN removes the package database (/lib/apk/db): scanners would see no packages")
	}
	if strings.Index(line, "chmod") > strings.Index(line, "rm -rf") {
		fail("6: write permission must be removed before the shell is")
	}
}

func TestCheckBarCanFail(t *testing.T) {
	// The article's final Dockerfile: a named user, no digest, RUN after
	// RUN, no -trimpath. The checker must find all of that.
	article := `FROM ubuntu:24.04 AS builder
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y golang-go
COPY app.go .
RUN CGO_ENABLED=0 go build app.go
FROM alpine:3.20.2
RUN chmod a-w /etc
RUN addgroup -S appgroup && adduser -S appuser -G appgroup -h /home/appuser
RUN rm -rf /bin/*
COPY --from=builder /app /home/appuser
USER appuser
WORKDIR /home/appuser
CMD ["./app"]
`
	problems := checkBar([]byte(article), barExpect{builder: "ubuntu", runtime: "alpine", goVersion: "1.22"})
	for _, want := range []string{"3: USER \"appuser\" is not numeric", "4: ENTRYPOINT missing", "8: go build without -trimpath", "9: want COPY . before go build", "1: want a builder and a runtime stage (and alpine's root stage), got 2 stages", "6: the alpine runtime stage is based on \"alpine:3.20.2\", want scratch", "7: RUN in a shell-less runtime", "10: ubuntu builder GOTOOLCHAIN"} {
		found := false
		for _, p := range problems {
			if strings.Contains(p, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("checkBar missed %q; it found:\n%s", want, strings.Join(problems, "\n"))
		}
	}
}
