package detect

import (
	"go/build"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// depResolver finds the source of packages outside the module: in a
// workspace sibling or a local replace target, else in the module cache at
// the version go.mod selects (after replace). It never downloads anything;
// a module whose source is not on disk is recorded as missing.
type depResolver struct {
	modCache string
	// selected maps a required module path to the module version whose
	// source the build uses (the replacement, when go.mod replaces it).
	selected map[string]module.Version
	// localDirs maps a module path to an absolute directory: workspace
	// siblings and local replace targets.
	localDirs map[string]string
	// modulePaths are all module paths above, longest first, so the first
	// prefix match is the module that provides an import path.
	modulePaths []string
	// pkgs caches scanned packages by absolute directory; a directory in
	// the module cache names the module version, so each version is read
	// once per run.
	pkgs map[string]*sourcePackage
	// rootExists caches whether a module's root directory is on disk.
	rootExists map[string]bool
	// missing are module paths reached whose source is not on disk.
	missing map[string]bool
	scanner *fileScanner
}

// moduleCacheDir is where the go command keeps downloaded modules:
// $GOMODCACHE, else the first GOPATH entry's pkg/mod. Reading the
// environment rather than running `go env` keeps detection free of
// subprocesses; a GOMODCACHE set only in go's own env file is not seen.
func moduleCacheDir() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	first, _, _ := strings.Cut(gopath, string(os.PathListSeparator))
	if first == "" {
		return ""
	}
	return filepath.Join(first, "pkg", "mod")
}

// newDepResolver takes the versions and replacements of the module's parsed
// go.mod (mf). siblings maps workspace module paths to directories relative
// to root.
func newDepResolver(root string, f *Facts, mf *modfile.File, siblings map[string]string) *depResolver {
	r := &depResolver{
		modCache:   moduleCacheDir(),
		selected:   map[string]module.Version{},
		localDirs:  map[string]string{},
		pkgs:       map[string]*sourcePackage{},
		rootExists: map[string]bool{},
		missing:    map[string]bool{},
		scanner:    newFileScanner(f.BuildTags),
	}
	r.scanner.importsOnly = true
	for _, req := range mf.Require {
		r.selected[req.Mod.Path] = req.Mod
	}
	for _, rep := range mf.Replace {
		if modfile.IsDirectoryPath(rep.New.Path) {
			continue // local replaces are in f.LocalReplaces
		}
		if _, ok := r.selected[rep.Old.Path]; ok && (rep.Old.Version == "" || rep.Old.Version == r.selected[rep.Old.Path].Version) {
			r.selected[rep.Old.Path] = rep.New
		}
	}
	for _, lr := range f.LocalReplaces {
		r.localDirs[lr.Module] = filepath.Join(root, filepath.FromSlash(lr.Dir))
	}
	if f.Workspace != nil {
		for modPath, rel := range siblings {
			// A sibling go.mod requires is built from its version
			// (GOWORK=off); only an unrequired one comes from the
			// workspace (Workspace.Needed).
			if _, required := r.selected[modPath]; !required {
				r.localDirs[modPath] = filepath.Join(root, filepath.FromSlash(rel))
			}
		}
	}
	for p := range r.selected {
		r.modulePaths = append(r.modulePaths, p)
	}
	for p := range r.localDirs {
		if _, ok := r.selected[p]; !ok {
			r.modulePaths = append(r.modulePaths, p)
		}
	}
	sort.Slice(r.modulePaths, func(i, j int) bool {
		if len(r.modulePaths[i]) != len(r.modulePaths[j]) {
			return len(r.modulePaths[i]) > len(r.modulePaths[j])
		}
		return r.modulePaths[i] < r.modulePaths[j]
	})
	return r
}

// moduleOf returns the module that provides importPath: the longest module
// path that is a prefix of it.
func (r *depResolver) moduleOf(importPath string) (string, bool) {
	for _, p := range r.modulePaths {
		if importPath == p || strings.HasPrefix(importPath, p+"/") {
			return p, true
		}
	}
	return "", false
}

// lookup returns the package importPath as the build would compile it, and
// the module that provides it. sp is nil when the source is not on disk
// (then the module is recorded as missing) or the directory holds no Go
// file built for the target.
func (r *depResolver) lookup(importPath string) (sp *sourcePackage, modPath string) {
	if !validImportPath(importPath) {
		return nil, importPath // example.com/m/../../x would read outside the module
	}
	modPath, ok := r.moduleOf(importPath)
	if !ok {
		// Not in go.mod: an old go.mod (before 1.17) that does not list
		// indirect dependencies, or an import the build would reject.
		r.missing[importPath] = true
		return nil, importPath
	}
	sub := strings.TrimPrefix(strings.TrimPrefix(importPath, modPath), "/")
	var rootDir string
	if dir, ok := r.localDirs[modPath]; ok {
		rootDir = dir
	} else {
		v := r.selected[modPath]
		if modfile.IsDirectoryPath(v.Path) || r.modCache == "" {
			r.missing[modPath] = true
			return nil, modPath
		}
		escPath, err1 := module.EscapePath(v.Path)
		escVer, err2 := module.EscapeVersion(v.Version)
		if err1 != nil || err2 != nil {
			r.missing[modPath] = true
			return nil, modPath
		}
		rootDir = filepath.Join(r.modCache, filepath.FromSlash(escPath)+"@"+escVer)
	}
	exists, ok := r.rootExists[rootDir]
	if !ok {
		st, err := os.Stat(rootDir)
		exists = err == nil && st.IsDir()
		r.rootExists[rootDir] = exists
	}
	if !exists {
		r.missing[modPath] = true
		return nil, modPath
	}
	dir := filepath.Join(rootDir, filepath.FromSlash(sub))
	if sp, ok := r.pkgs[dir]; ok {
		return sp, modPath
	}
	// The module cache is the user's own, not the repository's: a file
	// there that cannot be read only leaves that package unknown.
	sp, _ = scanPackageDir(r.scanner, dir, importPath)
	r.pkgs[dir] = sp
	return sp, modPath
}

// missingModules returns the module paths reached without source, sorted.
func (r *depResolver) missingModules() []string {
	return sortedKeys(r.missing)
}

// scanPackageDir reads the Go files of one package directory outside the
// module (a dependency), imports only. label names the package in
// evidence: files are labelled label/name.go. It returns nil when the
// directory cannot be read or builds no file for the target, and the first
// file refused as special or oversized (an InputError): a .go name that is
// a link to /dev/zero or a FIFO is never read, and the caller decides
// whether that is the user's problem (vendor/) or not (the module cache).
func scanPackageDir(s *fileScanner, absDir, label string) (*sourcePackage, error) {
	// Stat first: opening a FIFO named like a package directory would
	// wait for a writer forever.
	if st, err := os.Stat(absDir); err != nil || !st.IsDir() {
		return nil, nil
	}
	dir, err := os.Open(absDir)
	if err != nil {
		return nil, nil
	}
	defer dir.Close()
	entries, err := dir.ReadDir(-1)
	if err != nil {
		return nil, nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	pkgs := map[string]*sourcePackage{}
	var refused error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		var data []byte
		if e.Type().IsRegular() {
			data, err = safefile.ReadAt(dir, absDir, name, s.buf)
			if err == nil {
				s.buf = data[:cap(data)]
			}
		} else {
			// A link is followed as the go command would; what it
			// leads to must still be a regular file of a sane size.
			data, err = safefile.Read(filepath.Join(absDir, name), safefile.GoSource)
		}
		if err != nil {
			if inputerr.Is(err) && refused == nil {
				refused = err
			}
			continue
		}
		r, err := s.scan(data, absDir, name, path.Join(label, name), label)
		if err == nil && r.pkg != "" {
			mergeFile(pkgs, r)
		}
	}
	return pkgs[label], refused
}
