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

// An interrupted generate that stopped before writing says so, exits 130
// and leaves the tree as it was; the message never claims more than is
// known.
func TestInterruptedGenerateSaysWhatWasWritten(t *testing.T) {
	dir := copyFixture(t, "rootmain")
	before := snapshot(t, dir)
	ctx, cancel := contextWithCancel()
	cancel()
	var out, errb strings.Builder
	code := run(ctx, []string{"generate", dir}, ioStreams{In: strings.NewReader(""), Out: &out, Err: &errb})
	if code != exitInterrupted || errb.String() != "dockhard: interrupted before anything was written\n" {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if changes := diffSnapshots(before, snapshot(t, dir)); len(changes) > 0 {
		t.Fatalf("an interrupted run changed files: %v", changes)
	}
}
