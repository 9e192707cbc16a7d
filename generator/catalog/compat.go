package catalog

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// The builders and runtimes of the built-in catalog, in the order help
// text lists them, and the default builder.
var (
	Builders       = BuiltIn().Builders()
	Runtimes       = BuiltIn().Runtimes()
	DefaultBuilder = BuiltIn().DefaultBuilder()
)

// isKind says whether a key names a builder or a runtime ("builder/NAME",
// "runtime/NAME"), not a runtime's cgo variant ("runtime/NAME-cgo").
func isKind(key string) bool {
	kind, name, ok := strings.Cut(key, "/")
	return ok && (kind == "builder" || kind == "runtime" && !strings.HasSuffix(name, "-cgo"))
}

// names lists the catalog's choices of one kind ("builder" or "runtime")
// by their order.
func (cat *Catalog) names(kind string) []string {
	var keys []string
	for key := range cat.Images {
		if isKind(key) && strings.HasPrefix(key, kind+"/") {
			keys = append(keys, key)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(cat.Images[a].Order, cat.Images[b].Order), strings.Compare(a, b))
	})
	for i, k := range keys {
		keys[i] = strings.TrimPrefix(k, kind+"/")
	}
	return keys
}

// Builders lists the catalog's builders in order.
func (cat *Catalog) Builders() []string { return cat.names("builder") }

// Runtimes lists the catalog's runtimes in order.
func (cat *Catalog) Runtimes() []string { return cat.names("runtime") }

// Builder is a builder's entry ("" when the catalog has none).
func (cat *Catalog) Builder(name string) CatalogImage { return cat.Images["builder/"+name] }

// Runtime is a runtime's entry (its static image).
func (cat *Catalog) Runtime(name string) CatalogImage { return cat.Images["runtime/"+name] }

// DefaultBuilder is the builder marked default.
func (cat *Catalog) DefaultBuilder() string { return cat.defaultOf("builder") }

func (cat *Catalog) defaultOf(kind string) string {
	for _, name := range cat.names(kind) {
		if cat.Images[kind+"/"+name].Default {
			return name
		}
	}
	return ""
}

// GoInTag says a builder's tag names go.mod's exact Go ({go}).
func (cat *Catalog) GoInTag(builder string) bool {
	return strings.Contains(cat.Builder(builder).Tag, "{go}")
}

// DefaultRuntime is the built-in catalog's default runtime for a builder
// (see Catalog.DefaultRuntime).
func DefaultRuntime(builder string, cgo bool) string {
	return BuiltIn().DefaultRuntime(builder, cgo)
}

// DefaultRuntime is the runtime marked default, unless the program needs
// cgo and that runtime cannot run it (the builder's C library is newer):
// then the first runtime in order that can.
func (cat *Catalog) DefaultRuntime(builder string, cgo bool) string {
	def := cat.defaultOf("runtime")
	if !cgo || cat.CheckPair(builder, def, true, "") == nil {
		return def
	}
	for _, r := range cat.Runtimes() {
		if cat.CheckPair(builder, r, true, "") == nil {
			return r
		}
	}
	return def
}

// BuiltIn is the embedded catalog, parsed once; the embedded file is
// tested, so it always parses.
var BuiltIn = sync.OnceValue(func() *Catalog {
	c, err := DefaultCatalog()
	if err != nil {
		panic("the embedded catalog does not parse: " + err.Error())
	}
	return c
})

// RuntimesFor splits the runtimes into those that can run a program built
// by builder (with or without cgo) and those that cannot, with the reason,
// from the built-in catalog's libc data.
func RuntimesFor(builder string, cgo bool) (allowed []string, refused map[string]error) {
	refused = map[string]error{}
	for _, r := range Runtimes {
		if err := BuiltIn().CheckPair(builder, r, cgo, ""); err != nil {
			refused[r] = err
		} else {
			allowed = append(allowed, r)
		}
	}
	return allowed, refused
}

// RuntimeKey is the catalog entry of a runtime: its glibc image for cgo
// where it has one.
func (cat *Catalog) RuntimeKey(runtime string, cgo bool) string {
	key := "runtime/" + runtime
	if _, ok := cat.Images[key+"-cgo"]; ok && cgo {
		key += "-cgo"
	}
	return key
}

// cgoRuns says whether a cgo binary linked against the builder's C library
// runs on the runtime's: the same family, and a glibc at least as new.
// Wolfi's glibc is rolling, newer than any distribution's.
func cgoRuns(builderLibc, runtimeLibc string) bool {
	switch {
	case runtimeLibc == "none" || runtimeLibc == "" || builderLibc == "none":
		return false
	case builderLibc == "musl" || runtimeLibc == "musl":
		return builderLibc == runtimeLibc
	case runtimeLibc == "wolfi-glibc":
		return true
	case builderLibc == "wolfi-glibc":
		return false
	}
	b, okB := glibcVersion(builderLibc)
	r, okR := glibcVersion(runtimeLibc)
	return okB && okR && (r[0] > b[0] || r[0] == b[0] && r[1] >= b[1])
}

// glibcVersion reads "glibc-2.41".
func glibcVersion(libc string) ([2]int, bool) {
	v, ok := strings.CutPrefix(libc, "glibc-")
	major, minor, ok2 := strings.Cut(v, ".")
	a, err1 := strconv.Atoi(major)
	b, err2 := strconv.Atoi(minor)
	return [2]int{a, b}, ok && ok2 && err1 == nil && err2 == nil
}

// libcName shows a catalog libc value in a sentence.
func libcName(libc string) string {
	switch {
	case libc == "wolfi-glibc":
		return "Wolfi's rolling glibc"
	case libc == "musl":
		return "musl"
	case libc == "none" || libc == "":
		return "no C library"
	}
	return strings.Replace(libc, "glibc-", "glibc ", 1)
}

// CheckPair refuses the builder/runtime/cgo combinations that cannot work,
// judged from the catalog's libc data, and says what would.
//
// cgoEvidence says why the program needs cgo (like `import "C" in db.go`),
// for the error; "" when it is not known.
func (cat *Catalog) CheckPair(builder, runtime string, cgo bool, cgoEvidence string) error {
	if !cgo {
		return nil
	}
	if _, ok := cat.Images["builder/"+builder]; !ok {
		return inputerr.Errorf("--builder %s: the image catalog has no entry builder/%s (a catalog made before dockhard knew it); add it from the built-in catalog (dockhard images --json)", builder, builder)
	}
	if _, ok := cat.Images[cat.RuntimeKey(runtime, cgo)]; !ok {
		return inputerr.Errorf("--runtime %s: the image catalog has no entry %s (a catalog made before dockhard knew it); add it from the built-in catalog (dockhard images --json)", runtime, cat.RuntimeKey(runtime, cgo))
	}
	builderLibc := cat.Images["builder/"+builder].Libc
	runtimeLibc := cat.Images[cat.RuntimeKey(runtime, true)].Libc
	if cgoRuns(builderLibc, runtimeLibc) {
		return nil
	}
	why := "it needs cgo"
	if cgoEvidence != "" {
		why += " (" + cgoEvidence + ")"
	}
	// What would work: other runtimes with this builder, and other builders
	// with this runtime.
	var runtimes, builders []string
	for _, r := range cat.Runtimes() {
		if r != runtime && cgoRuns(builderLibc, cat.Images[cat.RuntimeKey(r, true)].Libc) {
			runtimes = append(runtimes, r)
		}
	}
	for _, b := range cat.Builders() {
		if b != builder && cgoRuns(cat.Images["builder/"+b].Libc, runtimeLibc) {
			builders = append(builders, b)
		}
	}
	instead := ""
	if len(runtimes) > 0 {
		instead = "use --runtime " + strings.Join(runtimes, " or ") + ", "
	}
	if len(builders) > 0 {
		instead += "or --builder " + strings.Join(builders, " or ") + " with --runtime " + runtime + ", "
	}
	instead += "or --cgo off if the program can do without cgo"
	return inputerr.Errorf("--builder %s with --runtime %s cannot run this program: %s, and %s builds against %s while %s has %s; %s",
		builder, runtime, why, builder, libcName(builderLibc), runtime, libcName(runtimeLibc), instead)
}

// GoVersion is a go line's version as an image tag can name it: 1.N,
// 1.N.P or a pre-release (1.N rc1).
var GoVersion = regexp.MustCompile(`^1\.(\d+)(\.\d+)?((rc|beta)\d+)?$`)

// FullGoVersion turns a 1.N go line into the 1.N.0 release the toolchain
// switch understands (Go 1.21 and later).
func FullGoVersion(v string) string {
	if m := GoVersion.FindStringSubmatch(v); m != nil && m[2] == "" && m[3] == "" {
		return v + ".0"
	}
	return v
}
