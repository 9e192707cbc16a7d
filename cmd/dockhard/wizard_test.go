package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/pflag"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/detect"
)

// fakePrompter answers questions by their message. Asking a question it has
// no answer for, or leaving an answer unused, fails the test.
type fakePrompter struct {
	t       *testing.T
	answers map[string]any // string, []string, bool or error
	used    map[string]bool
	offered map[string][]string // the options each Select showed
	helps   map[string]string
	// validators from Input questions, to probe what they refuse.
	validators map[string]func(string) error
	// defaults and validators of MultiSelect questions.
	defaults        map[string][]string
	multiValidators map[string]func([]string) error
}

func newFakePrompter(t *testing.T, answers map[string]any) *fakePrompter {
	f := &fakePrompter{t: t, answers: answers, used: map[string]bool{}, offered: map[string][]string{}, helps: map[string]string{}, validators: map[string]func(string) error{},
		defaults: map[string][]string{}, multiValidators: map[string]func([]string) error{}}
	t.Cleanup(func() {
		for q := range answers {
			if !f.used[q] {
				t.Errorf("the question %q was never asked", q)
			}
		}
	})
	return f
}

func (f *fakePrompter) answer(message, help string) any {
	f.t.Helper()
	a, ok := f.answers[message]
	if !ok {
		f.t.Fatalf("unexpected question %q", message)
	}
	f.used[message] = true
	f.helps[message] = help
	return a
}

func (f *fakePrompter) Select(message, help string, options []string, _ func(string) string, def string) (string, error) {
	f.offered[message] = options
	switch a := f.answer(message, help).(type) {
	case error:
		return "", a
	case string:
		if a == "" {
			return def, nil
		}
		if !slices.Contains(options, a) {
			f.t.Fatalf("%q: %q is not among the options %q", message, a, options)
		}
		return a, nil
	}
	f.t.Fatalf("%q: bad stub", message)
	return "", nil
}

func (f *fakePrompter) MultiSelect(message, help string, options []string, defaults []string, validate func([]string) error) ([]string, error) {
	f.offered[message] = options
	f.defaults[message] = defaults
	f.multiValidators[message] = validate
	switch a := f.answer(message, help).(type) {
	case error:
		return nil, a
	case []string:
		if a == nil {
			a = defaults
		}
		for _, each := range a {
			if !slices.Contains(options, each) {
				f.t.Fatalf("%q: %q is not among the options %q", message, each, options)
			}
		}
		if validate != nil {
			if err := validate(a); err != nil {
				f.t.Fatalf("%q: the answer %q was refused: %v", message, a, err)
			}
		}
		return a, nil
	}
	f.t.Fatalf("%q: bad stub", message)
	return nil, nil
}

func (f *fakePrompter) Input(message, help, def string, validate func(string) error) (string, error) {
	f.validators[message] = validate
	switch a := f.answer(message, help).(type) {
	case error:
		return "", a
	case string:
		if a == "<default>" {
			a = def
		}
		if err := validate(a); err != nil {
			f.t.Fatalf("%q: the answer %q was refused: %v", message, a, err)
		}
		return a, nil
	}
	f.t.Fatalf("%q: bad stub", message)
	return "", nil
}

func (f *fakePrompter) Confirm(message, help string, def bool) (bool, error) {
	switch a := f.answer(message, help).(type) {
	case error:
		return false, a
	case bool:
		return a, nil
	}
	f.t.Fatalf("%q: bad stub", message)
	return false, nil
}

const (
	qMain      = "Which main packages should get an image?"
	qBuilder   = "Which image should build the program?"
	qRuntime   = "Which image should run it?"
	qPort      = "Which port does it listen on? (empty for none)"
	qHealth    = "How should Docker check that it is healthy?"
	qHealthCmd = "Which command checks it? (JSON array)"
	qUID       = "Which numeric user should it run as?"
	qData      = "Copy the files it reads at run time into the image? (products.json, static, templates)"
	qExtras    = "Extras to write:"
	qWrite     = "Write these files?"
)

// defaultOptions are the options generate's flags give when none is set.
func defaultOptions() generator.Options {
	var o generator.Options
	fs := pflag.NewFlagSet("defaults", pflag.ContinueOnError)
	generator.AddFlags(fs, &o)
	fs.Parse(nil)
	return o
}

func detectCopy(t *testing.T, fixture string) (string, *detect.Facts) {
	dir := copyFixture(t, fixture)
	f, err := detect.Detect(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, f
}

func TestWizardDefaultsEqualGenerate(t *testing.T) {
	_, facts := detectCopy(t, "rootmain")
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil),
	})
	o, err := askOptions(p, facts, defaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := defaultOptions(); !reflect.DeepEqual(o, want) {
		t.Fatalf("accepting every default gave %+v, want generate's defaults %+v", o, want)
	}
	if !strings.Contains(p.helps[qPort], "main.go:11") {
		t.Errorf("the port help should show the evidence: %q", p.helps[qPort])
	}
}

func TestWizardChoices(t *testing.T) {
	_, facts := detectCopy(t, "multicmd")
	p := newFakePrompter(t, map[string]any{
		qMain: []string{"./cmd/api"}, qBuilder: "golang", qRuntime: "alpine", qPort: "", qUID: "10001", qExtras: []string{},
	})
	o, err := askOptions(p, facts, defaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.Args(), []string{"generate", "--builder", "golang", "--runtime", "alpine", "--main", "./cmd/api", "--port", "none", "--uid", "10001", "--dockerignore=false"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("args %q, want %q", got, want)
	}
	if want := []string{"./cmd/api", "./cmd/worker"}; !reflect.DeepEqual(p.offered[qMain], want) {
		t.Errorf("main options %q, want %q (examples/ not offered)", p.offered[qMain], want)
	}
}

func TestWizardHidesRuntimesThatCannotWork(t *testing.T) {
	_, facts := detectCopy(t, "cgodep")
	p := newFakePrompter(t, map[string]any{
		qBuilder: "chainguard", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil),
	})
	if _, err := askOptions(p, facts, defaultOptions(), nil); err != nil {
		t.Fatal(err)
	}
	if got := p.offered[qRuntime]; !reflect.DeepEqual(got, []string{"chainguard"}) {
		t.Fatalf("a cgo program built by chainguard can only run on chainguard, offered %q", got)
	}
	if !strings.Contains(p.helps[qRuntime], "Hidden because this program needs cgo") || !strings.Contains(p.helps[qRuntime], "distroless, alpine, dhi, scratch") {
		t.Errorf("the help must say why runtimes are hidden: %q", p.helps[qRuntime])
	}
}

func TestWizardFlagsPreAnswer(t *testing.T) {
	_, facts := detectCopy(t, "rootmain")
	given := defaultOptions()
	given.Runtime, given.UID = "scratch", "4242"
	p := newFakePrompter(t, map[string]any{qBuilder: "", qPort: "<default>", qHealth: "", qExtras: []string(nil)})
	o, err := askOptions(p, facts, given, map[string]bool{"runtime": true, "uid": true})
	if err != nil {
		t.Fatal(err)
	}
	if o.Runtime != "scratch" || o.UID != "4242" {
		t.Fatalf("flags were not kept: %+v", o)
	}
}

func TestWizardValidatesLikeGenerate(t *testing.T) {
	_, facts := detectCopy(t, "rootmain")
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil),
	})
	if _, err := askOptions(p, facts, defaultOptions(), nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"0", "70000", "http", "80\nRUN id"} {
		if err := p.validators[qPort](bad); err == nil {
			t.Errorf("port %q accepted", bad)
		}
	}
	if err := p.validators[qUID]("0"); err == nil || !strings.Contains(err.Error(), "is root") {
		t.Errorf("uid 0: %v", err)
	}
	if err := p.validators[qUID]("nobody"); err == nil {
		t.Error("uid nobody accepted")
	}
}

func TestWizardInterrupted(t *testing.T) {
	dir, _ := detectCopy(t, "rootmain")
	before := snapshot(t, dir)
	p := newFakePrompter(t, map[string]any{qBuilder: "", qRuntime: errInterrupted})
	err := runInit(pflag.NewFlagSet("init", pflag.ContinueOnError), ioStreams{Out: new(strings.Builder), Err: new(strings.Builder)}, p, dir, defaultOptions(), new(atomic.Bool))
	if !errors.Is(err, errInterrupted) {
		t.Fatalf("err = %v, want errInterrupted", err)
	}
	if changes := diffSnapshots(before, snapshot(t, dir)); len(changes) > 0 {
		t.Fatalf("an interrupted wizard wrote: %v", changes)
	}
}

func TestInitWritesWhatGenerateWrites(t *testing.T) {
	dir, _ := detectCopy(t, "rootmain")
	var out strings.Builder
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "alpine", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil), qWrite: true,
	})
	if err := runInit(pflag.NewFlagSet("init", pflag.ContinueOnError), ioStreams{Out: &out, Err: new(strings.Builder)}, p, dir, defaultOptions(), new(atomic.Bool)); err != nil {
		t.Fatal(err)
	}
	wizard := readFile(t, filepath.Join(dir, "Dockerfile"))
	if !strings.Contains(out.String(), "dockhard generate "+dir+" --runtime alpine\n") || !strings.Contains(out.String(), "//go:generate go tool dockhard generate --runtime alpine\n") {
		t.Fatalf("the non-interactive command is not printed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "docker run --rm -p 8080:8080 rootmain") {
		t.Errorf("no docker run hint:\n%s", out.String())
	}
	os.Remove(filepath.Join(dir, "Dockerfile"))
	if r := runCmd(t, "generate", dir, "--runtime", "alpine"); r.code != 0 {
		t.Fatal(r.err)
	}
	if generated := readFile(t, filepath.Join(dir, "Dockerfile")); generated != wizard {
		t.Fatal("the printed generate command does not reproduce the wizard's Dockerfile")
	}
}

func TestInitAsksBeforeReplacingHandWritten(t *testing.T) {
	dir, _ := detectCopy(t, "rootmain")
	df := filepath.Join(dir, "Dockerfile")
	os.WriteFile(df, []byte("FROM scratch\n"), 0o644)
	answers := map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil), qWrite: true,
		displayPath(df) + " was not written by dockhard. Replace it?": false,
	}
	var out strings.Builder
	if err := runInit(pflag.NewFlagSet("init", pflag.ContinueOnError), ioStreams{Out: &out, Err: new(strings.Builder)}, newFakePrompter(t, answers), dir, defaultOptions(), new(atomic.Bool)); err != nil {
		t.Fatal(err)
	}
	if readFile(t, df) != "FROM scratch\n" || !strings.Contains(out.String(), "Nothing was written.") {
		t.Fatalf("the hand-written file was replaced without consent:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, ".dockerignore")); err == nil {
		t.Fatal(".dockerignore was written although the user declined")
	}
}

func TestWizardTypedPort(t *testing.T) {
	_, facts := detectCopy(t, "rootmain")
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "9000", qHealth: "", qUID: "<default>", qExtras: []string(nil),
	})
	o, err := askOptions(p, facts, defaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Port != "9000" {
		t.Fatalf("a typed port must be kept, got %q", o.Port)
	}
}

func TestWizardHealthcheckChoices(t *testing.T) {
	_, facts := detectCopy(t, "rootmain")
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "tcp", qUID: "<default>", qExtras: []string(nil),
	})
	o, err := askOptions(p, facts, defaultOptions(), nil)
	// rootmain registers no health route: tcp is what auto picks.
	if err != nil || o.Healthcheck != "auto" {
		t.Fatalf("tcp: %+v, %v", o, err)
	}
	p = newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "http", qUID: "<default>", qExtras: []string(nil),
	})
	if o, err = askOptions(p, facts, defaultOptions(), nil); err != nil || o.Healthcheck != "http" {
		t.Fatalf("http without a detected route must be explicit: %+v, %v", o, err)
	}
	p = newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "exec", qHealthCmd: `["/usr/local/bin/rootmain","health"]`, qUID: "<default>", qExtras: []string(nil),
	})
	o, err = askOptions(p, facts, defaultOptions(), nil)
	if err != nil || o.Healthcheck != "exec" || o.HealthcheckCmd != `["/usr/local/bin/rootmain","health"]` {
		t.Fatalf("exec: %+v, %v", o, err)
	}
	if err := p.validators[qHealthCmd]("/bin/sh -c true"); err == nil {
		t.Error("a command that is not a JSON array was accepted")
	}
	// No port, no question.
	p = newFakePrompter(t, map[string]any{qBuilder: "", qRuntime: "", qPort: "", qUID: "<default>", qExtras: []string(nil)})
	if o, err = askOptions(p, facts, defaultOptions(), nil); err != nil || o.Port != "none" {
		t.Fatalf("no port: %+v, %v", o, err)
	}
}

func TestPrintedCommandsQuoteJSON(t *testing.T) {
	if got := shellQuote(`["/usr/local/bin/app","health"]`); got != `'["/usr/local/bin/app","health"]'` {
		t.Errorf("shell: %s", got)
	}
	if got := goGenerateQuote(`["/a","b"]`); got != `"[\"/a\",\"b\"]"` {
		t.Errorf("go generate: %s", got)
	}
	if got := shellQuote("--runtime"); got != "--runtime" {
		t.Errorf("plain words stay plain: %s", got)
	}
}

func TestWizardDataFiles(t *testing.T) {
	_, facts := detectCopy(t, "datafiles")
	answers := func(copyData bool) map[string]any {
		return map[string]any{qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qData: copyData, qUID: "<default>", qExtras: []string(nil)}
	}
	p := newFakePrompter(t, answers(true))
	o, err := askOptions(p, facts, defaultOptions(), nil)
	if err != nil || o.Data != nil {
		t.Fatalf("yes keeps what detection found (no --data): %+v, %v", o.Data, err)
	}
	if !strings.Contains(p.helps[qData], `main.go:22: os.ReadFile("products.json")`) {
		t.Errorf("the data help should show the evidence: %q", p.helps[qData])
	}
	p = newFakePrompter(t, answers(false))
	if o, err = askOptions(p, facts, defaultOptions(), nil); err != nil || !reflect.DeepEqual(o.Data, []string{"none"}) {
		t.Fatalf("no: %+v, %v, want --data none", o.Data, err)
	}
	// --data on the command line answers the question.
	p = newFakePrompter(t, map[string]any{qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>", qExtras: []string(nil)})
	if _, err = askOptions(p, facts, defaultOptions(), map[string]bool{"data": true}); err != nil {
		t.Fatal(err)
	}
}

// The wizard's extras list every extra file generate can write; choosing
// the CI workflow writes it, and the printed command reproduces it.
func TestWizardOffersTheWorkflow(t *testing.T) {
	dir, _ := detectCopy(t, "rootmain")
	flags := pflag.NewFlagSet("init", pflag.ContinueOnError)
	given := generator.Options{}
	generator.AddFlags(flags, &given)
	if err := flags.Parse([]string{"--ci-dockhard-version", "v0.1.0"}); err != nil {
		t.Fatal(err)
	}
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>",
		qExtras: []string{".dockerignore", ".github/workflows/dockhard.yml"}, qWrite: true,
	})
	var out strings.Builder
	if err := runInit(flags, ioStreams{Out: &out, Err: new(strings.Builder)}, p, dir, given, new(atomic.Bool)); err != nil {
		t.Fatal(err)
	}
	if want := []string{".dockerignore", ".github/workflows/dockhard.yml", "compose.yaml", "deploy/<name>.yaml", privateExtra}; !reflect.DeepEqual(p.offered[qExtras], want) {
		t.Errorf("extras offered %q, want %q", p.offered[qExtras], want)
	}
	if !strings.Contains(p.helps[qExtras], "GitHub Actions") {
		t.Errorf("the extras' help does not say what the workflow is: %q", p.helps[qExtras])
	}
	wf := filepath.Join(dir, ".github", "workflows", "dockhard.yml")
	wizard := readFile(t, wf)
	if !strings.Contains(out.String(), "dockhard generate "+dir+" --ci github --ci-dockhard-version v0.1.0\n") {
		t.Fatalf("the printed command does not carry the workflow:\n%s", out.String())
	}
	os.Remove(wf)
	if r := runCmd(t, "generate", dir, "--ci", "github", "--ci-dockhard-version", "v0.1.0"); r.code != 0 || readFile(t, wf) != wizard {
		t.Fatalf("the printed command does not reproduce the wizard's workflow: %s", r.err)
	}
}

// Choosing compose.yaml and the Kubernetes manifest among the wizard's
// extras writes both, and the printed command reproduces them.
func TestWizardOffersTheDeployFiles(t *testing.T) {
	dir, _ := detectCopy(t, "rootmain")
	flags := pflag.NewFlagSet("init", pflag.ContinueOnError)
	given := generator.Options{}
	generator.AddFlags(flags, &given)
	p := newFakePrompter(t, map[string]any{
		qBuilder: "", qRuntime: "", qPort: "<default>", qHealth: "", qUID: "<default>",
		qExtras: []string{".dockerignore", "compose.yaml", "deploy/<name>.yaml"}, qWrite: true,
	})
	var out strings.Builder
	if err := runInit(flags, ioStreams{Out: &out, Err: new(strings.Builder)}, p, dir, given, new(atomic.Bool)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.helps[qExtras], "read-only root filesystem") || !strings.Contains(p.helps[qExtras], "restricted Pod Security Standard") {
		t.Errorf("the extras' help does not say what the deploy files are: %q", p.helps[qExtras])
	}
	if !strings.Contains(out.String(), "dockhard generate "+dir+" --compose --k8s\n") {
		t.Fatalf("the printed command does not carry the deploy files:\n%s", out.String())
	}
	compose, manifest := filepath.Join(dir, "compose.yaml"), filepath.Join(dir, "deploy", "rootmain.yaml")
	wizardCompose, wizardManifest := readFile(t, compose), readFile(t, manifest)
	os.Remove(compose)
	os.Remove(manifest)
	if r := runCmd(t, "generate", dir, "--compose", "--k8s"); r.code != 0 || readFile(t, compose) != wizardCompose || readFile(t, manifest) != wizardManifest {
		t.Fatalf("the printed command does not reproduce the wizard's deploy files: %s", r.err)
	}
}

// Several mains chosen: one image each, no port or health check question
// (each image takes its own), the runtime list fits every program, the
// bake file is offered, and init writes what generate writes.
func TestWizardSeveralMains(t *testing.T) {
	dir, _ := detectCopy(t, "cgotwomains")
	var out strings.Builder
	p := newFakePrompter(t, map[string]any{
		qMain: []string{"./cmd/api", "./cmd/worker"}, qBuilder: "", qRuntime: "", qUID: "<default>", qExtras: []string(nil), qWrite: true,
	})
	if err := runInit(pflag.NewFlagSet("init", pflag.ContinueOnError), ioStreams{Out: &out, Err: new(strings.Builder)}, p, dir, defaultOptions(), new(atomic.Bool)); err != nil {
		t.Fatal(err)
	}
	if got := p.defaults[qMain]; !reflect.DeepEqual(got, []string{"./cmd/api"}) {
		t.Errorf("main defaults %q, want the first main alone (what generate would refuse to guess beyond)", got)
	}
	if err := p.multiValidators[qMain](nil); err == nil {
		t.Error("choosing no main is accepted")
	}
	// cmd/api needs cgo: scratch cannot run it, so it is not offered.
	if slices.Contains(p.offered[qRuntime], "scratch") {
		t.Errorf("runtimes offered %q include scratch", p.offered[qRuntime])
	}
	if !strings.Contains(p.helps[qRuntime], "cmd/api: chainguard, cmd/worker: distroless") {
		t.Errorf("the runtime help does not say each program's default: %q", p.helps[qRuntime])
	}
	if want := []string{dockerignoreExtra, ".github/workflows/dockhard.yml", "compose.yaml", "deploy/<name>.yaml", "docker-bake.hcl", privateExtra}; !reflect.DeepEqual(p.offered[qExtras], want) {
		t.Errorf("extras %q, want %q", p.offered[qExtras], want)
	}
	wantArgs := "dockhard generate " + dir + " --main ./cmd/api --main ./cmd/worker --bake\n"
	if !strings.Contains(out.String(), wantArgs) {
		t.Fatalf("the non-interactive command %q is not printed:\n%s", wantArgs, out.String())
	}
	for _, hint := range []string{"docker build --target api -t api ", "docker build --target worker -t worker ", "docker buildx bake"} {
		if !strings.Contains(out.String(), hint) {
			t.Errorf("no %q hint:\n%s", hint, out.String())
		}
	}
	wizard := map[string]string{}
	for _, f := range []string{"Dockerfile", ".dockerignore", "docker-bake.hcl"} {
		wizard[f] = readFile(t, filepath.Join(dir, f))
	}
	other := copyFixture(t, "cgotwomains")
	if r := runCmd(t, "generate", other, "--main", "./cmd/api", "--main", "./cmd/worker", "--bake"); r.code != 0 {
		t.Fatal(r.err)
	}
	for f, content := range wizard {
		if readFile(t, filepath.Join(other, f)) != content {
			t.Errorf("%s differs between init and generate", f)
		}
	}
}

// One main of several chosen: the questions of a single image, and the
// header records it as --main did before it repeated.
func TestWizardOneOfSeveralMains(t *testing.T) {
	_, facts := detectCopy(t, "multicmd")
	p := newFakePrompter(t, map[string]any{
		qMain: []string{"./cmd/worker"}, qBuilder: "", qRuntime: "", qPort: "", qUID: "<default>", qExtras: []string(nil),
	})
	o, err := askOptions(p, facts, defaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.Args(), []string{"generate", "--main", "./cmd/worker"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("args %q, want %q", got, want)
	}
	if slices.Contains(p.offered[qExtras], "docker-bake.hcl") {
		t.Errorf("extras %q: no bake file is offered for one image", p.offered[qExtras])
	}
}
