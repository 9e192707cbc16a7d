package main

import (
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// push puts a random image at ref and returns its digest.
func push(t *testing.T, ref string) string {
	t.Helper()
	img, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}

// TestPinThenGenerateWithDigests refreshes a team catalog through mirrors
// onto a local registry, then generates with --pin digest from it: the
// Dockerfile keeps the real names and carries the registry's digests.
func TestPinThenGenerateWithDigests(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	dir := copyFixture(t, "rootmain")
	catalog := filepath.Join(dir, "catalog.json")

	// Start from the built-in catalog; the golang entry also pins 1.26.1.
	r := runCmd(t, "images", "--json")
	var cat struct {
		Comment string                    `json:"comment"`
		Images  map[string]map[string]any `json:"images"`
	}
	if err := json.Unmarshal([]byte(r.out), &cat); err != nil {
		t.Fatal(err)
	}
	cat.Images["builder/golang"]["digests"] = map[string]string{"1.26.1-trixie": "sha256:" + strings.Repeat("0", 64)}
	data, _ := json.Marshal(cat)
	os.WriteFile(catalog, data, 0o644)

	want := map[string]string{}
	for key, img := range cat.Images {
		image, _ := img["image"].(string)
		tag, _ := img["tag"].(string)
		if image == "" || image == "scratch" {
			continue
		}
		if strings.Contains(tag, "{go}") {
			tag = "1.26.1-trixie"
		}
		real, _ := name.ParseReference(image + ":" + tag)
		registryName := real.Context().RegistryStr()
		if registryName == name.DefaultRegistry {
			registryName = "docker.io"
		}
		want[key] = push(t, host+"/"+registryName+"/"+real.Context().RepositoryStr()+":"+tag)
	}
	mirrors := []string{"pin", "--catalog", catalog}
	for _, reg := range []string{"docker.io", "cgr.dev", "gcr.io", "dhi.io"} {
		mirrors = append(mirrors, "--registry-mirror", reg+"="+host+"/"+reg)
	}
	if r := runCmd(t, mirrors...); r.code != 0 {
		t.Fatalf("pin: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if r := runCmd(t, append(mirrors, "--check")...); r.code != 0 || !strings.Contains(r.out, "every pin is current") {
		t.Fatalf("pin --check right after pin: exit %d\n%s%s", r.code, r.out, r.err)
	}

	res := runCmd(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--pin", "digest", "--builder", "golang", "--runtime", "alpine", "-o", "-")
	if res.code != 0 {
		t.Fatal(res.err)
	}
	for _, line := range []string{
		"FROM --platform=$BUILDPLATFORM golang:1.26.1-trixie@" + want["builder/golang"] + " AS builder",
		"FROM alpine:3.24.1@" + want["runtime/alpine"] + " AS alpine-root\n",
	} {
		if !strings.Contains(res.out, line) {
			t.Errorf("the Dockerfile lacks %q", line)
		}
	}

	// A base image moved: --check says so (exit 1) and writes nothing.
	before := readFile(t, catalog)
	push(t, host+"/docker.io/library/alpine:3.24.1")
	r = runCmd(t, append(mirrors, "--check")...)
	if r.code != 1 || !strings.Contains(r.out, "runtime/alpine alpine:3.24.1: "+want["runtime/alpine"]+" -> sha256:") {
		t.Fatalf("stale pin: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if readFile(t, catalog) != before {
		t.Fatal("--check wrote the catalog")
	}

	// A failure leaves the catalog exactly as it was.
	// Every registry is mirrored locally (tests never leave the machine);
	// docker.io's mirror is a closed port.
	r = runCmd(t, "pin", "--catalog", catalog, "--registry-mirror", "cgr.dev="+host+"/cgr.dev", "--registry-mirror", "gcr.io="+host+"/gcr.io", "--registry-mirror", "docker.io=127.0.0.1:1/docker.io")
	if r.code != 1 || !strings.Contains(r.err, ": cannot reach registry index.docker.io (through mirror 127.0.0.1:1/docker.io)") {
		t.Fatalf("unreachable mirror: exit %d\n%s", r.code, r.err)
	}
	if readFile(t, catalog) != before {
		t.Fatal("a failed pin changed the catalog")
	}

	// A catalog still on Debian 12 distroless: --check reports its end of
	// life (exit 1) even though every digest is current.
	debian12 := strings.Replace(before, "gcr.io/distroless/static-debian13", "gcr.io/distroless/static-debian12", 1)
	os.WriteFile(catalog, []byte(debian12), 0o644)
	push(t, host+"/gcr.io/distroless/static-debian12:nonroot")
	if r := runCmd(t, mirrors...); r.code != 0 {
		t.Fatalf("pin: exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = runCmd(t, append(mirrors, "--check")...)
	if r.code != 1 || !strings.Contains(r.out, "runtime/distroless gcr.io/distroless/static-debian12:nonroot: past its end of life (2026-06-10); instead use gcr.io/distroless/static-debian13:nonroot\n") ||
		!strings.Contains(r.err, "1 image(s) are past their end of life") || strings.Contains(r.err, "stale") {
		t.Fatalf("end of life: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

func TestPinUsage(t *testing.T) {
	if r := runCmd(t, "pin"); r.code != 2 || !strings.Contains(r.err, "pass -o FILE to start a catalog of your own") {
		t.Fatalf("pin without a file: exit %d %s", r.code, r.err)
	}
	if r := runCmd(t, "pin", "-o", "x.json", "--registry-mirror", "cgr.dev"); r.code != 2 || !strings.Contains(r.err, "write REGISTRY=MIRROR") {
		t.Fatalf("bad mirror: exit %d %s", r.code, r.err)
	}
	if r := runCmd(t, "generate", copyFixture(t, "rootmain"), "--pin", "always"); r.code != 2 || !strings.Contains(r.err, `--pin "always": use digest or tag`) {
		t.Fatalf("bad --pin: exit %d %s", r.code, r.err)
	}
	r := runCmd(t, "generate", copyFixture(t, "rootmain"), "--pin", "digest", "--runtime", "alpine", "-o", "-")
	if r.code != 2 || !strings.Contains(r.err, "alpine:3.24.1 has no digest in the catalog; resolve it with `dockhard pin`") {
		t.Fatalf("--pin digest without a digest: exit %d %s", r.code, r.err)
	}
}

func TestImages(t *testing.T) {
	r := runCmd(t, "images")
	if r.code != 0 || !strings.Contains(r.out, "runtime/distroless       2026-12-01 gcr.io/distroless/static-debian13:nonroot@sha256:f7f8f729987ad0fdf6b05eeeae94b26e6a0f613bdf46feea7fc40f7bd72953e6") {
		t.Fatalf("exit %d\n%s", r.code, r.out)
	}
}
