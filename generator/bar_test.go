package generator

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/internal/testfile"
	"github.com/dockhard/dockhard/generator/lint"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// barForbids is the lowest severity of finding the hardening bar forbids
// in a Dockerfile dockhard writes: all of them, info included.
const barForbids = lint.SeverityInfo

// barExpect is what lint cannot know about a generated Dockerfile: the
// values it was generated for.
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
	// target is the final stage judged in a Dockerfile of several (""
	// for the last stage of a single one); binary is its binary. native
	// says the builder runs on the target platform because another
	// binary of the file needs cgo, so this static one is not
	// cross-compiled either.
	target, binary string
	native         bool
	// stamps are the -X of the binary's -ldflags, "main.version=${VERSION}".
	stamps []string
	// private is how private modules are fetched: netrc, ssh or "" (none).
	private string
}

// builderImages and runtimeImages are where each builder's and runtime's
// base image comes from (DESIGN's tables); alpine's final stage is scratch
// with the hardened root copied in.
var (
	builderImages = map[string]string{"chainguard": "cgr.dev/chainguard/go:", "ubuntu": "ubuntu:", "golang": "golang:", "dhi": "dhi.io/golang:"}
	runtimeImages = map[string]string{"distroless": "gcr.io/distroless/", "chainguard": "cgr.dev/chainguard/", "dhi": "dhi.io/", "scratch": "scratch", "alpine": "scratch"}
)

// checkBar judges a generated Dockerfile against the hardening bar
// (DESIGN.md) and returns every departure; none means it meets the bar.
// The bar's generic points are lint's: dockhard's rules and BuildKit's own
// checks must find nothing at or above barForbids. What remains is what
// lint cannot know: that the file holds the values it was generated for,
// in the shape dockhard writes them.
func checkBar(dockerfile []byte, want barExpect) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	opts := lint.LintOptions{GoVersion: want.goVersion, Today: testfile.GoldenToday}
	findings, err := lint.Lint("Dockerfile", dockerfile, opts)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	bk, err := lint.BuildKitLintWith("Dockerfile", dockerfile, opts)
	if err != nil {
		return []string{"BuildKit's checks: " + err.Error()}
	}
	for _, f := range append(findings, bk...) {
		if f.Severity >= barForbids {
			fail("%s (line %d): %s", f.Rule, f.Line, f.Message)
		}
	}

	d, err := lint.ParseDockerfile("Dockerfile", dockerfile, opts)
	if err != nil {
		return append(problems, "does not parse: "+err.Error())
	}
	if want.target != "" {
		// One image of several: the stages it is built from, as lint
		// judges it.
		views := d.Targets()
		i := slices.IndexFunc(views, func(v *lint.Dockerfile) bool { return v.Final.Name == want.target })
		if len(views) < 2 || i < 0 {
			return append(problems, fmt.Sprintf("no target %q among the file's final stages", want.target))
		}
		d = views[i]
	}
	// A builder and a runtime stage; Alpine is hardened in a stage of its
	// own between the two.
	wantStages := 2
	if want.runtime == "alpine" {
		wantStages = 3
	}
	if len(d.Stages) != wantStages {
		return append(problems, fmt.Sprintf("want %d stages (builder, runtime, and alpine's root), got %d", wantStages, len(d.Stages)))
	}
	if !strings.HasPrefix(d.Final.Base, runtimeImages[want.runtime]) {
		fail("the %s runtime stage is based on %q", want.runtime, d.Final.Base)
	}
	checkBuilder(d.Stages[0], want, fail)
	checkRuntime(d.Final, want, fail)
	if want.runtime == "alpine" {
		checkAlpineRoot(d.Stages[1], fail)
	}
	return problems
}

// checkBuilder checks the builder's base, Go, platform, cgo, caches,
// dependency step and health probe.
func checkBuilder(st *lint.Stage, want barExpect, fail func(string, ...any)) {
	if st.Name != "builder" {
		fail("the first stage is %q, want builder", st.Name)
	}
	if !strings.HasPrefix(st.Base, builderImages[want.builder]) {
		fail("the %s builder is based on %q", want.builder, st.Base)
	}
	switch want.builder {
	case "golang":
		if !strings.HasPrefix(st.Base, "golang:"+want.goVersion+"-") {
			fail("golang builder %q does not carry go.mod's Go %s", st.Base, want.goVersion)
		}
	case "dhi":
		if !strings.HasPrefix(st.Base, "dhi.io/golang:"+want.goVersion+"-debian13-dev") {
			fail("dhi builder %q does not carry go.mod's Go %s", st.Base, want.goVersion)
		}
	case "ubuntu":
		if got := envValue(st, "GOTOOLCHAIN"); got != "go"+catalog.FullGoVersion(want.goVersion) {
			fail("ubuntu builder GOTOOLCHAIN=%q, want go%s", got, catalog.FullGoVersion(want.goVersion))
		}
	}
	// Static builds cross-compile natively; cgo would need a cross C
	// toolchain, so it builds on the target platform, and so does every
	// other binary of its builder.
	cross := !want.cgo && !want.native
	if cross && st.Platform != "$BUILDPLATFORM" {
		fail("static build without --platform=$BUILDPLATFORM (got %q)", st.Platform)
	}
	if !cross && st.Platform != "" {
		fail("a builder with a cgo build cross-compiles (--platform=%s) without a cross C toolchain", st.Platform)
	}
	downloadAt, sourceAt, buildAt, probeAt := -1, -1, -1, -1
	var depSources []string
	// The build arguments the builder declares, where, and their defaults.
	argAt, argDefault := map[string]int{}, map[string]string{}
	for i, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if len(c.SourceContents) > 0 { // the health probe's source
				// In a file of several targets the probe is another's too.
				if want.target == "" && want.health != "http" && want.health != "tcp" {
					fail("the builder carries a probe although the health check is %q", want.health)
				}
				continue
			}
			if len(c.SourcePaths) == 1 && c.SourcePaths[0] == "." {
				sourceAt = i
			} else if sourceAt < 0 {
				depSources = append(depSources, c.SourcePaths...)
			}
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				if strings.HasPrefix(kv.Key, "GOPRIVATE") || strings.HasPrefix(kv.Key, "GONO") || strings.HasPrefix(kv.Key, "GIT_") {
					fail("ENV %s: private module settings belong to the dependency step's RUN alone", kv.Key)
				}
			}
		case *instructions.RunCommand:
			text := strings.Join(c.CmdLine, " ")
			caches := cacheTargets(c, fail)
			credentials := credentialMounts(c)
			if len(credentials) > 0 && !strings.Contains(text, "go mod download") {
				fail("credentials mounted outside the dependency step: %v in %s", credentials, text)
			}
			switch {
			case strings.Contains(text, "go mod download"):
				downloadAt = i
				if !caches["/go/pkg/mod"] {
					fail("go mod download without the module cache mount")
				}
				checkPrivateFetch(text, credentials, want.private, fail)
			case strings.Contains(text, "/healthcheck/main.go"):
				probeAt = i
				if !strings.Contains(text, "CGO_ENABLED=0") || !strings.Contains(text, `-ldflags="-s -w -buildid="`) || !caches["/go/build-cache"] {
					fail("the probe is not built static, without a build id and cached: %s", text)
				}
			case strings.Contains(text, "go build"):
				if !caches["/go/pkg/mod"] || !caches["/go/build-cache"] {
					fail("go build without the module and build cache mounts")
				}
				if !strings.HasPrefix(ldflagsOf(text), "-s -w -buildid=") {
					fail(`go build without -ldflags="-s -w -buildid=": %s`, text)
				}
				if want.binary != "" && !strings.Contains(text, " -o /out/"+want.binary+" ") {
					continue // another target's binary
				}
				if buildAt >= 0 {
					fail("the binary is built twice")
				}
				buildAt = i
				if got, wantFlags := ldflagsOf(text), "-s -w -buildid="+stampFlags(want.stamps); got != wantFlags {
					fail("-ldflags=%q, want %q", got, wantFlags)
				}
				for _, stamp := range want.stamps {
					arg := stamp[strings.Index(stamp, "${")+2 : len(stamp)-1]
					if at, ok := argAt[arg]; !ok || at > i {
						fail("the binary is stamped from %s, which the builder does not declare before it", arg)
					} else if d, ok := labelArgDefaults[arg]; ok && argDefault[arg] != d {
						fail("the builder declares %s=%s, where the labels' default is %s", arg, argDefault[arg], d)
					}
				}
				cgoFlag := "CGO_ENABLED=0"
				if want.cgo {
					cgoFlag = "CGO_ENABLED=1"
				}
				if !strings.Contains(text, cgoFlag) {
					fail("go build without %s", cgoFlag)
				}
				if cross != strings.Contains(text, "GOOS=$TARGETOS GOARCH=$TARGETARCH") {
					fail("cross-compiling is %v, the build's GOOS/GOARCH say otherwise: %s", cross, text)
				}
			}
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				argAt[a.Key] = i
				if a.Value != nil {
					argDefault[a.Key] = *a.Value
				}
			}
		}
	}
	if (want.health == "http" || want.health == "tcp") && probeAt < 0 {
		fail("a %s health check without the probe built", want.health)
	}
	if buildAt < 0 || sourceAt < 0 || sourceAt > buildAt {
		fail("want COPY . before go build (copy at %d, build at %d)", sourceAt, buildAt)
	}
	if want.vendored {
		if downloadAt >= 0 {
			fail("vendored module still runs go mod download")
		}
		return
	}
	if downloadAt < 0 || downloadAt > sourceAt {
		fail("go mod download must come before the source is copied (download at %d, source at %d)", downloadAt, sourceAt)
	}
	for _, s := range depSources {
		if !strings.HasSuffix(s, "go.mod") && !strings.HasSuffix(s, "go.sum") && !strings.HasSuffix(s, "go.work") && !strings.HasSuffix(s, "go.work.sum") {
			fail("the dependency step copies %s; only go.mod/go.sum/go.work belong there", s)
		}
	}
}

func envValue(st *lint.Stage, key string) string {
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

// cacheTargets are the targets of a RUN's cache mounts.
func cacheTargets(c *instructions.RunCommand, fail func(string, ...any)) map[string]bool {
	// Mounts are parsed when the command is expanded.
	if err := c.Expand(func(w string) (string, error) { return w, nil }); err != nil {
		fail("RUN does not expand: %v", err)
	}
	targets := map[string]bool{}
	for _, m := range instructions.GetMounts(c) {
		if m.Type == instructions.MountTypeCache {
			targets[m.Target] = true
		}
	}
	return targets
}

// credentialMounts describes a RUN's secret and ssh mounts (its mounts are
// parsed by cacheTargets).
func credentialMounts(c *instructions.RunCommand) []string {
	var out []string
	for _, m := range instructions.GetMounts(c) {
		switch m.Type {
		case instructions.MountTypeSecret:
			out = append(out, fmt.Sprintf("secret %s at %s required=%v", m.CacheID, m.Target, m.Required))
		case instructions.MountTypeSSH:
			out = append(out, fmt.Sprintf("ssh required=%v", m.Required))
		}
	}
	return out
}

// checkPrivateFetch checks the dependency step's credentials: none without
// private modules; with them exactly the mounts of the chosen way, each
// required, and the GOPRIVATE settings on the RUN line.
func checkPrivateFetch(line string, credentials []string, private string, fail func(string, ...any)) {
	var want []string
	switch private {
	case "netrc":
		want = []string{"secret netrc at /root/.netrc required=true"}
	case "ssh":
		want = []string{"ssh required=true", "secret known_hosts at /root/.ssh/known_hosts required=true"}
	}
	if !slices.Equal(credentials, want) {
		fail("the dependency step mounts %v, want %v", credentials, want)
	}
	if private == "" {
		return
	}
	for _, v := range []string{"GOPRIVATE=", "GONOPROXY=", "GONOSUMDB="} {
		if !strings.Contains(line, v) {
			fail("private modules: the dependency step does not set %s", v)
		}
	}
	if strings.Contains(line, "GIT_CONFIG_COUNT=") != (private == "ssh") {
		fail("private modules: git's insteadOf must be set for ssh alone: %s", line)
	}
}

var (
	barUser    = regexp.MustCompile(`^(\d+):(\d+)$`)
	barLDFlags = regexp.MustCompile(`-ldflags="([^"]*)"`)
)

// labelArgDefaults are the defaults the final stage's labels give the
// version build arguments: a stamped binary must get the same.
var labelArgDefaults = map[string]string{"VERSION": "dev", "REVISION": "unknown"}

// ldflagsOf is the -ldflags value of a go build line.
func ldflagsOf(line string) string {
	m := barLDFlags.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return m[1]
}

// stampFlags is the -X part of -ldflags for the stamps.
func stampFlags(stamps []string) string {
	out := ""
	for _, s := range stamps {
		out += " -X " + s
	}
	return out
}

// checkRuntime checks what the final stage receives and declares: the
// binary, the probe, the CA bundle, an account and the data files, each
// root-owned and read-only; the user, ports, health check and entrypoint.
func checkRuntime(st *lint.Stage, want barExpect, fail func(string, ...any)) {
	var (
		entrypoint, binary bool
		health             *instructions.HealthCheckCommand
		ports, dataCopied  []string
		workdir            string
	)
	for i, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.EntrypointCommand:
			entrypoint = true
		case *instructions.ExposeCommand:
			ports = append(ports, c.Ports...)
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.WorkdirCommand:
			workdir = c.Path
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				if d, ok := labelArgDefaults[a.Key]; ok && (a.Value == nil || *a.Value != d) {
					fail("the final stage declares %s without its default %s", a.Key, d)
				}
			}
		case *instructions.CopyCommand:
			readOnly := c.Chmod == "0555" && c.Chown == ""
			switch {
			case len(c.SourceContents) > 0:
				for _, sc := range c.SourceContents {
					if sc.Path != "PASSWD" && sc.Path != "GROUP" {
						fail("unexpected inline file %s in the final stage", sc.Path)
					}
				}
			case want.runtime == "alpine" && c.From == "alpine-root":
				if i != 0 || len(c.SourcePaths) != 1 || c.SourcePaths[0] != "/" || c.DestPath != "/" {
					fail("the hardened alpine root must be the first instruction, COPY --from=alpine-root / /; got %v -> %s at %d", c.SourcePaths, c.DestPath, i)
				}
			case c.From != "builder":
				fail("the final stage copies %v from %q, not from the builder", c.SourcePaths, c.From)
			case c.SourcePaths[0] == "/out/healthcheck":
				if !readOnly {
					fail("the probe is copied with --chown=%q --chmod=%q; want root-owned, mode 0555", c.Chown, c.Chmod)
				}
			case strings.HasPrefix(c.SourcePaths[0], "/out/"):
				if binary || (want.binary != "" && c.SourcePaths[0] != "/out/"+want.binary) {
					fail("the final stage copies %v from the builder; only its own binary belongs", c.SourcePaths)
				}
				binary = true
				if !readOnly {
					fail("the binary is copied with --chown=%q --chmod=%q; want root-owned, mode 0555", c.Chown, c.Chmod)
				}
			case strings.HasPrefix(c.DestPath, "/app/"):
				rel := strings.TrimPrefix(c.DestPath, "/app/")
				if !slices.Contains(want.dataFiles, rel) || len(c.SourcePaths) != 1 || path.Base(c.SourcePaths[0]) != path.Base(rel) {
					fail("the final stage copies %v to %s, not an expected data file (%v)", c.SourcePaths, c.DestPath, want.dataFiles)
				}
				if !readOnly {
					fail("data file %s is copied with --chown=%q --chmod=%q; want root-owned, mode 0555 (no write bit; the /app it creates must stay searchable)", rel, c.Chown, c.Chmod)
				}
				dataCopied = append(dataCopied, rel)
			case c.SourcePaths[0] != "/etc/ssl/certs/ca-certificates.crt":
				fail("the final stage copies %v from the builder; only the binary, the probe, the CA bundle and data files belong", c.SourcePaths)
			}
		}
	}
	if !binary {
		fail("the binary is not copied from the builder")
	}
	if !entrypoint {
		fail("no ENTRYPOINT")
	}
	if fmt.Sprint(dataCopied) != fmt.Sprint(want.dataFiles) {
		fail("data files copied %v, want %v", dataCopied, want.dataFiles)
	}
	if len(want.dataFiles) > 0 && workdir != "/app" {
		fail("WORKDIR %q in the final stage, want /app so that the data files' relative paths resolve", workdir)
	}
	user := ""
	if st.User != nil {
		user = st.User.User
	}
	switch m := barUser.FindStringSubmatch(user); {
	case m == nil:
		fail("USER %q is not numeric uid:gid", user)
	case m[1] != fmt.Sprint(want.uid) || m[2] == "0":
		fail("USER %q, want uid %d and a group other than root's", user, want.uid)
	}
	if fmt.Sprint(ports) != fmt.Sprint(want.ports) {
		fail("EXPOSE %v, want %v", ports, want.ports)
	}
	switch {
	case want.health == "" && health != nil:
		fail("HEALTHCHECK present, want none")
	case want.health != "" && health == nil:
		fail("no HEALTHCHECK, want %s", want.health)
	case health != nil:
		test := health.Health.Test
		if want.health == "http" || want.health == "tcp" {
			if len(test) < 3 || test[1] != "/usr/local/bin/healthcheck" || !strings.HasPrefix(test[2], want.health+"://127.0.0.1:"+strings.Join(want.ports[:1], "")) {
				fail("HEALTHCHECK %q does not probe %s on port %v", test, want.health, want.ports)
			}
		}
		if health.Health.Interval == 0 || health.Health.Timeout == 0 || health.Health.Retries == 0 {
			fail("HEALTHCHECK without interval, timeout or retries")
		}
	}
}

// checkAlpineRoot checks the stage that hardens Alpine: one RUN and
// nothing else, which adds the account, takes write permission away from
// /etc, /lib and /usr before it removes apk, its keys and every shell.
// Lint judges the shell, apk, /etc and the package database of it.
func checkAlpineRoot(root *lint.Stage, fail func(string, ...any)) {
	if root.Name != "alpine-root" || !strings.HasPrefix(root.Base, "alpine:") {
		fail("the alpine root stage is %q from %q, want alpine-root from alpine", root.Name, root.Base)
	}
	if len(root.Commands) != 1 || len(root.Runs) != 1 {
		fail("the alpine root stage wants exactly one instruction, its RUN; got %d instructions", len(root.Commands))
		return
	}
	text := root.Runs[0].Text + " "
	for _, part := range []string{"chmod -R a-w /lib /usr", "rm -rf /etc/apk", " /usr/share/apk "} {
		if !strings.Contains(text, part) {
			fail("the alpine RUN lacks %q", part)
		}
	}
	if strings.Index(text, "chmod") > strings.Index(text, "rm -rf") {
		fail("write permission must be removed before the shell is")
	}
}

// TestCheckBarCanFail shows the bar failing: each case breaks one golden
// file in one place, and checkBar must report it.
func TestCheckBarCanFail(t *testing.T) {
	rootmain := barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.1", uid: DefaultUID, ports: []string{"8080"}, health: "tcp"}
	ubuntu, alpine := rootmain, rootmain
	ubuntu.builder, alpine.builder, alpine.runtime = "ubuntu", "golang", "alpine"
	golangCgo := barExpect{builder: "golang", runtime: "distroless", cgo: true, goVersion: "1.26.0", uid: DefaultUID, ports: []string{"7070"}, health: "tcp"}
	vendored := barExpect{builder: "chainguard", runtime: "chainguard", cgo: true, goVersion: "1.22.5", uid: DefaultUID, vendored: true}
	datafiles := barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.24", uid: DefaultUID, ports: []string{"8080"}, health: "tcp", dataFiles: []string{"products.json", "static", "templates"}}
	const probeCheck = `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/healthcheck","tcp://127.0.0.1:8080","5s"]`
	tests := []struct {
		name, golden string
		expect       barExpect
		from, to     string
		want         string // in one of the problems
	}{
		// The bar's generic points, through lint's rules.
		{"root user", "chainguard-distroless", rootmain, "USER 65532:65532", "USER root", "DH004"},
		{"no -trimpath", "chainguard-distroless", rootmain, "go build -trimpath -ldflags=\"-s -w -buildid=\" -o /out/rootmain", "go build -ldflags=\"-s -w -buildid=\" -o /out/rootmain", "DH012"},
		{"shell-form entrypoint", "chainguard-distroless", rootmain, `ENTRYPOINT ["/usr/local/bin/rootmain"]`, "ENTRYPOINT /usr/local/bin/rootmain", "DH006"},
		{"shell-form health check", "chainguard-distroless", rootmain, `CMD ["/usr/local/bin/healthcheck","tcp://127.0.0.1:8080","5s"]`, "CMD /usr/local/bin/healthcheck tcp://127.0.0.1:8080 5s", "DH028"},
		{"binary owned by the user", "chainguard-distroless", rootmain, "--chmod=0555 /out/rootmain", "--chown=65532:65532 --chmod=0555 /out/rootmain", "DH027"},
		{"no target architecture", "chainguard-distroless", rootmain, "GOOS=$TARGETOS GOARCH=$TARGETARCH \\\n    go build -trimpath -ldflags=\"-s -w -buildid=\" -o /out/rootmain", "GOOS=$TARGETOS \\\n    go build -trimpath -ldflags=\"-s -w -buildid=\" -o /out/rootmain", "DH026"},
		{"RUN in distroless", "chainguard-distroless", rootmain, "USER 65532:65532", "RUN true\nUSER 65532:65532", "DH011"},
		{"unpinned runtime", "chainguard-distroless", rootmain, "static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6", "static-debian13:nonroot", "DH002"},
		{"a secret", "chainguard-distroless", rootmain, "ARG TARGETARCH\n", "ARG TARGETARCH\nARG GITHUB_TOKEN\n", "DH018"},
		{"source in the runtime", "chainguard-distroless", rootmain, "USER 65532:65532", "COPY . /src/\nUSER 65532:65532", "DH029"},
		{"source before the download", "chainguard-distroless", rootmain, "COPY go.mod /src/\n", "COPY . /src/\n", "DH015"},
		{"BuildKit's checks", "chainguard-distroless", rootmain, "AS builder", "as builder", "BK:FromAsCasing"},
		{"alpine keeps /etc writable", "golang-alpine", alpine, " && find /etc ! -path /etc/hosts ! -path /etc/resolv.conf ! -path /etc/hostname -exec chmod a-w {} + \\\n", "", "DH009"},
		{"alpine keeps apk", "golang-alpine", alpine, " /sbin /usr/bin", " /usr/bin", "DH008"},
		{"alpine loses its package database", "golang-alpine", alpine, "/lib/apk/exec", "/lib/apk", "DH024"},
		// What lint cannot know: the values each golden was generated for.
		{"another uid", "chainguard-distroless", rootmain, "USER 65532:65532", "USER 10001:10001", "want uid 65532"},
		{"another port", "chainguard-distroless", rootmain, "EXPOSE 8080", "EXPOSE 9090", "EXPOSE [9090]"},
		{"no health check", "chainguard-distroless", rootmain, probeCheck + "\n", "", "no HEALTHCHECK"},
		{"a build id", "chainguard-distroless", rootmain, "-ldflags=\"-s -w -buildid=\" -o /out/rootmain", "-ldflags=\"-s -w\" -o /out/rootmain", "-buildid="},
		{"no native cross-compile", "chainguard-distroless", rootmain, "FROM --platform=$BUILDPLATFORM ", "FROM ", "--platform=$BUILDPLATFORM"},
		{"ubuntu's GOTOOLCHAIN", "ubuntu-distroless", ubuntu, "GOTOOLCHAIN=go1.26.1", "GOTOOLCHAIN=go1.26.0", "GOTOOLCHAIN"},
		{"cgo off in a cgo build", "golang-distroless-cgo", golangCgo, "CGO_ENABLED=1", "CGO_ENABLED=0", "CGO_ENABLED=1"},
		{"golang builder's Go", "golang-distroless-cgo", golangCgo, "golang:1.26.0-trixie", "golang:1.26.1-trixie", "go.mod's Go 1.26.0"},
		{"vendored downloads", "vendored", vendored, "COPY . /src/\n", "COPY go.mod /src/\nRUN go mod download\nCOPY . /src/\n", "vendored"},
		{"a data file left out", "datafiles", datafiles, "COPY --from=builder --chmod=0555 /src/static /app/static\n", "", "data files copied"},
		{"a data file writable", "datafiles", datafiles, "--chmod=0555 /src/static", "--chmod=0755 /src/static", "data file static"},
		{"alpine's runtime keeps alpine", "golang-alpine", alpine, "FROM scratch\nCOPY --from=alpine-root / /\n", "FROM alpine:3.24.1\n", "the alpine runtime stage"},
		{"alpine's /lib and /usr writable", "golang-alpine", alpine, " && chmod -R a-w /lib /usr \\\n", "", "chmod -R a-w /lib /usr"},
	}
	clean := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(testfile.Path("testdata", "golden", tt.golden+".Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			golden := string(data)
			if !clean[tt.golden] {
				if problems := checkBar(data, tt.expect); len(problems) > 0 {
					t.Fatalf("%s fails before it is broken:\n%s", tt.golden, strings.Join(problems, "\n"))
				}
				clean[tt.golden] = true
			}
			if !strings.Contains(golden, tt.from) {
				t.Fatalf("%s lacks %q", tt.golden, tt.from)
			}
			problems := checkBar([]byte(strings.Replace(golden, tt.from, tt.to, 1)), tt.expect)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("checkBar missed %q; it found:\n%s", tt.want, strings.Join(problems, "\n"))
			}
		})
	}
}
