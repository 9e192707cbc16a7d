package generator

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/templates"
)

// Resolved are options checked and decided for one module: every default
// applied, every "auto" settled. Planning and the wizard read them.
// Resolving is the last step that looks at the file system; planning only
// computes.
type Resolved struct {
	// Args is the generate command line that reproduces the options; the
	// header records it.
	Args    []string
	Builder string
	// Program is the one main package's image, or the first of several
	// (Programs[0]).
	Program
	// Programs are the main packages to build, one image (a target of the
	// Dockerfile) each, in the order the Main option gives them.
	Programs []Program
	UID      int
	// Tags are the extra build tags (detection ran with the same).
	Tags     []string
	Pin      string
	AllowEOL bool
	// Today is the date end of life is judged on.
	Today time.Time

	// ContextDir is the build context (absolute); ModuleInContext is the
	// module directory inside it ("." or "app"; slashes).
	ContextDir      string
	ModuleInContext string
	// DockerfilePath is absolute, or "-" for standard output;
	// DockerfileInContext is its path in the context (slashes).
	DockerfilePath      string
	DockerfileInContext string
	// DockerignorePath is absolute, "" when none is written.
	DockerignorePath string
	// Bake writes docker-bake.hcl (an extra file), whose targets the
	// Dockerfile's comments name.
	Bake bool
	// Sums are the go.sum and go.work.sum files present beside the go.mod
	// and go.work files the dependency step may copy, by absolute path.
	Sums map[string]bool
	// Private is how the dependency step fetches private modules; nil for
	// none.
	Private *PrivateFetch
}

// Program is one main package decided: what its image needs.
type Program struct {
	// Main is the main package the image runs.
	Main detect.MainPackage
	// Runtime is the runtime the image is based on: the Runtime option,
	// or the default for the builder and this program's cgo need.
	Runtime string
	// Cgo says whether the binary is built with cgo: detected, unless the
	// Cgo option says on or off. CgoWhy is the detected evidence, for
	// messages.
	Cgo    bool
	CgoWhy string
	// Ports are exposed: the main's detected ports (PortsDetected), the
	// one given, or none.
	Ports         []int
	PortsDetected bool
	Healthcheck   Healthcheck
	// Data are the files and directories, module-relative, copied into the
	// image: the detected ones and those given, or none.
	Data []string
	// Stamps are the variables the binary is stamped with (-X).
	Stamps []Stamp
}

// Healthcheck is the HEALTHCHECK decided.
type Healthcheck struct {
	// Mode is http, tcp, exec or none (auto is settled).
	Mode string
	// Path is the http probe's path.
	Path string
	// Cmd is the exec probe, as canonical JSON.
	Cmd                            string
	Interval, Timeout, StartPeriod time.Duration
	Retries                        int
	// ProbeTimeout is the timeout as the option gave it (5s by default):
	// the probe's own argument, written as given.
	ProbeTimeout string
	// ProbeSource is the Go source of dockhard's probe, for http and tcp.
	ProbeSource string
}

// Resolve checks the options (all of Validate) and decides them for the
// module f with the image catalog cat.
func Resolve(f *detect.Facts, o *Options, cat *catalog.Catalog) (*Resolved, error) {
	c, err := o.check()
	if err != nil {
		return nil, err
	}
	return c.resolve(f, cat)
}

// resolve decides checked options for a module.
func (c *checked) resolve(f *detect.Facts, cat *catalog.Catalog) (*Resolved, error) {
	r := &Resolved{Args: c.args, Builder: c.builder, UID: c.uid, Tags: c.tags, Pin: c.pin, AllowEOL: c.allowEOL, Today: c.today}
	if r.Today.IsZero() {
		r.Today = time.Now().UTC()
	}
	mains, err := chooseMains(f, c.mains)
	if err != nil {
		return nil, err
	}
	if len(mains) > 1 {
		if err := c.checkSeveral(); err != nil {
			return nil, err
		}
	}
	if !slices.Equal(c.tags, f.BuildTags) {
		return nil, fmt.Errorf("detection ran with build tags %v, the options ask for %v: detect with the same --tags", f.BuildTags, c.tags)
	}
	for _, main := range mains {
		prog, err := c.resolveProgram(f, cat, main)
		if err != nil {
			return nil, err
		}
		r.Programs = append(r.Programs, prog)
	}
	r.Program = r.Programs[0]
	r.Bake = slices.Contains(c.extras, "Bake")
	if err := r.resolvePaths(f, c); err != nil {
		return nil, err
	}
	r.Sums = presentSums(f)
	if r.Private, err = resolvePrivate(c.private, f, cat, r.Builder); err != nil {
		return nil, err
	}
	return r, nil
}

// resolveProgram decides one main package's image.
func (c *checked) resolveProgram(f *detect.Facts, cat *catalog.Catalog, main detect.MainPackage) (Program, error) {
	prog := Program{Main: main, Cgo: main.Cgo, CgoWhy: cgoWhy(main)}
	switch c.cgo {
	case cgoOn:
		prog.Cgo = true
	case cgoOff:
		prog.Cgo = false
	}
	prog.Runtime = c.runtime
	if prog.Runtime == "" {
		prog.Runtime = cat.DefaultRuntime(c.builder, prog.Cgo)
	}
	if err := cat.CheckPair(c.builder, prog.Runtime, prog.Cgo, prog.CgoWhy); err != nil {
		return prog, err
	}

	switch {
	case c.port.auto:
		prog.PortsDetected = true
		for _, pt := range main.Ports {
			prog.Ports = append(prog.Ports, pt.Number)
		}
	case c.port.number > 0:
		prog.Ports = []int{c.port.number}
	}
	var err error
	if prog.Healthcheck, err = resolveHealthcheck(c.health, prog.Ports, main.HealthRoutes); err != nil {
		return prog, err
	}
	if prog.Data, err = resolveData(f.Dir, main.DataFiles, c.data); err != nil {
		return prog, err
	}
	prog.Stamps = resolveStamps(c.stamp, main.StampVars)
	return prog, nil
}

// checkSeveral refuses, when several mains are built, the options that
// describe one program: each image takes its own ports, health check and
// data files from detection.
func (c *checked) checkSeveral() error {
	const why = "with several {Main}, each image gets the ports, health check and data files detected for its own program"
	switch {
	case c.port.number > 0:
		return optionErrorf("Port", "{Port} %d: "+why+"; leave {Port} auto, or none for no EXPOSE at all, or generate the program on its own", c.port.number)
	case c.health.mode != "auto" && c.health.mode != "none":
		return optionErrorf("Healthcheck", "{Healthcheck} %s: "+why+"; leave {Healthcheck} auto, or none for no HEALTHCHECK at all, or generate the program on its own", c.health.mode)
	case c.health.path != "":
		return optionErrorf("HealthcheckPath", "{HealthcheckPath}: "+why+"; leave it out, or generate the program on its own")
	case len(c.data) > 0 && c.data[0] != DataNone:
		return optionErrorf("Data", "{Data} %s: "+why+"; leave {Data} out, or none for no data files at all, or generate the program on its own", inputerr.Quote(c.data[0]))
	}
	return nil
}

// resolveHealthcheck settles auto: dockhard's probe for http and tcp (the
// image has no shell, curl or wget), the program's own for exec. auto
// probes http only where the program registers a health route (or the
// HealthcheckPath option names one): a service without one would be
// unhealthy forever, so it gets tcp.
func resolveHealthcheck(c checkedHealth, ports []int, routes []detect.HealthRoute) (Healthcheck, error) {
	h := Healthcheck{Mode: c.mode, Cmd: c.cmd, Interval: c.interval, Timeout: c.timeout, StartPeriod: c.startPeriod, Retries: c.retries, ProbeTimeout: c.timeoutText}
	healthPath := c.path
	if healthPath == "" && len(routes) > 0 {
		healthPath = routes[0].Path
	}
	if h.Mode == "auto" {
		switch {
		case len(ports) == 0:
			h.Mode = "none"
		case healthPath != "":
			h.Mode = "http"
		default:
			h.Mode = "tcp"
		}
	}
	if (h.Mode == "http" || h.Mode == "tcp") && len(ports) == 0 {
		return h, optionErrorf("Healthcheck", "{Healthcheck} %s probes a port, and none is known: pass {Port} N, or use {Healthcheck} exec or none", h.Mode)
	}
	if h.Mode == "http" {
		h.Path = healthPath
		if h.Path == "" {
			h.Path = DefaultHealthcheckPath
		}
	}
	if h.Mode == "http" || h.Mode == "tcp" {
		src, err := templates.FS.ReadFile("healthcheck/main.go")
		if err != nil {
			return h, err
		}
		h.ProbeSource = strings.TrimRight(string(src), "\n")
	}
	return h, nil
}

// resolvePaths places the context, the module inside it and the files to
// write.
func (r *Resolved) resolvePaths(f *detect.Facts, c *checked) error {
	r.ContextDir = filepath.Clean(filepath.Join(f.Dir, c.context))
	modRel, err := filepath.Rel(r.ContextDir, f.Dir)
	if err != nil {
		return optionErrorf("Context", "{Context}: %v", err)
	}
	r.ModuleInContext = filepath.ToSlash(modRel)

	r.DockerfilePath = "-"
	r.DockerfileInContext = "Dockerfile"
	if c.output != "-" {
		out := c.output
		if out == "" {
			out = filepath.Join(c.context, "Dockerfile")
		}
		r.DockerfilePath = inModule(f.Dir, out)
		rel, err := filepath.Rel(r.ContextDir, r.DockerfilePath)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return optionErrorf("Output", "{Output} %s is outside the build context %s; write the Dockerfile inside it", inputerr.Quote(r.DockerfilePath), r.ContextDir)
		}
		r.DockerfileInContext = filepath.ToSlash(rel)
		if err := insideThroughLinks(r.ContextDir, filepath.Dir(r.DockerfilePath)); err != nil {
			return optionErrorf("Output", "{Output} %s: %v", inputerr.Quote(r.DockerfilePath), err)
		}
		if c.ignore {
			r.DockerignorePath = filepath.Join(r.ContextDir, ".dockerignore")
			if r.DockerfilePath == r.DockerignorePath {
				return optionErrorf("Output", "{Output} %s is the .dockerignore dockhard writes beside it; name another file, or pass {NoDockerignore}", inputerr.Quote(r.DockerfilePath))
			}
		}
	}
	return nil
}

// insideThroughLinks checks that dir, with symbolic links resolved, is
// still inside context: a linked directory must not carry a write elsewhere.
// A directory that does not exist yet is reported when writing.
func insideThroughLinks(context, dir string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil
	}
	realContext, err := filepath.EvalSymlinks(context)
	if err != nil {
		return nil
	}
	rel, err := filepath.Rel(realContext, realDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("the directory %s is a link to %s, outside the build context", dir, realDir)
	}
	return nil
}

// resolveData merges the detected data files with the Data option (none
// turns both off) and checks that each given path is a regular file or
// directory of the module. It returns module-relative paths.
func resolveData(moduleDir string, detected []detect.DataFile, given []string) ([]string, error) {
	if len(given) == 1 && given[0] == DataNone {
		return nil, nil
	}
	var paths []string
	for _, d := range detected {
		// Detection only reports clean module paths; checked again so
		// that nothing but such a path reaches the Dockerfile.
		if c, err := cleanRelative("Data", d.Path, false); err != nil || c != d.Path || c == "." {
			return nil, inputerr.Errorf("detected data file %s is not a clean path inside the module", inputerr.Quote(d.Path))
		}
		if !slices.Contains(paths, d.Path) {
			paths = append(paths, d.Path)
		}
	}
	for _, g := range given {
		c := path.Clean(g)
		st, err := os.Lstat(filepath.Join(moduleDir, filepath.FromSlash(c)))
		switch {
		case err != nil:
			return nil, optionErrorf("Data", "{Data} %s: no such file or directory in the module", inputerr.Quote(g))
		case !st.IsDir() && !st.Mode().IsRegular():
			return nil, optionErrorf("Data", "{Data} %s is not a regular file or a directory (a link or a special file); name what it points to", inputerr.Quote(g))
		}
		if !slices.Contains(paths, c) {
			paths = append(paths, c)
		}
	}
	return paths, nil
}

// presentSums looks for the go.sum of the module, of its local replace
// targets and of the modules its workspace uses, and for the workspace's
// go.work.sum: the dependency step copies those that exist.
func presentSums(f *detect.Facts) map[string]bool {
	candidates := []string{filepath.Join(f.Dir, "go.sum")}
	for _, r := range f.LocalReplaces {
		candidates = append(candidates, filepath.Join(f.Dir, filepath.FromSlash(r.Dir), "go.sum"))
	}
	if ws := f.Workspace; ws != nil {
		candidates = append(candidates, filepath.Join(f.Dir, filepath.FromSlash(ws.File))+".sum")
		for _, u := range ws.Uses {
			candidates = append(candidates, filepath.Join(f.Dir, filepath.FromSlash(u), "go.sum"))
		}
	}
	present := map[string]bool{}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			present[c] = true
		}
	}
	return present
}

// ChooseMain picks the main package: the one named, else the only one, else
// the one at the module root.
func ChooseMain(f *detect.Facts, want string) (detect.MainPackage, error) {
	if want != "" {
		dir := path.Clean(want)
		if m, ok := f.Main(dir); ok {
			return m, nil
		}
		for _, b := range f.Broken {
			if b.Dir == dir {
				return detect.MainPackage{}, optionErrorf("Main", "{Main} %s: the directory mixes packages %s, so it does not build; fix the package clauses", inputerr.Quote(want), strings.Join(b.Packages, " and "))
			}
		}
		return detect.MainPackage{}, optionErrorf("Main", "{Main} %s: no main package there; main packages: %s", inputerr.Quote(want), candidates(f))
	}
	switch {
	case len(f.Mains) == 1:
		return f.Mains[0], nil
	case len(f.Mains) > 1 && f.Mains[0].Dir == ".":
		return f.Mains[0], nil
	case len(f.Mains) > 1:
		return detect.MainPackage{}, optionErrorf("Main", "%d main packages and none at the module root: choose one with {Main} (%s); {Main} repeats for one image each, {Main} all takes every one", len(f.Mains), candidates(f))
	}
	if len(f.ExampleMains) > 0 {
		return detect.MainPackage{}, optionErrorf("Main", "no main package outside examples/: choose one with {Main} (%s)", candidates(f))
	}
	msg := "no main package in " + f.Dir + ": dockhard builds programs (package main), and this module looks like a library"
	if len(f.Broken) > 0 {
		msg += "; " + f.Broken[0].Dir + " mixes packages " + strings.Join(f.Broken[0].Packages, " and ")
	}
	return detect.MainPackage{}, inputerr.Errorf("%s", msg)
}

// chooseMains picks the main packages of the Main option: every main
// outside examples/ for all, the ones named, or the one ChooseMain picks.
func chooseMains(f *detect.Facts, want []string) ([]detect.MainPackage, error) {
	if len(want) == 1 && want[0] == MainAll {
		if len(f.Mains) == 0 {
			_, err := ChooseMain(f, "")
			return nil, err
		}
		return slices.Clone(f.Mains), nil
	}
	if len(want) == 0 {
		want = []string{""}
	}
	var out []detect.MainPackage
	for _, w := range want {
		m, err := ChooseMain(f, w)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// candidates lists the main packages as the Main option would name them.
func candidates(f *detect.Facts) optionList {
	l := optionList{field: "Main"}
	for _, m := range append(append([]detect.MainPackage{}, f.Mains...), f.ExampleMains...) {
		l.values = append(l.values, "./"+strings.TrimPrefix(m.Dir, "./"))
	}
	return l
}

// cgoWhy is the first evidence of a main's cgo need, for an error.
func cgoWhy(main detect.MainPackage) string {
	if len(main.CgoEvidence) == 0 {
		return ""
	}
	e := main.CgoEvidence[0]
	if e.File == "" {
		return e.What
	}
	return e.What + " in " + e.File
}
