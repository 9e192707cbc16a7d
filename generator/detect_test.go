package generator

import (
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func fixture(name string) string { return filepath.Join("..", "testdata", "modules", name) }

// detectFixture detects a fixture module with the repository's own go.work
// out of the way (GOWORK=off), as a user's module would be.
func detectFixture(t *testing.T, name string) *Facts {
	t.Helper()
	t.Setenv("GOWORK", "off")
	f, err := Detect(fixture(name))
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
		{fixture: "cgomod", module: "example.com/cgomod", goVersion: "1.23.0", buildGo: "1.23.0",
			mains: []string{"."}, cgo: true, ports: []int{}},
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
		"cgomod":   "go.mod: requires github.com/mattn/go-sqlite3 (needs cgo; imported through a dependency)",
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
				writeFile(t, filepath.Join(dir, "go.mod"), tt.gomod)
			}
			_, err := Detect(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !IsInputError(err) {
				t.Fatalf("err = %v, want an input error containing %q", err, tt.want)
			}
		})
	}
}
