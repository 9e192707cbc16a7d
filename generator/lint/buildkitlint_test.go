package lint

import (
	"fmt"
	"testing"
)

// buildkitLint runs BuildKit's own checks and returns one line per warning.
func buildkitLint(t testing.TB, dockerfile []byte) []string {
	t.Helper()
	findings, err := BuildKitLint("Dockerfile", dockerfile)
	if err != nil {
		t.Fatalf("buildkit lint: %v", err)
	}
	var out []string
	for _, f := range findings {
		out = append(out, fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Message))
	}
	return out
}

func TestBuildkitLintCatchesProblems(t *testing.T) {
	// The linter must be able to fail: a Dockerfile with known warnings.
	bad := []byte("from alpine:3.24.1 as Builder\nENV key value\nCMD echo hi\n")
	got := buildkitLint(t, bad)
	if len(got) < 3 {
		t.Fatalf("want at least 3 warnings (casing, legacy ENV, JSON args), got %q", got)
	}
}
