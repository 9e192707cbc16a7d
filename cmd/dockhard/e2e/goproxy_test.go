package e2e

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/sumdb/dirhash"
)

// The Go proxy's own tests need neither root nor BuildKit: they run with
// every `go test ./...`.

const (
	// proxyFixtures holds the modules the proxy serves.
	proxyFixtures = "testdata/goproxy"
	// cacheFixture is a program whose only cgo is in a proxied module.
	cacheFixture = "testdata/cgoviacache"
)

// The fixture's go.sum must hold the h1: hashes of exactly what the proxy
// serves, computed as the go command computes them (x/mod's dirhash over
// the zip, and over go.mod alone): a fixture module edited without its
// go.sum fails here, not as a checksum mismatch inside a BuildKit build.
func TestFixtureGoSumHoldsTheProxiedHashes(t *testing.T) {
	p := newGoProxy(t, proxyFixtures)
	gomod, err := os.ReadFile(filepath.Join(cacheFixture, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mf, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(cacheFixture, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{} // "path version" and "path version/go.mod" → hash
	for line := range strings.Lines(string(gosum)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			t.Fatalf("go.sum line %q is not MODULE VERSION HASH", line)
		}
		sums[f[0]+" "+f[1]] = f[2]
	}
	want := map[string]string{}
	for _, r := range mf.Require {
		v := p.version(r.Mod.Path, r.Mod.Version)
		if v == nil {
			t.Errorf("go.mod requires %s, which the proxy does not serve (add %s/%s@%s)", r.Mod, proxyFixtures, r.Mod.Path, r.Mod.Version)
			continue
		}
		zipFile := filepath.Join(t.TempDir(), "module.zip")
		os.WriteFile(zipFile, v.zip, 0o644)
		h, err := dirhash.HashZip(zipFile, dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		want[r.Mod.Path+" "+r.Mod.Version] = h
		h, err = dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(v.mod)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want[r.Mod.Path+" "+r.Mod.Version+"/go.mod"] = h
	}
	for key, h := range want {
		if sums[key] != h {
			t.Errorf("go.sum has %q for %s; the proxy serves %s: the line is\n%s %s", sums[key], key, h, key, h)
		}
	}
	for key := range sums {
		if _, ok := want[key]; !ok {
			t.Errorf("go.sum has a line for %s, which go.mod does not require", key)
		}
	}
}

// version is the proxied path@version, nil when the proxy lacks it.
func (p *goProxy) version(path, version string) *proxiedVersion {
	for i, v := range p.modules[path] {
		if v.version == version {
			return &p.modules[path][i]
		}
	}
	return nil
}

func TestGoProxyAnswersTheProtocol(t *testing.T) {
	srv := httptest.NewServer(newGoProxy(t, proxyFixtures))
	defer srv.Close()
	for _, c := range []struct {
		path string
		code int
		body string // a part of the answer
	}{
		{"/example.com/cgolib/@v/list", 200, "v1.0.0\n"},
		{"/example.com/cgolib/@v/v1.0.0.info", 200, `{"Version":"v1.0.0","Time":"2025-12-01T00:00:00Z"}`},
		{"/example.com/cgolib/@latest", 200, `"Version":"v1.0.0"`},
		{"/example.com/cgolib/@v/v1.0.0.mod", 200, "module example.com/cgolib\n"},
		{"/example.com/cgolib/@v/v1.0.0.zip", 200, "example.com/cgolib@v1.0.0/cgolib.go"},
		// 404 sends the go command on to the next proxy in GOPROXY.
		{"/example.com/cgolib/@v/v1.0.1.info", 404, ""},
		{"/golang.org/toolchain/@v/v0.0.1-go1.26.0.linux-amd64.zip", 404, ""},
		{"/example.com/cgolib/@v/v1.0.0.tar", 404, ""},
	} {
		code, body := get(t, srv.Client(), srv.URL+c.path, "", "")
		if code != c.code || !strings.Contains(body, c.body) {
			t.Errorf("GET %s: %d %.80q, want %d with %q", c.path, code, body, c.code, c.body)
		}
	}
}

// A proxy told to require credentials refuses every request without them
// or with wrong ones, and serves them with the right ones: what issue
// #18's private modules need.
func TestGoProxyRequiresCredentialsWhenAsked(t *testing.T) {
	p := newGoProxy(t, proxyFixtures)
	p.requireBasicAuth("e2e-user", "e2e-secret")
	srv := httptest.NewServer(p)
	defer srv.Close()
	for _, path := range []string{"/example.com/cgolib/@v/list", "/example.com/cgolib/@v/v1.0.0.zip", "/no/such/module/@v/list"} {
		for _, c := range []struct {
			user, password string
			code           int
		}{
			{"", "", http.StatusUnauthorized},
			{"e2e-user", "wrong", http.StatusUnauthorized},
			{"someone", "e2e-secret", http.StatusUnauthorized},
		} {
			if code, _ := get(t, srv.Client(), srv.URL+path, c.user, c.password); code != c.code {
				t.Errorf("GET %s as %q/%q: %d, want %d", path, c.user, c.password, code, c.code)
			}
		}
	}
	if code, body := get(t, srv.Client(), srv.URL+"/example.com/cgolib/@v/list", "e2e-user", "e2e-secret"); code != 200 || body != "v1.0.0\n" {
		t.Errorf("with the credentials: %d %q, want 200 v1.0.0", code, body)
	}
	if served := p.zipsServed(); len(served) != 0 {
		t.Errorf("zips served without credentials: %v", served)
	}
}

func get(t *testing.T, client *http.Client, url, user, password string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// The go command itself downloads the fixture's dependency through the
// proxy and checks it against the fixture's go.sum; from a proxy that
// requires credentials, only with a .netrc naming them (which the go
// command sends over https only).
func TestGoCommandDownloadsThroughTheProxy(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	t.Run("open, over http", func(t *testing.T) {
		p := newGoProxy(t, proxyFixtures)
		srv := httptest.NewServer(p)
		defer srv.Close()
		if out, err := goModDownloadFixture(t, srv.URL, "NETRC="+filepath.Join(t.TempDir(), "none")); err != nil {
			t.Fatalf("go mod download: %v\n%s", err, out)
		}
		if served := p.zipsServed(); fmt.Sprint(served) != "[example.com/cgolib@v1.0.0]" {
			t.Errorf("zips served: %v, want example.com/cgolib@v1.0.0", served)
		}
	})
	t.Run("private, over https with a .netrc", func(t *testing.T) {
		p := newGoProxy(t, proxyFixtures)
		p.requireBasicAuth("e2e-user", "e2e-secret")
		srv := httptest.NewTLSServer(p)
		defer srv.Close()
		// The go command trusts the test server's certificate through
		// SSL_CERT_FILE, as the stand-in builders trust the test network's.
		cert := filepath.Join(t.TempDir(), "proxy.crt")
		os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
		host := strings.TrimPrefix(srv.URL, "https://")
		netrc := filepath.Join(t.TempDir(), "netrc")
		os.WriteFile(netrc, []byte("machine "+host+" login e2e-user password e2e-secret\n"), 0o600)
		wrong := filepath.Join(t.TempDir(), "netrc-wrong")
		os.WriteFile(wrong, []byte("machine "+host+" login e2e-user password guessed\n"), 0o600)

		for _, n := range []string{filepath.Join(t.TempDir(), "none"), wrong} {
			out, err := goModDownloadFixture(t, srv.URL, "SSL_CERT_FILE="+cert, "NETRC="+n)
			if err == nil || !strings.Contains(out, "401 Unauthorized") {
				t.Errorf("with NETRC=%s: go mod download gave %v, want a 401 refusal\n%s", filepath.Base(n), err, out)
			}
		}
		if out, err := goModDownloadFixture(t, srv.URL, "SSL_CERT_FILE="+cert, "NETRC="+netrc); err != nil {
			t.Fatalf("go mod download with the .netrc: %v\n%s", err, out)
		}
		if served := p.zipsServed(); fmt.Sprint(served) != "[example.com/cgolib@v1.0.0]" {
			t.Errorf("zips served: %v, want example.com/cgolib@v1.0.0 once", served)
		}
	})
}

// goModDownloadFixture runs `go mod download` in a copy of the cache
// fixture into an empty module cache and checks that the module's source
// arrived, checked against the fixture's go.sum.
func goModDownloadFixture(t *testing.T, proxyURL string, env ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(cacheFixture)); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	out, err := goModDownload(t, dir, proxyURL, cache, env...)
	if err != nil {
		return out, err
	}
	got, err := os.ReadFile(filepath.Join(cache, "example.com", "cgolib@v1.0.0", "cgolib.go"))
	want, _ := os.ReadFile(filepath.Join(proxyFixtures, "example.com", "cgolib@v1.0.0", "cgolib.go"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the module cache lacks the proxied source: %v", err)
	}
	// A hash the go command had to add was missing: the download was not
	// checked against the fixture's go.sum.
	before, _ := os.ReadFile(filepath.Join(cacheFixture, "go.sum"))
	if after, _ := os.ReadFile(filepath.Join(dir, "go.sum")); !bytes.Equal(before, after) {
		t.Errorf("go mod download changed go.sum:\n%s\nwas:\n%s", after, before)
	}
	return out, nil
}

// goModDownload runs `go mod download` in the module in dir, from proxyURL
// alone, into the module cache cache, as a user fills their cache.
func goModDownload(t *testing.T, dir, proxyURL, cache string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(goProxyEnv(proxyURL, cache), env...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// goProxyEnv has the go command download only from proxyURL into cache, a
// module cache the test can remove (-modcacherw), with the machine's Go and
// outside this repository's workspace. The fixture modules are in no
// checksum database: the fixture's go.sum is what checks them.
func goProxyEnv(proxyURL, cache string) []string {
	return []string{"GOPROXY=" + proxyURL, "GOMODCACHE=" + cache, "GOFLAGS=-modcacherw",
		"GONOSUMDB=example.com", "GOWORK=off", "GOTOOLCHAIN=local"}
}
