package generator

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// A base past its end of life is refused, naming what to use instead, and
// written only with --allow-eol; the day itself is still supported.
func TestGenerateRefusesEndOfLife(t *testing.T) {
	facts := detectFixture(t, "rootmain")
	facts.Module.BuildGo = "1.25.3"
	o := &Options{Builder: "golang", Port: "none", Today: testfile.Day("2026-08-19")}
	_, err := GenerateFrom(facts, o)
	if err == nil || !inputerr.Is(err) {
		t.Fatalf("Go 1.25 after 2026-08-18: want an input error, got %v", err)
	}
	for _, want := range []string{"golang:1.25.3-trixie is past its end of life (2026-08-18)", "go mod edit -go=1.27.0", "--builder chainguard", "--allow-eol"} {
		if !strings.Contains(inFlags(err), want) {
			t.Errorf("the refusal lacks %q: %v", want, err)
		}
	}

	o.Today = testfile.Day("2026-08-18")
	if _, err := GenerateFrom(facts, o); err != nil {
		t.Errorf("on its last day Go 1.25 is still supported: %v", err)
	}

	o.Today, o.AllowEOL = testfile.Day("2026-12-01"), true
	res, err := GenerateFrom(facts, o)
	if err != nil {
		t.Fatalf("--allow-eol: %v", err)
	}
	if !strings.Contains(string(res.Dockerfile), "FROM --platform=$BUILDPLATFORM golang:1.25.3-trixie AS builder") {
		t.Errorf("--allow-eol did not write the base asked for:\n%s", res.Dockerfile)
	}
	if !strings.Contains(res.Plan.Header, "generate --builder golang --port none --allow-eol.") {
		t.Errorf("the header does not record --allow-eol: %s", res.Plan.Header)
	}
}

// A team catalog written before Debian 12 reached its end of life still
// has it, and no endOfLife section: the built-in dates apply to it.
func TestEndOfLifeInOwnCatalog(t *testing.T) {
	name := filepath.Join(t.TempDir(), "team.json")
	testfile.Write(t, name, `{"images": {
  "builder/chainguard": {"image": "cgr.dev/chainguard/go", "tag": "latest", "digest": "sha256:`+strings.Repeat("a", 64)+`", "checked": "2026-01-01", "libc": "wolfi-glibc"},
  "builder/golang": {"image": "golang", "tag": "{go}-bookworm", "checked": "2026-01-01", "libc": "glibc-2.36"},
  "builder/ubuntu": {"image": "ubuntu", "tag": "24.04", "checked": "2026-01-01", "libc": "glibc-2.39"},
  "runtime/alpine": {"image": "alpine", "tag": "3.24.1", "checked": "2026-01-01", "libc": "musl"},
  "runtime/chainguard": {"image": "cgr.dev/chainguard/static", "tag": "latest", "digest": "sha256:`+strings.Repeat("b", 64)+`", "checked": "2026-01-01", "libc": "none"},
  "runtime/chainguard-cgo": {"image": "cgr.dev/chainguard/glibc-dynamic", "tag": "latest", "digest": "sha256:`+strings.Repeat("c", 64)+`", "checked": "2026-01-01", "libc": "wolfi-glibc"},
  "runtime/distroless": {"image": "gcr.io/distroless/static-debian12", "tag": "nonroot", "digest": "sha256:`+strings.Repeat("d", 64)+`", "checked": "2026-01-01", "libc": "none"},
  "runtime/distroless-cgo": {"image": "gcr.io/distroless/base-debian12", "tag": "nonroot", "digest": "sha256:`+strings.Repeat("e", 64)+`", "checked": "2026-01-01", "libc": "glibc-2.36"}
}}`)
	cat, err := catalog.LoadCatalog(name)
	if err != nil {
		t.Fatal(err)
	}
	facts := detectFixture(t, "rootmain")
	_, err = plan(facts, &Options{Today: testfile.Day("2026-12-01")}, cat)
	if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "gcr.io/distroless/static-debian12:nonroot@sha256:"+strings.Repeat("d", 64)+" is past its end of life (2026-06-10)") ||
		!strings.Contains(err.Error(), "instead use gcr.io/distroless/static-debian13:nonroot;") {
		t.Fatalf("want the Debian 12 runtime refused, got %v", err)
	}
	// Before its end of life the same catalog generates.
	if _, err := plan(facts, &Options{Today: testfile.Day("2026-06-10")}, cat); err != nil {
		t.Errorf("on 2026-06-10: %v", err)
	}
}

// plan resolves the options and plans, with a catalog of the test's own.
func plan(f *detect.Facts, o *Options, cat *catalog.Catalog) (*Plan, error) {
	r, err := Resolve(f, o, cat)
	if err != nil {
		return nil, err
	}
	return NewPlan(f, r, cat)
}
