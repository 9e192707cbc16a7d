package generator

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// Several mains, one Dockerfile: each target meets the whole bar on its
// own, with its own ports, health check, cgo need and stamps.
func TestSeveralTargets(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		opts    Options
		// targets are the stage names in order, each with what its image
		// must show.
		targets []string
		expect  []barExpect
	}{
		// A server with a port and a program with none: the probe is built
		// once, copied only into the server.
		{"several-server-cli", "multicmd", Options{Main: []string{"./cmd/api", "./cmd/worker"}},
			[]string{"api", "worker"}, []barExpect{
				{binary: "api", runtime: "distroless", ports: []string{"9090"}, health: "tcp"},
				{binary: "worker", runtime: "distroless"},
			}},
		// cmd/api needs cgo (go-sqlite3), cmd/worker does not: one builder
		// on the target platform, CGO_ENABLED per binary, a glibc runtime
		// for one and the static one for the other.
		{"several-cgo-static", "cgotwomains", Options{Main: []string{MainAll}},
			[]string{"api", "worker"}, []barExpect{
				{binary: "api", runtime: "chainguard", cgo: true},
				{binary: "worker", runtime: "distroless", native: true},
			}},
		// Alpine: both targets copy the one hardened root.
		{"several-alpine", "multicmd", Options{Main: []string{MainAll}, Runtime: "alpine", UID: "10001"},
			[]string{"api", "worker"}, []barExpect{
				{binary: "api", runtime: "alpine", uid: 10001, ports: []string{"9090"}, health: "tcp"},
				{binary: "worker", runtime: "alpine", uid: 10001},
			}},
		// Detected stamps per binary, and the bake file.
		{"several-stamped-bake", "stamping", Options{Main: []string{MainAll}, Bake: true},
			[]string{"cli", "server"}, []barExpect{
				{binary: "cli", runtime: "distroless", stamps: []string{"main.commit=${REVISION}"}},
				{binary: "server", runtime: "distroless", ports: []string{"8080"}, health: "tcp", stamps: []string{
					"main.app_version=${VERSION}",
					"example.com/stamping/internal/version.Version=${VERSION}",
					"example.com/stamping/internal/version.GitCommit=${REVISION}",
				}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Today = testfile.GoldenToday
			facts := detectFixture(t, tt.fixture)
			res, err := GenerateFrom(facts, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+".Dockerfile", res.Dockerfile)
			if got := finalStages(t, res.Dockerfile); !slices.Equal(got, tt.targets) {
				t.Errorf("final stages %q, want %q", got, tt.targets)
			}
			for i, want := range tt.expect {
				want.builder, want.goVersion, want.target = "chainguard", facts.Module.BuildGo, tt.targets[i]
				if want.uid == 0 {
					want.uid = DefaultUID
				}
				if problems := checkBar(res.Dockerfile, want); len(problems) > 0 {
					t.Errorf("target %s is below the hardening bar:\n%s", want.target, strings.Join(problems, "\n"))
				}
			}
			// The probe is built once, when some target probes.
			probes := slices.ContainsFunc(tt.expect, func(e barExpect) bool { return e.health == "tcp" || e.health == "http" })
			if got := strings.Count(string(res.Dockerfile), "-o /out/healthcheck "); got != map[bool]int{false: 0, true: 1}[probes] {
				t.Errorf("the probe is built %d times", got)
			}
			if tt.opts.Bake {
				checkGolden(t, tt.name+".docker-bake.hcl", bakeOf(res))
				checkBakeFile(t, res)
			} else if bakeOf(res) != nil || res.Plan.Bake {
				t.Error("a bake file without --bake")
			}
		})
	}
}

// finalStages are the stages of a Dockerfile that are neither the builder
// nor alpine's root: the targets.
func finalStages(t *testing.T, dockerfile []byte) []string {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range stages {
		if st.Name != "builder" && st.Name != "alpine-root" {
			names = append(names, st.Name)
		}
	}
	return names
}

// One main, given alone, as a list of one, or as the only one of all:
// the Dockerfile of a single image, whose final stage has no name.
func TestOneMainIsOneImage(t *testing.T) {
	facts := detectFixture(t, "multicmd")
	want, err := GenerateFrom(facts, &Options{Main: []string{"./cmd/api"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := finalStages(t, want.Dockerfile); !slices.Equal(got, []string{""}) {
		t.Fatalf("a single image's final stage is named %q", got)
	}
	rootmain := detectFixture(t, "rootmain")
	for _, o := range []Options{{}, {Main: []string{"."}}, {Main: []string{MainAll}}} {
		res, err := GenerateFrom(rootmain, &o)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := GenerateFrom(rootmain, &Options{})
		if o.Main == nil || o.Main[0] == "." {
			if !bytes.Equal(res.Dockerfile, plain.Dockerfile) {
				t.Errorf("--main %v differs from no --main", o.Main)
			}
			continue
		}
		// --main all records itself, and renders the one image otherwise alike.
		if got, want := string(res.Dockerfile), strings.Replace(string(plain.Dockerfile), "generate.", "generate --main all.", 1); got != want {
			t.Errorf("--main all on a module of one main differs from no --main beyond its header")
		}
	}
}

// The Dockerfile each target needs: each final stage copies only its own
// binary, and a build RUN per binary, so a stamp or cgo need of one never
// reaches the other.
func TestTargetsKeepTheirOwnBuild(t *testing.T) {
	res, err := GenerateFrom(detectFixture(t, "stamping"), &Options{Main: []string{"./cmd/server", "./cmd/cli"}, Today: testfile.GoldenToday})
	if err != nil {
		t.Fatal(err)
	}
	df := string(res.Dockerfile)
	server := strings.Index(df, "-o /out/server ./cmd/server")
	cli := strings.Index(df, "-o /out/cli ./cmd/cli")
	if server < 0 || cli < 0 || server > cli {
		t.Fatalf("want the server built, then the cli, in the order --main gives them:\n%s", df)
	}
	if got := finalStages(t, res.Dockerfile); !slices.Equal(got, []string{"server", "cli"}) {
		t.Errorf("targets %q, want server then cli", got)
	}
	if !strings.Contains(res.Resolved.Args[len(res.Resolved.Args)-1], "./cmd/cli") || !slices.Contains(res.Resolved.Args, "./cmd/server") {
		t.Errorf("the header records %q", res.Resolved.Args)
	}
}

// Stamping: detected version and revision variables from VERSION and
// REVISION, a date left alone, --stamp by hand, --stamp none.
func TestStamping(t *testing.T) {
	facts := detectFixture(t, "stamping")
	tests := []struct {
		name   string
		opts   Options
		golden string
		stamps []string
	}{
		{"detected", Options{Main: []string{"./cmd/server"}}, "stamping-server.Dockerfile", []string{
			"main.app_version=${VERSION}",
			"example.com/stamping/internal/version.Version=${VERSION}",
			"example.com/stamping/internal/version.GitCommit=${REVISION}",
		}},
		{"by hand", Options{Main: []string{"./cmd/server"}, Stamp: []string{"main.date=SOURCE_DATE_EPOCH", "example.com/stamping/internal/version.Version=VERSION"}}, "stamping-by-hand.Dockerfile", []string{
			"main.date=${SOURCE_DATE_EPOCH}",
			"example.com/stamping/internal/version.Version=${VERSION}",
		}},
		{"none", Options{Main: []string{"./cmd/server"}, Stamp: []string{StampNone}}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Today = testfile.GoldenToday
			res, err := GenerateFrom(facts, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.golden != "" {
				checkGolden(t, tt.golden, res.Dockerfile)
			}
			want := barExpect{builder: "chainguard", runtime: "distroless", goVersion: facts.Module.BuildGo, uid: DefaultUID, ports: []string{"8080"}, health: "tcp", stamps: tt.stamps}
			if problems := checkBar(res.Dockerfile, want); len(problems) > 0 {
				t.Errorf("below the hardening bar:\n%s", strings.Join(problems, "\n"))
			}
			df := string(res.Dockerfile)
			// Never a clock: no date command, no time read in the build.
			for _, clock := range []string{"date ", "$(date", "`date"} {
				if strings.Contains(df, clock) {
					t.Errorf("the build reads the clock (%q)", clock)
				}
			}
			if tt.stamps == nil && strings.Contains(df, "ARG VERSION=dev\nARG REVISION=unknown\nRUN") {
				t.Error("no stamp, yet the builder declares the version arguments")
			}
			if strings.Contains(df, "ARG SOURCE_DATE_EPOCH") != slices.ContainsFunc(tt.stamps, func(s string) bool { return strings.Contains(s, "SOURCE_DATE_EPOCH") }) {
				t.Error("ARG SOURCE_DATE_EPOCH is declared exactly when a stamp uses it")
			}
		})
	}
}

// A stamp symbol that detection reports but -X cannot carry safely (a
// directory with a space in its import path) is an input error naming
// the way out, never a broken RUN.
func TestDetectedStampRefused(t *testing.T) {
	facts := detectFixture(t, "stamping")
	for i := range facts.Mains {
		for j := range facts.Mains[i].StampVars {
			facts.Mains[i].StampVars[j].Symbol = "example.com/a b.Version"
		}
	}
	_, err := GenerateFrom(facts, &Options{Main: []string{"./cmd/server"}})
	if err == nil || !strings.Contains(err.Error(), "pass --stamp none") {
		t.Fatalf("want a refusal that names --stamp none, got %v", err)
	}
	if _, err := GenerateFrom(facts, &Options{Main: []string{"./cmd/server"}, Stamp: []string{StampNone}}); err != nil {
		t.Errorf("--stamp none must get past it: %v", err)
	}
}

// The checks that several targets brought to checkBar can fail.
func TestCheckBarJudgesTargets(t *testing.T) {
	df := `FROM --platform=$BUILDPLATFORM cgr.dev/chainguard/go:latest@sha256:faf3f70ddc6b4780f0506724bdd813f91511b253b76c4a2c6e94a01f99130219 AS builder
WORKDIR /src
COPY go.mod /src/
RUN --mount=type=cache,target=/go/pkg/mod go mod download
ARG TARGETOS
ARG TARGETARCH
COPY . /src/
ARG VERSION=1.0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/go/build-cache CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w -buildid= -X main.version=${VERSION} -X main.commit=${REVISION}" -o /out/api ./cmd/api
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/go/build-cache CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags="-s -w -buildid=" -o /out/cli ./cmd/cli

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6 AS api
COPY --from=builder --chmod=0555 /out/api /usr/local/bin/api
COPY --from=builder --chmod=0555 /out/cli /usr/local/bin/cli
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/api"]

FROM gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6
COPY --from=builder --chmod=0555 /out/cli /usr/local/bin/cli
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/cli"]
`
	problems := checkBar([]byte(df), barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26", uid: DefaultUID,
		target: "api", binary: "api", stamps: []string{"main.version=${VERSION}", "main.commit=${REVISION}"}})
	for _, want := range []string{
		"the final stage copies [/out/cli] from the builder; only its own binary belongs",
		"the binary is stamped from REVISION, which the builder does not declare",
		"the builder declares VERSION=1.0, where the labels' default is dev",
	} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("checkBar missed %q; it found:\n%s", want, strings.Join(problems, "\n"))
		}
	}
	if problems := checkBar([]byte(df), barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26", target: "nope"}); len(problems) == 0 || !strings.Contains(problems[len(problems)-1], `no target "nope" among the file's final stages`) {
		t.Errorf("a missing target must be reported, got %q", problems)
	}
}
