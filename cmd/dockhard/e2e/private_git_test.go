package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// The private git host of issue #18's private modules: the repository of
// github.com/dockhard-e2e/secretlib, served over https from 127.0.0.1 by
// git's own http-backend, only to requests with its credentials. The
// stand-in Go builders carry git and a system git config that sends
// https://github.com/dockhard-e2e/ to it, and trusts its certificate: a
// property of the test network, as their GOPROXY is. Nothing in the
// generated Dockerfile knows of it.

const (
	// privateFixture is the program that requires the private module;
	// privateRepo is the module's source, committed and tagged at start.
	privateFixture = "testdata/privatemod"
	privateRepo    = "testdata/privategit/secretlib"
	privateModule  = "github.com/dockhard-e2e/secretlib"
	privateVersion = "v1.0.0"
	// privatePrefix is what the stand-ins' git config sends to the host.
	privatePrefix = "https://github.com/dockhard-e2e/"
	privateUser   = "e2e-user"
)

type privateGitHost struct {
	url      string // https://127.0.0.1:PORT
	cert     []byte // its certificate, PEM
	password string // random for each run, so that no trace of it is chance

	mu       sync.Mutex
	served   int // requests served with the credentials
	refused  int // requests refused
	wrongPwd int // requests with the user and another password
}

// startPrivateGitHost makes the repository (one commit, tagged
// v1.0.0, fixed dates) and serves it.
func startPrivateGitHost(t *testing.T) *privateGitHost {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is needed to serve the private module (apt-get install git)")
	}
	root := t.TempDir()
	work := filepath.Join(t.TempDir(), "secretlib")
	if err := os.CopyFS(work, os.DirFS(privateRepo)); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GIT_AUTHOR_DATE=2025-12-01T00:00:00Z", "GIT_COMMITTER_DATE=2025-12-01T00:00:00Z",
		"GIT_AUTHOR_NAME=e2e", "GIT_AUTHOR_EMAIL=e2e@example.com", "GIT_COMMITTER_NAME=e2e", "GIT_COMMITTER_EMAIL=e2e@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	for _, args := range [][]string{
		{"-C", work, "init", "-q", "-b", "main"},
		{"-C", work, "add", "."},
		{"-C", work, "commit", "-q", "-m", "secretlib " + privateVersion},
		{"-C", work, "tag", privateVersion},
		{"clone", "-q", "--bare", work, filepath.Join(root, "secretlib.git")},
	} {
		cmd := exec.Command(git, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	h := &privateGitHost{password: "e2e-" + hex.EncodeToString(secret)}
	backend := &cgi.Handler{Path: git, Args: []string{"http-backend"}, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		h.mu.Lock()
		authorized := ok && user == privateUser && password == h.password
		switch {
		case authorized:
			h.served++
		case ok && user == privateUser:
			h.wrongPwd++
			h.refused++
		default:
			h.refused++
		}
		h.mu.Unlock()
		if !authorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="dockhard e2e private git"`)
			http.Error(w, "401 credentials required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	h.cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return h
}

// netrc is a .netrc line for the host; password "" uses the right one.
func (h *privateGitHost) netrc(password string) string {
	if password == "" {
		password = h.password
	}
	return "machine 127.0.0.1 login " + privateUser + " password " + password + "\n"
}

// counts returns the requests served and refused so far.
func (h *privateGitHost) counts() (served, refused, wrongPassword int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.served, h.refused, h.wrongPwd
}

// gitConfig is the stand-ins' system git config: the private prefix goes
// to the host, whose certificate git trusts.
func (h *privateGitHost) gitConfig(caPath string) string {
	return fmt.Sprintf("[url %q]\n\tinsteadOf = %s\n[http]\n\tsslCAInfo = %s\n", h.url+"/", privatePrefix, caPath)
}

// The fixture's go.sum holds the hashes of the private module as the go
// command computes them from what the host serves (the tagged tree: the
// files of privateRepo).
func TestPrivateFixtureGoSum(t *testing.T) {
	mv := module.Version{Path: privateModule, Version: privateVersion}
	zipFile := filepath.Join(t.TempDir(), "module.zip")
	f, err := os.Create(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.CreateFromDir(f, mv, privateRepo); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zipHash, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(privateRepo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	modHash, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(mod)), nil })
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", privateModule, privateVersion, zipHash, privateModule, privateVersion, modHash)
	got, _ := os.ReadFile(filepath.Join(privateFixture, "go.sum"))
	if string(got) != want {
		t.Errorf("%s/go.sum is\n%s\nwant\n%s", privateFixture, got, want)
	}
}

// The go command fetches the private module directly from the host, with
// exactly the settings of the generated dependency step and a .netrc in
// its home; without the .netrc, or with a wrong password, it cannot. No
// BuildKit: this runs with every go test.
func TestGoCommandFetchesThePrivateModuleWithANetrc(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	h := startPrivateGitHost(t)
	ca := filepath.Join(t.TempDir(), "host.crt")
	os.WriteFile(ca, h.cert, 0o644)
	gitConfig := filepath.Join(t.TempDir(), "gitconfig")
	os.WriteFile(gitConfig, []byte(h.gitConfig(ca)), 0o644)
	download := func(netrc string) (string, error) {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(privateFixture)); err != nil {
			t.Fatal(err)
		}
		home := t.TempDir()
		if netrc != "" {
			os.WriteFile(filepath.Join(home, ".netrc"), []byte(netrc), 0o600)
		}
		cmd := exec.Command("go", "mod", "download")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+home, "NETRC=", "GOMODCACHE="+t.TempDir(), "GOFLAGS=-modcacherw", "GOWORK=off", "GOTOOLCHAIN=local",
			// The stand-ins' git config; GIT_SSL_CAINFO, which a machine may
			// set, would override its sslCAInfo.
			"GIT_CONFIG_SYSTEM="+gitConfig, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_SSL_CAINFO="+ca, "GOPROXY=off",
			// The generated step's own settings.
			"GOPRIVATE=github.com/dockhard-e2e", "GONOPROXY=github.com/dockhard-e2e", "GONOSUMDB=github.com/dockhard-e2e")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := download(""); err == nil {
		t.Errorf("without a .netrc the private module was fetched:\n%s", out)
	}
	if out, err := download(h.netrc("guessed")); err == nil {
		t.Errorf("with a wrong password the private module was fetched:\n%s", out)
	}
	if _, _, wrong := h.counts(); wrong == 0 {
		t.Error("the wrong password never reached the host: the .netrc was not read")
	}
	if out, err := download(h.netrc("")); err != nil {
		t.Fatalf("with the .netrc: %v\n%s", err, out)
	}
	if served, _, _ := h.counts(); served == 0 {
		t.Error("the host served nothing with the credentials")
	}
}

// traces lists where a needle appears in an OCI layout tar: in any blob
// (config, manifests, history) or, for a layer, in any file's name or
// content.
func traces(t *testing.T, ociTar string, needles ...string) []string {
	t.Helper()
	data, err := os.ReadFile(ociTar)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	look := func(where string, b []byte) {
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				found = append(found, fmt.Sprintf("%q in %s", n, where))
			}
		}
	}
	for name, blob := range ociBlobs(t, data) {
		look(name, blob)
		files, ok := layerFiles(blob)
		if !ok {
			continue
		}
		for path, content := range files {
			look(name+": "+path+" (name)", []byte(path))
			look(name+": "+path, content)
		}
	}
	return found
}

// privateSecretFile writes a .netrc for the host in a directory of its
// own and returns its path.
func privateSecretFile(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ociBlobs reads an OCI layout tar: every file in it by name (index.json,
// blobs/sha256/…).
func ociBlobs(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	blobs := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return blobs
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		blobs[h.Name] = b
	}
}

// layerFiles reads a blob as a gzipped layer tar: every entry's content by
// path (links by their target); ok is false for a blob that is no layer.
func layerFiles(blob []byte) (files map[string][]byte, ok bool) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, false
	}
	files = map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, true
		}
		if err != nil {
			return files, len(files) > 0
		}
		content, _ := io.ReadAll(tr)
		files[h.Name] = append(content, h.Linkname...)
	}
}
