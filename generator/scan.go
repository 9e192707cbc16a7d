package generator

import (
	"bytes"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// sourcePackage is what the scan learned about one directory of Go files.
// Only package clauses, imports, //go:embed lines and (in files that look
// like they may listen) listen addresses are read: no type checking.
type sourcePackage struct {
	dir      string          // relative to the module root, slash form
	names    map[string]bool // package clauses seen (without _test)
	imports  map[string]bool
	cgo      []Evidence // files with import "C"
	ports    []Port
	embeds   []string // //go:embed patterns relative to the module root
	firstPos map[string]Evidence
}

// scannedFile is one parsed file; workers produce them, one goroutine
// merges them, so sourcePackage needs no lock.
type scannedFile struct {
	dir     string
	rel     string
	pkg     string
	imports []string
	cgoLine int
	ports   []Port
	embeds  []string
}

// scanTree walks root (the module root) and parses every Go file that would
// be built for linux. It skips vendor/, testdata/, directories starting with
// "." or "_", and nested modules, which it reports.
func scanTree(root string) (map[string]*sourcePackage, []string, error) {
	type job struct{ abs, rel, dir string }
	var jobs []job
	var nested []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				nested = append(nested, rel)
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		jobs = append(jobs, job{abs: p, rel: rel, dir: path.Dir(rel)})
		return nil
	})
	if err != nil {
		return nil, nil, inputErrorf("cannot read the module tree: %v", err)
	}

	results := make([]scannedFile, len(jobs))
	errs := make([]error, len(jobs))
	var next int64 = -1
	var mu sync.Mutex
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		next++
		return int(next)
	}
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newFileScanner()
			for i := take(); i < len(jobs); i = take() {
				j := jobs[i]
				results[i], errs[i] = s.scan(j.abs, j.rel, j.dir)
			}
		}()
	}
	wg.Wait()

	pkgs := map[string]*sourcePackage{}
	for i, r := range results {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		if r.pkg == "" { // excluded by build constraints
			continue
		}
		mergeFile(pkgs, r)
	}
	return pkgs, nested, nil
}

func mergeFile(pkgs map[string]*sourcePackage, r scannedFile) {
	sp := pkgs[r.dir]
	if sp == nil {
		sp = &sourcePackage{dir: r.dir, names: map[string]bool{}, imports: map[string]bool{}, firstPos: map[string]Evidence{}}
		pkgs[r.dir] = sp
	}
	sp.names[r.pkg] = true
	if _, ok := sp.firstPos[r.pkg]; !ok || r.rel < sp.firstPos[r.pkg].File {
		sp.firstPos[r.pkg] = Evidence{File: r.rel, What: "package " + r.pkg}
	}
	for _, imp := range r.imports {
		sp.imports[imp] = true
	}
	if r.cgoLine > 0 {
		sp.cgo = append(sp.cgo, Evidence{File: r.rel, Line: r.cgoLine, What: `import "C"`})
	}
	sp.ports = append(sp.ports, r.ports...)
	sp.embeds = append(sp.embeds, r.embeds...)
}

// fileScanner is one worker's reusable state.
type fileScanner struct {
	ctxt build.Context
	data []byte
}

func newFileScanner() *fileScanner {
	s := &fileScanner{ctxt: build.Default}
	// Generated Dockerfiles build for Linux; cgo is allowed so that cgo
	// files are seen (whether cgo is used is decided afterwards).
	s.ctxt.GOOS = "linux"
	s.ctxt.GOARCH = "amd64"
	s.ctxt.CgoEnabled = true
	s.ctxt.OpenFile = func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(s.data)), nil
	}
	return s
}

// portHints are the words a file must contain before it is parsed in full
// for listen addresses; most files contain none and cost only a scan.
var portHints = [][]byte{[]byte("Listen"), []byte("Serve"), []byte("Getenv"), []byte("LookupEnv"), []byte("Addr"), []byte("flag."), []byte(".Run(")}

func (s *fileScanner) scan(abs, rel, dir string) (scannedFile, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return scannedFile{}, inputErrorf("cannot read %s: %v", rel, err)
	}
	s.data = data
	// MatchFile applies file name suffixes (_windows.go) and build
	// constraints (//go:build ignore) exactly as the go command does.
	ok, err := s.ctxt.MatchFile(filepath.Dir(abs), filepath.Base(abs))
	if err != nil || !ok {
		// A file the go command cannot read the header of is not ours to
		// judge; the build will report it.
		return scannedFile{}, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, rel, data, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return scannedFile{}, nil
	}
	out := scannedFile{dir: dir, rel: rel, pkg: f.Name.Name}
	usesEmbed := false
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		if p == "C" {
			out.cgoLine = fset.Position(is.Pos()).Line
			continue
		}
		if p == "embed" {
			usesEmbed = true
		}
		out.imports = append(out.imports, p)
	}
	if usesEmbed {
		out.embeds = embedPatterns(data, dir)
	}
	for _, h := range portHints {
		if bytes.Contains(data, h) {
			out.ports = findPorts(rel, data)
			break
		}
	}
	return out, nil
}

// embedPatterns returns the //go:embed patterns of a file, made relative to
// the module root.
func embedPatterns(data []byte, dir string) []string {
	var out []string
	for _, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		rest, ok := bytes.CutPrefix(line, []byte("//go:embed "))
		if !ok {
			continue
		}
		for _, field := range strings.Fields(string(rest)) {
			if u, err := strconv.Unquote(field); err == nil {
				field = u
			}
			field = strings.TrimPrefix(field, "all:")
			out = append(out, path.Join(dir, field))
		}
	}
	return out
}

// sortedKeys returns the keys of a set, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
