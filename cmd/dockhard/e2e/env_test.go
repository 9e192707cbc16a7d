//go:build linux

package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// The end-to-end suite's environment: a registry on 127.0.0.1 serving
// stand-in base images under their real names, buildkitd with registry
// mirrors onto it, and the OCI unpacking that turns a built image into a
// root file system to run.

type e2eEnv struct {
	dockhardBin string // the command, built from this tree
	host        string // the registry, 127.0.0.1:PORT
	sock        string // buildkitd's socket
	coldSock    string // a second buildkitd's, for builds from empty state
	proxy       *goProxy
	proxyURL    string // http://127.0.0.1:PORT
	git         *privateGitHost
	buildctl    string
	catalog     []byte
	bases       map[string]runtimeBase // by runtime ("distroless", "chainguard-cgo", …)
}

// runtimeBase is what a runtime stand-in weighs, to tell what a Dockerfile
// adds on top of it.
type runtimeBase struct {
	size   int64 // compressed layers
	layers int
}

type builtImage struct {
	rootfs string
	config v1.ConfigFile
	size   int64
	layers [][]layerFile // the regular files each layer writes
	log    string
	digest string // the image manifest's digest
}

type layerFile struct {
	path string
	size int64
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

func run1(t *testing.T, name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// buildDockhard builds the command from this tree, as a user installs it:
// the suite runs it as a user would, with flags.
func buildDockhard(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "dockhard")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/dockhard/dockhard/cmd/dockhard").CombinedOutput(); err != nil {
		t.Fatalf("go build of cmd/dockhard: %v\n%s", err, out)
	}
	return bin
}

// result is one run of the command.
type result struct {
	code     int
	out, err string
}

// dockhard runs the command with args, its stdin empty.
func (e *e2eEnv) dockhard(t *testing.T, args ...string) result {
	return e.dockhardEnv(t, nil, args...)
}

// dockhardEnv runs the command with more environment variables.
func (e *e2eEnv) dockhardEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(e.dockhardBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("dockhard %v: %v", args, err)
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

func startE2E(t *testing.T) *e2eEnv {
	if os.Geteuid() != 0 {
		t.Fatal("the end-to-end suite runs buildkitd and chroot: run it as root")
	}
	e := &e2eEnv{buildctl: toolPath(t, "DOCKHARD_BUILDCTL", "buildctl"), bases: map[string]runtimeBase{}}
	buildkitd := toolPath(t, "DOCKHARD_BUILDKITD", "buildkitd")
	e.dockhardBin = buildDockhard(t)

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	e.host = strings.TrimPrefix(srv.URL, "http://")
	// The Go proxy the stand-in builders ask first for modules.
	e.proxy = newGoProxy(t, proxyFixtures)
	proxySrv := httptest.NewServer(e.proxy)
	t.Cleanup(proxySrv.Close)
	e.proxyURL = proxySrv.URL
	e.git = startPrivateGitHost(t)
	e.pushStandIns(t)

	// The catalog: the built-in one, pinned by dockhard pin through mirrors
	// onto the local registry, so digests are the stand-ins' own.
	catalog := filepath.Join(t.TempDir(), "catalog.json")
	if r := e.dockhard(t, "pin", "-o", catalog,
		"--registry-mirror", "cgr.dev="+e.host+"/cgr.dev", "--registry-mirror", "gcr.io="+e.host+"/gcr.io", "--registry-mirror", "docker.io="+e.host+"/docker.io",
		"--registry-mirror", "dhi.io="+e.host+"/dhi.io"); r.code != 0 {
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
[registry."dhi.io"]
  mirrors = ["%[1]s/dhi.io"]
[registry."%[1]s"]
  http = true
  insecure = true
`, e.host)), 0o644)
	e.sock = e.startBuildkitd(t, buildkitd, cfg)
	e.coldSock = e.startBuildkitd(t, buildkitd, cfg)
	return e
}

// startBuildkitd starts a buildkitd with its own state and returns its
// socket.
func (e *e2eEnv) startBuildkitd(t *testing.T, buildkitd, cfg string) string {
	root := t.TempDir()
	sock := filepath.Join(root, "buildkitd.sock")
	daemon := exec.Command(buildkitd, "--root", filepath.Join(root, "state"), "--addr", "unix://"+sock, "--config", cfg,
		"--oci-worker=true", "--containerd-worker=false", "--oci-worker-snapshotter=overlayfs")
	var daemonLog bytes.Buffer
	daemon.Stdout, daemon.Stderr = &daemonLog, &daemonLog
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { daemon.Process.Kill(); daemon.Wait() })
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if exec.Command(e.buildctl, "--addr", "unix://"+sock, "debug", "workers").Run() == nil {
			return sock
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("buildkitd did not start:\n%s", daemonLog.String())
		}
	}
}

// onDaemon is the same environment building on another buildkitd.
func (e *e2eEnv) onDaemon(sock string) *e2eEnv {
	other := *e
	other.sock = sock
	return &other
}

// pushStandIns builds a stand-in for every image in the catalog from what
// the machine has and pushes it under its real name:
//
//   - Go builders (cgr.dev/chainguard/go, golang:*-trixie,
//     dhi.io/golang:*-debian13-dev): a Debian
//     trixie root file system with gcc and libc6-dev, plus the machine's
//     Go (Debian 13, as upstream's golang images);
//   - ubuntu: a Debian trixie minbase that answers apt-get install;
//   - distroless/Chainguard/DHI static: accounts, the CA bundle, /tmp;
//     their cgo flavours add trixie's glibc (distroless base-debian13 is
//     Debian 13; Wolfi's glibc is at least as new);
//   - alpine: busybox, apk, its keys and its package database, and in
//     /lib and /usr/lib the libraries real Alpine ships (musl, OpenSSL,
//     zlib) at their real sizes: the same upstream releases, Debian's
//     builds from the trixie root, so the layer arithmetic is Alpine's.
func (e *e2eEnv) pushStandIns(t *testing.T) {
	// What the real Go images have beyond a minimal Debian: a C toolchain
	// for cgo and the CA bundle (the scratch runtime copies it).
	goImage := []string{"ca-certificates", "gcc", "git", "libc6-dev"}
	roots := debianRoots(t, map[string]debianRoot{
		"trixie":    {"trixie", []string{"libssl3t64", "musl"}},
		"trixie-go": {"trixie", goImage},
	})
	ca, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatal(err)
	}
	// The test network intercepts TLS: the bundle goes where no package
	// manager rewrites it, and SSL_CERT_FILE points Go at it.
	caLayer := filesLayer(t, tarFile{path: "etc/dockhard-e2e", dir: true, mode: 0o755}, tarFile{path: "etc/dockhard-e2e/ca.crt", mode: 0o644, data: ca})
	debianEnv := []string{"PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/dockhard-e2e/ca.crt",
		// The test network's Go proxy serves the fixture modules, whose
		// sums no checksum database has (their go.sum checks them);
		// anything else it does not have (404) comes from the machine's
		// proxy, as before. Builds see the host's 127.0.0.1.
		"GOPROXY=" + e.proxyURL + "," + strings.TrimSpace(run1(t, "go", "env", "GOPROXY")), "GONOSUMDB=example.com"}
	goroot := strings.TrimSpace(run1(t, "go", "env", "GOROOT"))
	goLayer := dirLayer(t, goroot, "usr/local/go", func(rel string) bool {
		return rel == "test" || rel == "doc" || rel == "misc" || rel == "api" || strings.HasPrefix(rel, "pkg/tool/") && strings.Contains(rel, "_race")
	})
	goBuilder := func(root string) v1.Image {
		return e.image(t, []v1.Layer{debianLayer(t, root), goLayer, caLayer, e.git.layer(t)}, v1.Config{User: "0", Env: debianEnv})
	}
	trixieGo := goBuilder(roots["trixie-go"])
	e.push(t, trixieGo, "cgr.dev/chainguard/go:latest")
	for _, p := range e2ePrograms {
		e.push(t, trixieGo, "golang:"+p.goVersion+"-trixie")
		e.push(t, trixieGo, "dhi.io/golang:"+p.goVersion+"-debian13-dev")
	}
	e.push(t, e.image(t, []v1.Layer{debianLayer(t, roots["trixie"]), caLayer}, v1.Config{User: "0", Env: debianEnv}), "ubuntu:24.04")

	static := filesLayer(t, baseFiles(t)...)
	distroless := e.image(t, []v1.Layer{static}, v1.Config{User: "65532"})
	e.pushRuntime(t, "distroless", distroless, "gcr.io/distroless/static-debian13:nonroot")
	e.pushRuntime(t, "chainguard", distroless, "cgr.dev/chainguard/static:latest")
	e.pushRuntime(t, "dhi", distroless, "dhi.io/static:20250419-debian13")
	glibc := glibcLayer(t, roots["trixie-go"])
	e.pushRuntime(t, "distroless-cgo", e.image(t, []v1.Layer{static, glibc}, v1.Config{User: "65532"}),
		"gcr.io/distroless/base-debian13:nonroot")
	e.pushRuntime(t, "dhi-cgo", e.image(t, []v1.Layer{static, glibc}, v1.Config{User: "65532"}),
		"dhi.io/static:20250419-glibc-debian13")
	e.pushRuntime(t, "chainguard-cgo", e.image(t, []v1.Layer{static, glibc}, v1.Config{User: "65532"}),
		"cgr.dev/chainguard/glibc-dynamic:latest")

	alpineFiles := []tarFile{}
	for _, d := range []string{"lib", "lib/apk", "lib/apk/db", "lib/apk/exec", "sbin", "usr", "usr/bin", "usr/lib", "usr/sbin", "usr/share", "usr/share/apk", "usr/share/apk/keys", "etc/apk", "etc/apk/keys", "var", "var/cache", "var/cache/apk"} {
		alpineFiles = append(alpineFiles, tarFile{path: d, dir: true, mode: 0o755})
	}
	// Alpine's libraries at their real sizes: musl's loader and libc in
	// /lib, OpenSSL and zlib, so the measurement shows what a mode change
	// would copy again.
	for dest, src := range map[string]string{
		"lib/ld-musl-x86_64.so.1": "usr/lib/x86_64-linux-musl/libc.so",
		"usr/lib/libcrypto.so.3":  "usr/lib/x86_64-linux-gnu/libcrypto.so.3",
		"usr/lib/libssl.so.3":     "usr/lib/x86_64-linux-gnu/libssl.so.3",
		"usr/lib/libz.so.1.3.1":   "usr/lib/x86_64-linux-gnu/libz.so.1",
	} {
		data, err := os.ReadFile(filepath.Join(roots["trixie"], src))
		if err != nil {
			t.Fatalf("alpine stand-in: %v", err)
		}
		alpineFiles = append(alpineFiles, tarFile{path: dest, mode: 0o755, data: data})
	}
	alpineFiles = append(alpineFiles,
		tarFile{path: "lib/libc.musl-x86_64.so.1", link: "ld-musl-x86_64.so.1"},
		tarFile{path: "sbin/apk", mode: 0o755, data: []byte("stand-in")},
		tarFile{path: "etc/apk/keys/alpine-devel@lists.alpinelinux.org.rsa.pub", mode: 0o644, data: []byte("stand-in key")},
		tarFile{path: "etc/apk/world", mode: 0o644, data: []byte("alpine-baselayout\nbusybox\nmusl\n")},
		tarFile{path: "usr/share/apk/keys/stand-in.rsa.pub", mode: 0o644, data: []byte("stand-in key")},
		tarFile{path: "etc/alpine-release", mode: 0o644, data: []byte("3.24.1\n")},
		tarFile{path: "lib/apk/db/installed", mode: 0o644, data: []byte("C:Q1stand-in=\nP:musl\nV:1.2.5-r10\nA:x86_64\n\nC:Q1stand-in=\nP:libssl3\nV:3.5.4-r0\nA:x86_64\n\n")})
	alpine := e.image(t, []v1.Layer{filesLayer(t, busyboxFiles(t, "sh", "echo", "chmod", "rm", "find")...), static, filesLayer(t, alpineFiles...)}, v1.Config{User: "0"})
	e.pushRuntime(t, "alpine", alpine, "alpine:3.24.1")
}

// debianRoot is a Debian minbase root file system to debootstrap.
type debianRoot struct {
	suite   string
	include []string // packages beyond minbase
}

// debianRoots makes (or reuses) each root file system, debootstrapped side
// by side. They are kept under DOCKHARD_E2E_CACHE when it is set, so later
// runs skip the minute each one takes; a root is made anew when what it
// was made with changed.
func debianRoots(t *testing.T, want map[string]debianRoot) map[string]string {
	cache := os.Getenv("DOCKHARD_E2E_CACHE")
	if cache == "" {
		cache = t.TempDir()
	}
	roots := map[string]string{}
	errs := make(chan error, len(want))
	var wg sync.WaitGroup
	for name, r := range want {
		root := filepath.Join(cache, name)
		roots[name] = root
		args := []string{"--variant=minbase"}
		if len(r.include) > 0 {
			args = append(args, "--include="+strings.Join(r.include, ","))
		}
		args = append(args, r.suite)
		made := filepath.Join(root, debianRootMarker)
		if was, err := os.ReadFile(made); err == nil && string(was) == strings.Join(args, " ") {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			os.RemoveAll(root) // a run cut short, or another package list
			out, err := exec.Command("debootstrap", append(args, root, "http://deb.debian.org/debian")...).CombinedOutput()
			if err != nil {
				errs <- fmt.Errorf("debootstrap %s (apt-get install debootstrap): %v\n%s", name, err, out)
				return
			}
			errs <- os.WriteFile(made, []byte(strings.Join(args, " ")), 0o644)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return roots
}

// debianRootMarker records, in a finished root, how it was made.
const debianRootMarker = ".dockhard-e2e-made-with"

// debianLayer is a debootstrapped root as one layer, without the kernel's
// file systems, the downloaded packages and the documentation.
func debianLayer(t *testing.T, root string) v1.Layer {
	return dirLayer(t, root, ".", func(rel string) bool {
		for _, dir := range []string{"proc", "sys", "dev", "usr/share/doc", "usr/share/man", "usr/share/locale"} {
			if rel == dir {
				return true
			}
		}
		return rel == debianRootMarker || strings.HasPrefix(rel, "var/cache/apt/archives/") && strings.HasSuffix(rel, ".deb")
	})
}

// glibcLayer is the C library a cgo program needs at run time, taken from
// a Debian root, laid out as Debian and distroless lay it out.
func glibcLayer(t *testing.T, root string) v1.Layer {
	const dir = "usr/lib/x86_64-linux-gnu"
	files := []tarFile{
		{path: "usr", dir: true, mode: 0o755}, {path: "usr/lib", dir: true, mode: 0o755}, {path: dir, dir: true, mode: 0o755},
		{path: "lib", link: "usr/lib"}, {path: "lib64", dir: true, mode: 0o755},
		{path: "lib64/ld-linux-x86-64.so.2", link: "/" + dir + "/ld-linux-x86-64.so.2"},
	}
	for _, lib := range []string{"ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2", "libnss_files.so.2", "libnss_dns.so.2"} {
		data, err := os.ReadFile(filepath.Join(root, dir, lib))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, tarFile{path: dir + "/" + lib, mode: 0o755, data: data})
	}
	return filesLayer(t, files...)
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

// pushRuntime pushes a runtime stand-in and remembers its size and layer
// count.
func (e *e2eEnv) pushRuntime(t *testing.T, runtime string, img v1.Image, ref string) {
	layers, _ := img.Layers()
	e.bases[runtime] = runtimeBase{size: e.push(t, img, ref), layers: len(layers)}
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
	uid  int // owner, uid and gid alike
}

func filesLayer(t *testing.T, files ...tarFile) v1.Layer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.path, Mode: f.mode, ModTime: time.Unix(0, 0), Uid: f.uid, Gid: f.uid}
		switch {
		case f.dir:
			h.Typeflag, h.Name = tar.TypeDir, f.path+"/"
		case f.link != "":
			h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, f.link, 0o777
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
		files = append(files, tarFile{path: "bin/" + a, link: "/bin/busybox"})
	}
	return files
}

// baseFiles are what the distroless-like stand-ins carry: accounts, the
// host's CA bundle (the test network intercepts TLS), /tmp.
func baseFiles(t *testing.T) []tarFile {
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
		// Owned by nonroot, as in the real distroless and Chainguard
		// images: the one place outside /tmp its user may write.
		{path: "home/nonroot", dir: true, mode: 0o700, uid: 65532},
	}
}

// module copies a program's sources (not its generated files) and writes
// the stand-in catalog beside them.
func (e *e2eEnv) module(t *testing.T, program string) string {
	dir := t.TempDir()
	src := e2ePrograms[program].source
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasSuffix(rel, ".go") && rel != "go.mod" && rel != "go.sum" && !slices.Contains(e2ePrograms[program].files, rel) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "catalog.json"), e.catalog, 0o644)
	return dir
}

// pruneCache empties BuildKit's cache, so the next build is timed cold.
func (e *e2eEnv) pruneCache(t *testing.T) {
	if out, err := exec.Command(e.buildctl, "--addr", "unix://"+e.sock, "prune", "--all").CombinedOutput(); err != nil {
		t.Fatalf("buildctl prune: %v\n%s", err, out)
	}
}

// build generates the Dockerfile with flags and builds it with BuildKit;
// nothing in dockhard's output is edited.
func (e *e2eEnv) build(t *testing.T, dir string, flags ...string) *builtImage {
	args := append([]string{"generate", dir, "--catalog", filepath.Join(dir, "catalog.json")}, flags...)
	if r := e.dockhard(t, args...); r.code != 0 {
		t.Fatalf("generate: %s", r.err)
	}
	return e.buildAsIs(t, dir)
}

// buildAsIs builds the Dockerfile in dir as it is.
func (e *e2eEnv) buildAsIs(t *testing.T, dir string) *builtImage {
	return e.buildWith(t, dir, nil, "")
}

// buildReproducibly builds the Dockerfile in dir as the README says for
// reproducible images: SOURCE_DATE_EPOCH as a build argument and the
// exporter's rewrite-timestamp, which clamps every file's time to it.
func (e *e2eEnv) buildReproducibly(t *testing.T, dir, epoch string) *builtImage {
	return e.buildWith(t, dir, []string{"--opt", "build-arg:SOURCE_DATE_EPOCH=" + epoch}, ",rewrite-timestamp=true")
}

func (e *e2eEnv) buildWith(t *testing.T, dir string, opts []string, outputOpts string) *builtImage {
	out := filepath.Join(t.TempDir(), "image.tar")
	logs, err := e.buildctlBuild(dir, out, opts, outputOpts)
	if err != nil {
		t.Fatalf("buildctl build: %v\n%s", err, logs)
	}
	img := unpackOCI(t, out)
	img.log = logs
	return img
}

// tryBuild builds the Dockerfile in dir as it is, for a build that is
// meant to fail: the error holds the build's log.
func (e *e2eEnv) tryBuild(t *testing.T, dir string) error {
	logs, err := e.buildctlBuild(dir, filepath.Join(t.TempDir(), "image.tar"), nil, "")
	if err != nil {
		return fmt.Errorf("%v\n%s", err, logs)
	}
	return nil
}

func (e *e2eEnv) buildctlBuild(dir, out string, opts []string, outputOpts string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := append([]string{"--addr", "unix://" + e.sock, "build", "--progress", "plain",
		"--frontend", "dockerfile.v0", "--local", "context=" + dir, "--local", "dockerfile=" + dir,
		"--output", "type=oci,dest=" + out + outputOpts}, opts...)
	logs, err := exec.CommandContext(ctx, e.buildctl, args...).CombinedOutput()
	return string(logs), err
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
	digest := desc.Digest.String()
	var manifest v1.Manifest
	json.Unmarshal(blob(desc.Digest.String()), &manifest)
	if len(manifest.Layers) == 0 { // an index inside
		var inner v1.IndexManifest
		json.Unmarshal(blob(desc.Digest.String()), &inner)
		json.Unmarshal(blob(inner.Manifests[0].Digest.String()), &manifest)
	}
	img := &builtImage{rootfs: t.TempDir(), digest: digest}
	json.Unmarshal(blob(manifest.Config.Digest.String()), &img.config)
	for _, l := range manifest.Layers {
		img.size += l.Size
		img.layers = append(img.layers, applyLayer(t, img.rootfs, blob(l.Digest.String())))
	}
	return img
}

// applyLayer unpacks a layer onto root and returns the regular files it
// wrote.
func applyLayer(t *testing.T, root string, data []byte) []layerFile {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var files []layerFile
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
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
			files = append(files, layerFile{"/" + strings.TrimPrefix(filepath.Clean("/"+h.Name), "/"), h.Size})
		}
		os.Lchown(target, h.Uid, h.Gid)
	}
}
