//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
)

// The end-to-end suite builds generated Dockerfiles with real BuildKit
// against stand-in base images served from a registry on 127.0.0.1, then
// runs the images the way a container runtime would. It needs root,
// runc, busybox-static, debootstrap and buildkitd/buildctl v0.23.2 (see
// README; .ci/e2e installs them). The environment is in env_test.go.
//
// Two buildkitd daemons share the work. The reproducibility builds, each
// from empty BuildKit state, start on the second, while the other builds
// run in order on the first, whose cache they would otherwise empty; once
// those are done the first daemon takes reproducibility pairs too.
// DOCKHARD_E2E_COLD=1 empties the cache before every build, and then one
// build runs at a time, so each build's time is its own.
func TestEndToEnd(t *testing.T) {
	if os.Getenv("DOCKHARD_E2E") != "1" {
		t.Skip("end-to-end image builds skipped: run with DOCKHARD_E2E=1 (as root, with runc, busybox-static, debootstrap and BuildKit v0.23.2; see README)")
	}
	e := startE2E(t)
	coldEach := os.Getenv("DOCKHARD_E2E_COLD") == "1"
	// The daemons free for builds from empty state: the second from the
	// start, the first once its own builds are done.
	daemons := make(chan *e2eEnv, 2)
	daemons <- e.onDaemon(e.coldSock)
	fromEmptyDone := make(chan struct{})
	go func() {
		defer close(fromEmptyDone)
		testReproducible(t, daemons)
	}()
	if coldEach {
		<-fromEmptyDone
	}
	testVariants(t, e, coldEach)
	testCgoOnlyInModuleCache(t, e)
	testPrivateModules(t, e)
	testPrivateModulesBroken(t, e)
	testSeveralTargets(t, e)
	testRuntimeContract(t, e)
	testRebuild(t, e)
	testBroken(t, e)
	daemons <- e
	<-fromEmptyDone
}

// testVariants builds and checks every variant.
func testVariants(t *testing.T, e *e2eEnv, coldEach bool) {
	for _, v := range e2eVariants() {
		t.Run(v.name(), func(t *testing.T) {
			if coldEach {
				e.pruneCache(t)
			}
			dir := e.module(t, v.program)
			flags := v.flags()
			_, contract := contractRuns[v.program]
			if contract {
				flags = append(flags, contractFlags...)
			}
			start := time.Now()
			img := e.build(t, dir, flags...)
			e.checkVariant(t, v, img, time.Since(start))
			if contract && !t.Failed() {
				// The image passed: now run it as compose.yaml and
				// deploy/ say it runs.
				checkContract(t, dir, v.program, img)
			}
		})
	}
}

// checkVariant checks one built variant: its config, its file system, how
// it is linked and what it adds to its base, then runs it as its user.
func (e *e2eEnv) checkVariant(t *testing.T, v e2eVariant, img *builtImage, took time.Duration) {
	p := e2ePrograms[v.program]
	binary := "/usr/local/bin/" + v.program
	user := fmt.Sprintf("%d:%d", v.uid, v.uid)
	problems := img.configProblems(user, []string{binary}, p.exposed)
	problems = append(problems, img.hardeningProblems(binary)...)
	problems = append(problems, img.linkProblems(binary, v.cgo)...)
	base := e.bases[v.baseName()]
	baseLayers := base.layers
	if v.runtime == "alpine" {
		// The hardened Alpine root arrives on scratch as one layer.
		baseLayers = 1
		problems = append(problems, img.alpineProblems()...)
	}
	extra, extraBytes := img.filesAdded(baseLayers, binary, p.data...)
	for _, f := range extra {
		problems = append(problems, "the Dockerfile adds more than the program: "+f)
	}
	for _, problem := range problems {
		t.Error(problem)
	}
	if len(problems) == 0 {
		// Only an image that passed is run: the runner takes the
		// uid from the image config, as docker run does.
		writes := []string{"/etc/passwd", "/etc/dockhard-e2e-new", binary}
		for _, d := range p.data {
			// The data files and their directories are read-only too.
			writes = append(writes, d, path.Dir(d)+"/dockhard-e2e-new")
		}
		for _, problem := range img.userWriteProblems(t, writes...) {
			t.Error(problem)
		}
		p.check(t, img, binary)
	}
	if v.builder == "ubuntu" {
		// The packaged Go is older; GOTOOLCHAIN must have built with go.mod's.
		if out := run1(t, "go", "version", filepath.Join(img.rootfs, binary)); !strings.Contains(out, ": go"+p.goVersion+"\n") {
			t.Errorf("the ubuntu builder did not build with go.mod's Go %s: %s", p.goVersion, out)
		}
	}
	if v.pinDigest() && !strings.Contains(img.log, "docker.io/library/alpine:3.24.1@sha256:") {
		t.Error("--pin digest did not pull alpine by digest")
	}
	t.Logf("REPORT | %s | %s | %s | %s | %.0f s | %d | %d | %d | %d files, %d B |", v.program, v.builder, v.runtimeLabel(), cgoLabel(v.cgo),
		took.Seconds(), img.size, img.size-base.size, img.fileSize(binary)+img.fileSize("/usr/local/bin/healthcheck"), len(extra), extraBytes)
}

// testCgoOnlyInModuleCache: a program whose only cgo is in a dependency
// on no list, which only that dependency's source in the module cache
// shows. Detection must read the cache to see it; generate must then build
// with cgo for a glibc runtime; the stand-in builder downloads the module
// from the suite's Go proxy (GOPROXY in its image config), and the image
// must be dynamically linked and run as its user.
func testCgoOnlyInModuleCache(t *testing.T, e *e2eEnv) {
	const program = "cgoviacache"
	const wantEvidence = `. → internal/answer → example.com/cgolib: import "C" in cgolib.go:6`
	t.Run("cgo only in the module cache: "+program, func(t *testing.T) {
		dir := e.module(t, program)
		// The user's own download, from a proxy of its own, so that the
		// suite's proxy shows only what the builders fetched.
		userProxy := httptest.NewServer(newGoProxy(t, proxyFixtures))
		defer userProxy.Close()
		cache := t.TempDir()
		if out, err := goModDownload(t, dir, userProxy.URL, cache); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		env := []string{"GOMODCACHE=" + cache}
		main := e.detectMain(t, env, dir, ".")
		if !main.Cgo || !slices.Contains(main.cgoEvidence(), wantEvidence) {
			t.Fatalf("detect with the module cache: cgo %v, evidence %q; want cgo with %q", main.Cgo, main.cgoEvidence(), wantEvidence)
		}
		start := time.Now()
		if r := e.dockhardEnv(t, env, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json")); r.code != 0 {
			t.Fatal(r.err)
		}
		// The chainguard builder's glibc is newer than distroless', so
		// the cgo runtime generate must choose is Chainguard's glibc image.
		df, _ := os.ReadFile(filepath.Join(dir, "Dockerfile"))
		if !strings.Contains(string(df), "CGO_ENABLED=1") || !strings.Contains(string(df), "\nFROM cgr.dev/chainguard/glibc-dynamic:") {
			t.Fatalf("generate did not build with cgo for chainguard's glibc runtime:\n%s", df)
		}
		img := e.buildAsIs(t, dir)
		if served := e.proxy.zipsServed(); !slices.Contains(served, "example.com/cgolib@v1.0.0") {
			t.Errorf("the builder did not download example.com/cgolib from the suite's proxy (served %v)", served)
		}
		e.checkVariant(t, e2eVariant{program: program, builder: "chainguard", runtime: "chainguard", cgo: true, uid: 65532}, img, time.Since(start))
	})
	t.Run("broken: cgo only in the module cache and the cache empty", func(t *testing.T) {
		// Without the dependency's source detection falls back to the
		// known list, which lacks it: the static build cannot compile it.
		dir := e.module(t, program)
		env := []string{"GOMODCACHE=" + t.TempDir()}
		main := e.detectMain(t, env, dir, ".")
		if main.Cgo || !slices.Contains(main.UnresolvedModules, "example.com/cgolib") {
			t.Fatalf("with an empty module cache detect says cgo %v, unresolved %v: want no cgo and example.com/cgolib unresolved", main.Cgo, main.UnresolvedModules)
		}
		if r := e.dockhardEnv(t, env, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json")); r.code != 0 {
			t.Fatal(r.err)
		}
		const want = "build constraints exclude all Go files in /go/pkg/mod/example.com/cgolib@v1.0.0"
		err := e.tryBuild(t, dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("the static build of a cgo dependency did not fail on it: %v", err)
		}
		t.Logf("caught: the static build fails with %q", want)
	})
}

// The module of two programs, and the version and revision it is built
// with.
const (
	pairFixture  = "testdata/stampedpair"
	pairVersion  = "v1.2.3"
	pairRevision = "0123456789abcdef"
)

// writersFixture is a module of two programs that write files
// (testRuntimeContract).
const writersFixture = "testdata/writers"

// testSeveralTargets: one Dockerfile generated for a module of two
// programs (--main all), a server and a command-line program, each
// stamped with its version; each target built on its own (docker build
// --target) with VERSION and REVISION, and each image passing every check
// of the suite as its own program: only its binary (the probe only in the
// server's), its user, its port, and it runs: the server serves its
// stamped version and passes its probe, the program prints its own.
func testSeveralTargets(t *testing.T, e *e2eEnv) {
	dir := e.module(t, "server")
	if r := e.dockhard(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--main", "all", "--bake"); r.code != 0 {
		t.Fatal(r.err)
	}
	bake, err := os.ReadFile(filepath.Join(dir, "docker-bake.hcl"))
	if err != nil || !bytes.Contains(bake, []byte(`targets = ["greet", "server"]`)) {
		t.Fatalf("docker-bake.hcl does not build both targets: %v\n%s", err, bake)
	}
	versionArgs := []string{"--opt", "build-arg:VERSION=" + pairVersion, "--opt", "build-arg:REVISION=" + pairRevision}
	for _, target := range []string{"greet", "server"} {
		t.Run("several targets: "+target, func(t *testing.T) {
			start := time.Now()
			img := e.buildWith(t, dir, append([]string{"--opt", "target=" + target}, versionArgs...), "")
			e.checkVariant(t, e2eVariant{program: target, builder: "chainguard", runtime: "distroless", uid: 65532}, img, time.Since(start))
			labels := img.config.Config.Labels
			if labels["org.opencontainers.image.title"] != target || labels["org.opencontainers.image.version"] != pairVersion || labels["org.opencontainers.image.revision"] != pairRevision {
				t.Errorf("labels %v, want title %s, version %s and revision %s", labels, target, pairVersion, pairRevision)
			}
		})
	}
	t.Run("broken: several targets built without the version", func(t *testing.T) {
		// The version check must be able to fail: built without the
		// arguments, the server serves the Dockerfile's defaults.
		img := e.buildWith(t, dir, []string{"--opt", "target=server"}, "")
		server := img.asUser(t, context.Background(), "/usr/local/bin/server")
		server.Env = []string{"PORT=18091"}
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { server.Process.Kill(); server.Wait() }()
		body := ""
		for start := time.Now(); time.Since(start) < 10*time.Second && body == ""; time.Sleep(100 * time.Millisecond) {
			if resp, err := http.Get("http://127.0.0.1:18091/"); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body = string(b)
			}
		}
		if strings.Contains(body, pairVersion) || !strings.Contains(body, "stampedpair server dev (unknown)") {
			t.Fatalf("built without VERSION and REVISION the server answered %q, want the defaults dev (unknown)", body)
		}
		t.Logf("caught: without the arguments the server says %q", strings.TrimSpace(body))
	})
}

// detectedMain is the part of `dockhard detect --json` about one main.
type detectedMain struct {
	Dir         string
	Cgo         bool
	CgoEvidence []struct {
		What  string
		Chain []string
	}
	UnresolvedModules []string
}

// cgoEvidence is each piece of cgo evidence as "chain: what".
func (m detectedMain) cgoEvidence() []string {
	var ev []string
	for _, e := range m.CgoEvidence {
		ev = append(ev, strings.Join(e.Chain, " → ")+": "+e.What)
	}
	return ev
}

// detectMain runs `dockhard detect --json` on dir, as a user would, and
// returns what it says about the main in mainDir.
func (e *e2eEnv) detectMain(t *testing.T, env []string, dir, mainDir string) detectedMain {
	t.Helper()
	r := e.dockhardEnv(t, env, "detect", "--json", dir)
	if r.code != 0 {
		t.Fatalf("dockhard detect: %s", r.err)
	}
	var facts struct{ Mains []detectedMain }
	if err := json.Unmarshal([]byte(r.out), &facts); err != nil {
		t.Fatalf("dockhard detect --json: %v\n%s", err, r.out)
	}
	for _, m := range facts.Mains {
		if m.Dir == mainDir {
			return m
		}
	}
	t.Fatalf("dockhard detect found no main in %s:\n%s", mainDir, r.out)
	return detectedMain{}
}

// testReproducible: two builds from empty BuildKit state, with
// SOURCE_DATE_EPOCH and rewrite-timestamp, give one digest, for every
// runtime with the chainguard and golang builders. The ubuntu builder is
// measured, not required (its apt step runs against a moving archive).
// Without them the same two builds differ: the check can fail.
//
// Each pair takes a daemon from daemons for both its builds, pruning it
// before each, and gives it back: a daemon that runs nothing else is empty
// after a prune. Pairs run side by side when two daemons are free.
func testReproducible(t *testing.T, daemons chan *e2eEnv) {
	const epoch = "1764547200" // a commit date: 2025-12-01T00:00:00Z
	type pair struct {
		name string
		run  func(t *testing.T, e *e2eEnv)
	}
	var pairs []pair
	// One pair per builder and per shape of final stage, each built twice
	// from empty state (the suite's costliest builds: each compiles the
	// standard library afresh). distroless, chainguard and dhi share one
	// shape (FROM a pinned base, COPY, USER): distroless stands for the
	// three. scratch copies the builder's CA bundle, so it is built with
	// both Go builders; alpine hardens its root in a RUN of its own. ubuntu
	// first: its pair is the longest (apt-get and the toolchain download,
	// twice), so it does not end the run alone.
	for _, br := range [][2]string{{"ubuntu", "distroless"}, {"chainguard", "distroless"}, {"chainguard", "scratch"}, {"chainguard", "alpine"}, {"golang", "distroless"}, {"golang", "scratch"}} {
		b, r := br[0], br[1]
		if runtimes, _ := catalog.RuntimesFor(b, false); !slices.Contains(runtimes, r) {
			// Errorf: this runs beside the test's own goroutine.
			t.Errorf("reproducibility pair %s -> %s is no longer allowed: pick another of %v", b, r, runtimes)
			continue
		}
		pairs = append(pairs, pair{"reproducible: " + b + " -> " + r, func(t *testing.T, e *e2eEnv) {
			dir := e.module(t, "userprinter")
			if res := e.dockhard(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--builder", b, "--runtime", r); res.code != 0 {
				t.Fatal(res.err)
			}
			var digests []string
			for range 2 {
				e.pruneCache(t)
				digests = append(digests, e.buildReproducibly(t, dir, epoch).digest)
			}
			same := digests[0] == digests[1]
			t.Logf("REPRO | %s | %s | same digest: %v | %s | %s |", b, r, same, digests[0], digests[1])
			if !same && b != "ubuntu" {
				t.Errorf("two cold builds of the same inputs gave %s and %s", digests[0], digests[1])
			}
		}})
	}
	pairs = append(pairs, pair{"broken: reproducible without SOURCE_DATE_EPOCH", func(t *testing.T, e *e2eEnv) {
		dir := e.module(t, "userprinter")
		if r := e.dockhard(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json")); r.code != 0 {
			t.Fatal(r.err)
		}
		var digests []string
		for range 2 {
			e.pruneCache(t)
			digests = append(digests, e.buildAsIs(t, dir).digest)
		}
		if digests[0] == digests[1] {
			t.Fatalf("two plain builds a second apart gave one digest %s: the reproducibility check proves nothing", digests[0])
		}
		t.Logf("caught: %s != %s", digests[0], digests[1])
	}})
	var running sync.WaitGroup
	for _, p := range pairs {
		e := <-daemons
		running.Add(1)
		go func() {
			defer running.Done()
			t.Run(p.name, func(t *testing.T) { p.run(t, e) })
			daemons <- e
		}()
	}
	running.Wait()
}

// testRebuild: a rebuild after a source change reuses the dependency step.
func testRebuild(t *testing.T, e *e2eEnv) {
	t.Run("rebuild reuses the dependency step", func(t *testing.T) {
		dir := e.module(t, "webserver")
		e.build(t, dir)
		f, _ := os.OpenFile(filepath.Join(dir, "main.go"), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString("\n// touched\n")
		f.Close()
		img := e.build(t, dir)
		if !stepCached(img.log, "go mod download") {
			t.Errorf("the dependency step was not reused after a .go file changed:\n%s", img.log)
		}
		if stepCached(img.log, "-o /out/webserver") {
			t.Error("the program was not rebuilt after its source changed")
		}
	})
}

// testBroken: the suite must be able to fail. Each check is shown a
// generated Dockerfile broken the way it is there to catch, built for real.
func testBroken(t *testing.T, e *e2eEnv) {
	const binary = "/usr/local/bin/userprinter"
	breaks := []struct {
		name, old, new string
		check          func(t *testing.T, img *builtImage) []string
	}{
		{"USER dropped", "USER 65532:65532\n", "", func(t *testing.T, img *builtImage) []string {
			return img.configProblems("65532:65532", []string{binary}, "")
		}},
		{"binary writable (modes)", "--chmod=0555 /out/userprinter", "--chmod=0777 /out/userprinter", func(t *testing.T, img *builtImage) []string {
			return img.hardeningProblems(binary)
		}},
		{"binary writable (a write as the user)", "--chmod=0555 /out/userprinter", "--chmod=0777 /out/userprinter", func(t *testing.T, img *builtImage) []string {
			return img.userWriteProblems(t, binary)
		}},
		{"cgo switched on in a static build", "CGO_ENABLED=0", "CGO_ENABLED=1", func(t *testing.T, img *builtImage) []string {
			return img.linkProblems(binary, false)
		}},
		{"a file more than the program", "USER 65532:65532\n", "COPY go.mod /app/go.mod\nUSER 65532:65532\n", func(t *testing.T, img *builtImage) []string {
			extra, _ := img.filesAdded(e.bases["distroless"].layers, binary)
			return extra
		}},
	}
	// And the alpine checks: the old form (hardened in the final stage, the
	// package database removed) ships /lib twice and hides the packages.
	alpineBreaks := []struct{ name, old, new string }{
		{"alpine hardened in the final stage", "FROM scratch\nCOPY --from=alpine-root / /\n", ""},
		{"alpine package database removed", "/lib/apk/exec", "/lib/apk"},
	}
	for _, br := range alpineBreaks {
		t.Run("broken: "+br.name, func(t *testing.T) {
			img := e.buildBroken(t, br.old, br.new, "--runtime", "alpine")
			if problems := img.alpineProblems(); len(problems) == 0 {
				t.Fatalf("a Dockerfile with %s passed the check", br.name)
			} else {
				t.Logf("caught: %v", problems)
			}
			t.Logf("REPORT-ALPINE | %s | image %d B (base %d B) |", br.name, img.size, e.bases["alpine"].size)
		})
	}
	for _, br := range breaks {
		t.Run("broken: "+br.name, func(t *testing.T) {
			img := e.buildBroken(t, br.old, br.new)
			if problems := br.check(t, img); len(problems) == 0 {
				t.Fatalf("a Dockerfile with %s passed the check", br.name)
			} else {
				t.Logf("caught: %v", problems)
			}
		})
	}
}

// e2eProgram is a module the suite builds and how to tell it works.
type e2eProgram struct {
	source    string // the module's directory, from this package
	exposed   string // the port the image must expose, "" for none
	goVersion string // go.mod's go line
	check     func(t *testing.T, img *builtImage, binary string)
	// files are the module's files the build needs beyond .go, go.mod
	// and go.sum (embedded and data files); data are the data files'
	// paths in the image, the only files it may add beside the program.
	files, data []string
}

var e2ePrograms = map[string]e2eProgram{
	"webserver": {source: "../../../examples/webserver", exposed: "8080/tcp", goVersion: "1.26.1", check: func(t *testing.T, img *builtImage, binary string) {
		// Another port than the default, through the environment, so the
		// suite does not clash with whatever listens on 8080.
		img.checkServes(t, binary, "18080", []string{"PORT=18080"}, "Olá")
	}},
	"userprinter": {source: "../../../examples/userprinter", exposed: "", goVersion: "1.26.1", check: func(t *testing.T, img *builtImage, binary string) {
		img.checkPrintsUser(t, binary)
	}},
	// A cgo program: it serves a number computed in C, so it only answers
	// when the runtime has the C library it was linked against.
	"cgodep": {source: "../../../testdata/modules/cgodep", exposed: "7070/tcp", goVersion: "1.26.0", check: func(t *testing.T, img *builtImage, binary string) {
		img.checkServes(t, binary, "7070", nil, "answer from C: 42")
	}},
	// Reads products.json, static/ and templates/ by relative path at run
	// time and registers no health route: it answers with the file's
	// content only when the image carries the files under its WORKDIR,
	// and its health check is tcp.
	// Serves a number computed in C by a proxied dependency whose cgo
	// only its source in the module cache shows; no health route: tcp.
	"cgoviacache": {source: cacheFixture, exposed: "7071/tcp", goVersion: "1.26.0", check: func(t *testing.T, img *builtImage, binary string) {
		if hc := img.config.Config.Healthcheck; hc == nil || !slices.Contains(hc.Test, "tcp://127.0.0.1:7071") {
			t.Errorf("HEALTHCHECK %+v, want dockhard's tcp probe of 7071 (no health route)", hc)
		}
		img.checkServesProbe(t, binary, "7071", nil, "answer from C via the module cache: 42", "tcp://127.0.0.1:7071")
	}},
	// Prints what a private module answers; it requires it from the
	// suite's private git host (private_git_test.go).
	"privatemod": {source: privateFixture, goVersion: "1.26.0"},
	// One module, two programs, one Dockerfile (testSeveralTargets): a
	// server that answers with its stamped version and has a health
	// route, and a program that prints its own stamped version.
	"server": {source: pairFixture, exposed: "8090/tcp", goVersion: "1.24", check: func(t *testing.T, img *builtImage, binary string) {
		if hc := img.config.Config.Healthcheck; hc == nil || !slices.Contains(hc.Test, "http://127.0.0.1:8090/healthz") {
			t.Errorf("HEALTHCHECK %+v, want dockhard's http probe of 8090/healthz (its route)", hc)
		}
		img.checkServes(t, binary, "18090", []string{"PORT=18090"}, "stampedpair server "+pairVersion+" ("+pairRevision+")")
	}},
	"greet": {source: pairFixture, goVersion: "1.24", check: func(t *testing.T, img *builtImage, binary string) {
		if hc := img.config.Config.Healthcheck; hc != nil {
			t.Errorf("HEALTHCHECK %+v on a program with no port", hc)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := img.asUser(t, ctx, binary).CombinedOutput()
		if err != nil || string(out) != "greet "+pairVersion+"\n" {
			t.Errorf("greet printed %q (%v), want %q", out, err, "greet "+pairVersion+"\n")
		}
	}},
	// Two programs that pass every check run in a chroot as their user;
	// under the generated runtime settings (testRuntimeContract) the first
	// works on its tmpfs and the second, which writes its home directory,
	// fails.
	"tmpnotes": {source: writersFixture, exposed: "8095/tcp", goVersion: "1.24", check: func(t *testing.T, img *builtImage, binary string) {
		img.checkServes(t, binary, "8095", nil, "tmpnotes: notes in /tmp/notes-")
	}},
	"homestate": {source: writersFixture, exposed: "8096/tcp", goVersion: "1.24", check: func(t *testing.T, img *builtImage, binary string) {
		img.checkServes(t, binary, "8096", nil, "homestate: state in /home/nonroot/state")
	}},
	"datafiles": {source: "../../../testdata/modules/datafiles", exposed: "8080/tcp", goVersion: "1.24", check: func(t *testing.T, img *builtImage, binary string) {
		if hc := img.config.Config.Healthcheck; hc == nil || !slices.Contains(hc.Test, "tcp://127.0.0.1:8080") {
			t.Errorf("HEALTHCHECK %+v, want dockhard's tcp probe of 8080 (no health route)", hc)
		}
		img.checkServesProbe(t, binary, "18081", []string{"PORT=18081"}, `"name":"kettle"`, "tcp://127.0.0.1:18081")
	},
		files: []string{"products.json", "static/site.css", "templates/page.html", "version.txt"},
		data:  []string{"/app/products.json", "/app/static/site.css", "/app/templates/page.html"}},
}

// e2eVariant is one build of the suite.
type e2eVariant struct {
	program, builder, runtime string
	cgo                       bool
	extra                     []string // more generate flags
	uid                       int
}

// e2eVariants is every builder × runtime pair dockhard allows, for both
// examples without cgo and for the cgo fixture with it, as the generator
// itself decides (a pair it starts to allow is built here at once), plus
// a digest-pinned build and a build with another uid.
func e2eVariants() []e2eVariant {
	var vs []e2eVariant
	for _, b := range catalog.Builders {
		static, _ := catalog.RuntimesFor(b, false)
		for _, r := range static {
			for _, p := range []string{"webserver", "userprinter"} {
				vs = append(vs, e2eVariant{program: p, builder: b, runtime: r, uid: 65532})
			}
		}
		withCgo, _ := catalog.RuntimesFor(b, true)
		for _, r := range withCgo {
			vs = append(vs, e2eVariant{program: "cgodep", builder: b, runtime: r, cgo: true, uid: 65532})
		}
	}
	return append(vs,
		e2eVariant{program: "webserver", builder: "chainguard", runtime: "alpine", extra: []string{"--pin", "digest"}, uid: 65532},
		e2eVariant{program: "userprinter", builder: "chainguard", runtime: "distroless", extra: []string{"--uid", "10001"}, uid: 10001},
		e2eVariant{program: "datafiles", builder: "chainguard", runtime: "distroless", uid: 65532},
	)
}

func (v e2eVariant) flags() []string {
	return append([]string{"--builder", v.builder, "--runtime", v.runtime}, v.extra...)
}

func (v e2eVariant) name() string { return v.program + "/" + strings.Join(v.flags(), " ") }

func (v e2eVariant) pinDigest() bool {
	return strings.Join(v.extra, " ") == "--pin digest"
}

// baseName names the runtime stand-in the image is built on.
func (v e2eVariant) baseName() string {
	if v.cgo {
		return v.runtime + "-cgo"
	}
	return v.runtime
}

func (v e2eVariant) runtimeLabel() string {
	return strings.TrimSpace(v.runtime + " " + strings.Join(v.extra, " "))
}

func cgoLabel(cgo bool) string {
	if cgo {
		return "cgo"
	}
	return "static"
}

// stepCached reports whether the build step whose command contains cmd was
// taken from the cache, reading buildctl's plain progress.
func stepCached(log, cmd string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, cmd) && strings.HasPrefix(line, "#") {
			step := strings.Fields(line)[0]
			return strings.Contains(log, step+" CACHED")
		}
	}
	return false
}

func (img *builtImage) configProblems(user string, entrypoint []string, port string) []string {
	var p []string
	c := img.config.Config
	if c.User != user {
		p = append(p, fmt.Sprintf("config User %q, want %q", c.User, user))
	}
	if fmt.Sprint(c.Entrypoint) != fmt.Sprint(entrypoint) {
		p = append(p, fmt.Sprintf("config Entrypoint %q, want %q", c.Entrypoint, entrypoint))
	}
	if _, ok := c.ExposedPorts[port]; port != "" && !ok {
		p = append(p, fmt.Sprintf("port %s not exposed: %v", port, c.ExposedPorts))
	}
	for _, e := range c.Env {
		if strings.Contains(e, "latest") {
			p = append(p, "environment mentions latest: "+e)
		}
	}
	return p
}

// hardeningProblems looks at the root file system: no shell, /etc and the
// binary root-owned and not writable by others.
func (img *builtImage) hardeningProblems(binary string) []string {
	var problems []string
	if _, err := os.Lstat(filepath.Join(img.rootfs, "bin/sh")); err == nil {
		problems = append(problems, "/bin/sh exists in the final image")
	}
	for _, p := range []string{"etc", strings.TrimPrefix(binary, "/")} {
		info, err := os.Stat(filepath.Join(img.rootfs, p))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		st := info.Sys().(*syscall.Stat_t)
		if st.Uid != 0 || info.Mode().Perm()&0o022 != 0 {
			problems = append(problems, fmt.Sprintf("/%s is owned by %d with mode %v: the user could write it", p, st.Uid, info.Mode().Perm()))
		}
	}
	return problems
}

// linkProblems checks how the binary was linked: a cgo build must be
// dynamically linked (else cgo was off and the variant proves nothing),
// and its loader must be in the image; any other build must be static.
func (img *builtImage) linkProblems(binary string, cgo bool) []string {
	f, err := elf.Open(filepath.Join(img.rootfs, binary))
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	interp := ""
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, _ := io.ReadAll(p.Open())
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	switch {
	case cgo && interp == "":
		return []string{binary + " is statically linked: the cgo build did not use cgo"}
	case cgo:
		if !img.exists(interp) {
			return []string{fmt.Sprintf("%s needs the loader %s, which the image lacks", binary, interp)}
		}
	case interp != "":
		return []string{fmt.Sprintf("%s is dynamically linked (%s): a static build was expected", binary, interp)}
	}
	return nil
}

// exists follows path's symbolic links inside the image (an absolute link
// is relative to the image's root, not the host's).
func (img *builtImage) exists(path string) bool {
	for range 10 {
		full := filepath.Join(img.rootfs, path)
		info, err := os.Lstat(full)
		if err != nil {
			return false
		}
		if info.Mode()&os.ModeSymlink == 0 {
			return true
		}
		target, _ := os.Readlink(full)
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return false
}

// filesAdded lists the regular files the layers after the base's first
// baseLayers write, other than the program, its health probe, and the
// account and CA files a runtime without them is given.
func (img *builtImage) filesAdded(baseLayers int, binary string, data ...string) (extra []string, size int64) {
	expected := map[string]bool{binary: true, "/usr/local/bin/healthcheck": true,
		"/etc/passwd": true, "/etc/group": true, "/etc/ssl/certs/ca-certificates.crt": true}
	for _, d := range data {
		expected[d] = true
	}
	for _, layer := range img.layers[min(baseLayers, len(img.layers)):] {
		for _, f := range layer {
			if !expected[f.path] {
				extra = append(extra, f.path)
				size += f.size
			}
		}
	}
	return extra, size
}

// alpineProblems checks the hardened Alpine root: every file in one
// layer only (no mode change copied a file again), the package database
// kept for scanners, apk and its keys gone.
func (img *builtImage) alpineProblems() []string {
	var problems []string
	seen := map[string]int{}
	for i, layer := range img.layers {
		for _, f := range layer {
			if j, ok := seen[f.path]; ok {
				problems = append(problems, fmt.Sprintf("%s ships twice, in layers %d and %d", f.path, j, i))
			}
			seen[f.path] = i
		}
	}
	if _, err := os.Stat(filepath.Join(img.rootfs, "lib/apk/db/installed")); err != nil {
		problems = append(problems, "the package database /lib/apk/db/installed is gone: scanners would see no packages")
	}
	for _, gone := range []string{"sbin/apk", "etc/apk", "usr/share/apk", "bin/busybox"} {
		if _, err := os.Lstat(filepath.Join(img.rootfs, gone)); err == nil {
			problems = append(problems, "/"+gone+" is still in the image")
		}
	}
	return problems
}

// fileSize is the size of a file in the image, 0 when there is none.
func (img *builtImage) fileSize(path string) int64 {
	info, err := os.Stat(filepath.Join(img.rootfs, path))
	if err != nil {
		return 0
	}
	return info.Size()
}

// imageUser reads the config's numeric USER as a container runtime would.
func (img *builtImage) imageUser(t *testing.T) (uid, gid int) {
	u, g, _ := strings.Cut(img.config.Config.User, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if err1 != nil || err2 != nil {
		t.Fatalf("config User %q is not numeric UID:GID", img.config.Config.User)
	}
	return uid, gid
}

// asUser runs a program of the image as the image's user in a chroot of
// its root file system, as a container runtime would. An image with a
// WORKDIR starts there: chroot(1) always starts in /, so such a program is
// started with the kernel's chroot, then the uid, then the directory,
// which is the order Go's process start applies them in.
func (img *builtImage) asUser(t *testing.T, ctx context.Context, argv ...string) *exec.Cmd {
	uid, gid := img.imageUser(t)
	if wd := img.config.Config.WorkingDir; wd != "" && wd != "/" {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir = wd
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: img.rootfs, Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
		return cmd
	}
	return exec.CommandContext(ctx, "chroot", append([]string{fmt.Sprintf("--userspec=%d:%d", uid, gid), img.rootfs}, argv...)...)
}

// userWriteProblems tries, as the image's user, to write each path. The
// image has no shell or tools to try with, so the host's static busybox is
// put in for the test and taken out after; that it runs at all is checked
// first, so a failed write means the write was refused.
func (img *builtImage) userWriteProblems(t *testing.T, paths ...string) []string {
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatal(err)
	}
	// busybox picks its applet by its own name: it must be called busybox.
	dir := filepath.Join(img.rootfs, ".dockhard-e2e")
	helper := "/.dockhard-e2e/busybox"
	os.Mkdir(dir, 0o755)
	if err := os.WriteFile(filepath.Join(img.rootfs, helper), bb, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if out, err := img.asUser(t, context.Background(), helper, "true").CombinedOutput(); err != nil {
		t.Fatalf("the write check's busybox does not run in the image: %v %s", err, out)
	}
	var problems []string
	for _, p := range paths {
		if img.asUser(t, context.Background(), helper, "touch", p).Run() == nil {
			problems = append(problems, "the image user could write "+p)
		}
	}
	return problems
}

// checkPrintsUser runs userprinter as the image's user and reads its first
// line: it calls user.Current(), so the image must know the uid.
func (img *builtImage) checkPrintsUser(t *testing.T, binary string) {
	uid, _ := img.imageUser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := img.asUser(t, ctx, binary)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// It prints a line every second, forever: the first line is read, then
	// it is stopped (or, silent, killed at the deadline, which ends the read).
	first, _ := bufio.NewReader(r).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	first = strings.TrimSuffix(first, "\n")
	if !strings.HasPrefix(first, "user: ") || !strings.HasSuffix(first, fmt.Sprintf(" id: %d", uid)) {
		t.Errorf("userprinter printed %q, want user: <name> id: %d", first, uid)
	}
}

// checkServes runs a server as the image's user in a chroot, as a
// container would, requires want in its answer on port, and probes it with
// the image's own health probe while it is up and after it stopped.
func (img *builtImage) checkServes(t *testing.T, binary, port string, env []string, want string) {
	img.checkServesProbe(t, binary, port, env, want, "http://127.0.0.1:"+port+"/healthz")
}

// checkServesProbe is checkServes with the probe's target.
func (img *builtImage) checkServesProbe(t *testing.T, binary, port string, env []string, want, probeURL string) {
	server := img.asUser(t, context.Background(), binary)
	server.Env = env
	var out bytes.Buffer
	server.Stdout, server.Stderr = &out, &out
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { server.Process.Kill(); server.Wait() }()
	var body string
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://127.0.0.1:" + port + "/")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
	}
	if !strings.Contains(body, want) {
		t.Fatalf("the server answered %q, want %q\n%s", body, want, out.String())
	}
	// chroot execs the program in its own process: that process must run
	// as the image's user.
	uid, _ := img.imageUser(t)
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", server.Process.Pid))
	if !strings.Contains(string(status), fmt.Sprintf("\nUid:\t%d\t%d\t", uid, uid)) {
		t.Errorf("the server does not run as uid %d:\n%s", uid, status)
	}
	probe := func() int {
		err := img.asUser(t, context.Background(), "/usr/local/bin/healthcheck", probeURL, "2s").Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("the probe did not start: %v", err)
		}
		return 0
	}
	if code := probe(); code != 0 {
		t.Errorf("the probe says unhealthy while the server is up (exit %d)", code)
	}
	server.Process.Kill()
	server.Wait()
	if code := probe(); code == 0 {
		t.Error("the probe says healthy after the server stopped")
	}
}

// buildBroken generates userprinter's Dockerfile with flags, replaces old
// with new in it, as a hand edit would, and builds it as it then is.
func (e *e2eEnv) buildBroken(t *testing.T, old, new string, flags ...string) *builtImage {
	t.Helper()
	dir := e.module(t, "userprinter")
	if r := e.dockhard(t, append([]string{"generate", dir, "--catalog", filepath.Join(dir, "catalog.json")}, flags...)...); r.code != 0 {
		t.Fatal(r.err)
	}
	df := filepath.Join(dir, "Dockerfile")
	data, _ := os.ReadFile(df)
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("the generated Dockerfile has no %q to break", old)
	}
	os.WriteFile(df, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644)
	return e.buildAsIs(t, dir)
}
