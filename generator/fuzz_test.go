package generator

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// FuzzDetectGoMod feeds arbitrary go.mod bytes to detection and then to
// generation: no panic, and either an input error or a Dockerfile whose
// structure is the plan's.
func FuzzDetectGoMod(f *testing.F) {
	for _, seed := range []string{
		"module example.com/m\n\ngo 1.22\n",
		"module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.23.4\n",
		"module example.com/m\n",
		"module \"example.com/a b\"\ngo 1.22\n",
		"module example.com/m\ngo 1.22\nreplace example.com/x => ../x\n",
		"module example.com/m\ngo 1.22\nrequire github.com/mattn/go-sqlite3 v1.14.0\n",
		"module github.com/acme/x\"y\ngo 1.22\n",
		"module x\ngo 1.22rc1\n",
		"go 1.22\n",
		"module m\n\nrequire (\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, gomod []byte) {
		t.Setenv("GOWORK", "off")
		dir := t.TempDir()
		testfile.Write(t, filepath.Join(dir, "go.mod"), string(gomod))
		testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() {}\n")
		facts, err := detect.Detect(dir)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("detection failed with a non-input error: %v", err)
			}
			return
		}
		if facts.Module.Path == "" {
			t.Fatal("detection succeeded without a module path")
		}
		res, err := GenerateFrom(facts, &Options{})
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("generation failed with a non-input error: %v", err)
			}
			return
		}
		assertSameStructure(t, res, &Options{}, benignFacts(facts, res))
	})
}

// FuzzRenderOptions feeds arbitrary option values, module paths and
// directory names to generation: either an input error, or a Dockerfile
// with exactly the instruction sequence of the same choices made with
// plain values.
func FuzzRenderOptions(f *testing.F) {
	f.Add("chainguard", "distroless", "", "auto", 65532, "auto", "", "", "github.com/acme/app", ".", 8080, "auto", "", "", "products.json", "")
	f.Add("golang", "alpine", "./cmd/api", "9090", 10001, "off", "..", "deploy/Dockerfile", "example.com/m", "cmd/api", 0, "tcp", "", "", "none", "netgo,prod")
	f.Add("ubuntu", "scratch", "./cmd/x\nRUN id", "80\nRUN id", 1, "on", "..\nRUN id", "Dockerfile\nRUN id", "github.com/a/b\"\nRUN id", "a\nRUN curl x|sh", 1, "http", "/h\r\nRUN id", "", "data\nRUN id", "a\nRUN id")
	f.Add("chainguard", "chainguard", "./a b", "none", 2147483647, "", "../..", "-", "github.com/acme/$(id)", "cmd/$HOME", 65535, "exec", "", `["/app","health"]`, "../etc/passwd", "$(id)")
	f.Add("golang", "distroless", `./cmd\`, "1", 65532, "on", ".", "x\\", `example.com/m\`, `cmd/x\`, 22, "exec", "", `["/app","x\"]\nRUN id"]`, "static dir", "a b")
	f.Fuzz(func(t *testing.T, builder, runtime, main, port string, uid int, cgo, context, output, modPath, mainDir string, detectedPort int, health, healthPath, healthCmd, data, tags string) {
		if main != "" {
			mainDir = path.Clean(main)
		}
		facts := &detect.Facts{
			Dir:    t.TempDir(),
			Module: detect.Module{Path: modPath, GoVersion: "1.22.2", BuildGo: "1.22.2"},
			Mains:  []detect.MainPackage{{Dir: mainDir, Cgo: cgo == "on"}},
		}
		if detectedPort > 0 && detectedPort < 65536 {
			facts.Mains[0].Ports = []detect.Port{{Number: detectedPort}}
		}
		// The data path exists in the module (when the file system can
		// hold it), so that only validation can refuse it; the same path
		// is also given as detected.
		var dataOpt []string
		if data != "" {
			dataOpt = []string{data}
			if data != DataNone {
				_ = os.WriteFile(filepath.Join(facts.Dir, data), []byte("x"), 0o644)
				facts.Mains[0].DataFiles = []detect.DataFile{{Path: data}}
			}
		}
		_ = os.WriteFile(filepath.Join(facts.Dir, "plain"), []byte("x"), 0o644)
		// Detection ran with the tags when they are valid ones.
		facts.BuildTags, _ = ParseTags(tags)
		o := &Options{Builder: builder, Runtime: runtime, Main: nonEmpty(main), Port: port, UID: strconv.Itoa(uid), Cgo: cgo, Context: context, Output: output,
			Healthcheck: health, HealthcheckPath: healthPath, HealthcheckCmd: healthCmd, Data: dataOpt, Tags: tags}
		res, err := GenerateFrom(facts, o)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("a value reached the Dockerfile and changed it: %v", err)
			}
			return
		}
		assertSameStructure(t, res, o, benignFacts(facts, res))
	})
}

// FuzzSeveralTargets feeds arbitrary main directories, module paths,
// stamp variables (detected and given) and --main and --stamp values to a
// module of two mains: either an input error, or a Dockerfile (and bake
// file) with exactly the structure of the same choices made with plain
// values.
func FuzzSeveralTargets(f *testing.F) {
	f.Add("cmd/api", "cmd/cli", "github.com/acme/app", "main.version", "", true, false, 8080, "all", true)
	f.Add("cmd/api", "tools/api", "example.com/m", "example.com/m/internal/version.Version", "main.date=SOURCE_DATE_EPOCH", false, true, 0, "", false)
	f.Add("cmd/x\nRUN id", "cmd/y", "example.com/m", "main.v=${X}\nRUN id", "main.v=VERSION\nRUN id", false, false, 1, "./cmd/x\nRUN id", true)
	f.Add("cmd/Api", "cmd/builder", "example.com/m", "main.version\"", "main.version=$(id)", true, true, 22, "cmd/Api", false)
	f.Add(".", "cmd/scratch", "example.com/m/v2", "example.com/a b.Version", "none", false, false, 65535, ".", true)
	f.Fuzz(func(t *testing.T, dir1, dir2, modPath, detectedStamp, givenStamp string, cgo1, cgo2 bool, port int, main1 string, bake bool) {
		facts := &detect.Facts{
			Dir:    t.TempDir(),
			Module: detect.Module{Path: modPath, GoVersion: "1.22.2", BuildGo: "1.22.2"},
			Mains: []detect.MainPackage{
				{Dir: path.Clean(dir1), Cgo: cgo1, StampVars: []detect.StampVar{{Symbol: detectedStamp, Kind: detect.StampVersion}}},
				{Dir: path.Clean(dir2), Cgo: cgo2, StampVars: []detect.StampVar{{Symbol: "main.commit", Kind: detect.StampRevision}, {Symbol: detectedStamp, Kind: detect.StampDate}}},
			},
		}
		if port > 0 && port < 65536 {
			facts.Mains[0].Ports = []detect.Port{{Number: port}}
		}
		o := &Options{Stamp: nonEmpty(givenStamp), Bake: bake}
		switch main1 {
		case "":
			o.Main = []string{"./" + dir1, "./" + dir2}
		case MainAll:
			o.Main = []string{MainAll}
		default:
			o.Main = []string{main1, "./" + dir2}
		}
		res, err := GenerateFrom(facts, o)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("a value reached the Dockerfile and changed it: %v", err)
			}
			return
		}
		assertSameStructure(t, res, o, benignFacts(facts, res))
	})
}

// nonEmpty is a repeatable option's list of one value, or none for "".
func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// benignFacts replaces every free value of facts with a plain one of the
// same kind; the structural choices (cgo, number of ports, whether the
// module is on a forge and so gets a source label) stay.
func benignFacts(f *detect.Facts, res *Result) *detect.Facts {
	b := *f
	b.Module.Path = "example.com/plain"
	for _, l := range res.Plan.Labels {
		if l.Key == "org.opencontainers.image.source" {
			b.Module.Path = "github.com/plain/plain"
		}
	}
	if len(b.BuildTags) > 0 {
		b.BuildTags = []string{"plain"}
	}
	b.Mains = nil
	for i, m := range f.Mains {
		pm := detect.MainPackage{Dir: "cmd/plain" + strconv.Itoa(i), Cgo: m.Cgo}
		for j, v := range m.StampVars {
			pm.StampVars = append(pm.StampVars, detect.StampVar{Symbol: "main.v" + strconv.Itoa(j), Kind: v.Kind})
		}
		if len(m.DataFiles) > 0 {
			pm.DataFiles = []detect.DataFile{{Path: "plain"}}
		}
		for range m.Ports {
			pm.Ports = append(pm.Ports, detect.Port{Number: 1000})
		}
		b.Mains = append(b.Mains, pm)
	}
	return &b
}

// assertSameStructure renders the same choices with plain values and
// compares instruction sequences: a value may fill the Dockerfile in, never
// add, remove or reorder an instruction or give a RUN more shell syntax.
func assertSameStructure(t *testing.T, res *Result, o *Options, plain *detect.Facts) {
	t.Helper()
	po := *o
	if len(po.Main) > 0 && po.Main[0] != MainAll {
		po.Main = nil
		for i := range o.Main {
			po.Main = append(po.Main, "./cmd/plain"+strconv.Itoa(i))
		}
	}
	if len(po.Stamp) > 0 && po.Stamp[0] != StampNone {
		po.Stamp = nil
		for i, s := range o.Stamp {
			_, arg, _ := strings.Cut(s, "=")
			po.Stamp = append(po.Stamp, "main.s"+strconv.Itoa(i)+"="+arg)
		}
	}
	if p, _ := checkPort(o.Port); p.number > 0 {
		po.Port = "1000"
	}
	if uid, _ := checkUID(po.UID); uid != DefaultUID { // 65532 has an account in the runtime; others get one
		po.UID = "1000"
	}
	if strings.Trim(po.Context, "./") == "" {
		po.Context = ""
	}
	if len(po.Data) > 0 && po.Data[0] != DataNone {
		po.Data = []string{"plain"}
	}
	if po.Tags != "" {
		po.Tags = "plain"
	}
	po.Output = ""
	if o.Output == "-" {
		po.Output = "-"
	}
	if po.HealthcheckPath != "" {
		po.HealthcheckPath = "/plain"
	}
	if po.HealthcheckCmd != "" { // keep the number of arguments
		var argv []string
		json.Unmarshal([]byte(o.HealthcheckCmd), &argv)
		cmd, _ := json.Marshal(fill(len(argv), "/plain"))
		po.HealthcheckCmd = string(cmd)
	}
	ref, err := GenerateFrom(plain, &po)
	if err != nil {
		t.Fatalf("the plain rendering failed: %v", err)
	}
	got, err := Signature(res.Dockerfile)
	if err != nil {
		t.Fatalf("generated Dockerfile does not parse: %v\n%s", err, res.Dockerfile)
	}
	want, _ := Signature(ref.Dockerfile)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("structure differs from the plain rendering:\n got %q\nwant %q\n%s", got, want, res.Dockerfile)
	}
	bake := bakeOf(res)
	if gotLines, wantLines := strings.Count(string(bake), "\n"), strings.Count(string(bakeOf(ref)), "\n"); gotLines != wantLines {
		t.Fatalf("the bake file has %d lines, the plain one %d:\n%s", gotLines, wantLines, bake)
	}
	if problems := bakeProblems(res, bake); bake != nil && len(problems) > 0 {
		t.Fatalf("the bake file:\n%s", strings.Join(problems, "\n"))
	}
}
