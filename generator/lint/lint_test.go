package lint

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

func lintFixture(t *testing.T, name string) []Finding {
	t.Helper()
	data, err := os.ReadFile(testfile.Path("testdata", "lint", name))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := LintFile(name, data, LintOptions{GoVersion: "1.26.1", Today: lintToday})
	if err != nil {
		t.Fatal(err)
	}
	return findings
}

// lintToday is the date the lint fixtures are judged on: fixed, so that
// dates stay data, and within 90 days of Ubuntu 22.04's end of life, so
// that DH023 has something to report.
var lintToday = time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)

func ruleSet(findings []Finding) []string {
	seen := map[string]bool{}
	for _, f := range findings {
		if !f.Suppressed {
			seen[f.Rule] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// fixtureExtensions are how the fixtures of each kind of file end: a rule
// for compose files and Kubernetes manifests has a pair of each.
var fixtureExtensions = map[Kind][]string{KindDockerfile: {".Dockerfile"}, KindWorkflow: {".yml"}, KindDeploy: {".compose.yaml", ".k8s.yaml"}}

func TestEveryRuleHasFixtures(t *testing.T) {
	for _, r := range Rules {
		t.Run(r.ID, func(t *testing.T) {
			if r.Title == "" || r.Why == "" || r.Fix == "" || r.Source == "" {
				t.Errorf("rule %s lacks a title, an explanation, a fix or a source", r.ID)
			}
			exts, ok := fixtureExtensions[r.Kind()]
			if !ok {
				t.Fatalf("rule %s judges %s files: add their fixture extension and lint entry point to this test", r.ID, r.Kind())
			}
			for _, ext := range exts {
				fail := lintFixture(t, r.ID+"-fail"+ext)
				found := false
				for _, f := range fail {
					if f.Rule == r.ID {
						found = true
						if f.Line == 0 || f.Message == "" {
							t.Errorf("finding without a line or a message: %+v", f)
						}
					}
				}
				if !found {
					t.Errorf("%s-fail%s: %s not reported; found %v", r.ID, ext, r.ID, ruleSet(fail))
				}
				if pass := lintFixture(t, r.ID+"-pass"+ext); len(pass) > 0 {
					t.Errorf("%s-pass%s is not clean: %+v", r.ID, ext, pass)
				}
			}
		})
	}
}

// The articles' Dockerfiles, from the 667 MB single stage to each final
// one: the final ones are not clean either.
func TestArticlesDockerfiles(t *testing.T) {
	tests := map[string][]string{
		"article1-single-stage.Dockerfile": {"DH001", "DH002", "DH003", "DH008", "DH009", "DH012", "DH013", "DH015", "DH016", "DH019", "DH020"},
		"article1-multi-stage.Dockerfile":  {"DH002", "DH003", "DH008", "DH009", "DH012", "DH013", "DH015", "DH016", "DH019", "DH020"},
		"article1-final.Dockerfile":        {"DH005", "DH008", "DH012", "DH013", "DH015", "DH016", "DH019", "DH020", "DH022"},
		"article2-single-stage.Dockerfile": {"DH001", "DH003", "DH007", "DH008", "DH009", "DH012", "DH013", "DH015", "DH022"},
		"article2-final.Dockerfile":        {"DH002", "DH005", "DH012", "DH022"},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ruleSet(lintFixture(t, name)); !reflect.DeepEqual(got, want) {
				t.Errorf("rules %v, want %v", got, want)
			}
		})
	}
}

// TestGeneratedDockerfilesLintClean is the contract between generate and
// lint: every Dockerfile dockhard writes, across the golden matrix and
// variants, passes every rule and BuildKit's checks.
func TestGeneratedDockerfilesLintClean(t *testing.T) {
	files, err := filepath.Glob(testfile.Path("testdata", "golden", "*.Dockerfile"))
	if err != nil || len(files) < 20 {
		t.Fatalf("golden Dockerfiles: %v (%d)", err, len(files))
	}
	files = append(files, testfile.Path("examples", "webserver", "Dockerfile"), testfile.Path("examples", "userprinter", "Dockerfile"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := Lint(f, data, LintOptions{Today: testfile.GoldenToday})
		if err != nil {
			t.Fatal(err)
		}
		bk, err := BuildKitLint(f, data)
		if err != nil {
			t.Fatal(err)
		}
		if all := append(findings, bk...); len(all) > 0 {
			t.Errorf("%s: %+v", filepath.Base(f), all)
		}
	}
}

func TestLintSuppression(t *testing.T) {
	data, _ := os.ReadFile(testfile.Path("testdata", "lint", "DH005-fail.Dockerfile"))
	suppressed := strings.Replace(string(data), "USER nonroot:nonroot", "# dockhard:ignore DH005 the platform maps nonroot itself\nUSER nonroot:nonroot", 1)
	findings, err := Lint("x", []byte(suppressed), LintOptions{})
	if err != nil || len(findings) != 1 {
		t.Fatalf("findings %+v, err %v", findings, err)
	}
	if f := findings[0]; !f.Suppressed || f.Reason != "the platform maps nonroot itself" || f.Rule != "DH005" {
		t.Fatalf("not suppressed as asked: %+v", f)
	}
}

func TestLintParseError(t *testing.T) {
	if _, err := Lint("x", []byte("FROM alpine:3.24.1\nCOPY --bogus=1 a b\n"), LintOptions{}); err == nil || !inputerr.Is(err) {
		t.Fatalf("want an input error, got %v", err)
	}
}

// A base chosen by a build argument is reported as such, everything else
// is judged, and --build-arg values let lint judge the base itself.
func TestLintBaseChosenByBuildArg(t *testing.T) {
	data, err := os.ReadFile(testfile.Path("testdata", "lint", "DH025-fail.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := Lint("f", data, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ruleSet(findings); !slices.Equal(got, []string{"DH025"}) {
		t.Fatalf("without values: rules %v, want [DH025] (both bases, nothing else)", got)
	}
	if bk, err := BuildKitLint("f", data); err != nil {
		t.Fatalf("BuildKit's checks refused a base chosen at build time: %v", err)
	} else if len(bk) == 0 {
		t.Fatalf("BuildKit reported nothing; its InvalidDefaultArgInFrom check should see the ARGs without defaults")
	}
	// With values the bases are judged: an unpinned alpine with its shell.
	findings, err = Lint("f", data, LintOptions{BuildArgs: map[string]string{"GO_VERSION": "1.26.1", "BASE_IMAGE": "alpine"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ruleSet(findings); !slices.Equal(got, []string{"DH002", "DH008", "DH009"}) {
		t.Fatalf("with values: rules %v, want [DH002 DH008 DH009]", got)
	}
}

// Lint notices an interrupt: a cancelled context ends it with the context's
// error.
func TestLintStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Lint("f", longDockerfile(5000), LintOptions{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// Alpine hardened in a stage of its own and copied onto scratch: the root
// stage is judged like a final stage with a shell.
func TestLintRuntimeRootStage(t *testing.T) {
	good, err := os.ReadFile(testfile.Path("testdata", "lint", "DH024-pass.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"the hardened form", "", "", nil},
		{"no removal", " \\\n && rm -rf /etc/apk /lib/apk/exec /usr/share/apk /var/cache/apk /bin /sbin /usr/bin /usr/sbin /usr/local/bin", "", []string{"DH008"}},
		{"apk kept", " /sbin /usr/bin", " /usr/bin", []string{"DH008"}},
		{"/etc writable", " \\\n && find /etc ! -path /etc/hosts ! -path /etc/resolv.conf ! -path /etc/hostname -exec chmod a-w {} +", "", []string{"DH009"}},
		{"RUN after the removal", "/usr/local/bin\n", "/usr/local/bin\nRUN true\n", []string{"DH010"}},
		{"package database deleted", "/lib/apk/exec", "/lib/apk", []string{"DH024"}},
		{"package database deleted, by its files", "/lib/apk/exec", "/lib/apk/db", []string{"DH024"}},
		{"root copied with a trailing slash", "COPY --from=alpine-root / /", "COPY --from=alpine-root ./ /", nil},
		{"no root copied: the stage ships nothing", "COPY --from=alpine-root / /\n", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := string(good)
			if tt.from != "" {
				if !strings.Contains(data, tt.from) {
					t.Fatalf("fixture lacks %q", tt.from)
				}
				data = strings.Replace(data, tt.from, tt.to, 1)
			}
			findings, err := Lint("x", []byte(data), LintOptions{Today: lintToday})
			if err != nil {
				t.Fatal(err)
			}
			if got := ruleSet(findings); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("rules %v, want %v\n%s", got, tt.want, data)
			}
		})
	}
}

// The removals name whole paths: /usr/bin is not /bin, and the path may
// come right after the flags.
func TestRemovalPatterns(t *testing.T) {
	for _, tt := range []struct {
		line       string
		shell, apk bool
	}{
		{"rm -rf /bin/*", true, false},
		{"rm -rf /sbin/apk", false, true},
		{"rm -rf /etc/apk /bin /sbin /usr/bin", true, true},
		{"rm -rf /usr/bin /usr/sbin", false, false},
		{"rm -rf /usr/local/bin/x /usr/sbin/apk", false, false},
		{"rm -f /bin/sh", true, false},
	} {
		if got := shellRemoval.MatchString(tt.line); got != tt.shell {
			t.Errorf("%q: shell removal %v, want %v", tt.line, got, tt.shell)
		}
		if got := apkRemoval.MatchString(tt.line); got != tt.apk {
			t.Errorf("%q: apk removal %v, want %v", tt.line, got, tt.apk)
		}
	}
}

// A secret-named ARG before the first FROM is as visible as one in a stage.
func TestSecretInGlobalArg(t *testing.T) {
	data, err := os.ReadFile(testfile.Path("testdata", "lint", "DH018-pass.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := Lint("f", append([]byte("ARG NPM_TOKEN\n"), data...), LintOptions{Today: lintToday})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].Rule != RuleSecretInArgOrEnv.ID || findings[0].Line != 1 {
		t.Fatalf("findings %+v, want DH018 on line 1", findings)
	}
}

// --chmod modes that let users other than the owner write: octal with the
// o+w bit, or symbolic modes that add w for o or a.
func TestOthersMayWrite(t *testing.T) {
	for mode, want := range map[string]bool{
		"": false, "0555": false, "0755": false, "0775": false, "0444": false,
		"0777": true, "0666": true, "0002": true, "u+w": false, "o+w": true, "a+rw": true, "+w": true, "u=rwx,o=rw": true,
	} {
		if got := othersMayWrite(mode); got != want {
			t.Errorf("othersMayWrite(%q) = %v, want %v", mode, got, want)
		}
	}
}

// A workflow's finding is suppressed by a dockhard:ignore comment on the
// comment lines just above it, naming its rule; another rule's id or a
// comment further up does not.
func TestLintWorkflowSuppression(t *testing.T) {
	data := []byte(`name: build
on: [push]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - name: mirror
        # dockhard:ignore DH030 the internal mirror moves no tags
        uses: acme/checkout@v4
      - name: other
        # dockhard:ignore DH031 not this rule
        uses: acme/setup@v1
`)
	findings, err := LintWorkflow("build.yml", data, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 2 || !findings[0].Suppressed || findings[0].Reason != "the internal mirror moves no tags" || findings[1].Suppressed {
		t.Fatalf("findings %+v", findings)
	}
	if findings[0].Line != 12 || findings[1].Line != 15 {
		t.Errorf("lines %d and %d, want 12 and 15 (the uses: lines)", findings[0].Line, findings[1].Line)
	}
}

// What lint reads a file as: a workflow by its jobs:, other YAML refused,
// anything else a Dockerfile; a workflow that does not parse is an input
// error naming its line.
func TestLintFileKinds(t *testing.T) {
	for name, want := range map[string]Kind{"Dockerfile": KindDockerfile, "build.Dockerfile": KindDockerfile, "ci.yml": KindWorkflow, "ci.YAML": KindWorkflow, "compose.yaml": KindCompose, "deploy/web.yaml": KindKubernetes} {
		data := map[string]string{
			"compose.yaml":    "services:\n  web:\n    image: x\n",
			"deploy/web.yaml": "# header\n---\napiVersion: v1\nkind: Service\n",
		}[name]
		switch {
		case data != "":
		case strings.HasSuffix(strings.ToLower(name), "ml"):
			data = "on: push\njobs: {}\n"
		default:
			data = "FROM scratch\n"
		}
		if got := KindOf(name, []byte(data)); got != want {
			t.Errorf("KindOf(%s) = %q, want %q", name, got, want)
		}
	}
	for name, data := range map[string]string{
		"values.yaml": "replicas: 3\n",
		"broken.yml":  "jobs: [\n",
	} {
		_, err := LintFile(name, []byte(data), LintOptions{})
		if !inputerr.Is(err) || !strings.Contains(err.Error(), map[string]string{"values.yaml": "no top-level jobs:", "broken.yml": "does not parse as YAML"}[name]) {
			t.Errorf("%s: %v, want an input error saying it is no workflow", name, err)
		}
	}
	_, err := LintFile("ci.yml", []byte("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n"), LintOptions{})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), "ci.yml:5:") {
		t.Errorf("a workflow actionlint cannot parse: %v, want an input error at its line", err)
	}
}

// dockhard's own generated workflows lint clean: the contract between
// generate --ci github and lint.
func TestGeneratedWorkflowsLintClean(t *testing.T) {
	names, _ := filepath.Glob(testfile.Path("generator", "workflow", "testdata", "golden", "*.yml"))
	more, _ := filepath.Glob(testfile.Path("testdata", "golden", "workflow-*.yml"))
	names = append(names, more...)
	if len(names) < 6 {
		t.Fatalf("found %d generated workflows", len(names))
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := LintFile(name, data, LintOptions{})
		if err != nil || len(findings) > 0 {
			t.Errorf("%s: %v %+v", name, err, findings)
		}
	}
}

// The compose files and Kubernetes manifests dockhard generates lint clean:
// the contract between generate --compose/--k8s and lint.
func TestGeneratedDeployFilesLintClean(t *testing.T) {
	names, _ := filepath.Glob(testfile.Path("generator", "deploy", "testdata", "golden", "*.yaml"))
	more, _ := filepath.Glob(testfile.Path("testdata", "golden", "deploy-*.yaml"))
	names = append(names, more...)
	if len(names) < 16 {
		t.Fatalf("found %d generated deploy files", len(names))
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want := KindKubernetes
		if strings.HasSuffix(name, ".compose.yaml") {
			want = KindCompose
		}
		if got := KindOf(name, data); got != want {
			t.Errorf("%s is read as %q, want %q", name, got, want)
		}
		findings, err := LintFile(name, data, LintOptions{})
		if err != nil || len(findings) > 0 {
			t.Errorf("%s: %v %+v", name, err, findings)
		}
	}
}

// A dockhard:ignore comment above a compose service or a container
// suppresses that rule for it, and only that rule; files the libraries
// refuse are input errors naming the file.
func TestLintDeploySuppressionAndErrors(t *testing.T) {
	compose := []byte(`services:
  # dockhard:ignore DH034 the program rewrites its own cache directory
  web:
    image: x
    user: "10001:10001"
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
  worker:
    image: y
    user: "10001:10001"
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
`)
	findings, err := LintFile("compose.yaml", compose, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 2 || findings[0].Line != 3 || !findings[0].Suppressed || findings[0].Reason != "the program rewrites its own cache directory" ||
		findings[1].Line != 8 || findings[1].Suppressed || findings[1].Rule != "DH034" {
		t.Fatalf("findings %+v", findings)
	}
	for name, tt := range map[string]struct{ data, want string }{
		"compose.yaml":    {"services:\n  web:\n    image: x\n    read_only: maybe\n", "compose.yaml is not a valid compose file"},
		"deploy/web.yaml": {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containerz: []\n", "deploy/web.yaml: document 1 is not a valid Kubernetes object"},
	} {
		_, err := LintFile(name, []byte(tt.data), LintOptions{})
		if !inputerr.Is(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an input error %q", name, err, tt.want)
		}
	}
}

// A Dockerfile of several targets (one final stage per binary) is judged
// image by image: a mistake in a target that is not the last stage is
// found, a finding in a stage two targets share is reported once, a
// binary's cgo is judged by the runtime it is copied into, and a stage
// that ships nothing (a test stage on the builder) is no target.
func TestLintJudgesEveryTarget(t *testing.T) {
	data, err := os.ReadFile(testfile.Path("testdata", "golden", "several-cgo-static.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	golden := string(data)
	lintRules := func(df string) []Finding {
		t.Helper()
		findings, err := Lint("Dockerfile", []byte(df), LintOptions{Today: testfile.GoldenToday})
		if err != nil {
			t.Fatal(err)
		}
		return findings
	}
	if f := lintRules(golden); len(f) != 0 {
		t.Fatalf("the golden file has findings: %+v", f)
	}
	for _, tt := range []struct {
		name, from, to string
		want           []string
		count          int // findings of the rule
	}{
		// api is the first target, not the last stage.
		{"root in the first target", "USER 65532:65532\nENTRYPOINT [\"/usr/local/bin/api\"]", "USER root\nENTRYPOINT [\"/usr/local/bin/api\"]", []string{"DH004"}, 1},
		// worker is static on distroless static: cgo on is found, once.
		{"cgo on for the static target", "CGO_ENABLED=0 \\\n    go build -trimpath -ldflags=\"-s -w -buildid=\" -o /out/worker", "CGO_ENABLED=1 \\\n    go build -trimpath -ldflags=\"-s -w -buildid=\" -o /out/worker", []string{"DH014"}, 1},
		// A shared stage's finding is reported once, not per target.
		{"ADD in the shared builder", "COPY . /src/", "ADD . /src/", []string{"DH017"}, 1},
		// A test stage ships nothing: not judged as an image.
		{"a test stage", "\n# Target api", "\nFROM builder AS test\nRUN go test ./...\n\n# Target api", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(golden, tt.from) {
				t.Fatalf("the golden file lacks %q", tt.from)
			}
			findings := lintRules(strings.Replace(golden, tt.from, tt.to, 1))
			if got := ruleSet(findings); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("rules %v, want %v", got, tt.want)
			}
			if len(findings) != tt.count {
				t.Errorf("%d findings, want %d: %+v", len(findings), tt.count, findings)
			}
		})
	}
}
