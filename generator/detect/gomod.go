package detect

import (
	"errors"
	"go/version"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
	"golang.org/x/mod/modfile"
)

// defaultGoVersion is what the go command assumes for a go.mod without a go
// line.
const defaultGoVersion = "1.16"

// readGoMod parses dir/go.mod into f.Module and f.LocalReplaces, and
// returns the parsed file for the rest of detection (vendor consistency,
// dependency versions), so go.mod is read and parsed once.
func readGoMod(dir string, f *Facts) (*modfile.File, error) {
	name := filepath.Join(dir, "go.mod")
	data, err := safefile.Read(name, safefile.GoMod)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inputerr.Errorf("no go.mod in %s: dockhard needs a Go module; create one with `go mod init <module path>` in that directory, or pass the directory that holds go.mod", dir)
	}
	if inputerr.Is(err) {
		return nil, err
	}
	if err != nil {
		return nil, inputerr.Errorf("cannot read %s: %v", name, err)
	}
	mf, err := modfile.Parse(name, data, nil)
	if err != nil {
		// modfile's errors already say file:line.
		return nil, inputerr.Errorf("go.mod does not parse: %v", err)
	}
	if mf.Module == nil || mf.Module.Mod.Path == "" {
		return nil, inputerr.Errorf("%s has no module line: add `module <path>` at the top", name)
	}
	m := moduleVersions(mf, f)
	m.Path = mf.Module.Mod.Path
	for _, r := range mf.Require {
		m.Requires = append(m.Requires, r.Mod.Path)
	}
	sort.Strings(m.Requires)
	m.Requires = compactStrings(m.Requires)
	for _, t := range mf.Tool {
		m.Tools = append(m.Tools, t.Path)
	}
	sort.Strings(m.Tools)
	m.Tools = compactStrings(m.Tools)
	f.Module = m

	for _, r := range mf.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		target := r.New.Path
		rel := filepath.ToSlash(target)
		if filepath.IsAbs(target) {
			var err error
			rel, err = filepath.Rel(dir, target)
			if err != nil {
				return nil, inputerr.Errorf("go.mod:%d: replace %s => %s: %v", r.Syntax.Start.Line, r.Old.Path, target, err)
			}
			rel = filepath.ToSlash(rel)
		}
		f.LocalReplaces = append(f.LocalReplaces, LocalReplace{
			Module: r.Old.Path,
			Target: target,
			Dir:    path.Clean(rel),
			Line:   r.Syntax.Start.Line,
		})
	}
	sort.Slice(f.LocalReplaces, func(i, j int) bool { return f.LocalReplaces[i].Dir < f.LocalReplaces[j].Dir })
	return mf, nil
}

// moduleVersions reads the go and toolchain lines; the higher one builds.
func moduleVersions(mf *modfile.File, f *Facts) Module {
	var m Module
	if mf.Go != nil {
		m.GoVersion = mf.Go.Version
	}
	if mf.Toolchain != nil {
		m.Toolchain = strings.TrimPrefix(mf.Toolchain.Name, "go")
	}
	switch {
	// The go line is the minimum and a toolchain line below it is ignored
	// by the go command: the higher of the two builds.
	case m.Toolchain != "" && version.Compare("go"+m.Toolchain, "go"+m.GoVersion) > 0:
		m.BuildGo = m.Toolchain
	case m.GoVersion != "":
		m.BuildGo = m.GoVersion
	default:
		m.BuildGo = defaultGoVersion
		f.Notes = append(f.Notes, "go.mod has no go line; Go treats that as go "+defaultGoVersion+" (add one with `go mod edit -go=<version>`)")
	}
	return m
}

// ReadGoVersion returns the Go version a builder must provide for the
// go.mod file at name: the higher of its go and toolchain lines. A missing
// file is an error that matches fs.ErrNotExist; a special, oversized or
// unparsable one is an InputError.
func ReadGoVersion(name string) (string, error) {
	data, err := safefile.Read(name, safefile.GoMod)
	if errors.Is(err, fs.ErrNotExist) {
		return "", &missingGoModError{name: name, err: err}
	}
	if err != nil {
		if inputerr.Is(err) {
			return "", err
		}
		return "", inputerr.Errorf("cannot read %s: %v", name, err)
	}
	mf, err := modfile.Parse(name, data, nil)
	if err != nil {
		return "", inputerr.Errorf("go.mod does not parse: %v", err)
	}
	var f Facts
	m := moduleVersions(mf, &f)
	return m.BuildGo, nil
}

// missingGoModError is a --gomod that does not exist: bad input that still
// matches fs.ErrNotExist.
type missingGoModError struct {
	name string
	err  error
}

func (e *missingGoModError) Error() string { return "--gomod " + e.name + ": no such file" }
func (e *missingGoModError) Unwrap() []error {
	return []error{e.err, &inputerr.Error{Msg: e.Error()}}
}

// findGoWork looks for the go.work that governs dir the way the go command
// does: GOWORK if set (off disables), else the nearest go.work in dir or
// its parents.
func findGoWork(dir string) string {
	switch env := os.Getenv("GOWORK"); env {
	case "off":
		return ""
	case "":
	default:
		return env
	}
	for d := dir; ; {
		p := filepath.Join(d, "go.work")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// readGoWork fills f.Workspace from the go.work file at workPath. Which
// sibling modules are needed is decided later, once imports are known.
func readGoWork(dir, workPath string, f *Facts) (map[string]string, error) {
	data, err := safefile.Read(workPath, safefile.GoWork)
	if inputerr.Is(err) {
		return nil, err
	}
	if err != nil {
		return nil, inputerr.Errorf("cannot read %s: %v", workPath, err)
	}
	wf, err := modfile.ParseWork(workPath, data, nil)
	if err != nil {
		return nil, inputerr.Errorf("go.work does not parse: %v", err)
	}
	workDir := filepath.Dir(workPath)
	rel, err := filepath.Rel(dir, workPath)
	if err != nil {
		return nil, inputerr.Errorf("go.work at %s: %v", workPath, err)
	}
	ws := &Workspace{File: filepath.ToSlash(rel)}
	// siblings maps a sibling module path to its directory relative to dir.
	siblings := map[string]string{}
	for _, u := range wf.Use {
		abs := u.Path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(workDir, u.Path)
		}
		r, err := filepath.Rel(dir, abs)
		if err != nil {
			continue
		}
		r = filepath.ToSlash(r)
		ws.Uses = append(ws.Uses, r)
		if r == "." {
			continue
		}
		if modPath := modulePathOf(abs); modPath != "" {
			siblings[modPath] = r
		}
	}
	sort.Strings(ws.Uses)
	f.Workspace = ws
	return siblings, nil
}

// modulePathOf returns the module path declared in dir/go.mod, or "".
func modulePathOf(dir string) string {
	data, err := safefile.Read(filepath.Join(dir, "go.mod"), safefile.GoMod)
	if err != nil {
		return ""
	}
	return modfile.ModulePath(data)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
