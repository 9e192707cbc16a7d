package detect

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dockhard/dockhard/generator/safefile"
)

// StampVar is a string variable meant to be set when the program is
// linked, with -ldflags "-X Symbol=value": its version, revision or build
// date.
type StampVar struct {
	// Symbol is what -X names: "main.version", or the import path and
	// name for a version package ("example.com/m/internal/version.Version").
	Symbol string `json:"symbol"`
	// Kind is version, revision or date.
	Kind string `json:"kind"`
	// Evidence is the declaration.
	Evidence Evidence `json:"evidence"`
}

// Stamp kinds.
const (
	StampVersion  = "version"
	StampRevision = "revision"
	StampDate     = "date"
)

// stampNames are the variable names programs use for what they are
// stamped with, lower case and without '_': version, commit, date and the
// like (ldflags' conventions in goreleaser, ko and hand-written Makefiles).
var stampNames = map[string]string{
	"version": StampVersion, "appversion": StampVersion, "buildversion": StampVersion,
	"commit": StampRevision, "gitcommit": StampRevision, "revision": StampRevision, "gitrevision": StampRevision,
	"commithash": StampRevision, "githash": StampRevision, "gitsha": StampRevision, "buildcommit": StampRevision,
	"date": StampDate, "builddate": StampDate, "buildtime": StampDate, "buildtimestamp": StampDate,
}

// stampVars finds the stamp variables of a main package (dir) and of the
// version packages of the module it reaches (a package directory named
// "version": internal/version, pkg/version, version). -X sets only a
// package-level string variable that is uninitialized or initialized to a
// constant string, so only those are reported.
func (d *detector) stampVars(dir string, reached []string) []StampVar {
	out := []StampVar{}
	for _, pkgDir := range append([]string{dir}, reached...) {
		if pkgDir != dir && path.Base(pkgDir) != "version" {
			continue
		}
		symbolPkg := "main"
		if pkgDir != dir {
			symbolPkg = d.importPathOf(pkgDir)
		}
		for _, v := range d.packageStringVars(pkgDir) {
			kind, ok := stampNames[strings.ToLower(strings.ReplaceAll(v.name, "_", ""))]
			if !ok {
				continue
			}
			out = append(out, StampVar{Symbol: symbolPkg + "." + v.name, Kind: kind, Evidence: v.evidence})
		}
	}
	return out
}

type stringVar struct {
	name     string
	evidence Evidence
}

// packageStringVars returns the package-level string variables of the
// module package in dir that -X can set, from its files built for the
// target (build constraints and --tags applied), in file order; read once
// per directory.
func (d *detector) packageStringVars(dir string) []stringVar {
	if vars, ok := d.stringVars[dir]; ok {
		return vars
	}
	var vars []stringVar
	absDir := filepath.Join(d.root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(absDir)
	if err != nil {
		d.stringVars[dir] = nil
		return nil
	}
	s := newFileScanner(d.facts.BuildTags)
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := safefile.Read(filepath.Join(absDir, name), safefile.GoSource)
		if err != nil {
			continue
		}
		s.data = data
		if ok, err := s.ctxt.MatchFile(absDir, name); err != nil || !ok {
			continue
		}
		rel := path.Join(dir, name)
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, rel, data, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil || f.Name.Name == "" {
			continue
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if !linkerSettable(vs) || embedded(gd, vs) {
					continue
				}
				for _, n := range vs.Names {
					vars = append(vars, stringVar{name: n.Name, evidence: Evidence{File: rel, Line: fset.Position(n.Pos()).Line, What: "var " + n.Name + " string"}})
				}
			}
		}
	}
	slices.SortStableFunc(vars, func(a, b stringVar) int { return strings.Compare(a.evidence.File, b.evidence.File) })
	d.stringVars[dir] = vars
	return vars
}

// embedded says whether a variable is filled by //go:embed: its content
// is the embedded file's, not a stamp.
func embedded(gd *ast.GenDecl, vs *ast.ValueSpec) bool {
	for _, doc := range []*ast.CommentGroup{gd.Doc, vs.Doc} {
		if doc == nil {
			continue
		}
		for _, c := range doc.List {
			if strings.HasPrefix(c.Text, "//go:embed ") {
				return true
			}
		}
	}
	return false
}

// linkerSettable says whether -X can set the variables of a declaration:
// of type string, uninitialized or initialized to string literals.
func linkerSettable(vs *ast.ValueSpec) bool {
	if vs.Type != nil {
		if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "string" {
			return false
		}
	}
	if len(vs.Values) == 0 {
		return vs.Type != nil
	}
	if len(vs.Values) != len(vs.Names) {
		return false
	}
	for _, v := range vs.Values {
		lit, ok := v.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return false
		}
		if _, err := strconv.Unquote(lit.Value); err != nil {
			return false
		}
	}
	return true
}
