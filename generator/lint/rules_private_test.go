package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// findingsOf lints a Dockerfile and returns the lines rule reports (each
// once) and its messages.
func findingsOf(t *testing.T, r *Rule, data []byte) (lines []int, messages []string) {
	t.Helper()
	findings, err := Lint("Dockerfile", data, LintOptions{GoVersion: "1.26.1", Today: lintToday})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Rule != r.ID {
			continue
		}
		if !slices.Contains(lines, f.Line) {
			lines = append(lines, f.Line)
		}
		messages = append(messages, fmt.Sprintf("%d: %s", f.Line, f.Message))
	}
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

// Each private-module rule reports exactly the instructions its failing
// fixture marks with a "# want" comment (TestEveryRuleHasFixtures holds
// its passing fixture clean of every rule).
func TestPrivateModuleRulesReportTheMarkedLines(t *testing.T) {
	for _, r := range []*Rule{RuleCredentialsInDockerfile, RuleCredentialFileCopied, RuleModuleChecksOff} {
		t.Run(r.ID, func(t *testing.T) {
			fail, err := os.ReadFile(testfile.Path("testdata", "lint", r.ID+"-fail.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			want := wantedLines(fail)
			if len(want) < 5 {
				t.Fatalf("the failing fixture marks %d instructions", len(want))
			}
			if got, messages := findingsOf(t, r, fail); !slices.Equal(got, want) {
				t.Errorf("reported lines %v, want %v:\n%s", got, want, strings.Join(messages, "\n"))
			}
		})
	}
}

// The messages say what was found and what to do instead.
func TestPendingPrivateMessages(t *testing.T) {
	for _, c := range []struct {
		rule       *Rule
		dockerfile string
		want       string
	}{
		{RuleCredentialsInDockerfile, "FROM x\nRUN git config --global url.\"https://oauth2:${T}@gitlab.com/\".insteadOf https://gitlab.com/\n",
			"2: RUN writes a URL with credentials into git's config through insteadOf, a file the layer keeps; use RUN --mount=type=secret,id=netrc,target=/root/.netrc or --mount=type=ssh"},
		{RuleCredentialsInDockerfile, "FROM x\nRUN GITHUB_TOKEN=abc go mod download\n",
			"2: RUN sets GITHUB_TOKEN to a value written in the Dockerfile; read it from a secret instead (RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN)"},
		{RuleCredentialFileCopied, "FROM x\nCOPY .git-credentials /root/\n",
			"2: COPY puts .git-credentials in a layer, which keeps it; mount it as a secret (RUN --mount=type=secret) or the ssh agent (--mount=type=ssh) for the RUN that needs it"},
		{RuleModuleChecksOff, "FROM x\nENV GONOSUMDB=example.com,*\n",
			"2: ENV GONOSUMDB=example.com,* skips the checksum database for every module (* matches them all)"},
		{RuleModuleChecksOff, "FROM x\nRUN GOINSECURE=git.corp.example.com go mod download\n",
			"2: RUN sets GOINSECURE=git.corp.example.com fetches those modules over plain http, without checking certificates"},
	} {
		_, messages := findingsOf(t, c.rule, []byte(c.dockerfile))
		if len(messages) != 1 || messages[0] != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.dockerfile, messages, c.want)
		}
	}
}

// The private-module goldens are among the Dockerfiles that
// TestGeneratedDockerfilesLintClean holds clean of every rule.
func TestPrivateModuleGoldensExist(t *testing.T) {
	files, _ := filepath.Glob(testfile.Path("testdata", "golden", "*.Dockerfile"))
	private := 0
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte("GOPRIVATE=")) {
			private++
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
