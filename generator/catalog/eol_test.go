package catalog

import (
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

func TestEndOfLifeFor(t *testing.T) {
	cat := BuiltIn()
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
		if past, soon := e.Status(testfile.Day(tt.today)); past != tt.past || soon != tt.soon {
			t.Errorf("%s: past %v soon %v, want %v %v", tt.today, past, soon, tt.past, tt.soon)
		}
	}
}

func TestEndOfLifeValidated(t *testing.T) {
	for _, entry := range []string{
		`{"image": "alpine", "tag": "3.20", "eol": "April 2026", "instead": "alpine:3.24.1"}`,
		`{"image": "alpine", "tag": "3.20", "eol": "2026-02-30", "instead": "alpine:3.24.1"}`,
		`{"image": "alpine", "tag": "3.20", "eol": "2026-04-01"}`,
	} {
		data, _ := Marshal(BuiltIn())
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
	err = cat.CheckPair("ubuntu", "distroless", true, "")
	if err == nil || !strings.Contains(err.Error(), "ubuntu builds against glibc 2.39 while distroless has glibc 2.36; use --runtime chainguard") {
		t.Errorf("ubuntu on an older distroless: %v", err)
	}
	if got := cat.DefaultRuntime("ubuntu", true); got != "chainguard" {
		t.Errorf("default cgo runtime for ubuntu on an older distroless: %s", got)
	}
	if got := BuiltIn().DefaultRuntime("ubuntu", true); got != "distroless" {
		t.Errorf("default cgo runtime for ubuntu: %s", got)
	}
}

func TestCatalogEndOfLife(t *testing.T) {
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if got := CatalogEndOfLife(cat, testfile.Day("2026-12-01")); len(got) != 0 {
		t.Errorf("the built-in catalog has images past or near their end of life: %+v", got)
	}
	golang := cat.Images["builder/golang"]
	golang.Digests = map[string]string{"1.25.3-trixie": "sha256:" + strings.Repeat("1", 64), "1.27.1-trixie": "sha256:" + strings.Repeat("2", 64)}
	cat.Images["builder/golang"] = golang
	ubuntu := cat.Images["builder/ubuntu"]
	ubuntu.Tag = "22.04"
	cat.Images["builder/ubuntu"] = ubuntu
	got := CatalogEndOfLife(cat, testfile.Day("2027-02-15"))
	if len(got) != 2 || got[0].Ref != "golang:1.25.3-trixie" || !got[0].Past || got[1].Ref != "ubuntu:22.04" || got[1].Past || got[1].EOL != "2027-04-30" {
		t.Errorf("reports %+v, want golang:1.25.3-trixie past and ubuntu:22.04 near", got)
	}
}
