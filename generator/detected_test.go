package generator

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// detectFixture detects a fixture module as a user's module would be
// detected (see testfile.DetectEnv).
func detectFixture(t *testing.T, name string) *detect.Facts {
	t.Helper()
	return detectFixtureTags(t, name)
}

// detectFixtureTags detects a fixture with extra build tags (--tags).
func detectFixtureTags(t *testing.T, name string, tags ...string) *detect.Facts {
	t.Helper()
	testfile.DetectEnv(t)
	f, err := detect.DetectWithTags(testfile.Module(name), tags)
	if err != nil {
		t.Fatalf("Detect(%s): %v", name, err)
	}
	return f
}

// Only a runtime without zoneinfo gets the zones built in.
func TestTimeZonesBuiltInOnlyWithoutZoneinfo(t *testing.T) {
	f := detectFixture(t, "timezone")
	for _, tt := range []struct {
		main, runtime string
		tags          bool
	}{{".", "scratch", true}, {".", "alpine", true}, {".", "distroless", false}, {".", "chainguard", false}, {"./cmd/embedded", "scratch", false}} {
		res, err := GenerateFrom(f, &Options{Main: []string{tt.main}, Runtime: tt.runtime})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(res.Dockerfile), "-tags timetzdata"); got != tt.tags {
			t.Errorf("%s on %s: -tags timetzdata is %v, want %v", tt.main, tt.runtime, got, tt.tags)
		}
	}
}

func TestEmbedPatternsTheGoToolRejects(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module example.com/m\n\ngo 1.22.0\n")
	testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nimport \"embed\"\n\n//go:embed ../../etc/passwd .. static/*.html\n//go:embed **/*.pem\nvar files embed.FS\n\nfunc main() { _ = files }\n")
	res, err := Generate(dir, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Plan.KeepPatterns; !slices.Equal(got, []string{"*/*.pem", "static/*.html"}) {
		t.Fatalf("keep patterns %q, want [*/*.pem static/*.html]", got)
	}
}

func TestFactsDetectedWithoutTagsDoNotPlanWithThem(t *testing.T) {
	if _, err := GenerateFrom(detectFixture(t, "buildtags"), &Options{Tags: "metrics"}); err == nil {
		t.Error("facts detected without --tags planned a build with them")
	}
}

func TestParseTags(t *testing.T) {
	for _, good := range []string{"", "metrics", "netgo,prod", "go1.22", "a_b,a_b"} {
		if _, err := ParseTags(good); err != nil {
			t.Errorf("ParseTags(%q): %v", good, err)
		}
	}
	for _, bad := range []string{",", "a,", "a b", "!foo", "a\nRUN id", "a-b", "a;b", "$(id)"} {
		if _, err := ParseTags(bad); err == nil || !inputerr.Is(err) {
			t.Errorf("ParseTags(%q) = %v, want an input error", bad, err)
		}
	}
}
