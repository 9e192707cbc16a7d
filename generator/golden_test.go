package generator

import (
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testfile.Golden(t, filepath.Join("..", "testdata", "golden", name), got, *update)
}

// variant is one cell of the builder × runtime × cgo matrix.
type variant struct {
	builder, runtime string
	cgo              bool
}

func (v variant) name() string {
	n := v.builder + "-" + v.runtime
	if v.cgo {
		n += "-cgo"
	}
	return n
}

// allVariants is the whole matrix, allowed or not.
func allVariants() []variant {
	var out []variant
	for _, b := range catalog.Builders {
		for _, r := range catalog.Runtimes {
			out = append(out, variant{b, r, false}, variant{b, r, true})
		}
	}
	return out
}

func TestMatrix(t *testing.T) {
	allowed := 0
	for _, v := range allVariants() {
		t.Run(v.name(), func(t *testing.T) {
			fx, port := "rootmain", []string{"8080"}
			if v.cgo {
				fx, port = "cgodep", []string{"7070"}
			}
			facts := detectFixture(t, fx)
			res, err := GenerateFrom(facts, &Options{Builder: v.builder, Runtime: v.runtime, Today: testfile.GoldenToday})
			cgoRuntimes, _ := catalog.RuntimesFor(v.builder, true)
			if !v.cgo || slices.Contains(cgoRuntimes, v.runtime) {
				if err != nil {
					t.Fatalf("generate: %v", err)
				}
				allowed++
				checkGolden(t, v.name()+".Dockerfile", res.Dockerfile)
				// Neither fixture registers a health route: auto probes tcp.
				want := barExpect{builder: v.builder, runtime: v.runtime, cgo: v.cgo, goVersion: facts.Module.BuildGo, uid: DefaultUID, ports: port, health: "tcp"}
				if problems := checkBar(res.Dockerfile, want); len(problems) > 0 {
					t.Errorf("below the hardening bar:\n%s", strings.Join(problems, "\n"))
				}
				return
			}
			if err == nil || !inputerr.Is(err) {
				t.Fatalf("an impossible pair must be refused with an input error, got %v", err)
			}
			if !strings.Contains(err.Error(), "use --runtime") && !strings.Contains(err.Error(), "--builder golang") {
				t.Errorf("the refusal must say what would work: %v", err)
			}
		})
	}
	if !t.Failed() && allowed != 30 {
		t.Errorf("%d allowed variants, want 20 static + 10 cgo", allowed)
	}
}

func TestVariants(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		opts    Options
		expect  barExpect
	}{
		{"ubuntu-toolchain", "toolchain", Options{Builder: "ubuntu"},
			barExpect{builder: "ubuntu", runtime: "distroless", goVersion: "1.26.2"}},
		{"golang-toolchain", "toolchain", Options{Builder: "golang"},
			barExpect{builder: "golang", runtime: "distroless", goVersion: "1.26.2"}},
		{"distroless-uid10001", "rootmain", Options{UID: "10001", Port: "none"},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.1", uid: 10001}},
		{"scratch-uid10001", "rootmain", Options{Runtime: "scratch", UID: "10001", Port: "9000"},
			barExpect{builder: "chainguard", runtime: "scratch", goVersion: "1.26.1", uid: 10001, ports: []string{"9000"}, health: "tcp"}},
		{"vendored", "vendored", Options{},
			barExpect{builder: "chainguard", runtime: "chainguard", cgo: true, goVersion: "1.22.5", vendored: true}},
		// vendor/ out of date with go.mod: module mode, a download step.
		{"vendor-stale", "vendorstale", Options{},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22"}},
		// time.LoadLocation on scratch: the zones are built in.
		{"timezone-scratch", "timezone", Options{Runtime: "scratch"},
			barExpect{builder: "chainguard", runtime: "scratch", goVersion: "1.22"}},
		// Reads products.json, static/ and templates/ at run time: they are
		// copied under WORKDIR /app, read-only; no health route, so tcp.
		{"datafiles", "datafiles", Options{},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.24", ports: []string{"8080"}, health: "tcp", dataFiles: []string{"products.json", "static", "templates"}}},
		{"datafiles-scratch-extra", "datafiles", Options{Runtime: "scratch", Data: []string{"version.txt"}},
			barExpect{builder: "chainguard", runtime: "scratch", goVersion: "1.24", ports: []string{"8080"}, health: "tcp", dataFiles: []string{"products.json", "static", "templates", "version.txt"}}},
		{"datafiles-none", "datafiles", Options{Data: []string{"none"}},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.24", ports: []string{"8080"}, health: "tcp"}},
		// metrics.go listens only under //go:build metrics.
		{"buildtags-metrics", "buildtags", Options{Tags: "metrics"},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.24", ports: []string{"9100"}, health: "tcp"}},
		// --tags and the time zones' timetzdata in one -tags.
		{"timezone-scratch-tags", "timezone", Options{Runtime: "scratch", Tags: "prod"},
			barExpect{builder: "chainguard", runtime: "scratch", goVersion: "1.22"}},
		{"article2-context", "article2/src", Options{Context: ".."},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22.2", ports: []string{"8080"}, health: "tcp"}},
		{"replace-context", "replace/app", Options{Context: ".."},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22.3"}},
		{"multicmd-api", "multicmd", Options{Main: []string{"./cmd/api"}, Runtime: "alpine"},
			barExpect{builder: "chainguard", runtime: "alpine", goVersion: "1.24.0", ports: []string{"9090"}, health: "tcp"}},
		{"cgo-off", "cgodep", Options{Cgo: "off", Runtime: "scratch"},
			barExpect{builder: "chainguard", runtime: "scratch", goVersion: "1.26.0", ports: []string{"7070"}, health: "tcp"}},
		{"healthcheck-tcp", "rootmain", Options{Healthcheck: "tcp", HealthcheckInterval: "1m", HealthcheckRetries: "5"},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.1", ports: []string{"8080"}, health: "tcp"}},
		{"healthcheck-exec", "rootmain", Options{Healthcheck: "exec", HealthcheckCmd: `["/usr/local/bin/rootmain", "health"]`},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.1", ports: []string{"8080"}, health: "exec"}},
		{"healthcheck-none", "rootmain", Options{Healthcheck: "none"},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.1", ports: []string{"8080"}}},
		// portconst registers GET /health: auto probes that path.
		{"healthcheck-auto-route", "portconst", Options{},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22", ports: []string{"8080"}, health: "http"}},
		// Private modules: a .netrc from a BuildKit secret (the default);
		// the ssh agent with the client's known_hosts, ubuntu installing
		// an ssh client for it.
		{"private-netrc", "private", Options{Private: []string{"github.com/acme/*,git.corp.example.com"}},
			barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.0", ports: []string{"8080"}, health: "tcp", private: "netrc"}},
		{"private-ssh-ubuntu", "private", Options{Builder: "ubuntu", Private: []string{"github.com/acme/*", "git.corp.example.com"}, PrivateAuth: "ssh"},
			barExpect{builder: "ubuntu", runtime: "distroless", goVersion: "1.26.0", ports: []string{"8080"}, health: "tcp", private: "ssh"}},
		{"private-ssh-golang", "private", Options{Builder: "golang", Private: []string{"github.com/acme"}, PrivateAuth: "ssh"},
			barExpect{builder: "golang", runtime: "distroless", goVersion: "1.26.0", ports: []string{"8080"}, health: "tcp", private: "ssh"}},
		{"healthcheck-http-path", "rootmain", Options{Runtime: "alpine", HealthcheckPath: "/livez", HealthcheckTimeout: "2s"},
			barExpect{builder: "chainguard", runtime: "alpine", goVersion: "1.26.1", ports: []string{"8080"}, health: "http"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Today = testfile.GoldenToday
			if tt.expect.uid == 0 {
				tt.expect.uid = DefaultUID
			}
			res, err := GenerateFrom(detectFixtureTags(t, tt.fixture, splitTags(tt.opts.Tags)...), &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+".Dockerfile", res.Dockerfile)
			if problems := checkBar(res.Dockerfile, tt.expect); len(problems) > 0 {
				t.Errorf("below the hardening bar:\n%s", strings.Join(problems, "\n"))
			}
		})
	}
}

func TestWorkspaceVariant(t *testing.T) {
	t.Setenv("GOWORK", "")
	facts, err := detect.Detect(testfile.Module("workspace/app"))
	if err != nil {
		t.Fatal(err)
	}
	// The workspace's go.work is one level up: the context must hold it.
	_, err = GenerateFrom(facts, &Options{})
	if err == nil || !strings.Contains(inFlags(err), "--context ..") {
		t.Fatalf("want an error suggesting --context .., got %v", err)
	}
	res, err := GenerateFrom(facts, &Options{Context: ".."})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "workspace-app.Dockerfile", res.Dockerfile)
	if problems := checkBar(res.Dockerfile, barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22.3", uid: DefaultUID}); len(problems) > 0 {
		t.Errorf("below the hardening bar:\n%s", strings.Join(problems, "\n"))
	}
	// In a workspace the one dependency step downloads for every module
	// it uses, private ones included.
	res, err = GenerateFrom(facts, &Options{Context: "..", Private: []string{"git.corp.example.com/ws"}})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "workspace-app-private.Dockerfile", res.Dockerfile)
	if problems := checkBar(res.Dockerfile, barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.22.3", uid: DefaultUID, private: "netrc"}); len(problems) > 0 {
		t.Errorf("below the hardening bar:\n%s", strings.Join(problems, "\n"))
	}
}

func TestDockerignore(t *testing.T) {
	for _, fx := range []string{"rootmain", "embed", "datafiles"} {
		res, err := GenerateFrom(detectFixture(t, fx), &Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, fx+".dockerignore", res.Dockerignore)
	}
}

func TestDeterministic(t *testing.T) {
	facts := detectFixture(t, "multicmd")
	o := &Options{Main: []string{"./cmd/api"}}
	first, err := GenerateFrom(facts, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, err := GenerateFrom(detectFixture(t, "multicmd"), o)
		if err != nil {
			t.Fatal(err)
		}
		if string(again.Dockerfile) != string(first.Dockerfile) || string(again.Dockerignore) != string(first.Dockerignore) {
			t.Fatal("two generations from the same inputs differ")
		}
	}
}

// splitTags is the list of a --tags value of a test table.
func splitTags(tags string) []string {
	if tags == "" {
		return nil
	}
	return strings.Split(tags, ",")
}
