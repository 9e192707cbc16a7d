package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/templates"
)

// cgoAllowed lists the cgo pairs that can work: the runtime's glibc must be
// at least the builder's. Debian 13's golang and DHI images (glibc 2.41)
// and Ubuntu 24.04 (2.39) run on distroless' and DHI's Debian 13 (2.41);
// anything runs on
// Chainguard's rolling glibc; Chainguard's Go builds against that rolling
// glibc, which no Debian has. Written out by hand, so that the catalog's
// libc data is checked against it.
var cgoAllowed = map[string]bool{
	"golang-distroless": true, "golang-chainguard": true, "golang-dhi": true,
	"ubuntu-distroless": true, "ubuntu-chainguard": true, "ubuntu-dhi": true,
	"dhi-distroless": true, "dhi-chainguard": true, "dhi-dhi": true,
	"chainguard-chainguard": true,
}

// The built-in catalog's libc data allows exactly the hand-written pairs.
func TestBuiltInCgoPairs(t *testing.T) {
	for _, b := range Builders {
		allowed, refused := RuntimesFor(b, true)
		for _, r := range allowed {
			if !cgoAllowed[b+"-"+r] {
				t.Errorf("cgo with %s on %s is allowed, and should not be", b, r)
			}
		}
		for r := range refused {
			if cgoAllowed[b+"-"+r] {
				t.Errorf("cgo with %s on %s is refused, and should work", b, r)
			}
		}
	}
}

// Every builder and runtime of the built-in catalog says what it is and has
// its template; exactly one of each is the default; a cgo variant belongs to
// a runtime.
func TestBuiltInKinds(t *testing.T) {
	cat := BuiltIn()
	if got := cat.Builders(); !slices.Equal(got, []string{"chainguard", "ubuntu", "golang", "dhi"}) {
		t.Errorf("builders %q", got)
	}
	if got := cat.Runtimes(); !slices.Equal(got, []string{"distroless", "alpine", "chainguard", "dhi", "scratch"}) {
		t.Errorf("runtimes %q", got)
	}
	if cat.DefaultBuilder() != "chainguard" || cat.defaultOf("runtime") != "distroless" {
		t.Errorf("defaults: builder %q, runtime %q", cat.DefaultBuilder(), cat.defaultOf("runtime"))
	}
	for _, kind := range []string{"builder", "runtime"} {
		defaults := 0
		for _, name := range cat.names(kind) {
			img := cat.Images[kind+"/"+name]
			if img.Order == 0 || img.Help == "" {
				t.Errorf("%s/%s has no order or help", kind, name)
			}
			if img.Default {
				defaults++
			}
			if _, err := templates.FS.ReadFile(kind + "-" + name + ".tmpl"); err != nil {
				t.Errorf("%s/%s has no template: %v", kind, name, err)
			}
		}
		if defaults != 1 {
			t.Errorf("%d default %ss, want 1", defaults, kind)
		}
	}
	for key := range cat.Images {
		if base, ok := strings.CutSuffix(key, "-cgo"); ok {
			if _, ok := cat.Images[base]; !ok {
				t.Errorf("%s is the cgo variant of no runtime", key)
			}
		}
	}
}

// A team catalog pins images; what each choice is comes from the built-in
// entry, and scratch is always there.
func TestTeamCatalogInheritsKinds(t *testing.T) {
	data, err := Marshal(BuiltIn())
	if err != nil {
		t.Fatal(err)
	}
	team, err := ParseCatalog("team.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for key, img := range team.Images {
		if isKind(key) {
			img.Order, img.Help, img.Account, img.Default = 0, "", 0, false
			team.Images[key] = img
		}
	}
	delete(team.Images, "runtime/scratch")
	delete(team.Images, "runtime/dhi")
	team.inheritKinds(BuiltIn())
	if got := team.Runtimes(); !slices.Equal(got, []string{"distroless", "alpine", "chainguard", "scratch"}) {
		t.Errorf("team runtimes %q", got)
	}
	if team.Runtime("distroless").Account != 65532 || team.DefaultBuilder() != "chainguard" {
		t.Errorf("team entries did not inherit: %+v", team.Runtime("distroless"))
	}
}
