package pin

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// testRegistry is an in-process registry; failing, when set, answers 500.
type testRegistry struct {
	host    string
	failing bool
}

func newTestRegistry(t *testing.T) *testRegistry {
	r := &testRegistry{}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.failing && req.URL.Path != "/v2/" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		reg.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// pushImage pushes a single-platform image and returns its digest.
func (r *testRegistry) pushImage(t *testing.T, ref string) string {
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustRef(t, ref), img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}

// pushIndex pushes a two-platform index and returns the index digest and
// the amd64 manifest's digest.
func (r *testRegistry) pushIndex(t *testing.T, ref string) (index, amd64 string) {
	var adds []mutate.IndexAddendum
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
		if arch == "amd64" {
			d, _ := img.Digest()
			amd64 = d.String()
		}
	}
	idx := mutate.AppendManifests(empty(), adds...)
	if err := remote.WriteIndex(mustRef(t, ref), idx); err != nil {
		t.Fatal(err)
	}
	d, _ := idx.Digest()
	return d.String(), amd64
}

func mustRef(t *testing.T, ref string) name.Reference {
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func empty() v1.ImageIndex {
	idx, _ := random.Index(0, 0, 0)
	return idx
}

// pinCatalog is a minimal catalog of images on the test registry.
func pinCatalog(host string) *catalog.Catalog {
	return &catalog.Catalog{Images: map[string]catalog.CatalogImage{
		"runtime/alpine":     {Image: host + "/library/alpine", Tag: "3.24.1", Checked: "2026-01-01", Libc: "musl"},
		"runtime/distroless": {Image: host + "/distroless/static", Tag: "nonroot", Digest: "sha256:" + strings.Repeat("0", 64), Checked: "2026-01-01", Libc: "none"},
		"builder/golang":     {Image: host + "/library/golang", Tag: "{go}-bookworm", Digests: map[string]string{"1.22.2-bookworm": "sha256:" + strings.Repeat("1", 64)}, Checked: "2026-01-01", Libc: "glibc-2.36"},
	}}
}

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestPinResolvesIndexDigests(t *testing.T) {
	reg := newTestRegistry(t)
	alpine, amd64 := reg.pushIndex(t, reg.host+"/library/alpine:3.24.1")
	distroless := reg.pushImage(t, reg.host+"/distroless/static:nonroot")
	golang, _ := reg.pushIndex(t, reg.host+"/library/golang:1.22.2-bookworm")

	out, changes, err := Pin(pinCatalog(reg.host), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Images["runtime/alpine"].Digest; got != alpine || got == amd64 {
		t.Errorf("alpine pinned to %s; want the index digest %s (not amd64's %s)", got, alpine, amd64)
	}
	if got := out.Images["runtime/distroless"].Digest; got != distroless {
		t.Errorf("distroless pinned to %s, want %s", got, distroless)
	}
	if got := out.Images["builder/golang"].Digests["1.22.2-bookworm"]; got != golang {
		t.Errorf("golang 1.22.2 pinned to %s, want %s", got, golang)
	}
	if len(changes) != 3 {
		t.Errorf("changes %+v, want 3", changes)
	}
	for k, img := range out.Images {
		if img.Checked != "2026-11-22" {
			t.Errorf("%s checked %s, want today", k, img.Checked)
		}
	}
	// Pinning again changes nothing.
	if _, again, err := Pin(out, PinOptions{Keychain: authn.NewMultiKeychain(), Today: today}); err != nil || len(again) != 0 {
		t.Errorf("second pin: %v, %v", again, err)
	}
}

func TestPinThroughMirror(t *testing.T) {
	reg := newTestRegistry(t)
	want := reg.pushImage(t, reg.host+"/cgr.dev/chainguard/static:latest")
	cat := &catalog.Catalog{Images: map[string]catalog.CatalogImage{
		"runtime/chainguard": {Image: "cgr.dev/chainguard/static", Tag: "latest", Digest: "sha256:" + strings.Repeat("0", 64), Checked: "2026-01-01", Libc: "none"},
	}}
	registry, mirror, err := ParseMirror("cgr.dev=" + reg.host + "/cgr.dev")
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := Pin(cat, PinOptions{Mirrors: map[string]string{registry: mirror}, Keychain: authn.NewMultiKeychain(), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	img := out.Images["runtime/chainguard"]
	if img.Digest != want || img.Image != "cgr.dev/chainguard/static" {
		t.Fatalf("got %s %s; want the real name with the mirror's digest %s", img.Image, img.Digest, want)
	}
}

func TestPinFailures(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushIndex(t, reg.host+"/library/alpine:3.24.1")
	reg.pushImage(t, reg.host+"/distroless/static:nonroot")
	// golang:1.22.2-bookworm is missing.
	_, _, err := Pin(pinCatalog(reg.host), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today})
	if err == nil || err.Error() != reg.host+"/library/golang:1.22.2-bookworm: no such tag at registry "+reg.host {
		t.Fatalf("missing tag: %v", err)
	}
	reg.failing = true
	_, _, err = Pin(pinCatalog(reg.host), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today})
	if err == nil || !strings.Contains(err.Error(), "registry "+reg.host+" answered HTTP 500") {
		t.Fatalf("500: %v", err)
	}
	_, _, err = Pin(pinCatalog("127.0.0.1:1"), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today})
	if err == nil || !strings.Contains(err.Error(), "cannot reach registry 127.0.0.1:1") {
		t.Fatalf("unreachable: %v", err)
	}
}

func TestParseMirror(t *testing.T) {
	for _, bad := range []string{"cgr.dev", "=x", "cgr.dev=", "cgr.dev=a b", "cgr.dev=\"x\"", "cgr.dev=UPPER:port:bad/x"} {
		if _, _, err := ParseMirror(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPinModes(t *testing.T) {
	cat := pinCatalog("registry.example")
	cat.Images["runtime/alpine"] = catalog.CatalogImage{Image: "alpine", Tag: "3.24.1", Digest: "sha256:" + strings.Repeat("a", 64), Checked: "2026-01-01"}
	tests := []struct {
		key, pin, want string
	}{
		{"runtime/alpine", catalog.PinAuto, "alpine:3.24.1"},
		{"runtime/alpine", catalog.PinTag, "alpine:3.24.1"},
		{"runtime/alpine", catalog.PinDigest, "alpine:3.24.1@sha256:" + strings.Repeat("a", 64)},
		{"runtime/distroless", catalog.PinTag, "registry.example/distroless/static:nonroot@sha256:" + strings.Repeat("0", 64)},
		{"builder/golang", catalog.PinDigest, "registry.example/library/golang:1.22.2-bookworm@sha256:" + strings.Repeat("1", 64)},
	}
	for _, tt := range tests {
		got, err := cat.Images[tt.key].Ref("1.22.2", tt.pin)
		if err != nil || got != tt.want {
			t.Errorf("%s --pin %q: %s, %v; want %s", tt.key, tt.pin, got, err, tt.want)
		}
	}
	_, err := cat.Images["builder/golang"].Ref("1.23.0", catalog.PinDigest)
	if err == nil || !strings.Contains(err.Error(), `add "1.23.0-bookworm" to the entry's digests and run `+"`dockhard pin`") {
		t.Errorf("a tag without a digest under --pin digest: %v", err)
	}
}
