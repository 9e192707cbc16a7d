package e2e

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

// goProxy serves fixture modules over the GOPROXY protocol
// (https://go.dev/ref/mod#goproxy-protocol): a stand-in builder downloads
// them from it as it would from a real proxy. Each module version is a
// directory named as in the module cache, <module path>@<version>, whose
// zip is made by x/mod/zip, the go command's own format. Anything else is
// 404, which tells the go command to ask the next proxy in GOPROXY.
type goProxy struct {
	modules map[string][]proxiedVersion // by module path, in semver order

	// user and password, when set, are required as HTTP basic auth, as a
	// private proxy does. The go command sends them from a .netrc (NETRC)
	// over https only, so such a proxy is served with TLS.
	user, password string

	mu     sync.Mutex
	served []string // the zips served, as module@version, in order
}

type proxiedVersion struct {
	version  string
	mod, zip []byte
}

// proxyTime is every fixture version's time in its .info: fixed, so what
// the proxy serves does not depend on when the suite runs.
var proxyTime = time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)

// newGoProxy zips every <module path>@<version> directory under root.
func newGoProxy(t *testing.T, root string) *goProxy {
	t.Helper()
	p := &goProxy{modules: map[string][]proxiedVersion{}}
	err := filepath.WalkDir(root, func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || !strings.Contains(d.Name(), "@") {
			return err
		}
		rel, _ := filepath.Rel(root, dir)
		path, version, _ := strings.Cut(filepath.ToSlash(rel), "@")
		mv := module.Version{Path: path, Version: version}
		if err := module.Check(path, version); err != nil {
			return err
		}
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			return err
		}
		var zip bytes.Buffer
		if err := modzip.CreateFromDir(&zip, mv, dir); err != nil {
			return err
		}
		p.modules[path] = append(p.modules[path], proxiedVersion{version: version, mod: mod, zip: zip.Bytes()})
		return filepath.SkipDir
	})
	if err != nil {
		t.Fatalf("fixture modules for the Go proxy: %v", err)
	}
	for _, versions := range p.modules {
		slices.SortFunc(versions, func(a, b proxiedVersion) int { return semver.Compare(a.version, b.version) })
	}
	return p
}

// requireBasicAuth makes the proxy answer 401 to any request without these
// credentials.
func (p *goProxy) requireBasicAuth(user, password string) {
	p.user, p.password = user, password
}

// zipsServed lists the module zips downloaded so far, as module@version.
func (p *goProxy) zipsServed() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.served...)
}

func (p *goProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.user != "" {
		if user, password, ok := r.BasicAuth(); !ok || user != p.user || password != p.password {
			w.Header().Set("WWW-Authenticate", `Basic realm="dockhard e2e Go proxy"`)
			http.Error(w, "401 credentials required", http.StatusUnauthorized)
			return
		}
	}
	escPath, what, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/@")
	path, err := module.UnescapePath(escPath)
	versions := p.modules[path]
	if !ok || err != nil || len(versions) == 0 {
		http.NotFound(w, r)
		return
	}
	if what == "v/list" {
		for _, v := range versions {
			w.Write([]byte(v.version + "\n"))
		}
		return
	}
	if what == "latest" {
		writeInfo(w, versions[len(versions)-1].version)
		return
	}
	file, ok := strings.CutPrefix(what, "v/")
	ext := filepath.Ext(file)
	version, err := module.UnescapeVersion(strings.TrimSuffix(file, ext))
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	for _, v := range versions {
		if v.version != version {
			continue
		}
		switch ext {
		case ".info":
			writeInfo(w, version)
		case ".mod":
			w.Write(v.mod)
		case ".zip":
			p.mu.Lock()
			p.served = append(p.served, path+"@"+version)
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/zip")
			w.Write(v.zip)
		default:
			http.NotFound(w, r)
		}
		return
	}
	http.NotFound(w, r)
}

func writeInfo(w http.ResponseWriter, version string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		Version string
		Time    time.Time
	}{version, proxyTime})
}
