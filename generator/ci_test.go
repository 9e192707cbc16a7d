package generator

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"golang.org/x/mod/modfile"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
	"github.com/dockhard/dockhard/generator/workflow"
)

// copyModule copies the fixture module name to dst.
func copyModule(t *testing.T, name, dst string) {
	t.Helper()
	src := testfile.Module(name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		testfile.Write(t, filepath.Join(dst, rel), testfile.Read(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// generateIn detects the module in dir and generates with o.
func generateIn(t *testing.T, dir string, o Options) (*Result, error) {
	t.Helper()
	testfile.DetectEnv(t)
	o.Today = testfile.GoldenToday
	return Generate(dir, &o)
}

// workflowOf returns the extra file that is the workflow, and where it
// goes relative to root.
func workflowOf(t *testing.T, res *Result, root string) (string, []byte) {
	t.Helper()
	if len(res.Extras) != 1 {
		t.Fatalf("%d extra files, want the workflow alone", len(res.Extras))
	}
	rel, err := filepath.Rel(root, res.Extras[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel), res.Extras[0].Content
}

// TestWorkflowGolden wires --ci github end to end on three layouts and
// keeps what it writes as golden files: where the workflow goes, the
// module, Dockerfile, context and catalog paths it names from the
// repository root, how it installs dockhard, and the header it shares with
// the Dockerfile. Each passes actionlint with zero findings and the
// workflow checks lint runs.
func TestWorkflowGolden(t *testing.T) {
	tests := []struct {
		golden string
		// layout makes the repository under root and returns the module
		// directory.
		layout func(t *testing.T, root string) string
		opts   Options
		// root is where the workflow must go, relative to the temporary
		// directory.
		root string
	}{
		// No .git anywhere (the temporary directory is in no git work
		// tree): the build context, here the module, is the root;
		// dockhard installed by the release named.
		{"workflow-rootmain.yml", func(t *testing.T, root string) string {
			copyModule(t, "rootmain", root)
			return root
		}, Options{CI: "github", CIDockhardVersion: "v0.1.0"}, "."},
		// The second article's layout in a git repository: go.mod in src/,
		// the Dockerfile and context at the root, a team catalog; another
		// default branch and image name; this dockhard's own release.
		{"workflow-article2.yml", func(t *testing.T, root string) string {
			copyModule(t, "article2", root)
			if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			testfile.Write(t, filepath.Join(root, "dockhard-catalog.json"), testfile.Read(t, testfile.Path("templates", "catalog.json")))
			return filepath.Join(root, "src")
		}, Options{CI: "github", Context: "..", Catalog: "../dockhard-catalog.json", CIBranch: "trunk", CIImage: "webserver", RunningVersion: "v0.3.1"}, "."},
		// A module deep in a monorepo (a worktree: .git is a file) that
		// requires dockhard as a tool: the workflow installs go.mod's
		// version, whatever runs.
		{"workflow-tool.yml", func(t *testing.T, root string) string {
			mod := filepath.Join(root, "services", "api")
			copyModule(t, "rootmain", mod)
			gomod := filepath.Join(mod, "go.mod")
			testfile.Write(t, gomod, testfile.Read(t, gomod)+"\nrequire github.com/dockhard/dockhard v0.2.0\n\ntool github.com/dockhard/dockhard/cmd/dockhard\n")
			testfile.Write(t, filepath.Join(root, ".git"), "gitdir: /elsewhere/.git/worktrees/x\n")
			return mod
		}, Options{CI: "github", RunningVersion: "v0.3.1"}, "."},
		// Two mains, one Dockerfile: a matrix of its targets, each image
		// <module>-<target>.
		{"workflow-several.yml", func(t *testing.T, root string) string {
			copyModule(t, "stamping", root)
			return root
		}, Options{Main: []string{MainAll}, CI: "github", CIDockhardVersion: "v0.1.0"}, "."},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			tmp := t.TempDir()
			dir := tt.layout(t, tmp)
			res, err := generateIn(t, dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			where, content := workflowOf(t, res, filepath.Join(tmp, tt.root))
			if where != workflow.Path {
				t.Errorf("the workflow goes to %s, want %s in the repository root", where, workflow.Path)
			}
			header, _, _ := strings.Cut(string(res.Dockerfile), "\n")
			if first, _, _ := strings.Cut(string(content), "\n"); first != header {
				t.Errorf("the workflow's first line %q is not the Dockerfile's header %q", first, header)
			}
			checkGolden(t, tt.golden, content)
			for _, e := range actionlintFindings(t, content) {
				t.Errorf("actionlint: %d:%d: %s [%s]", e.Line, e.Column, e.Message, e.Kind)
			}
			wf, errs := actionlint.Parse(content)
			if len(errs) > 0 {
				t.Fatalf("the workflow does not parse: %v", errs[0])
			}
			for _, p := range workflow.Check(wf) {
				t.Errorf("workflow check %s: %s", p.Rule, p.Message)
			}
		})
	}
}

// actionlintFindings lints a workflow with all of actionlint's rules
// (shellcheck's where it is installed).
func actionlintFindings(t *testing.T, content []byte) []*actionlint.Error {
	t.Helper()
	dir := t.TempDir()
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.Lint(filepath.Join(dir, workflow.Path), content, nil)
	if err != nil {
		t.Fatal(err)
	}
	return errs
}

// The workflow's paths follow the repository root: found by .git above
// the module, else the build context, else where --ci-root says.
func TestWorkflowRepositoryRoot(t *testing.T) {
	tmp := t.TempDir()
	copyModule(t, "article2", filepath.Join(tmp, "repo"))
	src := filepath.Join(tmp, "repo", "src")
	tests := []struct {
		name        string
		git         string // where .git is made, "" for none
		opts        Options
		root        string
		moduleInDir string
	}{
		{"no .git: the context", "", Options{Context: ".."}, "repo", "src"},
		{"no .git, no context: the module", "", Options{}, "repo/src", "."},
		{".git above the context", ".", Options{Context: ".."}, ".", "repo/src"},
		{"--ci-root names it", ".", Options{Context: "..", CIRoot: ".."}, "repo", "src"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(tmp, ".git"))
			if tt.git != "" {
				os.Mkdir(filepath.Join(tmp, tt.git, ".git"), 0o755)
			}
			tt.opts.CI, tt.opts.CIDockhardVersion = "github", "v0.1.0"
			res, err := generateIn(t, src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			where, content := workflowOf(t, res, filepath.Join(tmp, tt.root))
			if where != workflow.Path {
				t.Errorf("the workflow goes to %s below %s, want %s", where, tt.root, workflow.Path)
			}
			if want := `working-directory: "` + tt.moduleInDir + `"`; !strings.Contains(string(content), want) {
				t.Errorf("the workflow does not run in the module (%s):\n%s", want, content)
			}
		})
	}
}

func TestWorkflowDockhardVersion(t *testing.T) {
	tool := []string{"golang.org/x/tools/cmd/stringer", workflow.DockhardPackage}
	tests := []struct {
		name, named string
		tools       []string
		running     string
		want        string
	}{
		{"named wins", "v0.1.0", tool, "v0.3.1", "v0.1.0"},
		{"go.mod's tool", "", tool, "v0.3.1", ""},
		{"the running release", "", []string{"golang.org/x/tools/cmd/stringer"}, "v0.3.1", "v0.3.1"},
	}
	for _, tt := range tests {
		got, err := workflowDockhard(tt.named, tt.tools, tt.running)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	_, err := workflowDockhard("", nil, "")
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "development build") || !strings.Contains(err.Error(), "go get -tool") {
		t.Errorf("a development build without a tool requirement: %v, want an input error saying how to name a release", err)
	}
}

// setup-go installs the module's Go, but never one too old to build
// dockhard.
func TestWorkflowGo(t *testing.T) {
	for moduleGo, want := range map[string]string{"1.26.1": "1.26.1", "1.24.0": "1.24.0", "1.21": dockhardMinGo, "1.16": dockhardMinGo, "1.25": "1.25"} {
		if got := workflowGo(moduleGo); got != want {
			t.Errorf("workflowGo(%s) = %s, want %s", moduleGo, got, want)
		}
	}
}

// dockhardMinGo is dockhard's own go line: raising go.mod must raise it.
func TestDockhardMinGoIsGoMods(t *testing.T) {
	data := testfile.Read(t, testfile.Path("go.mod"))
	mf, err := modfile.ParseLax("go.mod", []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if mf.Go.Version != dockhardMinGo {
		t.Fatalf("dockhard's go.mod says go %s, dockhardMinGo is %s: make them agree", mf.Go.Version, dockhardMinGo)
	}
}

// Every value the workflow takes from the options is refused before
// detection when it is wrong, with the option's name; one from the module
// is refused with where it came from.
func TestWorkflowOptionErrors(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{CI: "gitlab"}, `CI gitlab is not written`},
		{Options{CI: "jenkins"}, `CI "jenkins": use github (a GitHub Actions workflow) or none`},
		{Options{CIBranch: "trunk"}, `CIBranch is only used with CI github`},
		{Options{CI: "none", CIImage: "x"}, `CIImage is only used with CI github`},
		{Options{CI: "github", CIBranch: "release/1"}, `CIBranch "release/1": a branch name`},
		{Options{CI: "github", CIImage: "Web"}, `CIImage "Web": lowercase letters and digits`},
		{Options{CI: "github", CIDockhardVersion: "latest"}, `CIDockhardVersion "latest": a full release version`},
		{Options{CI: "github", CIRoot: "sub"}, `CIRoot "sub": the repository root must be the module directory or one of its parents`},
		{Options{CI: "github", Output: "-"}, `Output - prints the Dockerfile and writes nothing, and CI writes a file`},
	}
	for _, tt := range tests {
		err := tt.opts.Validate()
		var oe *OptionError
		if !errors.As(err, &oe) || !inputerr.Is(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want an option error containing %q", tt.opts, err, tt.want)
		}
	}
	for _, ok := range []Options{{CI: "github"}, {CI: "none"}, {CI: "github", CIBranch: "main", CIRoot: "..", CIImage: "web.app", CIDockhardVersion: "v1.2.3-rc.1"}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}

// A binary whose name is no image name is refused, saying to name the
// image, and nothing is rendered.
func TestWorkflowImageFromBinary(t *testing.T) {
	dir := t.TempDir()
	copyModule(t, "rootmain", dir)
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module github.com/acme/app_\n\ngo 1.26.1\n")
	_, err := generateIn(t, dir, Options{CI: "github", CIDockhardVersion: "v0.1.0"})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), `the binary's name "app_" does not make an image name`) || !strings.Contains(err.Error(), "pass CIImage NAME") {
		t.Fatalf("err = %v", err)
	}
	res, err := generateIn(t, dir, Options{CI: "github", CIDockhardVersion: "v0.1.0", CIImage: "app"})
	if err != nil || !strings.Contains(string(res.Extras[0].Content), `tags: "app:scan"`) {
		t.Fatalf("with --ci-image: %v", err)
	}
}

// The workflow never lands through a link out of the repository, nor on
// another generated file.
func TestWorkflowPlacementRefusals(t *testing.T) {
	dir := t.TempDir()
	copyModule(t, "rootmain", dir)
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, ".github")); err != nil {
		t.Fatal(err)
	}
	_, err := generateIn(t, dir, Options{CI: "github", CIDockhardVersion: "v0.1.0"})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "leads through a link to "+elsewhere) {
		t.Fatalf("through a linked .github: %v", err)
	}
	os.Remove(filepath.Join(dir, ".github"))
	os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755)
	_, err = generateIn(t, dir, Options{CI: "github", CIDockhardVersion: "v0.1.0", Output: ".github/workflows/dockhard.yml"})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "which is also the Dockerfile") {
		t.Fatalf("onto the Dockerfile: %v", err)
	}
}

// The extra files are offered by their options, and choosing one sets
// what its flag would.
func TestExtrasFollowTheirOptions(t *testing.T) {
	extras := Extras()
	if len(extras) != len(extraFiles) || extras[0].Flag != "ci" || extras[0].Choice != workflow.Path {
		t.Fatalf("Extras() = %+v", extras)
	}
	var o Options
	if o.ExtraOn("ci") {
		t.Fatal("the zero options write a workflow")
	}
	o.SetExtra("ci", true)
	if o.CI != "github" || !o.ExtraOn("ci") {
		t.Fatalf("chosen: CI = %q", o.CI)
	}
	if got := o.Args(); strings.Join(got, " ") != "generate --ci github" {
		t.Fatalf("recorded as %q", got)
	}
	o.SetExtra("ci", false)
	if o.ExtraOn("ci") || len(o.Args()) != 1 {
		t.Fatalf("not chosen: CI = %q, recorded %q", o.CI, o.Args())
	}
	if (&Options{CI: "none"}).ExtraOn("ci") {
		t.Fatal("--ci none writes a workflow")
	}
}

// The workflow is one of the files generate writes, after the Dockerfile
// and the .dockerignore, and asks for its directories.
func TestWorkflowIsOneOfTheFiles(t *testing.T) {
	dir := t.TempDir()
	copyModule(t, "rootmain", dir)
	res, err := generateIn(t, dir, Options{CI: "github", CIDockhardVersion: "v0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	files := res.Files()
	if len(files) != 3 || files[2].Path != filepath.Join(dir, ".github", "workflows", "dockhard.yml") || !files[2].MakeDirs || files[0].MakeDirs {
		t.Fatalf("files: %+v", files)
	}
}

// The CI options read back from the header they are recorded in, so a bare
// regenerate or the workflow's own generate --check reproduces them.
func TestCIOptionsRoundTrip(t *testing.T) {
	for _, o := range []Options{
		{CI: "github"},
		{CI: "github", CIRoot: "..", CIBranch: "trunk", CIImage: "web", CIDockhardVersion: "v0.1.0"},
		{CI: "github", CIRoot: "."},
		{CI: "github", CIBranch: "main", Context: "..", Output: "../deploy/Dockerfile"},
		{CI: "none"},
	} {
		line := FormatHeader(&o)
		back, _, ok, err := ParseHeader(line)
		if err != nil || !ok {
			t.Fatalf("%q: %v", line, err)
		}
		if again := FormatHeader(&back); again != line {
			t.Errorf("round trip changed the header:\n %q\n %q", line, again)
		}
		if back.ExtraOn("ci") != o.ExtraOn("ci") {
			t.Errorf("%q: the workflow is %v after reading back", line, back.ExtraOn("ci"))
		}
	}
	if got := FormatHeader(&Options{CI: "github", CIBranch: "main"}); got != "# Code generated by dockhard generate --ci github. DO NOT EDIT." {
		t.Errorf("defaults are recorded: %q", got)
	}
	// The module directory as the root is a choice: the default is found.
	if got := FormatHeader(&Options{CI: "github", CIRoot: "./"}); got != "# Code generated by dockhard generate --ci github --ci-root .. DO NOT EDIT." {
		t.Errorf("--ci-root . is not recorded: %q", got)
	}
}

// The examples' committed workflows (CI regenerates them byte for byte)
// pass actionlint and the workflow checks, and are written as for a
// repository of their own: --ci-root . in their headers.
func TestExampleWorkflows(t *testing.T) {
	for _, name := range []string{"webserver", "userprinter"} {
		content := []byte(testfile.Read(t, testfile.Path("examples", name, filepath.FromSlash(workflow.Path))))
		if !strings.HasPrefix(string(content), "# Code generated by dockhard generate --ci github --ci-root . ") {
			t.Errorf("%s: the workflow is not generated for the example as its own repository:\n%s", name, strings.SplitN(string(content), "\n", 2)[0])
		}
		for _, e := range actionlintFindings(t, content) {
			t.Errorf("%s: actionlint: %d:%d: %s [%s]", name, e.Line, e.Column, e.Message, e.Kind)
		}
		wf, errs := actionlint.Parse(content)
		if len(errs) > 0 {
			t.Fatalf("%s does not parse: %v", name, errs[0])
		}
		for _, p := range workflow.Check(wf) {
			t.Errorf("%s: workflow check %s: %s", name, p.Rule, p.Message)
		}
	}
}

// readmeWorkflow is a workflow the README shows: a yaml block whose first
// line names its file under .github/workflows/.
var readmeWorkflow = regexp.MustCompile("(?s)```yaml\n(# \\.github/workflows/[^\n]+\n.*?)```")

// The workflows the README shows for copying pass actionlint and the
// workflow checks like the generated one: every action pinned by commit.
func TestREADMEWorkflows(t *testing.T) {
	blocks := readmeWorkflow.FindAllStringSubmatch(testfile.Read(t, testfile.Path("README.md")), -1)
	if len(blocks) < 3 {
		t.Fatalf("found %d workflows in the README, want the lint, pins and drift ones", len(blocks))
	}
	for _, b := range blocks {
		name, _, _ := strings.Cut(b[1], "\n")
		for _, e := range actionlintFindings(t, []byte(b[1])) {
			t.Errorf("%s: actionlint: %d:%d: %s [%s]", name, e.Line, e.Column, e.Message, e.Kind)
		}
		wf, errs := actionlint.Parse([]byte(b[1]))
		if len(errs) > 0 {
			t.Fatalf("%s does not parse: %v", name, errs[0])
		}
		for _, p := range workflow.Check(wf) {
			t.Errorf("%s: workflow check %s: %s", name, p.Rule, p.Message)
		}
	}
}
