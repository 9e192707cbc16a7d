package generator

import (
	_ "embed"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
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
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, inputErrorf("bad directory %q: %v", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, inputErrorf("cannot use %s as the module directory: %v", dir, err)
	}
	if !st.IsDir() {
		return nil, inputErrorf("%s is a file; pass the directory that holds go.mod", dir)
	}
	f := &Facts{SchemaVersion: 1, Dir: abs}
	if err := readGoMod(abs, f); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "vendor", "modules.txt")); err == nil {
		f.Vendored = true
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

	pkgs, nested, err := scanTree(abs)
	if err != nil {
		return nil, err
	}
	f.NestedModules = nested
	d := &detector{root: abs, facts: f, pkgs: pkgs, vendor: map[string]*sourcePackage{}}

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
	// readErr is the first vendored file refused as special or oversized.
	readErr error
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
	dir := filepath.Join(d.root, "vendor", filepath.FromSlash(importPath))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	s := newFileScanner()
	pkgs := map[string]*sourcePackage{}
	relDir := path.Join("vendor", importPath)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := readRegular(filepath.Join(dir, name), kindGoSource)
		if IsInputError(err) && d.readErr == nil {
			d.readErr = err
		}
		if err != nil {
			continue
		}
		r, err := s.scan(data, filepath.Join(dir, name), path.Join(relDir, name), relDir)
		if err == nil && r.pkg != "" {
			r.ports = nil // a dependency's defaults are not this program's ports
			mergeFile(pkgs, r)
		}
	}
	sp := pkgs[relDir]
	d.vendor[importPath] = sp
	return sp
}

// mainPackage walks the imports reachable from the main package in dir
// (through the module's own packages and vendor/) to decide cgo and ports.
func (d *detector) mainPackage(dir string) MainPackage {
	m := MainPackage{Dir: dir, CgoEvidence: []Evidence{}, Ports: []Port{}}
	seen := map[*sourcePackage]bool{}
	reachedCgoModule := map[string]bool{}
	queue := []*sourcePackage{d.pkgs[dir]}
	var ports []Port
	for len(queue) > 0 {
		sp := queue[0]
		queue = queue[1:]
		if sp == nil || seen[sp] {
			continue
		}
		seen[sp] = true
		m.CgoEvidence = append(m.CgoEvidence, sp.cgo...)
		ports = append(ports, sp.ports...)
		for _, imp := range sortedKeys(sp.imports) {
			if mod, ok := knownCgo(imp); ok {
				if !reachedCgoModule[mod] {
					reachedCgoModule[mod] = true
					m.CgoEvidence = append(m.CgoEvidence, Evidence{File: sp.first, What: "imports " + imp + " (needs cgo)"})
				}
				continue
			}
			if ld, ok := d.localDir(imp); ok {
				queue = append(queue, d.pkgs[ld])
			} else if !isStd(imp) {
				queue = append(queue, d.vendored(imp))
			}
		}
	}
	// A known cgo module in go.mod that no scanned package imports is
	// reached through a dependency we cannot see without the module cache.
	for _, req := range d.facts.Module.Requires {
		if mod, ok := knownCgo(req); ok && !reachedCgoModule[mod] {
			m.CgoEvidence = append(m.CgoEvidence, Evidence{File: "go.mod", What: "requires " + req + " (needs cgo; imported through a dependency)"})
		}
	}
	m.Cgo = len(m.CgoEvidence) > 0
	m.Ports = dedupePorts(ports)
	return m
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
