package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// runPending runs a pending rule over a Dockerfile and returns the lines it
// reports (each once) and its messages.
func runPending(t *testing.T, r *PendingRule, data []byte) (lines []int, messages []string) {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	stages, global, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Check(Commands(global, stages), func(line int, format string, args ...any) {
		if !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
		messages = append(messages, fmt.Sprintf("%d: ", line)+fmt.Sprintf(format, args...))
	})
	return lines, messages
}

// wantedLines are the lines of the instructions that follow a "# want"
// comment in a fixture.
func wantedLines(data []byte) []int {
	var out []int
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "# want" {
			out = append(out, i+2) // the next line, 1-based
		}
	}
	return out
}

// Each pending rule reports exactly the marked instructions of its failing
// fixture and nothing in its passing one.
func TestPendingPrivateRules(t *testing.T) {
	for name, r := range map[string]*PendingRule{
		"credentials":     CredentialsInDockerfile,
		"credential-file": CredentialFileCopied,
		"module-checks":   ModuleChecksOff,
	} {
		t.Run(name, func(t *testing.T) {
			if r.Title == "" || r.Why == "" || r.Fix == "" || r.Source == "" || r.Check == nil {
				t.Fatalf("%s lacks a title, an explanation, a fix, a source or a check", name)
			}
			fail, err := os.ReadFile(testfile.Path("testdata", "lint", "private", name+"-fail.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			want := wantedLines(fail)
			if len(want) < 5 {
				t.Fatalf("the failing fixture marks %d instructions", len(want))
			}
			got, messages := runPending(t, r, fail)
			if !slices.Equal(got, want) {
				t.Errorf("reported lines %v, want %v:\n%s", got, want, strings.Join(messages, "\n"))
			}
			pass, err := os.ReadFile(testfile.Path("testdata", "lint", "private", name+"-pass.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			if _, messages := runPending(t, r, pass); len(messages) > 0 {
				t.Errorf("the passing fixture is reported:\n%s", strings.Join(messages, "\n"))
			}
		})
	}
}

// The messages say what was found and what to do instead.
func TestPendingPrivateMessages(t *testing.T) {
	for _, c := range []struct {
		rule       *PendingRule
		dockerfile string
		want       string
	}{
		{CredentialsInDockerfile, "FROM x\nRUN git config --global url.\"https://oauth2:${T}@gitlab.com/\".insteadOf https://gitlab.com/\n",
			"2: RUN writes a URL with credentials into git's config through insteadOf, a file the layer keeps; use RUN --mount=type=secret,id=netrc,target=/root/.netrc or --mount=type=ssh"},
		{CredentialsInDockerfile, "FROM x\nRUN GITHUB_TOKEN=abc go mod download\n",
			"2: RUN sets GITHUB_TOKEN to a value written in the Dockerfile; read it from a secret instead (RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN)"},
		{CredentialFileCopied, "FROM x\nCOPY .git-credentials /root/\n",
			"2: COPY puts .git-credentials in a layer, which keeps it; mount it as a secret (RUN --mount=type=secret) or the ssh agent (--mount=type=ssh) for the RUN that needs it"},
		{ModuleChecksOff, "FROM x\nENV GONOSUMDB=example.com,*\n",
			"2: ENV GONOSUMDB=example.com,* skips the checksum database for every module (* matches them all)"},
		{ModuleChecksOff, "FROM x\nRUN GOINSECURE=git.corp.example.com go mod download\n",
			"2: RUN sets GOINSECURE=git.corp.example.com fetches those modules over plain http, without checking certificates"},
	} {
		_, messages := runPending(t, c.rule, []byte(c.dockerfile))
		if len(messages) != 1 || messages[0] != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.dockerfile, messages, c.want)
		}
	}
}

// Every Dockerfile dockhard writes passes the pending rules, the private
// module goldens included.
func TestGeneratedDockerfilesPassPendingRules(t *testing.T) {
	files, err := filepath.Glob(testfile.Path("testdata", "golden", "*.Dockerfile"))
	if err != nil || len(files) < 20 {
		t.Fatalf("golden Dockerfiles: %v (%d)", err, len(files))
	}
	private := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("GOPRIVATE=")) {
			private++
		}
		for _, r := range PendingPrivateRules {
			if _, messages := runPending(t, r, data); len(messages) > 0 {
				t.Errorf("%s: %s:\n%s", filepath.Base(f), r.Title, strings.Join(messages, "\n"))
			}
		}
	}
	if private < 3 {
		t.Errorf("only %d goldens fetch private modules", private)
	}
}

func TestMatchesEveryModule(t *testing.T) {
	for p, want := range map[string]bool{
		"*": true, "*/*": true, "*.*": true, "[a-z]*": true, "?*.*/x": true,
		"github.com/acme/*": false, "*.corp.example.com": false, "*.com": false, "": false, "/": false,
	} {
		if got := MatchesEveryModule(p); got != want {
			t.Errorf("MatchesEveryModule(%q) = %v, want %v", p, got, want)
		}
	}
}
