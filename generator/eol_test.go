package generator

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEndOfLifeFor(t *testing.T) {
	cat := builtInCatalog()
	tests := []struct {
		ref, wantTag, wantEOL string
	}{
		{"alpine:3.21.4", "3.21", "2026-11-01"},
		{"docker.io/library/alpine:3.20.2@sha256:" + strings.Repeat("a", 64), "3.20", "2026-04-01"},
		{"golang:1.24.5-bookworm", "1.24", "2026-02-10"},
		{"golang:1.25-trixie", "1.25", "2026-08-18"},
		{"dhi.io/golang:1.25.3-debian13-dev", "1.25", "2026-08-18"},
		{"ubuntu:22.04", "22.04", "2027-04-30"},
		{"gcr.io/distroless/static-debian12:nonroot", "", "2026-06-10"},
		{"gcr.io/distroless/base-debian12:debug", "", "2026-06-10"},
		// Not covered: newer versions, look-alike tags, other images.
		{"alpine:3.210", "", ""},
		{"alpine:3.24.1", "", ""},
		{"golang:1.26.1-trixie", "", ""},
		{"gcr.io/distroless/static-debian13:nonroot", "", ""},
		{"example.com/alpine:3.21.4", "", ""},
	}
	for _, tt := range tests {
		e, ok := cat.EndOfLifeFor(tt.ref)
		if ok != (tt.wantEOL != "") || e.EOL != tt.wantEOL || e.Tag != tt.wantTag {
			t.Errorf("%s: %+v (found %v), want tag %q eol %q", tt.ref, e, ok, tt.wantTag, tt.wantEOL)
		}
	}
}

func TestEndOfLifeStatus(t *testing.T) {
	e := EndOfLife{Image: "alpine", Tag: "3.22", EOL: "2027-05-01", Instead: "alpine:3.24.1"}
	tests := []struct {
		today      string
		past, soon bool
	}{
		{"2027-01-30", false, false}, // 91 days before
		{"2027-01-31", false, true},  // 90 days before
		{"2027-05-01", false, true},  // the last day
		{"2027-05-02", true, false},
	}
	for _, tt := range tests {
		if past, soon := e.Status(day(tt.today)); past != tt.past || soon != tt.soon {
			t.Errorf("%s: past %v soon %v, want %v %v", tt.today, past, soon, tt.past, tt.soon)
		}
	}
}

// A base past its end of life is refused, naming what to use instead, and
// written only with --allow-eol; the day itself is still supported.
func TestGenerateRefusesEndOfLife(t *testing.T) {
	facts := detectFixture(t, "rootmain")
	facts.Module.BuildGo = "1.25.3"
	o := &Options{Builder: "golang", UID: DefaultUID, Port: "none", Today: day("2026-08-19")}
	_, err := GenerateFrom(facts, o)
	if err == nil || !inputerr.Is(err) {
		t.Fatalf("Go 1.25 after 2026-08-18: want an input error, got %v", err)
	}
	for _, want := range []string{"golang:1.25.3-trixie is past its end of life (2026-08-18)", "go mod edit -go=1.27.0", "--builder chainguard", "--allow-eol"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q: %v", want, err)
		}
	}

	o.Today = day("2026-08-18")
	if _, err := GenerateFrom(facts, o); err != nil {
		t.Errorf("on its last day Go 1.25 is still supported: %v", err)
	}

	o.Today, o.AllowEOL = day("2026-12-01"), true
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
	cat, err := LoadCatalog(name)
	if err != nil {
		t.Fatal(err)
	}
	facts := detectFixture(t, "rootmain")
	_, err = NewPlan(facts, &Options{UID: DefaultUID, Today: day("2026-12-01")}, cat)
	if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "gcr.io/distroless/static-debian12:nonroot@sha256:"+strings.Repeat("d", 64)+" is past its end of life (2026-06-10)") ||
		!strings.Contains(err.Error(), "instead use gcr.io/distroless/static-debian13:nonroot;") {
		t.Fatalf("want the Debian 12 runtime refused, got %v", err)
	}
	// Before its end of life the same catalog generates.
	if _, err := NewPlan(facts, &Options{UID: DefaultUID, Today: day("2026-06-10")}, cat); err != nil {
		t.Errorf("on 2026-06-10: %v", err)
	}
}

func TestEndOfLifeValidated(t *testing.T) {
	for _, entry := range []string{
		`{"image": "alpine", "tag": "3.20", "eol": "April 2026", "instead": "alpine:3.24.1"}`,
		`{"image": "alpine", "tag": "3.20", "eol": "2026-02-30", "instead": "alpine:3.24.1"}`,
		`{"image": "alpine", "tag": "3.20", "eol": "2026-04-01"}`,
	} {
		data, _ := MarshalCatalog(builtInCatalog())
		bad := strings.Replace(string(data), `"endOfLife": [`, `"endOfLife": [`+entry+`,`, 1)
		if _, err := ParseCatalog("c.json", []byte(bad)); err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), "endOfLife") {
			t.Errorf("%s: want an input error about endOfLife, got %v", entry, err)
		}
	}
}

// The cgo pairs follow from the catalog's libc data: a catalog whose
// distroless glibc were older than Ubuntu's would refuse ubuntu with
// distroless again.
func TestCgoPairsFollowLibc(t *testing.T) {
	tests := []struct {
		builder, runtime string
		ok               bool
	}{
		{"glibc-2.39", "glibc-2.41", true},
		{"glibc-2.41", "glibc-2.41", true},
		{"glibc-2.41", "glibc-2.36", false},
		{"glibc-2.9", "glibc-2.10", true},
		{"wolfi-glibc", "glibc-2.41", false},
		{"glibc-2.41", "wolfi-glibc", true},
		{"glibc-2.41", "musl", false},
		{"musl", "musl", true},
		{"glibc-2.41", "none", false},
	}
	for _, tt := range tests {
		if got := cgoRuns(tt.builder, tt.runtime); got != tt.ok {
			t.Errorf("cgoRuns(%s, %s) = %v, want %v", tt.builder, tt.runtime, got, tt.ok)
		}
	}
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	old := cat.Images["runtime/distroless-cgo"]
	old.Libc = "glibc-2.36"
	cat.Images["runtime/distroless-cgo"] = old
	err = checkPair(cat, "ubuntu", "distroless", true, detect.MainPackage{})
	if err == nil || !strings.Contains(err.Error(), "ubuntu builds against glibc 2.39 while distroless has glibc 2.36; use --runtime chainguard") {
		t.Errorf("ubuntu on an older distroless: %v", err)
	}
	if got := defaultRuntime(cat, "ubuntu", true); got != "chainguard" {
		t.Errorf("default cgo runtime for ubuntu on an older distroless: %s", got)
	}
	if got := defaultRuntime(builtInCatalog(), "ubuntu", true); got != "distroless" {
		t.Errorf("default cgo runtime for ubuntu: %s", got)
	}
}

func TestCatalogEndOfLife(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if got := CatalogEndOfLife(cat, day("2026-12-01")); len(got) != 0 {
		t.Errorf("the built-in catalog has images past or near their end of life: %+v", got)
	}
	golang := cat.Images["builder/golang"]
	golang.Digests = map[string]string{"1.25.3-trixie": "sha256:" + strings.Repeat("1", 64), "1.27.1-trixie": "sha256:" + strings.Repeat("2", 64)}
	cat.Images["builder/golang"] = golang
	ubuntu := cat.Images["builder/ubuntu"]
	ubuntu.Tag = "22.04"
	cat.Images["builder/ubuntu"] = ubuntu
	got := CatalogEndOfLife(cat, day("2027-02-15"))
	if len(got) != 2 || got[0].Ref != "golang:1.25.3-trixie" || !got[0].Past || got[1].Ref != "ubuntu:22.04" || got[1].Past || got[1].EOL != "2027-04-30" {
		t.Errorf("reports %+v, want golang:1.25.3-trixie past and ubuntu:22.04 near", got)
	}
}
