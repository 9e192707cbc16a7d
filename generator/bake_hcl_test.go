package generator

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/zclconf/go-cty/cty"

	"github.com/dockhard/dockhard/generator/internal/testfile"
	"github.com/dockhard/dockhard/generator/write"
)

// bakeSpec is the part of buildx's bake file schema dockhard writes:
// variables, groups and targets (github.com/docker/buildx/bake/hcl).
type bakeSpec struct {
	Variables []struct {
		Name    string `hcl:"name,label"`
		Default string `hcl:"default"`
	} `hcl:"variable,block"`
	Groups []struct {
		Name    string   `hcl:"name,label"`
		Targets []string `hcl:"targets"`
	} `hcl:"group,block"`
	Targets []struct {
		Name       string            `hcl:"name,label"`
		Context    string            `hcl:"context"`
		Dockerfile string            `hcl:"dockerfile"`
		Target     *string           `hcl:"target"`
		Tags       []string          `hcl:"tags"`
		Args       map[string]string `hcl:"args"`
		Secret     []string          `hcl:"secret,optional"`
		SSH        []string          `hcl:"ssh,optional"`
	} `hcl:"target,block"`
}

// checkBakeFile fails the test with every problem bakeProblems finds.
func checkBakeFile(t *testing.T, res *Result) {
	t.Helper()
	bake := bakeOf(res)
	if bake == nil {
		t.Fatal("no docker-bake.hcl among the files to write")
	}
	for _, p := range bakeProblems(res, bake) {
		t.Error(p)
	}
}

// bakeOf is the docker-bake.hcl among a generation's extra files, nil
// when there is none.
func bakeOf(res *Result) []byte {
	for _, f := range res.Extras {
		if filepath.Base(f.Path) == bakeFile {
			return f.Content
		}
	}
	return nil
}

// bakeProblems parses a generated docker-bake.hcl with the HCL library
// buildx reads it with, decodes it into bake's schema (no attribute or
// block of another kind), and checks it against the Dockerfile: the
// default group builds every target, each target builds its stage of the
// Dockerfile beside it and tags the image after it, and the version
// arguments come from variables whose defaults are the Dockerfile's.
func bakeProblems(res *Result, bake []byte) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !bytes.HasPrefix(bake, []byte(write.HeaderPrefix)) || !bytes.HasPrefix(bake, []byte(res.Plan.Header+"\n")) {
		fail("the bake file does not start with the Dockerfile's header")
	}
	file, diags := hclparse.NewParser().ParseHCL(bake, "docker-bake.hcl")
	if diags.HasErrors() {
		return append(problems, fmt.Sprintf("docker-bake.hcl does not parse: %v\n%s", diags, bake))
	}
	// The arguments must be the variables, not copies of their defaults:
	// evaluated with other values, they follow.
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"VERSION": cty.StringVal("v-test"), "REVISION": cty.StringVal("r-test"), "HOME": cty.StringVal("/home/test")}}
	var spec bakeSpec
	if diags := gohcl.DecodeBody(file.Body, ctx, &spec); diags.HasErrors() {
		return append(problems, fmt.Sprintf("docker-bake.hcl does not decode into bake's schema: %v", diags))
	}
	argDefaults, err := dockerfileArgDefaults(res.Dockerfile)
	if err != nil {
		return append(problems, err.Error())
	}
	// Private modules: each target lends the build the credentials the
	// Dockerfile mounts, from the user's home (HOME, a variable bake
	// fills from the environment).
	var wantSecrets, wantSSH []string
	variables := 2
	if priv := res.Plan.Private; priv != nil {
		variables++
		wantSecrets = []string{"id=netrc,src=/home/test/.netrc"}
		if priv.SSH {
			wantSecrets, wantSSH = []string{"id=known_hosts,src=/home/test/.ssh/known_hosts"}, []string{"default"}
		}
	}
	if len(spec.Variables) != variables {
		fail("variables %+v, want VERSION and REVISION (and HOME for private modules)", spec.Variables)
	}
	for _, v := range spec.Variables {
		if v.Name == "HOME" && res.Plan.Private != nil && v.Default == "" {
			continue
		}
		if d, ok := argDefaults[v.Name]; !ok || d != v.Default {
			fail("variable %s defaults to %q, the Dockerfile's ARG to %q", v.Name, v.Default, d)
		}
	}
	var names, stages []string
	for _, target := range res.Plan.Targets {
		names = append(names, target.BakeName())
		stages = append(stages, target.Name)
	}
	if len(spec.Groups) != 1 || spec.Groups[0].Name != "default" || !slices.Equal(spec.Groups[0].Targets, names) {
		fail("groups %+v, want default with %q", spec.Groups, names)
	}
	if len(spec.Targets) != len(names) {
		return append(problems, fmt.Sprintf("%d targets, want %d", len(spec.Targets), len(names)))
	}
	for i, bt := range spec.Targets {
		if bt.Name != names[i] || bt.Context != "." || bt.Dockerfile != res.Plan.IgnoreDockerfile || !slices.Equal(bt.Tags, []string{names[i]}) {
			fail("target %d: %+v", i, bt)
		}
		stage := ""
		if bt.Target != nil {
			stage = *bt.Target
		}
		if stage != stages[i] {
			fail("target %s builds stage %q, the Dockerfile's is %q", bt.Name, stage, stages[i])
		}
		if bt.Args["VERSION"] != "v-test" || bt.Args["REVISION"] != "r-test" || len(bt.Args) != 2 {
			fail("target %s args %v, want VERSION and REVISION from the variables", bt.Name, bt.Args)
		}
		if !slices.Equal(bt.Secret, wantSecrets) || !slices.Equal(bt.SSH, wantSSH) {
			fail("target %s lends secrets %q and ssh %q, want %q and %q", bt.Name, bt.Secret, bt.SSH, wantSecrets, wantSSH)
		}
	}
	return problems
}

// dockerfileArgDefaults are the defaults of the final stages' ARGs.
func dockerfileArgDefaults(dockerfile []byte) (map[string]string, error) {
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return nil, err
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range stages[len(stages)-1].Commands {
		if a, ok := c.(*instructions.ArgCommand); ok {
			for _, kv := range a.Args {
				if kv.Value != nil {
					out[kv.Key] = *kv.Value
				}
			}
		}
	}
	return out, nil
}

// --bake with one main: a bake target without a stage, named after the
// binary; the Dockerfile is the one written without --bake, header aside.
func TestBakeSingleImage(t *testing.T) {
	facts := detectFixture(t, "rootmain")
	res, err := GenerateFrom(facts, &Options{Bake: true, Today: testfile.GoldenToday})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "rootmain.docker-bake.hcl", bakeOf(res))
	checkBakeFile(t, res)
	plain, _ := GenerateFrom(facts, &Options{Today: testfile.GoldenToday})
	if got, want := string(res.Dockerfile), strings.Replace(string(plain.Dockerfile), "generate.", "generate --bake.", 1); got != want {
		t.Error("--bake changed the Dockerfile beyond its header")
	}
	files := res.Files()
	if len(files) != 3 || files[2].Path != filepath.Join(res.Plan.ContextDir, "docker-bake.hcl") {
		t.Errorf("files to write: %+v", files)
	}
}

// The bake file's checker must be able to fail.
func TestCheckBakeFileCanFail(t *testing.T) {
	facts := detectFixture(t, "stamping")
	res, err := GenerateFrom(facts, &Options{Main: []string{MainAll}, Bake: true, Today: testfile.GoldenToday})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ from, to string }{
		{`target     = "cli"`, `target     = "server"`},                               // builds another stage
		{`    VERSION  = VERSION`, `    VERSION  = "dev"`},                            // a copy, not the variable
		{`targets = ["cli", "server"]`, `targets = ["cli"]`},                          // a target left out
		{`default = "unknown"`, `default = "none"`},                                   // not the Dockerfile's default
		{`  tags       = ["cli"]`, `  tags       = ["cli"]` + "\n  platform = \"x\""}, // outside the schema
	} {
		bake := bakeOf(res)
		broken := bytes.Replace(bake, []byte(bad.from), []byte(bad.to), 1)
		if bytes.Equal(broken, bake) {
			t.Fatalf("%q is not in the bake file", bad.from)
		}
		if len(bakeProblems(res, broken)) == 0 {
			t.Errorf("checkBakeFile accepts the bake file with %q", bad.to)
		}
	}
}
