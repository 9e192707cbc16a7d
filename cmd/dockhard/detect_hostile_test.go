package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A directory name cannot forge a line of detect's report: names with
// control characters are printed quoted.
func TestDetectEscapesNames(t *testing.T) {
	dir := copyFixture(t, "rootmain")
	forged := filepath.Join(dir, "cmd", "x\n  ./forged")
	if err := os.MkdirAll(forged, 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(forged, "main.go"), "package main\n\nfunc main() {}\n")
	r := runCmd(t, "detect", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, line := range strings.Split(r.out, "\n") {
		if strings.TrimSpace(line) == "./forged" {
			t.Fatalf("a directory name forged a line:\n%s", r.out)
		}
	}
	if !strings.Contains(r.out, `"./cmd/x\n  ./forged"`) {
		t.Fatalf("the name is not shown quoted:\n%s", r.out)
	}
}

// detect --json writes [] for every empty list, never null.
func TestDetectJSONHasNoNull(t *testing.T) {
	r := runCmd(t, "detect", copyFixture(t, "library"), "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.out, "null") {
		t.Fatalf("JSON holds null:\n%s", r.out)
	}
	if !strings.Contains(r.out, `"mains": []`) {
		t.Fatalf("empty mains not written as []:\n%s", r.out)
	}
}
