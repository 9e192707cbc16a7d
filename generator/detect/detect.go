package detect

import (
	_ "embed"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
)

//go:embed cgo_modules.txt
var cgoModulesData string

// cgoModules are import path prefixes known to need cgo (cgo_modules.txt).
var cgoModules = parseCgoModules(cgoModulesData)

func parseCgoModules(data string) []string {
	var out []string
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// knownCgo returns the entry of cgo_modules.txt that covers importPath.
func knownCgo(importPath string) (string, bool) {
	for _, m := range cgoModules {
		if importPath == m || strings.HasPrefix(importPath, m+"/") {
			return m, true
		}
	}
	return "", false
}

// Detect reads the module rooted at dir: go.mod, go.work, vendor/ and the
// package clauses, imports and listen addresses of its Go files. It never
// runs the go command and never type-checks.
func Detect(dir string) (*Facts, error) {
	return DetectWithTags(dir, nil)
}

// DetectWithTags is Detect with extra build tags (validated names, as
// --tags gives them): files whose build constraints need them are read, as
// go build -tags would.
func DetectWithTags(dir string, buildTags []string) (*Facts, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, inputerr.Errorf("bad directory %q: %v", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, inputerr.Errorf("cannot use %s as the module directory: %v", dir, err)
	}
	if !st.IsDir() {
		return nil, inputerr.Errorf("%s is a file; pass the directory that holds go.mod", dir)
	}
	f := &Facts{SchemaVersion: 1, Dir: abs, BuildTags: append([]string{}, buildTags...)}
	mf, err := readGoMod(abs, f)
	if err != nil {
		return nil, err
	}
	if err := decideVendor(abs, f, mf); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "go.sum")); err == nil {
		f.HasGoSum = true
	}
	var siblings map[string]string
	if work := findGoWork(abs); work != "" {
		if siblings, err = readGoWork(abs, work, f); err != nil {
			return nil, err
		}
	}

	pkgs, nested, err := scanTree(abs, buildTags)
	if err != nil {
		return nil, err
	}
	f.NestedModules = nested
	d := &detector{root: abs, facts: f, pkgs: pkgs, vendor: map[string]*sourcePackage{}, deps: newDepResolver(abs, f, mf, siblings), stringVars: map[string][]stringVar{}}
	d.traceValues()

	embeds := map[string]bool{}
	for _, dirName := range sortedPkgDirs(pkgs) {
		sp := pkgs[dirName]
		for _, e := range sp.embeds {
			embeds[e] = true
		}
		if !sp.names["main"] {
			continue
		}
		if len(sp.names) > 1 {
			f.Broken = append(f.Broken, BrokenPackage{Dir: dirName, Packages: sortedKeys(sp.names)})
			continue
		}
		m := d.mainPackage(dirName)
		if dirName == "examples" || strings.HasPrefix(dirName, "examples/") {
			f.ExampleMains = append(f.ExampleMains, m)
		} else {
			f.Mains = append(f.Mains, m)
		}
	}
	f.EmbedPatterns = sortedKeys(embeds)

	if f.Workspace != nil {
		d.decideWorkspace(siblings)
	}
	if d.readErr != nil {
		return nil, d.readErr
	}
	if f.Mains == nil {
		f.Mains = []MainPackage{}
	}
	for _, m := range f.Mains {
		name := "./" + m.Dir
		if m.Dir == "." {
			name = "."
		}
		for _, p := range m.Ports {
			if p.Loopback {
				f.Notes = append(f.Notes, fmt.Sprintf("%s listens on port %d on loopback by default (%s:%d): nothing outside the container reaches it; start the container with the program's address flag or variable set to listen on all interfaces", name, p.Number, p.Evidence.File, p.Evidence.Line))
			}
		}
	}
	f.UnresolvedModules = d.deps.missingModules()
	if len(f.UnresolvedModules) > 0 {
		f.Notes = append(f.Notes, fmt.Sprintf("not in the module cache: %s; cgo was decided by the known list for what they import: run `go mod download` for an exact answer", strings.Join(f.UnresolvedModules, ", ")))
	}
	return f, nil
}

// sortedPkgDirs returns package directories with the root first.
func sortedPkgDirs(pkgs map[string]*sourcePackage) []string {
	dirs := make([]string, 0, len(pkgs))
	for d := range pkgs {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		if dirs[i] == "." || dirs[j] == "." {
			return dirs[i] == "."
		}
		return dirs[i] < dirs[j]
	})
	return dirs
}

type detector struct {
	root   string
	facts  *Facts
	pkgs   map[string]*sourcePackage
	vendor map[string]*sourcePackage // by import path; nil value: not vendored
	deps   *depResolver
	// readErr is the first vendored file refused as special or oversized.
	readErr error
	// stringVars caches each package's linker-settable string variables.
	stringVars map[string][]stringVar
}

// localDir maps an import path of this module to its package directory.
func (d *detector) localDir(importPath string) (string, bool) {
	mod := d.facts.Module.Path
	switch {
	case importPath == mod:
		return ".", true
	case strings.HasPrefix(importPath, mod+"/") && validImportPath(importPath):
		return strings.TrimPrefix(importPath, mod+"/"), true
	}
	return "", false
}

// vendored returns the vendored package for importPath, scanning it on
// first use.
func (d *detector) vendored(importPath string) *sourcePackage {
	if !d.facts.Vendored {
		return nil
	}
	if sp, ok := d.vendor[importPath]; ok {
		return sp
	}
	d.vendor[importPath] = nil
	if !validImportPath(importPath) {
		return nil // a path like example.com/../../x would read outside vendor/
	}
	relDir := path.Join("vendor", importPath)
	sp, err := scanPackageDir(d.deps.scanner, filepath.Join(d.root, filepath.FromSlash(relDir)), relDir)
	if err != nil && d.readErr == nil {
		d.readErr = err
	}
	d.vendor[importPath] = sp
	return sp
}

// reached is one package in the walk from a main: how it was reached.
type reached struct {
	sp     *sourcePackage
	label  string // the module-relative directory, or the import path
	parent int    // index in the walk of the importing package; -1 for the main
}

// chain returns the import chain from the main to walk[i].
func chain(walk []reached, i int) []string {
	var out []string
	for ; i >= 0; i = walk[i].parent {
		out = append(out, walk[i].label)
	}
	slices.Reverse(out)
	return out
}

// mainPackage walks the imports reachable from the main package in dir,
// as the build for linux with cgo enabled would compile them: the module's
// own packages, vendor/ (in vendor mode), workspace and replace targets and
// the module cache. A package decides cgo when it has import "C" in a file
// built for the target, or is on the known list. Ports are the module's
// own packages' only.
func (d *detector) mainPackage(dir string) MainPackage {
	m := MainPackage{Dir: dir, CgoEvidence: []Evidence{}, Ports: []Port{}, HealthRoutes: []HealthRoute{}, TimeZones: []Evidence{}, DataFiles: []DataFile{}, TempFiles: []Evidence{}}
	seen := map[string]bool{}
	walk := []reached{{sp: d.pkgs[dir], label: dir, parent: -1}}
	seen[d.importPathOf(dir)] = true
	var ports []Port
	var routes []HealthRoute
	var timeZones []Evidence
	var dataReads []dataRead
	var localDirs []string // the module's packages this main reaches
	tzdata := false
	missing := map[string]bool{}
	for i := 0; i < len(walk); i++ {
		sp := walk[i].sp
		if sp == nil {
			continue
		}
		for _, e := range sp.cgo {
			if strings.HasPrefix(e.File, "vendor/") || d.isLocalLabel(walk[i].label) {
				e.Chain = chain(walk, i)
			} else {
				// A file in the module cache: name it by its import path.
				e = Evidence{What: `import "C" in ` + path.Base(e.File) + ":" + strconv.Itoa(e.Line), Chain: chain(walk, i)}
			}
			m.CgoEvidence = append(m.CgoEvidence, e)
		}
		if d.isLocalLabel(walk[i].label) {
			ports = append(ports, sp.ports...)
			routes = append(routes, sp.routes...)
			timeZones = append(timeZones, sp.timeZones...)
			dataReads = append(dataReads, sp.dataReads...)
			m.TempFiles = append(m.TempFiles, sp.tempFiles...)
			if i > 0 {
				localDirs = append(localDirs, sp.dir)
			}
		}
		if sp.imports["time/tzdata"] {
			tzdata = true
		}
		for _, imp := range sortedKeys(sp.imports) {
			if isStd(imp) || seen[imp] {
				continue
			}
			seen[imp] = true
			if mod, ok := knownCgo(imp); ok {
				e := Evidence{File: sp.first, What: "imports " + imp + " (needs cgo)", Chain: append(chain(walk, i), imp)}
				if !strings.HasPrefix(sp.first, "vendor/") && !d.isLocalLabel(walk[i].label) {
					e.File = ""
					e.What = "imports " + imp + " (needs cgo; on the known list)"
				}
				if _, modPath := d.lookupDep(imp); d.deps.missing[modPath] {
					e.What += "; " + mod + " not in the module cache"
				}
				m.CgoEvidence = append(m.CgoEvidence, e)
				continue
			}
			if ld, ok := d.localDir(imp); ok {
				walk = append(walk, reached{sp: d.pkgs[ld], label: ld, parent: i})
				continue
			}
			dep, modPath := d.lookupDep(imp)
			if dep == nil && d.deps.missing[modPath] {
				missing[modPath] = true
			}
			walk = append(walk, reached{sp: dep, label: imp, parent: i})
		}
	}
	m.Cgo = len(m.CgoEvidence) > 0
	m.Ports = dedupePorts(ports)
	m.HealthRoutes = sortRoutes(routes)
	if !tzdata {
		m.TimeZones = append(m.TimeZones, timeZones...)
	}
	m.UnresolvedModules = sortedKeys(missing)
	m.DataFiles = d.dataFiles(dataReads)
	m.StampVars = d.stampVars(dir, localDirs)
	return m
}

// dataFiles keeps the run-time reads whose path the module holds (a
// regular file, or a directory for directory reads) and that no
// //go:embed pattern covers, one per path, sorted. A path the module
// does not hold is created or supplied at run time: not dockhard's to copy.
func (d *detector) dataFiles(reads []dataRead) []DataFile {
	byPath := map[string]DataFile{}
	for _, r := range reads {
		if _, dup := byPath[r.path]; dup || d.embedded(r.path) {
			continue
		}
		st, err := os.Lstat(filepath.Join(d.root, filepath.FromSlash(r.path)))
		if err != nil || (r.dir && !st.IsDir()) || (!st.IsDir() && !st.Mode().IsRegular()) {
			continue // missing, a link, or a file where a directory is read
		}
		byPath[r.path] = DataFile{Path: r.path, Dir: st.IsDir(), Evidence: r.evidence}
	}
	out := []DataFile{}
	for _, p := range sortedKeys(byPath) {
		out = append(out, byPath[p])
	}
	return out
}

// embedded reports whether a //go:embed pattern of the module covers p.
func (d *detector) embedded(p string) bool {
	for _, sp := range d.pkgs {
		for _, e := range sp.embeds {
			if ok, _ := path.Match(e, p); ok || e == p || strings.HasPrefix(p, e+"/") {
				return true
			}
		}
	}
	return false
}

// lookupDep finds a package outside the module: in vendor/ in vendor mode
// (the build reads nothing else), else through the resolver.
func (d *detector) lookupDep(importPath string) (*sourcePackage, string) {
	if d.facts.Vendored {
		return d.vendored(importPath), ""
	}
	return d.deps.lookup(importPath)
}

// importPathOf returns the import path of a module directory.
func (d *detector) importPathOf(dir string) string {
	if dir == "." {
		return d.facts.Module.Path
	}
	return d.facts.Module.Path + "/" + dir
}

// isLocalLabel reports whether a walk label is a directory of this module
// (vendored packages are labelled by import path, like other dependencies).
func (d *detector) isLocalLabel(label string) bool {
	_, ok := d.pkgs[label]
	return ok
}

// traceValues finds the ports and health routes of every module package
// that has files parsed in full, tracing values across the module's
// packages.
func (d *detector) traceValues() {
	for _, sp := range d.pkgs {
		if len(sp.files) > 0 {
			sp.syntax = newPkgSyntax(sp.files)
		}
	}
	t := &tracer{pkgOf: d.importedPackage}
	for _, sp := range d.pkgs {
		if sp.syntax != nil {
			found := t.findInPackage(sp.syntax)
			sp.ports, sp.routes, sp.timeZones, sp.dataReads, sp.tempFiles = found.ports, found.routes, found.timeZones, found.dataReads, found.tempFiles
		}
	}
}

// importedPackage returns the syntax of the module package that file pf
// imports under name, or nil.
func (d *detector) importedPackage(pf *parsedFile, name string) *pkgSyntax {
	for _, is := range pf.ast.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		ld, ok := d.localDir(p)
		if !ok {
			continue
		}
		sp := d.pkgs[ld]
		if sp == nil || sp.syntax == nil {
			continue
		}
		if (is.Name != nil && is.Name.Name == name) || (is.Name == nil && sp.names[name]) {
			return sp.syntax
		}
	}
	return nil
}

// sortRoutes orders health routes by preference (healthPaths), then by
// file and line, one per path.
func sortRoutes(routes []HealthRoute) []HealthRoute {
	rank := func(p string) int { return slices.Index(healthPaths, p) }
	sort.SliceStable(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		if a.Path != b.Path {
			return rank(a.Path) < rank(b.Path)
		}
		if a.Evidence.File != b.Evidence.File {
			return a.Evidence.File < b.Evidence.File
		}
		return a.Evidence.Line < b.Evidence.Line
	})
	out := []HealthRoute{}
	for _, r := range routes {
		if len(out) == 0 || out[len(out)-1].Path != r.Path {
			out = append(out, r)
		}
	}
	return out
}

// dedupePorts keeps the first evidence for each port number, sorted by
// number.
func dedupePorts(ports []Port) []Port {
	sort.SliceStable(ports, func(i, j int) bool {
		if ports[i].Number != ports[j].Number {
			return ports[i].Number < ports[j].Number
		}
		if ports[i].Evidence.File != ports[j].Evidence.File {
			return ports[i].Evidence.File < ports[j].Evidence.File
		}
		return ports[i].Evidence.Line < ports[j].Evidence.Line
	})
	out := []Port{}
	for _, p := range ports {
		if len(out) == 0 || out[len(out)-1].Number != p.Number {
			out = append(out, p)
		}
	}
	return out
}

// decideWorkspace sets Workspace.Needed when a package of the module
// imports a sibling workspace module that go.mod does not require: only the
// workspace can resolve it. Otherwise the module builds on its own
// (GOWORK=off).
func (d *detector) decideWorkspace(siblings map[string]string) {
	required := map[string]bool{}
	for _, r := range d.facts.Module.Requires {
		required[r] = true
	}
	needed := map[string]bool{}
	for _, sp := range d.pkgs {
		for imp := range sp.imports {
			for modPath := range siblings {
				if (imp == modPath || strings.HasPrefix(imp, modPath+"/")) && !required[modPath] {
					needed[modPath] = true
				}
			}
		}
	}
	ws := d.facts.Workspace
	ws.NeededBy = sortedKeys(needed)
	ws.Needed = len(needed) > 0
}

// isStd reports whether an import path belongs to the standard library: its
// first element has no dot.
func isStd(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}
