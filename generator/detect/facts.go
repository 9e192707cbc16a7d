package detect

// Facts is what detection learned about a module. It is also the JSON schema
// of `dockhard detect --json` (schemaVersion 1): fields are only ever added,
// never renamed or removed, within a schema version.
type Facts struct {
	SchemaVersion int `json:"schemaVersion"`
	// Dir is the module root as given (absolute).
	Dir    string `json:"dir"`
	Module Module `json:"module"`
	// Mains are the buildable main packages, sorted, the root first.
	Mains []MainPackage `json:"mains"`
	// ExampleMains are main packages under examples/: buildable, but never
	// chosen by default.
	ExampleMains []MainPackage `json:"exampleMains"`
	// Broken lists directories that mix `package main` with other packages.
	Broken []BrokenPackage `json:"broken"`
	// NestedModules are directories below Dir that hold their own go.mod and
	// so are not part of this module.
	NestedModules []string `json:"nestedModules"`
	// Vendored is true when the go command would build in vendor mode:
	// -mod=vendor in GOFLAGS, or a go line of 1.14 or later and a
	// vendor/modules.txt consistent with go.mod. Builds then use vendor/
	// and skip the download step.
	Vendored bool `json:"vendored"`
	// VendorDir is true when vendor/modules.txt exists.
	VendorDir bool `json:"vendorDir"`
	// VendorProblems say why a vendor/ directory is not used (out of date
	// with go.mod, a go line before 1.14, -mod in GOFLAGS); the build then
	// runs in module mode (-mod=mod) with a download step.
	VendorProblems []string `json:"vendorProblems"`
	// Workspace is set when a go.work file governs Dir.
	Workspace *Workspace `json:"workspace,omitempty"`
	// LocalReplaces are `replace` directives whose target is a directory.
	LocalReplaces []LocalReplace `json:"localReplaces"`
	// HasGoSum tells whether go.sum exists (a module without dependencies
	// may have none).
	HasGoSum bool `json:"hasGoSum"`
	// EmbedPatterns are //go:embed patterns, relative to the module root:
	// .dockerignore must never exclude them.
	EmbedPatterns []string `json:"embedPatterns"`
	// UnresolvedModules are modules a main imports whose source is not on
	// disk (not in the module cache: `go mod download` fetches them); what
	// they import was judged by the known cgo list only.
	UnresolvedModules []string `json:"unresolvedModules"`
	// BuildTags are the extra build tags detection applied (--tags).
	BuildTags []string `json:"buildTags"`
	// Notes are remarks for people (for example a missing go line).
	Notes []string `json:"notes"`
}

// Module holds what go.mod says.
type Module struct {
	Path string `json:"path"`
	// GoVersion is the go line; empty when go.mod has none.
	GoVersion string `json:"goVersion"`
	// Toolchain is the toolchain line without its "go" prefix; empty when
	// absent.
	Toolchain string `json:"toolchain"`
	// BuildGo is the Go version the builder must provide: the toolchain
	// line when present, else the go line, else "1.16" (Go's default for a
	// go.mod without a go line).
	BuildGo string `json:"buildGo"`
	// Requires lists required module paths, sorted.
	Requires []string `json:"requires"`
	// Tools are the packages of go.mod's tool directives (go get -tool),
	// sorted: a CI workflow installs dockhard from its own when it is one.
	Tools []string `json:"tools"`
}

// MainPackage is one buildable main package.
type MainPackage struct {
	// Dir is the package directory relative to the module root, in slash
	// form: "." or "cmd/server".
	Dir string `json:"dir"`
	// Cgo is true when the package needs cgo; CgoEvidence says why.
	Cgo         bool       `json:"cgo"`
	CgoEvidence []Evidence `json:"cgoEvidence"`
	// UnresolvedModules are the modules this main reaches whose source is
	// not on disk, so cgo below them is judged by the known list only.
	UnresolvedModules []string `json:"unresolvedModules"`
	// Ports are the listen ports found in the package and the module
	// packages it imports, sorted, each with its evidence.
	Ports []Port `json:"ports"`
	// HealthRoutes are the health routes (/healthz, /health, /livez,
	// /readyz, /ping) the package and the module packages it imports
	// register, in order of preference; --healthcheck auto probes the
	// first.
	HealthRoutes []HealthRoute `json:"healthRoutes"`
	// TimeZones are the module's time.LoadLocation calls this package
	// reaches: they need zoneinfo at run time, which scratch and alpine
	// lack. Empty when a reached package imports time/tzdata, which embeds
	// it.
	TimeZones []Evidence `json:"timeZones"`
	// DataFiles are the files and directories the module's packages this
	// main reaches read at run time by a literal relative path
	// (os.ReadFile, os.Open, template.ParseFiles and ParseGlob, http.Dir,
	// os.DirFS) that exist in the module and are not //go:embed'ed: the
	// image must carry them, under its working directory.
	DataFiles []DataFile `json:"dataFiles"`
	// TempFiles are the module's calls this main reaches that create or
	// name temporary files (os.CreateTemp, os.MkdirTemp, os.TempDir,
	// ioutil.TempFile, ioutil.TempDir): run with a read-only root file
	// system, the program needs a writable /tmp.
	TempFiles []Evidence `json:"tempFiles"`
	// StampVars are the string variables of the main package and of the
	// module's version packages it reaches (a directory named version)
	// meant to be set at link time: version, revision and date.
	StampVars []StampVar `json:"stampVars"`
}

// DataFile is a file or directory a program reads at run time.
type DataFile struct {
	// Path is relative to the module root (and to the program's working
	// directory at run time), slash-separated.
	Path string `json:"path"`
	// Dir is true for a directory (http.Dir, os.DirFS, a ParseGlob
	// pattern's directory).
	Dir bool `json:"dir"`
	// Evidence is the first read of the path.
	Evidence Evidence `json:"evidence"`
}

// HealthRoute is one registered health route.
type HealthRoute struct {
	Path     string   `json:"path"`
	Evidence Evidence `json:"evidence"`
}

// Port is one detected listen port.
type Port struct {
	Number int `json:"number"`
	// Evidence is where the number is written.
	Evidence Evidence `json:"evidence"`
	// Loopback is true when the program binds the port to loopback by
	// default (127.0.0.1, localhost, ::1): nothing outside the container
	// reaches it until the program is told another address.
	Loopback bool `json:"loopback"`
	// Trace is how the value reaches the listen call: the call first,
	// then each variable, const, flag or helper, the literal last.
	Trace []Evidence `json:"trace,omitempty"`
}

// Evidence points at what made detection decide something.
type Evidence struct {
	// File is relative to the module root, slash-separated; empty for
	// evidence that is not in a file of the module (a go.mod requirement).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	What string `json:"what"`
	// Chain is the import chain from the main package to the package the
	// evidence is about (cgo): module directories for the module's own
	// packages, import paths for the others.
	Chain []string `json:"chain,omitempty"`
}

// BrokenPackage is a directory that cannot build as one package.
type BrokenPackage struct {
	Dir      string   `json:"dir"`
	Packages []string `json:"packages"`
}

// Workspace describes the go.work file that governs the module.
type Workspace struct {
	// File is the go.work path relative to the module root ("../go.work").
	File string `json:"file"`
	// Uses are the workspace's module directories relative to the module
	// root, sorted.
	Uses []string `json:"uses"`
	// Needed is true when the module imports a sibling workspace module that
	// its own go.mod does not require, so the build needs the workspace;
	// otherwise the build sets GOWORK=off.
	Needed bool `json:"needed"`
	// NeededBy names the sibling module paths that made Needed true.
	NeededBy []string `json:"neededBy"`
}

// LocalReplace is a `replace` directive with a directory target.
type LocalReplace struct {
	Module string `json:"module"`
	// Target is the directory as written in go.mod.
	Target string `json:"target"`
	// Dir is Target relative to the module root, cleaned, slash-separated.
	Dir string `json:"dir"`
	// Line is the directive's line in go.mod.
	Line int `json:"line"`
}

// Main returns the main package with the given directory, or false.
func (f *Facts) Main(dir string) (MainPackage, bool) {
	for _, m := range f.Mains {
		if m.Dir == dir {
			return m, true
		}
	}
	for _, m := range f.ExampleMains {
		if m.Dir == dir {
			return m, true
		}
	}
	return MainPackage{}, false
}
