package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	udiff "github.com/aymanbagabas/go-udiff"
	yaml "go.yaml.in/yaml/v4"
)

// FuzzRenderInput gives every Input field arbitrary text. Render either
// refuses the input with an *InputError and no output, or writes a
// workflow whose parsed YAML has exactly the keys, sequence lengths, scalar
// types and line count of the same workflow made from plain values, and
// carries the values verbatim. So no value can add, remove or reorder a
// key, a step or a line. go test runs the seeds; go test -fuzz
// FuzzRenderInput ./generator/workflow explores further.
func FuzzRenderInput(f *testing.F) {
	type seed struct{ header, moduleDir, dockerfile, context, checkContext, checkOutput, catalog, goVersion, dockhard, branch, image, targets string }
	g := goldens["src-layout.yml"]
	for _, s := range []seed{
		{header, ".", "Dockerfile", ".", "", "", "", "1.26.1", "v0.1.0", "main", "webserver", ""},
		{g.Header, g.ModuleDir, g.Dockerfile, g.Context, g.CheckContext, "../Dockerfile", g.Catalog, g.GoVersion, g.DockhardVersion, g.DefaultBranch, g.Image, "webserver"},
		// YAML would read these as null, a boolean, a number, an alias, a
		// tag, a sequence or a flow mapping if they were written bare.
		{"# null", "null", "true", "yes", "null/..", "yes", "1.20", "1.20", "v1.0.0", "on", "null", "null,true,yes"},
		{"# x", ".github", "a@b+c/d-e", "...", "..", "../x", "../c.json", "1.26", "v2.0.0-rc.1", "1.0", "a_b.c-d", "a.b,a_b,a--b"},
		{"# &a *a", "@x", "*alias", "&anchor", "*a", "&b", "!tag", "1.5", "", "yes", "0x10", "api,worker"},
		// Values that would break out of their place.
		{header + "\njobs: {}", "src\n  x: 1", "Dockerfile\"\nx: 1", "${{ secrets.GITHUB_TOKEN }}", "..\n", "x --force", "c.json'", "1.26\n", "v1.0.0\n", "main]\n", "a: b", "api\n- x"},
		{"# \u2028x", "src #c", "Dockerfile # c", "$(id)", ".. #", "$(id)", "`id`", "1.26 ", "v1.0.0 ", "main,dev", "a b", "api,api"},
		{"# \x85", "-src", "--help", ".;id", "-x", "--force", "|", ">", "v1.0.0;id", "-main", "-x", "-api"},
		{"", "", "", "", "", "", "", "", "", "", "", ","},
	} {
		f.Add(s.header, s.moduleDir, s.dockerfile, s.context, s.checkContext, s.checkOutput, s.catalog, s.goVersion, s.dockhard, s.branch, s.image, s.targets)
	}
	f.Fuzz(func(t *testing.T, header, moduleDir, dockerfile, context, checkContext, checkOutput, catalog, goVersion, dockhard, branch, image, targets string) {
		in := Input{
			Header: header, ModuleDir: moduleDir, Dockerfile: dockerfile, Context: context, CheckContext: checkContext, CheckOutput: checkOutput, Catalog: catalog,
			GoVersion: goVersion, DockhardVersion: dockhard, DefaultBranch: branch, Image: image, Targets: splitTargets(targets),
		}
		out, err := Render(in)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || out != nil {
				t.Fatalf("%+v: refused with %v and %d bytes, want an *InputError and nothing", in, err, len(out))
			}
			return
		}
		plain := render(t, plainLike(in))
		gotShape, gotValues := parseShape(t, out)
		wantShape, _ := parseShape(t, plain)
		if gotShape != wantShape {
			t.Fatalf("%+v changed the workflow's structure:\n%s", in, udiff.Unified("plain values", "these values", wantShape, gotShape))
		}
		if a, b := bytes.Count(out, []byte("\n")), bytes.Count(plain, []byte("\n")); a != b {
			t.Fatalf("%+v: %d lines, %d with plain values", in, a, b)
		}
		if first, _, _ := strings.Cut(string(out), "\n"); first != in.Header {
			t.Fatalf("the first line is %q, want the header %q", first, in.Header)
		}
		want := map[string]string{
			"on.push.branches[0]":                   in.DefaultBranch,
			"jobs.check.steps[1].with.go-version":   in.GoVersion,
			"jobs.check.steps[6].working-directory": in.ModuleDir,
			"jobs.pins.steps[3].working-directory":  in.ModuleDir,
			"jobs.build.steps[3].with.file":         in.Dockerfile,
			"jobs.build.steps[3].with.context":      in.Context,
			"jobs.publish.steps[4].with.file":       in.Dockerfile,
			"jobs.publish.steps[4].with.context":    in.Context,
			"jobs.build.steps[4].with.version":      trivyVersion,
		}
		if len(in.Targets) < 2 {
			want["jobs.build.steps[3].with.tags"] = in.Image + ":scan"
		}
		for path, v := range want {
			if got := gotValues[path]; got != v {
				t.Fatalf("%+v: %s is %q, want %q", in, path, got, v)
			}
		}
	})
}

// splitTargets turns the fuzzer's text into at most four targets.
func splitTargets(s string) []string {
	if s == "" {
		return nil
	}
	ts := strings.Split(s, ",")
	if len(ts) > 4 {
		ts = ts[:4]
	}
	return ts
}

// plainLike is in with every value replaced by a plain one, keeping what
// may change the workflow's structure: whether Catalog, CheckContext,
// CheckOutput and DockhardVersion are set and how many targets there are.
func plainLike(in Input) Input {
	p := Input{Header: "# plain", ModuleDir: "m", Dockerfile: "Dockerfile", Context: ".", GoVersion: "1.26", DefaultBranch: "main", Image: "app"}
	if in.Catalog != "" {
		p.Catalog = "catalog.json"
	}
	if in.CheckContext != "" {
		p.CheckContext = "c"
	}
	if in.CheckOutput != "" {
		p.CheckOutput = "o"
	}
	if in.DockhardVersion != "" {
		p.DockhardVersion = "v1.0.0"
	}
	for i := range in.Targets {
		p.Targets = append(p.Targets, fmt.Sprintf("t%d", i))
	}
	return p
}

// parseShape parses a workflow and returns its structure, one line per
// node (path, kind, tag, and a sequence's length), and the value of every
// scalar by path.
func parseShape(t *testing.T, workflow []byte) (string, map[string]string) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(workflow, &doc); err != nil {
		t.Fatalf("the workflow does not parse: %v\n%s", err, workflow)
	}
	var b strings.Builder
	values := map[string]string{}
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(path, c)
			}
		case yaml.MappingNode:
			fmt.Fprintf(&b, "%s mapping %s\n", path, n.Tag)
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i]
				fmt.Fprintf(&b, "%s key %q %s\n", path, key.Value, key.Tag)
				walk(strings.TrimPrefix(path+"."+key.Value, "."), n.Content[i+1])
			}
		case yaml.SequenceNode:
			fmt.Fprintf(&b, "%s sequence of %d %s\n", path, len(n.Content), n.Tag)
			for i, c := range n.Content {
				walk(fmt.Sprintf("%s[%d]", path, i), c)
			}
		case yaml.ScalarNode:
			fmt.Fprintf(&b, "%s scalar %s\n", path, n.Tag)
			values[path] = n.Value
		default:
			fmt.Fprintf(&b, "%s kind %d\n", path, n.Kind)
		}
	}
	walk("", &doc)
	return b.String(), values
}

// TestYAMLWordsStayStrings renders values YAML reads as null, booleans and
// numbers when bare (the first fuzz seeds): they are accepted, and the
// shape check above holds for them because every value is quoted.
func TestYAMLWordsStayStrings(t *testing.T) {
	in := Input{Header: "# null", ModuleDir: "null", Dockerfile: "true", Context: "yes", Catalog: "1.20",
		GoVersion: "1.20", DefaultBranch: "on", Image: "null", Targets: []string{"null", "true"}}
	_, values := parseShape(t, render(t, in))
	for path, want := range map[string]string{
		"jobs.check.steps[1].with.go-version":  "1.20",
		"jobs.build.steps[3].with.file":        "true",
		"on.push.branches[0]":                  "on",
		"jobs.build.strategy.matrix.target[0]": "null",
	} {
		if values[path] != want {
			t.Errorf("%s is %q, want the string %q", path, values[path], want)
		}
	}
}

// TestShapeSeesAnUnquotedWord shows the shape comparison can fail: the
// same workflow with one value written bare (null instead of "Dockerfile")
// has another shape.
func TestShapeSeesAnUnquotedWord(t *testing.T) {
	out := render(t, goldens["single.yml"])
	bare := bytes.Replace(out, []byte(`file: "Dockerfile"`), []byte("file: null"), 1)
	a, _ := parseShape(t, out)
	b, _ := parseShape(t, bare)
	if a == b {
		t.Fatal("the shape does not tell a string from null")
	}
}
