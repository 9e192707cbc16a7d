//go:build linux

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The end-to-end suite builds generated Dockerfiles with real BuildKit
// against stand-in base images served from a registry on 127.0.0.1, then
// runs the images the way a container runtime would. It needs root,
// runc, busybox-static and buildkitd/buildctl v0.23.2 (see README).
func TestEndToEnd(t *testing.T) {
	if os.Getenv("DOCKHARD_E2E") != "1" {
		t.Skip("end-to-end image builds skipped: run with DOCKHARD_E2E=1 (as root, with runc, busybox-static and BuildKit v0.23.2; see README)")
	}
	e := startE2E(t)
	variants := []struct {
		example string
		flags   []string
		uid     int
	}{
		{"webserver", []string{"--builder", "chainguard", "--runtime", "distroless"}, 65532},
		{"webserver", []string{"--builder", "chainguard", "--runtime", "alpine"}, 65532},
		{"webserver", []string{"--builder", "golang", "--runtime", "scratch"}, 65532},
		// apt-get installs Debian's Go; GOTOOLCHAIN fetches go.mod's.
		{"webserver", []string{"--builder", "ubuntu", "--runtime", "distroless"}, 65532},
		{"webserver", []string{"--builder", "chainguard", "--runtime", "chainguard"}, 65532},
		// Every base by digest, each resolved by dockhard pin.
		{"webserver", []string{"--builder", "chainguard", "--runtime", "alpine", "--pin", "digest"}, 65532},
		{"userprinter", []string{"--builder", "chainguard", "--runtime", "distroless"}, 65532},
		{"userprinter", []string{"--builder", "golang", "--runtime", "alpine"}, 65532},
		{"userprinter", []string{"--builder", "chainguard", "--runtime", "scratch"}, 65532},
		{"userprinter", []string{"--builder", "chainguard", "--runtime", "distroless", "--uid", "10001"}, 10001},
	}
	for _, v := range variants {
		t.Run(v.example+"/"+strings.Join(v.flags, " "), func(t *testing.T) {
			dir := e.module(t, v.example)
			start := time.Now()
			img := e.build(t, dir, v.flags...)
			took := time.Since(start)
			binary := "/usr/local/bin/" + v.example
			port := ""
			if v.example == "webserver" {
				port = "8080/tcp"
			}
			user := fmt.Sprintf("%d:%d", v.uid, v.uid)
			for _, p := range append(img.configProblems(user, []string{binary}, port), img.hardeningProblems(binary)...) {
				t.Error(p)
			}
			if v.example == "webserver" {
				img.checkServes(t, binary, v.uid)
			} else {
				img.checkPrintsUser(t, binary, v.uid)
			}
			if v.flags[1] == "ubuntu" {
				// The packaged Go is older; GOTOOLCHAIN must have built with go.mod's.
				if out := run1(t, "go", "version", filepath.Join(img.rootfs, binary)); !strings.Contains(out, ": go1.22.2\n") {
					t.Errorf("the ubuntu builder did not build with go.mod's Go 1.22.2: %s", out)
				}
			}
			runtime := v.flags[3]
			if v.flags[len(v.flags)-1] == "digest" && !strings.Contains(img.log, "docker.io/library/alpine:3.24.1@sha256:") {
				t.Error("--pin digest did not pull alpine by digest")
			}
			t.Logf("REPORT | %s | %s | %s | %.0f s | %d | %d |", v.example, v.flags[1], strings.Join(v.flags[3:], " "), took.Seconds(), img.size, img.size-e.baseSize[runtime])
		})
	}

	t.Run("rebuild reuses the dependency step", func(t *testing.T) {
		dir := e.module(t, "webserver")
		e.build(t, dir)
		f, _ := os.OpenFile(filepath.Join(dir, "main.go"), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString("\n// touched\n")
		f.Close()
		img := e.build(t, dir)
		if !stepCached(img.log, "go mod download") {
			t.Errorf("the dependency step was not reused after a .go file changed:\n%s", img.log)
		}
		if stepCached(img.log, "-o /out/webserver") {
			t.Error("the program was not rebuilt after its source changed")
		}
	})

	// The suite must be able to fail: a generated Dockerfile with its USER
	// dropped builds, and the checks catch it.
	t.Run("a broken Dockerfile fails the checks", func(t *testing.T) {
		dir := e.module(t, "userprinter")
		if r := runCmd(t, "generate", dir, "--catalog", "catalog.json"); r.code != 0 {
			t.Fatal(r.err)
		}
		df := filepath.Join(dir, "Dockerfile")
		data, _ := os.ReadFile(df)
		os.WriteFile(df, bytes.Replace(data, []byte("USER 65532:65532\n"), nil, 1), 0o644)
		img := e.buildAsIs(t, dir)
		if problems := img.configProblems("65532:65532", []string{"/usr/local/bin/userprinter"}, ""); len(problems) == 0 {
			t.Fatal("a Dockerfile without USER passed the checks")
		}
	})
}

// stepCached reports whether the build step whose command contains cmd was
// taken from the cache, reading buildctl's plain progress.
func stepCached(log, cmd string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, cmd) && strings.HasPrefix(line, "#") {
			step := strings.Fields(line)[0]
			return strings.Contains(log, step+" CACHED")
		}
	}
	return false
}

type e2eEnv struct {
	host     string // the registry, 127.0.0.1:PORT
	sock     string // buildkitd's socket
	buildctl string
	catalog  []byte
	baseSize map[string]int64
}

func toolPath(t *testing.T, envName, name string) string {
	if p := os.Getenv(envName); p != "" {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (set %s or put it on PATH): a missing engine fails the suite, it is not skipped", name, envName)
	}
	return p
}

func startE2E(t *testing.T) *e2eEnv {
	if os.Geteuid() != 0 {
		t.Fatal("the end-to-end suite runs buildkitd and chroot: run it as root")
	}
	e := &e2eEnv{buildctl: toolPath(t, "DOCKHARD_BUILDCTL", "buildctl"), baseSize: map[string]int64{}}
	buildkitd := toolPath(t, "DOCKHARD_BUILDKITD", "buildkitd")

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	e.host = strings.TrimPrefix(srv.URL, "http://")

	// Stand-in base images under their real names, as the mirrors see them.
	goroot := strings.TrimSpace(run1(t, "go", "env", "GOROOT"))
	goBuilder := e.image(t, []v1.Layer{
		dirLayer(t, goroot, "usr/local/go", func(rel string) bool {
			return rel == "test" || rel == "doc" || rel == "misc" || rel == "api" || strings.HasPrefix(rel, "pkg/tool/") && strings.Contains(rel, "_race")
		}),
		filesLayer(t, busyboxFiles(t, "sh", "ls", "cat", "mkdir", "rm", "chmod", "echo", "env")...),
		filesLayer(t, baseFiles(t, 0)...),
	}, v1.Config{User: "0", Env: []string{"PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}})
	distroless := e.image(t, []v1.Layer{filesLayer(t, baseFiles(t, 65532)...)}, v1.Config{User: "65532"})
	alpineDirs := []tarFile{}
	for _, d := range []string{"lib", "lib/apk", "sbin", "usr", "usr/bin", "usr/sbin", "usr/share", "usr/share/apk", "etc/apk", "var", "var/cache", "var/cache/apk"} {
		alpineDirs = append(alpineDirs, tarFile{path: d, dir: true, mode: 0o755})
	}
	alpineDirs = append(alpineDirs, tarFile{path: "sbin/apk", mode: 0o755, data: []byte("stand-in")})
	alpine := e.image(t, []v1.Layer{filesLayer(t, busyboxFiles(t, "sh", "echo", "chmod", "rm", "find")...), filesLayer(t, baseFiles(t, 0)...), filesLayer(t, alpineDirs...)}, v1.Config{User: "0"})
	e.push(t, goBuilder, "cgr.dev/chainguard/go:latest")
	e.push(t, goBuilder, "golang:1.22.2-bookworm")
	e.push(t, ubuntuStandIn(t, e), "ubuntu:24.04")
	e.baseSize["alpine"] = e.push(t, alpine, "alpine:3.24.1")
	e.baseSize["distroless"] = e.push(t, distroless, "gcr.io/distroless/static-debian12:nonroot")
	e.baseSize["chainguard"] = e.baseSize["distroless"]
	for _, ref := range []string{"gcr.io/distroless/base-debian12:nonroot", "cgr.dev/chainguard/static:latest", "cgr.dev/chainguard/glibc-dynamic:latest"} {
		e.push(t, distroless, ref)
	}

	// The catalog: the built-in one, pinned by dockhard pin through mirrors
	// onto the local registry, so digests are the stand-ins' own.
	catalog := filepath.Join(t.TempDir(), "catalog.json")
	if r := runCmd(t, "pin", "-o", catalog,
		"--registry-mirror", "cgr.dev="+e.host+"/cgr.dev", "--registry-mirror", "gcr.io="+e.host+"/gcr.io", "--registry-mirror", "docker.io="+e.host+"/docker.io"); r.code != 0 {
		t.Fatalf("dockhard pin: %s%s", r.out, r.err)
	}
	e.catalog, _ = os.ReadFile(catalog)

	cfg := filepath.Join(t.TempDir(), "buildkitd.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`[registry."docker.io"]
  mirrors = ["%[1]s/docker.io"]
[registry."cgr.dev"]
  mirrors = ["%[1]s/cgr.dev"]
[registry."gcr.io"]
  mirrors = ["%[1]s/gcr.io"]
[registry."%[1]s"]
  http = true
  insecure = true
`, e.host)), 0o644)
	root := t.TempDir()
	e.sock = filepath.Join(root, "buildkitd.sock")
	daemon := exec.Command(buildkitd, "--root", filepath.Join(root, "state"), "--addr", "unix://"+e.sock, "--config", cfg,
		"--oci-worker=true", "--containerd-worker=false", "--oci-worker-snapshotter=overlayfs")
	var daemonLog bytes.Buffer
	daemon.Stdout, daemon.Stderr = &daemonLog, &daemonLog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { daemon.Process.Kill(); daemon.Wait() })
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if exec.Command(e.buildctl, "--addr", "unix://"+e.sock, "debug", "workers").Run() == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("buildkitd did not start:\n%s", daemonLog.String())
		}
	}
	return e
}

// ubuntuStandIn is a Debian trixie minbase (debootstrap): it answers
// apt-get install golang-go inside the build as Ubuntu would. The root file
// system is reused from DOCKHARD_E2E_TRIXIE when that directory exists.
func ubuntuStandIn(t *testing.T, e *e2eEnv) v1.Image {
	root := os.Getenv("DOCKHARD_E2E_TRIXIE")
	if root == "" {
		root = filepath.Join(t.TempDir(), "trixie")
	}
	if _, err := os.Stat(filepath.Join(root, "usr/bin/apt-get")); err != nil {
		out, err := exec.Command("debootstrap", "--variant=minbase", "trixie", root, "http://deb.debian.org/debian").CombinedOutput()
		if err != nil {
			t.Fatalf("debootstrap (apt-get install debootstrap): %v\n%s", err, out)
		}
	}
	ca, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatal(err)
	}
	// The test network intercepts TLS: the bundle goes where no package
	// manager rewrites it, and SSL_CERT_FILE points Go at it.
	caLayer := filesLayer(t, tarFile{path: "etc/dockhard-e2e", dir: true, mode: 0o755}, tarFile{path: "etc/dockhard-e2e/ca.crt", mode: 0o644, data: ca})
	skipVirtual := func(rel string) bool {
		return strings.HasPrefix(rel, "proc/") || strings.HasPrefix(rel, "sys/") || strings.HasPrefix(rel, "dev/")
	}
	return e.image(t, []v1.Layer{dirLayer(t, root, ".", skipVirtual), caLayer}, v1.Config{User: "0",
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/dockhard-e2e/ca.crt"}})
}

func run1(t *testing.T, name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// image assembles a linux/amd64 image from layers.
func (e *e2eEnv) image(t *testing.T, layers []v1.Layer, cfg v1.Config) v1.Image {
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf.OS, cf.Architecture, cf.Config = "linux", "amd64", cfg
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// push stores img as the mirror would serve ref and returns its size.
func (e *e2eEnv) push(t *testing.T, img v1.Image, ref string) int64 {
	real, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	reg := real.Context().RegistryStr()
	if reg == name.DefaultRegistry {
		reg = "docker.io"
	}
	target, err := name.ParseReference(e.host + "/" + reg + "/" + real.Context().RepositoryStr() + ":" + real.Identifier())
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(target, img); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	layers, _ := img.Layers()
	var size int64
	for _, l := range layers {
		s, _ := l.Size()
		size += s
	}
	return size
}

type tarFile struct {
	path string
	mode int64
	data []byte
	link string // symlink target
	dir  bool
}

func filesLayer(t *testing.T, files ...tarFile) v1.Layer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.path, Mode: f.mode, ModTime: time.Unix(0, 0)}
		switch {
		case f.dir:
			h.Typeflag, h.Name = tar.TypeDir, f.path+"/"
		case f.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, f.link
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// dirLayer puts a host directory at dest, written once to a tar file.
func dirLayer(t *testing.T, src, dest string, skip func(rel string) bool) v1.Layer {
	path := filepath.Join(t.TempDir(), "layer.tar")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(out)
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if rel != "." && skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			link, _ = os.Readlink(p)
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(filepath.Join(dest, rel))
		if d.IsDir() {
			h.Name += "/"
		}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	out.Close()
	l, err := tarball.LayerFromFile(path, tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func busyboxFiles(t *testing.T, applets ...string) []tarFile {
	bb, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatalf("busybox-static is needed for the stand-ins: %v", err)
	}
	files := []tarFile{{path: "bin", dir: true, mode: 0o755}, {path: "bin/busybox", mode: 0o755, data: bb}}
	for _, a := range applets {
		files = append(files, tarFile{path: "bin/" + a, link: "/bin/busybox", mode: 0o777})
	}
	return files
}

// baseFiles are what every stand-in carries: accounts, the host's CA bundle
// (the test network intercepts TLS), /tmp.
func baseFiles(t *testing.T, uid int) []tarFile {
	ca, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatal(err)
	}
	passwd := "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	group := "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
	return []tarFile{
		{path: "etc", dir: true, mode: 0o755},
		{path: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{path: "etc/group", mode: 0o644, data: []byte(group)},
		{path: "etc/ssl", dir: true, mode: 0o755},
		{path: "etc/ssl/certs", dir: true, mode: 0o755},
		{path: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: ca},
		{path: "tmp", dir: true, mode: 0o1777},
		{path: "home", dir: true, mode: 0o755},
		{path: "home/nonroot", dir: true, mode: 0o700},
	}
}

// module copies an example's sources (not its generated files) and writes
// the stand-in catalog beside them.
func (e *e2eEnv) module(t *testing.T, example string) string {
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "main.go"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", example, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "catalog.json"), e.catalog, 0o644)
	return dir
}

type builtImage struct {
	rootfs string
	config v1.ConfigFile
	size   int64
	log    string
}

// build generates the Dockerfile with flags and builds it with BuildKit;
// nothing in dockhard's output is edited.
func (e *e2eEnv) build(t *testing.T, dir string, flags ...string) *builtImage {
	args := append([]string{"generate", dir, "--catalog", "catalog.json"}, flags...)
	if r := runCmd(t, args...); r.code != 0 {
		t.Fatalf("generate: %s", r.err)
	}
	return e.buildAsIs(t, dir)
}

// buildAsIs builds the Dockerfile in dir as it is.
func (e *e2eEnv) buildAsIs(t *testing.T, dir string) *builtImage {
	out := filepath.Join(t.TempDir(), "image.tar")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.buildctl, "--addr", "unix://"+e.sock, "build", "--progress", "plain",
		"--frontend", "dockerfile.v0", "--local", "context="+dir, "--local", "dockerfile="+dir,
		"--output", "type=oci,dest="+out)
	logs, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("buildctl build: %v\n%s", err, logs)
	}
	img := unpackOCI(t, out)
	img.log = string(logs)
	return img
}

// unpackOCI reads an OCI layout tar, applies its layers in order (honouring
// whiteouts) into a root file system, and returns the image config.
func unpackOCI(t *testing.T, path string) *builtImage {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		blobs[h.Name] = data
	}
	blob := func(digest string) []byte { return blobs["blobs/"+strings.Replace(digest, ":", "/", 1)] }
	var index v1.IndexManifest
	json.Unmarshal(blobs["index.json"], &index)
	desc := index.Manifests[0]
	var manifest v1.Manifest
	json.Unmarshal(blob(desc.Digest.String()), &manifest)
	if len(manifest.Layers) == 0 { // an index inside
		var inner v1.IndexManifest
		json.Unmarshal(blob(desc.Digest.String()), &inner)
		json.Unmarshal(blob(inner.Manifests[0].Digest.String()), &manifest)
	}
	img := &builtImage{rootfs: t.TempDir()}
	json.Unmarshal(blob(manifest.Config.Digest.String()), &img.config)
	for _, l := range manifest.Layers {
		img.size += l.Size
		applyLayer(t, img.rootfs, blob(l.Digest.String()))
	}
	return img
}

func applyLayer(t *testing.T, root string, data []byte) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(root, filepath.Clean("/"+h.Name))
		base := filepath.Base(target)
		switch {
		case base == ".wh..wh..opq":
			entries, _ := os.ReadDir(filepath.Dir(target))
			for _, e := range entries {
				os.RemoveAll(filepath.Join(filepath.Dir(target), e.Name()))
			}
			continue
		case strings.HasPrefix(base, ".wh."):
			os.RemoveAll(filepath.Join(filepath.Dir(target), strings.TrimPrefix(base, ".wh.")))
			continue
		}
		os.MkdirAll(filepath.Dir(target), 0o755)
		switch h.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(target, 0o755)
			os.Chmod(target, os.FileMode(h.Mode).Perm()|os.FileMode(h.Mode)&os.ModeSticky)
		case tar.TypeSymlink:
			os.RemoveAll(target)
			os.Symlink(h.Linkname, target)
		case tar.TypeReg:
			os.RemoveAll(target)
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode).Perm())
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(out, tr)
			out.Close()
			os.Chmod(target, os.FileMode(h.Mode).Perm())
		}
		os.Lchown(target, h.Uid, h.Gid)
	}
}

func (img *builtImage) configProblems(user string, entrypoint []string, port string) []string {
	var p []string
	c := img.config.Config
	if c.User != user {
		p = append(p, fmt.Sprintf("config User %q, want %q", c.User, user))
	}
	if fmt.Sprint(c.Entrypoint) != fmt.Sprint(entrypoint) {
		p = append(p, fmt.Sprintf("config Entrypoint %q, want %q", c.Entrypoint, entrypoint))
	}
	if _, ok := c.ExposedPorts[port]; port != "" && !ok {
		p = append(p, fmt.Sprintf("port %s not exposed: %v", port, c.ExposedPorts))
	}
	for _, e := range c.Env {
		if strings.Contains(e, "latest") {
			p = append(p, "environment mentions latest: "+e)
		}
	}
	return p
}

// checkHardened looks at the root file system: no shell, /etc not writable
// by the user, the binary root-owned and read-only.
func (img *builtImage) hardeningProblems(binary string) []string {
	var problems []string
	if _, err := os.Lstat(filepath.Join(img.rootfs, "bin/sh")); err == nil {
		problems = append(problems, "/bin/sh exists in the final image")
	}
	for _, p := range []string{"etc", strings.TrimPrefix(binary, "/")} {
		info, err := os.Stat(filepath.Join(img.rootfs, p))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		st := info.Sys().(*syscall.Stat_t)
		if st.Uid != 0 || info.Mode().Perm()&0o022 != 0 {
			problems = append(problems, fmt.Sprintf("/%s is owned by %d with mode %v: the user could write it", p, st.Uid, info.Mode().Perm()))
		}
	}
	return problems
}

// asUser runs a program of the image as uid:gid in a chroot of its root
// file system, as a container runtime would.
func (img *builtImage) asUser(ctx context.Context, uid int, argv ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "chroot", append([]string{fmt.Sprintf("--userspec=%d:%d", uid, uid), img.rootfs}, argv...)...)
}

// checkPrintsUser runs userprinter as the image's user and reads its first
// line: it calls user.Current(), so the image must know the uid.
func (img *builtImage) checkPrintsUser(t *testing.T, binary string, uid int) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := img.asUser(ctx, uid, binary)
	out, _ := cmd.CombinedOutput() // killed after the timeout: it prints forever
	first := strings.SplitN(string(out), "\n", 2)[0]
	if !strings.HasPrefix(first, "user: ") || !strings.HasSuffix(first, fmt.Sprintf(" id: %d", uid)) {
		t.Errorf("userprinter printed %q, want user: <name> id: %d", first, uid)
	}
}

// checkServes runs the server as the image's user in a chroot, as a
// container would, and probes it with the image's own health probe.
func (img *builtImage) checkServes(t *testing.T, binary string, uid int) {
	port := "18080"
	server := img.asUser(context.Background(), uid, binary)
	server.Env = []string{"PORT=" + port}
	var out bytes.Buffer
	server.Stdout, server.Stderr = &out, &out
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { server.Process.Kill(); server.Wait() }()
	var body string
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://127.0.0.1:" + port + "/")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
	}
	if !strings.Contains(body, "Olá") {
		t.Fatalf("the server did not answer: %q\n%s", body, out.String())
	}
	probe := func() int {
		cmd := img.asUser(context.Background(), uid, "/usr/local/bin/healthcheck", "http://127.0.0.1:"+port+"/healthz", "2s")
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	}
	if code := probe(); code != 0 {
		t.Errorf("the probe says unhealthy while the server is up (exit %d)", code)
	}
	server.Process.Kill()
	server.Wait()
	if code := probe(); code == 0 {
		t.Error("the probe says healthy after the server stopped")
	}
}
