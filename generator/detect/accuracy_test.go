package detect

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// truth is what each main package of every fixture really needs, written
// by hand from the fixtures' source (not from detection's output): cgo,
// the ports it listens on, the health routes it registers, the files it
// reads at run time and the image must carry.
var truth = map[string]struct {
	cgo    bool
	ports  []int
	routes []string
	data   []string
}{
	"article2/src .":         {ports: []int{8080}},
	"cgocache cmd/offline":   {},
	"cgocache cmd/plain":     {},
	"cgocache cmd/sniff":     {cgo: true},
	"cgocache cmd/usbtool":   {cgo: true},
	"cgodep .":               {cgo: true, ports: []int{7070}},
	"cgomod .":               {},
	"cgoreplace .":           {cgo: true},
	"cgotwomains cmd/api":    {cgo: true},
	"cgotwomains cmd/worker": {},
	"embed .":                {},
	"buildtags .":            {},
	"datafiles .":            {ports: []int{8080}, data: []string{"products.json", "static", "templates"}},
	"envport .":              {ports: []int{3000}},
	"multicmd cmd/api":       {ports: []int{9090}},
	"multicmd cmd/worker":    {},
	"multicmd examples/demo": {},
	"nested .":               {},
	"nested/tools .":         {},
	"nogo .":                 {},
	"portcobra .":            {ports: []int{8081}},
	"portconst .":            {ports: []int{8080}, routes: []string{"/health"}},
	"portenvhelper .":        {ports: []int{80}, routes: []string{"/healthz"}},
	"portgrpc .":             {ports: []int{9090, 50051}},
	"portjoinhost .":         {ports: []int{8000, 9443}, routes: []string{"/livez"}},
	"portlistenurl .":        {ports: []int{2379}},
	"portsprintf .":          {ports: []int{9000}, routes: []string{"/readyz"}},
	"portvar .":              {ports: []int{8080}},
	"private .":              {ports: []int{8080}},
	"replace/app .":          {},
	"rootmain .":             {ports: []int{8080}},
	"stamping cmd/cli":       {},
	"stamping cmd/server":    {ports: []int{8080}},
	"timezone .":             {},
	"timezone cmd/embedded":  {},
	"toolchain .":            {},
	"vendored .":             {cgo: true},
	"vendorold .":            {},
	"vendorstale .":          {},
	"workspace/app .":        {},
	"workspace/tool .":       {},
}

// counts are true positives, false positives and false negatives.
type counts struct{ tp, fp, fn int }

func (c *counts) add(truth, found []string) {
	want := map[string]bool{}
	for _, t := range truth {
		want[t] = true
	}
	for _, f := range found {
		if want[f] {
			c.tp++
			delete(want, f)
		} else {
			c.fp++
		}
	}
	c.fn += len(want)
}

func ratio(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

// TestPrecisionRecall compares detection with the hand-written truth over
// every main of every fixture module and prints the README's table
// (go test ./generator -run PrecisionRecall -v).
func TestPrecisionRecall(t *testing.T) {
	mods, err := filepath.Glob(filepath.Join(testfile.Path("testdata", "modules"), "*", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(testfile.Path("testdata", "modules"), "*", "*", "go.mod"))
	mods = append(mods, more...)
	var cgo, ports, routes, data counts
	seen := map[string]bool{}
	mains, modules := 0, 0
	for _, gomod := range mods {
		rel, _ := filepath.Rel(filepath.Join(testfile.Path("testdata", "modules")), filepath.Dir(gomod))
		name := filepath.ToSlash(rel)
		if name == "workspace/lib" || name == "replace/shared" || name == "library" || name == "mixed" {
			continue // libraries and a broken package: no main
		}
		t.Setenv("GOWORK", "off")
		if strings.HasPrefix(name, "workspace/") {
			t.Setenv("GOWORK", "")
		}
		t.Setenv("GOMODCACHE", testfile.Path("testdata", "modcache"))
		f, err := Detect(fixture(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		modules++
		for _, m := range append(append([]MainPackage{}, f.Mains...), f.ExampleMains...) {
			key := name + " " + m.Dir
			want, ok := truth[key]
			if !ok {
				t.Errorf("no truth written for %s", key)
				continue
			}
			seen[key] = true
			mains++
			var wantCgo, gotCgo []string
			if want.cgo {
				wantCgo = []string{key}
			}
			if m.Cgo {
				gotCgo = []string{key}
			}
			cgo.add(wantCgo, gotCgo)
			var wantPorts, gotPorts []string
			for _, p := range want.ports {
				wantPorts = append(wantPorts, fmt.Sprint(p))
			}
			for _, p := range m.Ports {
				gotPorts = append(gotPorts, fmt.Sprint(p.Number))
			}
			ports.add(wantPorts, gotPorts)
			var gotRoutes []string
			for _, r := range m.HealthRoutes {
				gotRoutes = append(gotRoutes, r.Path)
			}
			routes.add(want.routes, gotRoutes)
			var gotData []string
			for _, d := range m.DataFiles {
				gotData = append(gotData, d.Path)
			}
			data.add(want.data, gotData)
			if fmt.Sprint(wantPorts) != fmt.Sprint(gotPorts) || want.cgo != m.Cgo || fmt.Sprint(want.routes) != fmt.Sprint(gotRoutes) || fmt.Sprint(want.data) != fmt.Sprint(gotData) {
				t.Errorf("%s: detected cgo %v ports %v routes %v data %v; truth cgo %v ports %v routes %v data %v", key, m.Cgo, gotPorts, gotRoutes, gotData, want.cgo, wantPorts, want.routes, want.data)
			}
		}
	}
	var missing []string
	for k := range truth {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("truth for mains detection did not find: %q", missing)
	}
	t.Logf("%d mains in %d fixture modules", mains, modules)
	t.Logf("| fact | true | found | correct | precision | recall |")
	t.Logf("|---|---|---|---|---|---|")
	for _, row := range []struct {
		name string
		c    counts
	}{{"cgo needed", cgo}, {"listen ports", ports}, {"health routes", routes}, {"data files", data}} {
		c := row.c
		t.Logf("| %s | %d | %d | %d | %s | %s |", row.name, c.tp+c.fn, c.tp+c.fp, c.tp, ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn))
	}
}
