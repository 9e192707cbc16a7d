package detect

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

func fixture(name string) string { return testfile.Module(name) }

// detectFixture detects a fixture module with the repository's own go.work
// out of the way (GOWORK=off), as a user's module would be, and the
// fixture module cache in place of the machine's.
func detectFixture(t *testing.T, name string) *Facts {
	t.Helper()
	return detectFixtureTags(t, name)
}

// detectFixtureTags detects a fixture with extra build tags (--tags).
func detectFixtureTags(t *testing.T, name string, tags ...string) *Facts {
	t.Helper()
	testfile.DetectEnv(t)
	f, err := DetectWithTags(fixture(name), tags)
	if err != nil {
		t.Fatalf("Detect(%s): %v", name, err)
	}
	return f
}

func mainDirs(ms []MainPackage) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Dir)
	}
	return out
}

func portNumbers(ps []Port) []int {
	out := []int{}
	for _, p := range ps {
		out = append(out, p.Number)
	}
	return out
}

func TestDetectShapes(t *testing.T) {
	tests := []struct {
		fixture      string
		module       string
		goVersion    string
		toolchain    string
		buildGo      string
		mains        []string
		exampleMains []string
		cgo          bool
		ports        []int
		portWhere    string // file:line of the first port's evidence
		vendored     bool
		nested       []string
		broken       []string
		note         string
	}{
		{fixture: "rootmain", module: "github.com/acme/rootmain", goVersion: "1.26.1", buildGo: "1.26.1",
			mains: []string{"."}, ports: []int{8080}, portWhere: "main.go:11"},
		{fixture: "multicmd", module: "example.com/multicmd", goVersion: "1.24.0", buildGo: "1.24.0",
			mains: []string{"cmd/api", "cmd/worker"}, exampleMains: []string{"examples/demo"}, ports: []int{9090}, portWhere: "cmd/api/main.go:9"},
		{fixture: "nested", module: "example.com/nested", goVersion: "1.22", buildGo: "1.22",
			mains: []string{"."}, ports: []int{}, nested: []string{"tools"}},
		{fixture: "vendored", module: "example.com/vendored", goVersion: "1.22.5", buildGo: "1.22.5",
			mains: []string{"."}, cgo: true, ports: []int{}, vendored: true},
		{fixture: "cgodep", module: "example.com/cgodep", goVersion: "1.26.0", buildGo: "1.26.0",
			mains: []string{"."}, cgo: true, ports: []int{7070}, portWhere: "main.go:17"},
		// go.mod requires go-sqlite3 but nothing imports it: a require
		// alone never decides.
		{fixture: "cgomod", module: "example.com/cgomod", goVersion: "1.23.0", buildGo: "1.23.0",
			mains: []string{"."}, cgo: false, ports: []int{}},
		{fixture: "toolchain", module: "example.com/toolchain", goVersion: "1.22.0", toolchain: "1.26.2", buildGo: "1.26.2",
			mains: []string{"."}, ports: []int{}},
		{fixture: "nogo", module: "example.com/nogo", buildGo: "1.16",
			mains: []string{"."}, ports: []int{}, note: "no go line"},
		{fixture: "library", module: "example.com/library", goVersion: "1.22", buildGo: "1.22",
			mains: []string{}},
		{fixture: "mixed", module: "example.com/mixed", goVersion: "1.22", buildGo: "1.22",
			mains: []string{}, broken: []string{"."}},
		{fixture: "envport", module: "example.com/envport", goVersion: "1.22", buildGo: "1.22",
			mains: []string{"."}, ports: []int{3000}, portWhere: "main.go:10"},
		{fixture: "article2/src", module: "github.com/rafaelfernandessilva", goVersion: "1.22.2", buildGo: "1.22.2",
			mains: []string{"."}, ports: []int{8080}, portWhere: "main.go:11"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f := detectFixture(t, tt.fixture)
			m := f.Module
			if m.Path != tt.module || m.GoVersion != tt.goVersion || m.Toolchain != tt.toolchain || m.BuildGo != tt.buildGo {
				t.Errorf("module = %q go %q toolchain %q build %q; want %q go %q toolchain %q build %q",
					m.Path, m.GoVersion, m.Toolchain, m.BuildGo, tt.module, tt.goVersion, tt.toolchain, tt.buildGo)
			}
			if got := mainDirs(f.Mains); !reflect.DeepEqual(got, tt.mains) {
				t.Errorf("mains = %q, want %q", got, tt.mains)
			}
			if got := mainDirs(f.ExampleMains); len(got) > 0 || len(tt.exampleMains) > 0 {
				if !reflect.DeepEqual(got, tt.exampleMains) {
					t.Errorf("example mains = %q, want %q", got, tt.exampleMains)
				}
			}
			if f.Vendored != tt.vendored {
				t.Errorf("vendored = %v, want %v", f.Vendored, tt.vendored)
			}
			if !reflect.DeepEqual(f.NestedModules, tt.nested) {
				t.Errorf("nested = %q, want %q", f.NestedModules, tt.nested)
			}
			var broken []string
			for _, b := range f.Broken {
				broken = append(broken, b.Dir)
			}
			if !reflect.DeepEqual(broken, tt.broken) {
				t.Errorf("broken = %q, want %q", broken, tt.broken)
			}
			if tt.note != "" && !strings.Contains(strings.Join(f.Notes, "\n"), tt.note) {
				t.Errorf("notes %q do not mention %q", f.Notes, tt.note)
			}
			if len(f.Mains) == 0 {
				return
			}
			main := f.Mains[0]
			if main.Cgo != tt.cgo {
				t.Errorf("cgo = %v (evidence %v), want %v", main.Cgo, main.CgoEvidence, tt.cgo)
			}
			if got := portNumbers(main.Ports); !reflect.DeepEqual(got, tt.ports) {
				t.Errorf("ports = %v, want %v", got, tt.ports)
			}
			if tt.portWhere != "" {
				e := main.Ports[0].Evidence
				if where := e.File + ":" + itoa(e.Line); where != tt.portWhere {
					t.Errorf("port evidence at %s (%s), want %s", where, e.What, tt.portWhere)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestDetectCgoEvidence(t *testing.T) {
	tests := map[string]string{
		"cgodep":   `internal/clib/clib.go:4: import "C"`,
		"vendored": "vendor/github.com/acme/store/store.go: imports github.com/mattn/go-sqlite3 (needs cgo)",
	}
	for name, want := range tests {
		f := detectFixture(t, name)
		e := f.Mains[0].CgoEvidence[0]
		got := e.File
		if e.Line > 0 {
			got += ":" + itoa(e.Line)
		}
		got += ": " + e.What
		if got != want {
			t.Errorf("%s: evidence %q, want %q", name, got, want)
		}
	}
}

// cgoFacts is one main's cgo answer in a comparable form: each evidence
// as "chain: what".
func cgoFacts(m MainPackage) []string {
	out := []string{}
	for _, e := range m.CgoEvidence {
		s := strings.Join(e.Chain, " → ") + ": "
		if e.File != "" {
			s += e.File
			if e.Line > 0 {
				s += ":" + itoa(e.Line)
			}
			s += ": "
		}
		out = append(out, s+e.What)
	}
	return out
}

func TestDetectCgoExact(t *testing.T) {
	tests := []struct {
		fixture, main string
		evidence      []string // empty: no cgo
		unresolved    []string
	}{
		// Two mains, one go.mod requiring go-sqlite3: only the main that
		// imports it (through its own package) needs cgo.
		{"cgotwomains", "cmd/api", []string{"cmd/api → internal/store → github.com/mattn/go-sqlite3: internal/store/store.go: imports github.com/mattn/go-sqlite3 (needs cgo)"}, nil},
		{"cgotwomains", "cmd/worker", nil, nil},
		// A cgo library no list knows, seen in the module cache (its path
		// has capitals: the cache escapes them).
		{"cgocache", "cmd/usbtool", []string{`cmd/usbtool → internal/device → github.com/Acme/USB: import "C" in usb.go:7`}, nil},
		// The fork that go.mod's replace selects has cgo in a _linux.go
		// file of an internal package; the original has none.
		{"cgocache", "cmd/sniff", []string{`cmd/sniff → github.com/acme/pcap/capture → github.com/acme/pcap/internal/handle: import "C" in handle_linux.go:5`}, nil},
		// import "C" only in a _darwin.go file and an ignored file.
		{"cgocache", "cmd/plain", nil, nil},
		// A local replace target (a directory with its own go.mod).
		{"cgoreplace", ".", []string{`. → example.com/cshim: import "C" in cshim.go:4`}, nil},
		// Not in the module cache: judged by the known list, and said so.
		{"cgocache", "cmd/offline", nil, []string{"github.com/acme/absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.main, func(t *testing.T) {
			f := detectFixture(t, tt.fixture)
			m, ok := f.Main(tt.main)
			if !ok {
				t.Fatalf("no main %s in %q", tt.main, mainDirs(f.Mains))
			}
			want := tt.evidence
			if want == nil {
				want = []string{}
			}
			if got := cgoFacts(m); !reflect.DeepEqual(got, want) {
				t.Errorf("cgo evidence = %q, want %q", got, want)
			}
			if m.Cgo != (len(want) > 0) {
				t.Errorf("cgo = %v, want %v", m.Cgo, len(want) > 0)
			}
			wantUnresolved := tt.unresolved
			if wantUnresolved == nil {
				wantUnresolved = []string{}
			}
			if !reflect.DeepEqual(m.UnresolvedModules, wantUnresolved) {
				t.Errorf("unresolved = %q, want %q", m.UnresolvedModules, wantUnresolved)
			}
		})
	}
}

func TestDetectCgoWithoutModuleCache(t *testing.T) {
	// With an empty module cache the known list still decides, and the
	// evidence and the notes say how to get an exact answer.
	t.Setenv("GOWORK", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	f, err := Detect(fixture("cgotwomains"))
	if err != nil {
		t.Fatal(err)
	}
	api, _ := f.Main("cmd/api")
	want := []string{"cmd/api → internal/store → github.com/mattn/go-sqlite3: internal/store/store.go: imports github.com/mattn/go-sqlite3 (needs cgo); github.com/mattn/go-sqlite3 not in the module cache"}
	if got := cgoFacts(api); !reflect.DeepEqual(got, want) {
		t.Errorf("api evidence = %q, want %q", got, want)
	}
	if worker, _ := f.Main("cmd/worker"); worker.Cgo {
		t.Errorf("worker marked cgo: %q", cgoFacts(worker))
	}
	if !reflect.DeepEqual(f.UnresolvedModules, []string{"github.com/mattn/go-sqlite3"}) {
		t.Errorf("unresolved modules = %q", f.UnresolvedModules)
	}
	if notes := strings.Join(f.Notes, "\n"); !strings.Contains(notes, "run `go mod download` for an exact answer") {
		t.Errorf("notes %q give no hint", notes)
	}
}

func TestDetectWindowsOnlyFileIgnored(t *testing.T) {
	// main_windows.go listens on :9999; a Linux image never builds it.
	f := detectFixture(t, "envport")
	for _, p := range f.Mains[0].Ports {
		if p.Number == 9999 {
			t.Fatalf("port from main_windows.go detected: %+v", p)
		}
	}
}

func TestDetectLocalReplace(t *testing.T) {
	f := detectFixture(t, "replace/app")
	want := []LocalReplace{{Module: "example.com/shared", Target: "../shared", Dir: "../shared", Line: 7}}
	if !reflect.DeepEqual(f.LocalReplaces, want) {
		t.Fatalf("replaces = %+v, want %+v", f.LocalReplaces, want)
	}
}

func TestDetectWorkspace(t *testing.T) {
	t.Setenv("GOWORK", "")
	app, err := Detect(fixture("workspace/app"))
	if err != nil {
		t.Fatal(err)
	}
	ws := app.Workspace
	if ws == nil || ws.File != "../go.work" || !reflect.DeepEqual(ws.Uses, []string{".", "../lib", "../tool"}) {
		t.Fatalf("workspace = %+v", ws)
	}
	if !ws.Needed || !reflect.DeepEqual(ws.NeededBy, []string{"example.com/ws/lib"}) {
		t.Errorf("app needs lib through the workspace: %+v", ws)
	}
	tool, err := Detect(fixture("workspace/tool"))
	if err != nil {
		t.Fatal(err)
	}
	if tool.Workspace == nil || tool.Workspace.Needed {
		t.Errorf("tool imports no sibling; the workspace is not needed: %+v", tool.Workspace)
	}
}

func TestDetectEmbedPatterns(t *testing.T) {
	f := detectFixture(t, "embed")
	if !reflect.DeepEqual(f.EmbedPatterns, []string{"certs/server.pem"}) {
		t.Fatalf("embed patterns = %q", f.EmbedPatterns)
	}
}

func TestDetectErrors(t *testing.T) {
	t.Setenv("GOWORK", "off")
	dir := t.TempDir()
	tests := []struct {
		name, gomod, want string
	}{
		{"no go.mod", "", "no go.mod in " + dir + ": dockhard needs a Go module; create one with `go mod init <module path>`"},
		{"bad go.mod", "module x\ngo banana\n", "go.mod does not parse: " + filepath.Join(dir, "go.mod") + ":2: invalid go version 'banana'"},
		{"no module line", "go 1.22\n", "has no module line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.gomod != "" {
				testfile.Write(t, filepath.Join(dir, "go.mod"), tt.gomod)
			}
			_, err := Detect(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !inputerr.Is(err) {
				t.Fatalf("err = %v, want an input error containing %q", err, tt.want)
			}
		})
	}
}

// portFacts renders ports as "number file:line" with " loopback" when set.
func portFacts(ps []Port) []string {
	out := []string{}
	for _, p := range ps {
		s := itoa(p.Number) + " " + p.Evidence.File + ":" + itoa(p.Evidence.Line)
		if p.Loopback {
			s += " loopback"
		}
		out = append(out, s)
	}
	return out
}

func routeFacts(rs []HealthRoute) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Path+" "+r.Evidence.File+":"+itoa(r.Evidence.Line))
	}
	return out
}

// TestDetectPortShapes holds one fixture per way real services build a
// listen address; each lists exactly the ports, where each number is
// written, and the health routes.
func TestDetectPortShapes(t *testing.T) {
	tests := []struct {
		fixture string
		ports   []string
		routes  []string
	}{
		{"portenvhelper", []string{"80 main.go:11"}, []string{"/healthz main.go:12"}},
		{"portconst", []string{"8080 main.go:10"}, []string{"/health main.go:14"}},
		{"portsprintf", []string{"9000 main.go:9"}, []string{"/readyz main.go:14"}},
		{"portvar", []string{"8080 main.go:9"}, []string{}},
		{"portjoinhost", []string{"8000 main.go:21", "9443 main.go:14"}, []string{"/livez main.go:19"}},
		// The flag is in a non-main package; db-addr, net.Dial and
		// http.Get are addresses it dials.
		{"portcobra", []string{"8081 internal/cli/serve.go:32"}, []string{}},
		// A listen URL passed to another package; the peer URL is dialled.
		{"portlistenurl", []string{"2379 main.go:10 loopback"}, []string{}},
		{"portgrpc", []string{"9090 main.go:12 loopback", "50051 main.go:14"}, []string{}},
		{"rootmain", []string{"8080 main.go:11"}, []string{}},
		{"envport", []string{"3000 main.go:10"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f := detectFixture(t, tt.fixture)
			m := f.Mains[0]
			if got := portFacts(m.Ports); !reflect.DeepEqual(got, tt.ports) {
				t.Errorf("ports = %q, want %q", got, tt.ports)
			}
			if got := routeFacts(m.HealthRoutes); !reflect.DeepEqual(got, tt.routes) {
				t.Errorf("health routes = %q, want %q", got, tt.routes)
			}
			for _, p := range m.Ports {
				if len(p.Trace) == 0 || p.Trace[len(p.Trace)-1].Line != p.Evidence.Line {
					t.Errorf("port %d: trace %v does not end at its evidence", p.Number, p.Trace)
				}
			}
		})
	}
}

func TestDetectPortTrace(t *testing.T) {
	// Each step of the value's way: the listen call, the variable, the
	// helper call, the helper's return of its parameter, the literal.
	f := detectFixture(t, "portenvhelper")
	var got []string
	for _, e := range f.Mains[0].Ports[0].Trace {
		got = append(got, e.File+":"+itoa(e.Line)+": "+e.What)
	}
	want := []string{
		`main.go:13: http.ListenAndServe(":" + port)`,
		`main.go:13: ":"`,
		`main.go:11: port = getEnv("APP_PORT", "80")`,
		`main.go:11: getEnv("APP_PORT", "80")`,
		`env.go:9: return fallback`,
		`main.go:11: "80"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDetectLoopbackNote(t *testing.T) {
	f := detectFixture(t, "portlistenurl")
	want := ". listens on port 2379 on loopback by default (main.go:10)"
	if notes := strings.Join(f.Notes, "\n"); !strings.Contains(notes, want) {
		t.Errorf("notes %q do not contain %q", notes, want)
	}
}

func TestDetectTimeZones(t *testing.T) {
	f := detectFixture(t, "timezone")
	root, _ := f.Main(".")
	want := []Evidence{{File: "internal/clock/clock.go", Line: 6, What: "time.LoadLocation(zone)"}}
	if !reflect.DeepEqual(root.TimeZones, want) {
		t.Errorf("time zones = %+v, want %+v", root.TimeZones, want)
	}
	// cmd/embedded imports time/tzdata: the binary carries the zones.
	if embedded, _ := f.Main("cmd/embedded"); len(embedded.TimeZones) != 0 {
		t.Errorf("cmd/embedded imports time/tzdata, yet time zones = %+v", embedded.TimeZones)
	}
}

func TestDetectVendorMode(t *testing.T) {
	tests := []struct {
		fixture  string
		goflags  string
		vendored bool
		problems []string
	}{
		{"vendored", "", true, []string{}},
		{"vendorold", "", false, []string{"go.mod says go 1.13: before 1.14 the go command ignores vendor/"}},
		{"vendorstale", "", false, []string{
			"github.com/acme/loadgen is required at v1.4.0 in go.mod but vendored at v1.2.0",
			"github.com/acme/old is marked explicit in vendor/modules.txt but not required in go.mod",
			"github.com/acme/report@v0.2.0 is required in go.mod but not vendored",
		}},
		{"vendored", "-mod=mod", false, []string{"GOFLAGS sets -mod=mod"}},
		{"vendorold", "-trimpath -mod=vendor", true, []string{}},
		{"rootmain", "", false, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+tt.goflags, func(t *testing.T) {
			t.Setenv("GOFLAGS", tt.goflags)
			f := detectFixture(t, tt.fixture)
			if f.Vendored != tt.vendored || !reflect.DeepEqual(f.VendorProblems, tt.problems) {
				t.Errorf("vendored = %v, problems %q; want %v, %q", f.Vendored, f.VendorProblems, tt.vendored, tt.problems)
			}
		})
	}
}

// The go line is the minimum: a toolchain line below it, which the go
// command ignores, does not lower the builder's Go.
func TestToolchainBelowGoLineIsIgnored(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module example.com/x\n\ngo 1.23.0\n\ntoolchain go1.21.0\n")
	testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() {}\n")
	f, err := Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.Module.BuildGo != "1.23.0" {
		t.Fatalf("BuildGo = %q, want 1.23.0 (the go line, higher than the toolchain line)", f.Module.BuildGo)
	}
}

// go.mod's tool directives (go get -tool) are reported, sorted and once
// each, whether written one by one or in a block.
func TestDetectTools(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module example.com/x\n\ngo 1.24.0\n\ntool golang.org/x/tools/cmd/stringer\n\ntool (\n\tgithub.com/dockhard/dockhard/cmd/dockhard\n\tgolang.org/x/tools/cmd/stringer\n)\n")
	testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() {}\n")
	f, err := Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"github.com/dockhard/dockhard/cmd/dockhard", "golang.org/x/tools/cmd/stringer"}
	if !slices.Equal(f.Module.Tools, want) {
		t.Fatalf("Tools = %q, want %q", f.Module.Tools, want)
	}
}

// An import path that cleans to somewhere outside vendor/ is not followed:
// the file there (with import "C") must not be read.
func TestVendoredImportPathsStayInVendor(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "m")
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module example.com/m\n\ngo 1.22.0\n")
	testfile.Write(t, filepath.Join(dir, "vendor", "modules.txt"), "# example.com/x v1.0.0\n")
	testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nimport _ \"example.com/../../../outside\"\n\nfunc main() {}\n")
	// m/vendor/example.com/../../../outside is root/a/b/outside.
	testfile.Write(t, filepath.Join(root, "a", "b", "outside", "c.go"), "package outside\n\nimport \"C\"\n")
	f, err := Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Mains) != 1 || len(f.Mains[0].CgoEvidence) != 0 {
		t.Fatalf("detection read a file outside the module: %+v", f.Mains)
	}
}

// //go:embed patterns the go tool rejects never reach the .dockerignore,
// and "**" keeps its one-element meaning there.
func TestDetectDataFiles(t *testing.T) {
	f := detectFixture(t, "datafiles")
	root, _ := f.Main(".")
	// version.txt is //go:embed'ed and cache/state.db is not in the
	// module: neither is copied.
	want := []DataFile{
		{Path: "products.json", Evidence: Evidence{File: "main.go", Line: 22, What: `os.ReadFile("products.json")`}},
		{Path: "static", Dir: true, Evidence: Evidence{File: "main.go", Line: 36, What: `http.Dir("static")`}},
		{Path: "templates", Dir: true, Evidence: Evidence{File: "main.go", Line: 26, What: `template.ParseGlob("templates/*.html")`}},
	}
	if !reflect.DeepEqual(root.DataFiles, want) {
		t.Errorf("data files = %+v, want %+v", root.DataFiles, want)
	}
	// A module that reads nothing at run time reports none.
	if m, _ := detectFixture(t, "rootmain").Main("."); len(m.DataFiles) != 0 {
		t.Errorf("rootmain: data files = %+v, want none", m.DataFiles)
	}
}

func TestRuntimePath(t *testing.T) {
	tests := []struct {
		in   string
		glob bool
		want string
		ok   bool
	}{
		{"products.json", false, "products.json", true},
		{"./data/x.csv", false, "data/x.csv", true},
		{"templates/*.html", true, "templates", true},
		{"*.html", true, "", false},                // the module root itself
		{"t/*/x.html", true, "", false},            // the directory is a glob
		{"/etc/app/config.json", false, "", false}, // absolute: not in the module
		{"../secrets.json", false, "", false},
		{"a\nRUN id", false, "", false},
		{"-rf", false, "", false},
		{"", false, "", false},
	}
	for _, tt := range tests {
		got, ok := runtimePath(tt.in, tt.glob)
		if got != tt.want || ok != tt.ok {
			t.Errorf("runtimePath(%q, %v) = %q, %v; want %q, %v", tt.in, tt.glob, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDetectBuildTags(t *testing.T) {
	// metrics.go is //go:build metrics: without the tag nothing listens.
	if m, _ := detectFixture(t, "buildtags").Main("."); len(m.Ports) != 0 {
		t.Errorf("without --tags: ports %+v, want none", m.Ports)
	}
	f := detectFixtureTags(t, "buildtags", "metrics")
	m, _ := f.Main(".")
	if len(m.Ports) != 1 || m.Ports[0].Number != 9100 || m.Ports[0].Evidence.File != "metrics.go" || m.Ports[0].Evidence.Line != 8 {
		t.Errorf("with --tags metrics: ports %+v, want 9100 at metrics.go:8", m.Ports)
	}
	if !reflect.DeepEqual(f.BuildTags, []string{"metrics"}) {
		t.Errorf("build tags %q, want [metrics]", f.BuildTags)
	}
}

// Stamp variables: package-level strings that -X can set, in the main
// package and in the version packages it reaches; not a constant, not a
// computed value, not a test file's, not a file excluded by its build
// constraint, not a name that says nothing about the build.
func TestDetectStampVars(t *testing.T) {
	f := detectFixture(t, "stamping")
	server, _ := f.Main("cmd/server")
	got := []string{}
	for _, v := range server.StampVars {
		got = append(got, fmt.Sprintf("%s %s %s:%d", v.Symbol, v.Kind, v.Evidence.File, v.Evidence.Line))
	}
	want := []string{
		"main.app_version version cmd/server/main.go:12",
		"main.date date cmd/server/main.go:16",
		"example.com/stamping/internal/version.Version version internal/version/version.go:5",
		"example.com/stamping/internal/version.GitCommit revision internal/version/version.go:6",
		"example.com/stamping/internal/version.BuildDate date internal/version/version.go:7",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cmd/server stamp vars:\n got %q\nwant %q", got, want)
	}
	cli, _ := f.Main("cmd/cli")
	if len(cli.StampVars) != 1 || cli.StampVars[0].Symbol != "main.commit" || cli.StampVars[0].Kind != StampRevision {
		t.Errorf("cmd/cli stamp vars %+v, want only main.commit (revision)", cli.StampVars)
	}
	// var version string under //go:embed version.txt holds the file.
	if m := detectFixture(t, "datafiles").Mains[0]; len(m.StampVars) != 0 {
		t.Errorf("datafiles: an embedded variable is no stamp variable, got %+v", m.StampVars)
	}
}

// Temporary files: the calls a main reaches through the module's packages,
// not those in files its build excludes.
func TestDetectTempFiles(t *testing.T) {
	f := detectFixture(t, "stamping")
	server, _ := f.Main("cmd/server")
	got := []string{}
	for _, e := range server.TempFiles {
		got = append(got, fmt.Sprintf("%s:%d %s", e.File, e.Line, e.What))
	}
	want := []string{"cmd/server/main.go:20 os.CreateTemp", "internal/cache/cache.go:6 os.MkdirTemp", "internal/cache/cache.go:8 os.TempDir"}
	if !slices.Equal(got, want) {
		t.Errorf("cmd/server temp files:\n got %q\nwant %q", got, want)
	}
	if cli, _ := f.Main("cmd/cli"); len(cli.TempFiles) != 0 {
		t.Errorf("cmd/cli writes no temporary file, got %+v", cli.TempFiles)
	}
}
