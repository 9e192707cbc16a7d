package detect

import (
	"go/version"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
	"golang.org/x/mod/modfile"
)

// decideVendor sets f.Vendored exactly when the go command would build in
// vendor mode: an explicit -mod in GOFLAGS decides; otherwise a go line of
// 1.14 or later and vendor/modules.txt consistent with go.mod. A vendor/
// directory the go command would reject ("inconsistent vendoring") is
// reported in f.VendorProblems and the build uses module mode (-mod=mod)
// with a download step. mf is the module's parsed go.mod. A modules.txt
// that is special or oversized is an InputError, like any file of the tree.
func decideVendor(root string, f *Facts, mf *modfile.File) error {
	data, err := safefile.Read(filepath.Join(root, "vendor", "modules.txt"), safefile.ModulesTxt)
	if inputerr.Is(err) {
		return err
	}
	f.VendorDir = err == nil
	f.VendorProblems = []string{}
	if mode := goflagsMod(os.Getenv("GOFLAGS")); mode != "" {
		f.Vendored = mode == "vendor"
		if !f.Vendored && f.VendorDir {
			f.VendorProblems = append(f.VendorProblems, "GOFLAGS sets -mod="+mode)
		}
		return nil
	}
	if !f.VendorDir {
		return nil
	}
	goVersion := f.Module.GoVersion
	if goVersion == "" {
		goVersion = defaultGoVersion
	}
	if version.Compare("go"+goVersion, "go1.14") < 0 {
		f.VendorProblems = append(f.VendorProblems, "go.mod says go "+goVersion+": before 1.14 the go command ignores vendor/")
		return nil
	}
	f.VendorProblems = append(f.VendorProblems, vendorInconsistencies(mf, string(data))...)
	f.Vendored = len(f.VendorProblems) == 0
	return nil
}

// goflagsMod returns the value of a -mod flag in GOFLAGS, or "".
func goflagsMod(goflags string) string {
	mode := ""
	for _, field := range strings.Fields(goflags) {
		field = strings.TrimPrefix(strings.TrimPrefix(field, "-"), "-")
		if v, ok := strings.CutPrefix(field, "mod="); ok {
			mode = v
		}
	}
	return mode
}

// vendoredModule is one "# path version [=> replacement]" entry of
// vendor/modules.txt.
type vendoredModule struct {
	version     string
	replacement string // "new/path version" or "../dir"; "" when none
	explicit    bool
}

// vendorInconsistencies checks vendor/modules.txt against go.mod the way
// the go command does for go 1.14 and later: every requirement vendored at
// its version and marked explicit, nothing explicit that go.mod does not
// require, every replacement recorded.
func vendorInconsistencies(mf *modfile.File, modulesTxt string) []string {
	vendored := map[string]*vendoredModule{}
	var current *vendoredModule
	for _, line := range strings.Split(modulesTxt, "\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			fields := strings.Fields(line[2:])
			current = nil
			if len(fields) == 0 {
				continue
			}
			m := &vendoredModule{}
			rest := fields[1:]
			if len(rest) > 0 && rest[0] != "=>" {
				m.version, rest = rest[0], rest[1:]
			}
			if len(rest) > 1 && rest[0] == "=>" {
				m.replacement = strings.Join(rest[1:], " ")
			}
			vendored[fields[0]] = m
			current = m
		case strings.HasPrefix(line, "## ") && current != nil:
			for _, a := range strings.Split(line[3:], ";") {
				if strings.TrimSpace(a) == "explicit" {
					current.explicit = true
				}
			}
		}
	}
	var problems []string
	required := map[string]bool{}
	for _, r := range mf.Require {
		required[r.Mod.Path] = true
		v := vendored[r.Mod.Path]
		switch {
		case v == nil || v.version == "":
			problems = append(problems, r.Mod.Path+"@"+r.Mod.Version+" is required in go.mod but not vendored")
		case v.version != r.Mod.Version:
			problems = append(problems, r.Mod.Path+" is required at "+r.Mod.Version+" in go.mod but vendored at "+v.version)
		case !v.explicit:
			problems = append(problems, r.Mod.Path+" is required in go.mod but not marked explicit in vendor/modules.txt")
		}
	}
	for _, r := range mf.Replace {
		v := vendored[r.Old.Path]
		if v == nil || (r.Old.Version != "" && v.version != r.Old.Version) {
			continue
		}
		want := r.New.Path
		if r.New.Version != "" {
			want += " " + r.New.Version
		}
		if v.replacement != want {
			problems = append(problems, r.Old.Path+" is replaced by "+want+" in go.mod but not in vendor/modules.txt")
		}
	}
	for path, v := range vendored {
		if v.explicit && !required[path] {
			problems = append(problems, path+" is marked explicit in vendor/modules.txt but not required in go.mod")
		}
	}
	sort.Strings(problems)
	return problems
}
