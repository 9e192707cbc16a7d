package detect

import (
	"bytes"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
)

// sourcePackage is what the scan learned about one directory of Go files.
// Only package clauses, imports, //go:embed lines and (in files that look
// like they may listen) listen addresses are read: no type checking.
type sourcePackage struct {
	dir     string          // relative to the module root, slash form
	names   map[string]bool // package clauses seen (without _test)
	imports map[string]bool
	cgo     []Evidence // files with import "C"
	// files are the package's files parsed in full (those that may listen
	// or hold a value a listen address is built from); ports and routes
	// are traced from them once the whole module is scanned.
	files     []*parsedFile
	syntax    *pkgSyntax
	ports     []Port
	routes    []HealthRoute
	timeZones []Evidence
	dataReads []dataRead
	tempFiles []Evidence
	embeds    []string // //go:embed patterns relative to the module root
	// first is the package's first file by name: where evidence about the
	// package as a whole points.
	first string
}

// scannedFile is one parsed file; workers produce them, one goroutine
// merges them, so sourcePackage needs no lock.
type scannedFile struct {
	dir     string
	rel     string
	pkg     string
	imports []string
	cgoLine int
	syntax  *parsedFile
	embeds  []string
}

// scanTree walks root (the module root) and parses every Go file that would
// be built for linux. It skips vendor/, testdata/, directories starting with
// "." or "_", and nested modules, which it reports.
//
// Directories are scanned in parallel, one at a time per worker: a worker
// lists a directory once, queues its subdirectories, opens its files
// relative to the open directory, so the kernel resolves one name per file
// rather than the whole path, and merges them into the directory's package
// in name order, so the output does not depend on scheduling.
func scanTree(root string, buildTags []string) (map[string]*sourcePackage, []string, error) {
	var (
		mu       sync.Mutex
		pkgs     = map[string]*sourcePackage{}
		nested   []string
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, runtime.GOMAXPROCS(0))
		pool     = sync.Pool{New: func() any { return newFileScanner(buildTags) }}
	)
	var visit func(rel string)
	visit = func(rel string) {
		defer wg.Done()
		slots <- struct{}{}
		defer func() { <-slots }()
		s := pool.Get().(*fileScanner)
		defer pool.Put(s)
		found, subdirs, isNested, err := s.scanDir(root, rel)
		var sp *sourcePackage
		if err == nil && !isNested {
			sort.Slice(found, func(i, j int) bool { return found[i].rel < found[j].rel })
			dirPkgs := map[string]*sourcePackage{}
			for _, f := range found {
				if f.pkg != "" { // "" is a file excluded by build constraints
					mergeFile(dirPkgs, f)
				}
			}
			sp = dirPkgs[rel]
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			if firstErr == nil {
				firstErr = err
			}
			return
		case isNested:
			nested = append(nested, rel)
			return
		}
		if sp != nil {
			pkgs[rel] = sp
		}
		for _, sub := range subdirs {
			wg.Add(1)
			go visit(sub)
		}
	}
	wg.Add(1)
	visit(".")
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	sort.Strings(nested)
	return pkgs, nested, nil
}

// scanDir lists one directory (rel to root, slash form), scans its Go files
// and returns its subdirectories to visit. A directory other than the root
// that holds a go.mod is a nested module and is not scanned.
func (s *fileScanner) scanDir(root, rel string) (files []scannedFile, subdirs []string, nested bool, err error) {
	dirPath := filepath.Join(root, filepath.FromSlash(rel))
	dir, err := os.Open(dirPath)
	if err != nil {
		return nil, nil, false, inputerr.Errorf("cannot read %s: %v", dirPath, err)
	}
	defer dir.Close()
	entries, err := dir.ReadDir(-1)
	if err != nil {
		return nil, nil, false, inputerr.Errorf("cannot read %s: %v", dirPath, err)
	}
	if rel != "." {
		for _, e := range entries {
			if e.Name() == "go.mod" && !e.IsDir() {
				return nil, nil, true, nil
			}
		}
	}
	files = make([]scannedFile, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				continue
			}
			subdirs = append(subdirs, path.Join(rel, name))
		case e.Type().IsRegular() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			data, err := safefile.ReadAt(dir, dirPath, name, s.buf)
			if inputerr.Is(err) {
				return nil, nil, false, err
			}
			if err != nil {
				return nil, nil, false, inputerr.Errorf("cannot read %s: %v", path.Join(rel, name), err)
			}
			s.buf = data[:cap(data)] // keep a grown buffer; data is not retained
			fileRel := name
			if rel != "." {
				fileRel = rel + "/" + name
			}
			f, err := s.scan(data, dirPath, name, fileRel, rel)
			if err != nil {
				return nil, nil, false, err
			}
			files = append(files, f)
		}
	}
	return files, subdirs, false, nil
}

func mergeFile(pkgs map[string]*sourcePackage, r scannedFile) {
	sp := pkgs[r.dir]
	if sp == nil {
		sp = &sourcePackage{dir: r.dir, names: map[string]bool{}, imports: map[string]bool{}}
		pkgs[r.dir] = sp
	}
	sp.names[r.pkg] = true
	if sp.first == "" || r.rel < sp.first {
		sp.first = r.rel
	}
	for _, imp := range r.imports {
		sp.imports[imp] = true
	}
	if r.cgoLine > 0 {
		sp.cgo = append(sp.cgo, Evidence{File: r.rel, Line: r.cgoLine, What: `import "C"`})
	}
	if r.syntax != nil {
		sp.files = append(sp.files, r.syntax)
	}
	sp.embeds = append(sp.embeds, r.embeds...)
}

// fileScanner is one worker's reusable state.
type fileScanner struct {
	ctxt build.Context
	// importsOnly skips listen addresses: set for dependencies, whose
	// defaults are not this program's ports.
	importsOnly bool
	data        []byte
	buf         []byte
}

func newFileScanner(buildTags []string) *fileScanner {
	s := &fileScanner{ctxt: build.Default, buf: make([]byte, 64<<10)}
	// Generated Dockerfiles build for Linux; cgo is allowed so that cgo
	// files are seen (whether cgo is used is decided afterwards).
	s.ctxt.GOOS = "linux"
	s.ctxt.GOARCH = "amd64"
	s.ctxt.CgoEnabled = true
	s.ctxt.BuildTags = buildTags
	s.ctxt.OpenFile = func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(s.data)), nil
	}
	return s
}

// portHints are the words a file must contain before it is parsed in full
// for listen addresses, the values they are built from (consts, env
// helpers, flags) and health routes; most files contain none and cost only
// a scan.
var portHints = [][]byte{
	[]byte("Listen"), []byte("Serve"), []byte("Getenv"), []byte("LookupEnv"), []byte("Addr"), []byte("addr"),
	[]byte("Port"), []byte("PORT"), []byte("flag."), []byte("Flags()"), []byte(".Run("), []byte(".Start("),
	[]byte("/health"), []byte("/livez"), []byte("/readyz"), []byte("/ping"),
	[]byte("LoadLocation"),
	// Temporary files (tempFiles).
	[]byte("CreateTemp"), []byte("MkdirTemp"), []byte("TempDir"), []byte("TempFile"),
	// Files read at run time (dataReads).
	[]byte("ReadFile"), []byte("os.Open"), []byte("ParseGlob"), []byte("ParseFiles"), []byte("http.Dir"), []byte("DirFS"),
}

// scan reads one file's content: its build constraints, package clause,
// imports, //go:embed lines and, when it may listen, its listen addresses.
func (s *fileScanner) scan(data []byte, absDir, name, rel, dir string) (scannedFile, error) {
	s.data = data
	// MatchFile applies file name suffixes (_windows.go) and build
	// constraints (//go:build ignore) exactly as the go command does. Only
	// a name with '_' or a constraint line can exclude a file, so the others
	// skip it.
	if strings.Contains(name, "_") || bytes.Contains(data, []byte("go:build")) || bytes.Contains(data, []byte("+build")) {
		ok, err := s.ctxt.MatchFile(absDir, name)
		if err != nil || !ok {
			// A file the go command cannot read the header of is not ours
			// to judge; the build will report it.
			return scannedFile{}, nil
		}
	}
	var full *parsedFile
	if !s.importsOnly {
		for _, h := range portHints {
			if bytes.Contains(data, h) {
				full = parseFull(rel, data)
				break
			}
		}
	}
	var (
		fset *token.FileSet
		f    *ast.File
	)
	if full != nil {
		fset, f = full.fset, full.ast
	} else {
		fset = token.NewFileSet()
		var err error
		if f, err = parser.ParseFile(fset, rel, data, parser.ImportsOnly|parser.SkipObjectResolution); err != nil {
			return scannedFile{}, nil
		}
	}
	out := scannedFile{dir: dir, rel: rel, pkg: f.Name.Name, syntax: full}
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
			if !ValidEmbedPattern(field) {
				continue // the go tool rejects it (../../etc/passwd, ..)
			}
			out = append(out, path.Join(dir, field))
		}
	}
	return out
}

// sortedKeys returns a map's keys, sorted; never nil, so JSON shows [].
func sortedKeys[V any](m map[string]V) []string {
	return append([]string{}, slices.Sorted(maps.Keys(m))...)
}
