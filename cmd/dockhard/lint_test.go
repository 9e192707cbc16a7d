package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

func lintFile(name string) string { return filepath.Join("..", "..", "testdata", "lint", name) }

func TestLintExitCodes(t *testing.T) {
	if r := runCmd(t, "lint", lintFile("DH001-pass.Dockerfile")); r.code != 0 || r.out != "no findings\n" {
		t.Errorf("clean file: exit %d, %q", r.code, r.out)
	}
	if r := runCmd(t, "lint", lintFile("DH005-fail.Dockerfile")); r.code != 1 || !strings.Contains(r.out, "DH005-fail.Dockerfile:10: warning DH005: USER nonroot:nonroot is a name") {
		t.Errorf("warning at the default threshold: exit %d\n%s", r.code, r.out)
	}
	if r := runCmd(t, "lint", "--fail-on", "error", lintFile("DH005-fail.Dockerfile")); r.code != 0 {
		t.Errorf("a warning under --fail-on error: exit %d", r.code)
	}
	if r := runCmd(t, "lint", lintFile("DH004-fail.Dockerfile"), "--fail-on", "error"); r.code != 1 {
		t.Errorf("an error under --fail-on error: exit %d", r.code)
	}
	bad := filepath.Join(t.TempDir(), "Dockerfile")
	os.WriteFile(bad, []byte("FROM alpine:3.24.1\nCOPY --bogus=1 a b\n"), 0o644)
	if r := runCmd(t, "lint", bad); r.code != 2 {
		t.Errorf("a file that does not parse: exit %d %s", r.code, r.err)
	}
	if r := runCmd(t, "lint", filepath.Join(t.TempDir(), "nope")); r.code != 2 || !strings.Contains(r.err, "cannot read") {
		t.Errorf("a missing file: exit %d %s", r.code, r.err)
	}
	if r := runCmd(t, "lint", "--fail-on", "fatal", bad); r.code != 2 {
		t.Errorf("bad --fail-on: exit %d", r.code)
	}
	if r := runCmd(t, "lint", "--format", "xml", bad); r.code != 2 {
		t.Errorf("bad --format: exit %d", r.code)
	}
}

func TestLintStdinAndSuppression(t *testing.T) {
	data, _ := os.ReadFile(lintFile("DH005-fail.Dockerfile"))
	src := strings.Replace(string(data), "USER nonroot", "# dockhard:ignore DH005 mapped by the platform\nUSER nonroot", 1)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"lint", "--format", "json", "-"}, ioStreams{In: strings.NewReader(src), Out: &out, Err: &errb})
	if code != 0 {
		t.Fatalf("a suppressed finding must not fail: exit %d %s", code, errb.String())
	}
	var findings []map[string]any
	if err := json.Unmarshal(out.Bytes(), &findings); err != nil || len(findings) != 1 {
		t.Fatalf("json: %v %s", err, out.String())
	}
	if findings[0]["rule"] != "DH005" || findings[0]["suppressed"] != true || findings[0]["reason"] != "mapped by the platform" || findings[0]["file"] != "-" {
		t.Fatalf("finding %v", findings[0])
	}
}

// TestLintSARIF checks what the SARIF 2.1.0 schema requires (version, runs,
// tool.driver.name, each result's message.text) and what GitHub code
// scanning reads (rule ids, levels, locations, suppressions).
func TestLintSARIF(t *testing.T) {
	r := runCmd(t, "lint", "--format", "sarif", lintFile("article1-final.Dockerfile"))
	if r.code != 1 {
		t.Fatalf("exit %d %s", r.code, r.err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID                   string            `json:"id"`
						ShortDescription     map[string]string `json:"shortDescription"`
						DefaultConfiguration map[string]string `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string            `json:"ruleId"`
				Level     string            `json:"level"`
				Message   map[string]string `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.out), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "dockhard" {
		t.Fatalf("header: %+v", log)
	}
	rules := map[string]bool{}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		if rule.ShortDescription["text"] == "" || rule.DefaultConfiguration["level"] == "" {
			t.Errorf("rule %s lacks a description or a level", rule.ID)
		}
		rules[rule.ID] = true
	}
	if len(log.Runs[0].Results) == 0 {
		t.Fatal("no results")
	}
	for _, res := range log.Runs[0].Results {
		if !rules[res.RuleID] || res.Message["text"] == "" || len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.Region.StartLine < 1 || !strings.HasSuffix(res.Locations[0].PhysicalLocation.ArtifactLocation.URI, "article1-final.Dockerfile") {
			t.Errorf("result %+v", res)
		}
		if res.Level != "error" && res.Level != "warning" && res.Level != "note" {
			t.Errorf("level %q", res.Level)
		}
	}
}

func TestLintExplainAndHint(t *testing.T) {
	if r := runCmd(t, "lint", "--explain", "dh008"); r.code != 0 || !strings.HasPrefix(r.out, "DH008 (warning): runtime keeps its shell or package manager") || !strings.Contains(r.out, "Source: first article") {
		t.Errorf("explain: exit %d %q", r.code, r.out)
	}
	if r := runCmd(t, "lint", "--explain", "DH999"); r.code != 2 {
		t.Errorf("unknown rule: exit %d", r.code)
	}
	// A Dockerfile beside a go.mod: the report ends with the command that
	// writes a compliant one, and lint knows go.mod's Go.
	dir := copyFixture(t, "rootmain")
	data, _ := os.ReadFile(lintFile("DH016-fail.Dockerfile"))
	os.WriteFile(filepath.Join(dir, "Dockerfile"), data, 0o644)
	r := runCmd(t, "lint", filepath.Join(dir, "Dockerfile"))
	if r.code != 1 || !strings.Contains(r.out, "set ENV GOTOOLCHAIN=go1.26.1") || !strings.Contains(r.out, "a Dockerfile that passes: dockhard generate "+dir+" --force") {
		t.Errorf("exit %d\n%s", r.code, r.out)
	}
}

// dockhard lint judges a GitHub Actions workflow by the workflow rules, in
// text and SARIF; a Dockerfile and a workflow can be linted together, and
// the generated workflow is clean.
func TestLintWorkflow(t *testing.T) {
	r := runCmd(t, "lint", lintFile("DH030-fail.yml"))
	if r.code != 1 || !strings.Contains(r.out, "DH030-fail.yml:11: error DH030: actions/checkout@v4 names a tag or branch") {
		t.Fatalf("unpinned action: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runCmd(t, "lint", "--format", "sarif", lintFile("DH032-fail.yml"), lintFile("DH031-fail.yml"), lintFile("DH001-pass.Dockerfile"))
	if r.code != 1 {
		t.Fatalf("sarif: exit %d %s", r.code, r.err)
	}
	got, ids := sarifResults(t, r.out)
	if want := []string{"DH032 DH032-fail.yml:14", "DH031 DH031-fail.yml:4"}; !slices.Equal(got, want) {
		t.Errorf("results %q, want %q", got, want)
	}
	for _, id := range []string{"DH030", "DH031", "DH032"} {
		if !slices.Contains(ids, id) {
			t.Errorf("the SARIF driver does not describe %s", id)
		}
	}
	if r := runCmd(t, "lint", filepath.Join("..", "..", "examples", "webserver", ".github", "workflows", "dockhard.yml")); r.code != 0 || r.out != "no findings\n" {
		t.Errorf("the generated workflow: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if r := runCmd(t, "lint", "--explain", "DH031"); r.code != 0 || !strings.Contains(r.out, "DH031 (error): permissions: write-all") {
		t.Errorf("--explain DH031: exit %d %s", r.code, r.out)
	}
	values := filepath.Join(t.TempDir(), "values.yaml")
	os.WriteFile(values, []byte("replicas: 3\n"), 0o644)
	if r := runCmd(t, "lint", values); r.code != 2 || !strings.Contains(r.err, "no top-level jobs:") {
		t.Errorf("YAML that is no workflow: exit %d %s", r.code, r.err)
	}
}

// dockhard lint judges compose files and Kubernetes manifests by the
// deploy rules, in text and SARIF, beside a Dockerfile; the files generate
// --compose and --k8s write are clean; compose-go's warnings (logrus, on
// standard error) never reach lint's output.
func TestLintDeployFiles(t *testing.T) {
	var logged bytes.Buffer
	logrus.SetOutput(&logged)
	defer logrus.SetOutput(os.Stderr)
	dir := t.TempDir()
	// version: is obsolete: compose-go warns about it.
	compose := filepath.Join(dir, "compose.yaml")
	os.WriteFile(compose, []byte("version: \"3.8\"\nservices:\n  web:\n    image: x\n    user: \"0:0\"\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n"), 0o644)
	r := runCmd(t, "lint", compose)
	if r.code != 1 || r.err != "" || !strings.Contains(r.out, "compose.yaml:3: error DH033: service web: user \"0:0\" runs the container as root") {
		t.Fatalf("root in compose: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if logged.Len() > 0 {
		t.Errorf("compose-go logged through logrus: %s", logged.String())
	}
	r = runCmd(t, "lint", "--format", "sarif", lintFile("DH034-fail.compose.yaml"), lintFile("DH036-fail.k8s.yaml"), lintFile("DH001-pass.Dockerfile"))
	if r.code != 1 {
		t.Fatalf("sarif: exit %d %s", r.code, r.err)
	}
	got, ids := sarifResults(t, r.out)
	if want := []string{"DH034 DH034-fail.compose.yaml:3", "DH036 DH036-fail.k8s.yaml:22"}; !slices.Equal(got, want) {
		t.Errorf("results %q, want %q", got, want)
	}
	for _, id := range []string{"DH033", "DH034", "DH035", "DH036", "DH037"} {
		if !slices.Contains(ids, id) {
			t.Errorf("the SARIF driver does not describe %s", id)
		}
	}
	// What generate --compose --k8s writes is clean.
	module := copyFixture(t, "rootmain")
	if r := runCmd(t, "generate", module, "--compose", "--k8s"); r.code != 0 {
		t.Fatal(r.err)
	}
	if r := runCmd(t, "lint", filepath.Join(module, "compose.yaml"), filepath.Join(module, "deploy", "rootmain.yaml")); r.code != 0 || r.out != "no findings\n" {
		t.Errorf("the generated files: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// sarifResults reads lint's SARIF: each result as "RULE file:line", and the
// ids of the rules its driver describes.
func sarifResults(t *testing.T, out string) (results, ruleIDs []string) {
	t.Helper()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		results = append(results, res.RuleID+" "+filepath.Base(loc.ArtifactLocation.URI)+":"+strconv.Itoa(loc.Region.StartLine))
	}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, rule.ID)
	}
	return results, ruleIDs
}
