package generator

import (
	"encoding/json"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
)

// Plan is the typed data the templates render: every choice is made and
// every value validated here, so templates only lay text out.
type Plan struct {
	Header  string
	Builder string

	BuilderImage string
	// CrossCompile builds on the build platform for the target (static
	// binaries only; a cgo build runs on the target platform, and so does
	// a builder that builds any cgo binary).
	CrossCompile bool
	// GoToolchain, when set, is the exact toolchain the builder must use.
	GoToolchain string
	// AptPackages are installed in the ubuntu builder.
	AptPackages []string
	// WorkDir is the module directory inside the builder.
	WorkDir   string
	DepCopies []CopyStep
	Vendored  bool
	// IgnoreVendor builds with -mod=mod: vendor/ exists but the go command
	// would reject it or not use it (Facts.VendorProblems).
	IgnoreVendor bool
	GoWorkOff    bool
	// Private fetches private modules in the dependency step; nil for
	// none.
	Private *PrivateFetch
	UID     int
	GID     int

	// Target is the image of the one main package, or the first of
	// several (Targets[0]); each final stage renders with its own.
	Target
	// Targets are the images, one per main package, each a final stage of
	// its own; a single one has no stage name.
	Targets []Target

	// BuildProbe builds dockhard's health probe in the builder: some
	// target's health check is http or tcp. ProbeSource is its Go source,
	// carried in the Dockerfile as a heredoc.
	BuildProbe  bool
	ProbeSource string
	// Stamped declares the version build arguments in the builder: some
	// target is stamped. StampEpoch declares SOURCE_DATE_EPOCH too.
	Stamped    bool
	StampEpoch bool

	// For .dockerignore: the Dockerfile's path in the context, and
	// patterns the build needs.
	IgnoreDockerfile string
	KeepPatterns     []string
	// KeepData are the data files' paths in the context.
	KeepData []string

	// Paths of the files to write (absolute); DockerfilePath is "-" for
	// standard output, DockerignorePath is "" when none is written.
	DockerfilePath   string
	DockerignorePath string
	// Bake says docker-bake.hcl is written beside the Dockerfile.
	Bake bool
	// ContextDir is the build context (absolute).
	ContextDir string
}

// Target is one main package's image: its go build and its final stage.
type Target struct {
	// Name names the final stage (docker build --target NAME) and its
	// bake target when there are several; "" for a single image.
	Name    string
	Runtime string
	// RootStage writes the stage the runtime is prepared in (alpine's
	// hardening) before this target's final stage: the first target on
	// that runtime; the others copy from the same stage.
	RootStage    bool
	RuntimeImage string
	CGO          bool
	// EmbedTzdata builds with -tags timetzdata: the program loads time
	// zones and the runtime has no zoneinfo.
	EmbedTzdata bool
	// BuildTags is go build's -tags value: --tags, then timetzdata when
	// EmbedTzdata; "" for none.
	BuildTags string
	// Stamps are the -X of LDFlags, go build's -ldflags value.
	Stamps  []Stamp
	LDFlags string
	// Package is the main package argument of go build, "./cmd/server".
	Package string
	Binary  string
	Ports   []int
	// WritePasswd gives the runtime an account for UID.
	WritePasswd bool
	Labels      []Label
	// DataFiles are copied into AppDir (appDir), the final stage's working
	// directory, read-only and owned by root: the program reads them at
	// run time by relative path.
	DataFiles []DataCopy
	AppDir    string
	// Entrypoint is the exec-form JSON array.
	Entrypoint string

	// Probe copies dockhard's health probe into the image (http and tcp
	// health checks).
	Probe bool
	// Healthcheck is the HEALTHCHECK options and exec-form command, "" for
	// none.
	HealthcheckOptions string
	HealthcheckCmd     string
}

// CopyStep is one COPY of the dependency step: context-relative sources
// into an absolute destination directory.
type CopyStep struct {
	Sources []string
	Dest    string
}

// DataCopy is one file or directory the program reads at run time: its
// path in the builder (the module's copy, which the final stage copies
// from like the binary), its destination under appDir and its mode
// (no write bit for anyone).
type DataCopy struct {
	Source string
	Dest   string
	Mode   string
}

// appDir is the final stage's working directory when data files are
// copied: relative paths the program reads resolve under it.
const appDir = "/app"

// Label is one LABEL pair; Value is already quoted for the Dockerfile.
type Label struct {
	Key   string
	Value string
}

var (
	binaryName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// labelValue allows what a source URL or a title needs, and nothing
	// a Dockerfile would read as syntax (quotes, backslashes, '$').
	labelValue = regexp.MustCompile(`^[A-Za-z0-9._/:@+~-]+$`)
	// sourceHosts are the forges whose module paths are also web URLs.
	// embedKeep is safePath plus the glob characters of //go:embed.
	embedKeep   = regexp.MustCompile(`^[A-Za-z0-9._/@+*?-]+$`)
	doubleStar  = regexp.MustCompile(`\*\*+`)
	sourceHosts = map[string]bool{"github.com": true, "gitlab.com": true, "bitbucket.org": true, "codeberg.org": true}
)

// NewPlan decides everything the Dockerfile needs from the detected facts,
// the resolved options and the image catalog. It only computes: what it
// needs from the file system was read by detection and resolution.
func NewPlan(f *detect.Facts, r *Resolved, cat *catalog.Catalog) (*Plan, error) {
	p := &Plan{Header: headerLine(r.Args), Builder: r.Builder, UID: r.UID, GID: r.UID}
	// One builder builds every binary: it runs on the target platform as
	// soon as one of them needs cgo.
	anyCgo := slices.ContainsFunc(r.Programs, func(prog Program) bool { return prog.Cgo })
	p.CrossCompile = !anyCgo
	p.Targets = make([]Target, len(r.Programs))
	for i, prog := range r.Programs {
		p.Targets[i] = Target{Runtime: prog.Runtime, CGO: prog.Cgo}
	}

	// Images.
	buildGo := f.Module.BuildGo
	if !catalog.GoVersion.MatchString(buildGo) {
		return nil, inputerr.Errorf("go.mod asks for Go %s, which dockhard cannot turn into an image tag (expected 1.N or 1.N.P)", inputerr.Quote(buildGo))
	}
	minor, _ := strconv.Atoi(catalog.GoVersion.FindStringSubmatch(buildGo)[1])
	if cat.GoInTag(p.Builder) && minor < 21 {
		return nil, inputerr.Errorf("go.mod asks for Go %s; the golang builder's tags name go.mod's exact release, which needs Go 1.21 or later: raise the go line (`go mod edit -go=1.27.0`) or use --builder chainguard", buildGo)
	}
	var err error
	if p.BuilderImage, err = catalogRef(cat, "builder/"+p.Builder, buildGo, r.Pin); err != nil {
		return nil, err
	}
	refs := []string{p.BuilderImage}
	for i := range p.Targets {
		t := &p.Targets[i]
		if t.RuntimeImage, err = catalogRef(cat, cat.RuntimeKey(t.Runtime, t.CGO), buildGo, r.Pin); err != nil {
			return nil, err
		}
		if !slices.Contains(refs, t.RuntimeImage) {
			refs = append(refs, t.RuntimeImage)
		}
	}
	for _, ref := range refs {
		if err := checkEndOfLife(cat, ref, r); err != nil {
			return nil, err
		}
	}
	if b := cat.Builder(p.Builder); b.DistroGo {
		// The distribution's package may be older than go.mod's Go; the
		// toolchain switch (Go 1.21+) fetches the exact one. Older go
		// lines are satisfied by the packaged Go itself.
		if minor >= 21 {
			p.GoToolchain = "go" + catalog.FullGoVersion(buildGo)
		}
		p.AptPackages = b.Packages
		if anyCgo {
			p.AptPackages = b.CgoPackages
		}
		if r.Private != nil && r.Private.SSH && !b.SSH {
			p.AptPackages = slices.Sorted(slices.Values(append(slices.Clone(p.AptPackages), b.SSHPackages...)))
		}
	}
	p.Private = r.Private

	// Paths: the context, the module inside it, the files to write.
	p.ContextDir = r.ContextDir
	modRel := r.ModuleInContext
	if strings.HasPrefix(modRel, "-") {
		return nil, inputerr.Errorf("the module directory %s (inside the context) starts with '-', which a Dockerfile reads as a flag; rename the directory", inputerr.Quote(modRel))
	}
	if !safePath.MatchString(modRel) {
		return nil, inputerr.Errorf("the module directory %s (inside the context) has characters dockhard will not write into a Dockerfile; only letters, digits and . _ / @ + - are allowed", inputerr.Quote(modRel))
	}
	p.WorkDir = path.Join("/src", modRel)
	if err := planDependencies(p, f, modRel, r.Sums); err != nil {
		return nil, err
	}
	p.Vendored = f.Vendored
	p.IgnoreVendor = f.VendorDir && !f.Vendored

	runtimes := map[string]bool{}
	for i, prog := range r.Programs {
		t := &p.Targets[i]
		if err := planTarget(t, f, r, cat, prog, p.WorkDir); err != nil {
			return nil, err
		}
		t.RootStage = !runtimes[t.Runtime]
		runtimes[t.Runtime] = true
		if t.Probe {
			p.BuildProbe, p.ProbeSource = true, prog.Healthcheck.ProbeSource
		}
		for _, s := range t.Stamps {
			p.Stamped = true
			p.StampEpoch = p.StampEpoch || s.Arg == StampArgEpoch
		}
		for _, d := range prog.Data {
			// Never excluded: the builder's copy of the module is their source.
			if keep := path.Join(modRel, d); !slices.Contains(p.KeepData, keep) {
				p.KeepData = append(p.KeepData, keep)
			}
		}
	}
	if err := nameTargets(p.Targets, r.Programs, r.Bake); err != nil {
		return nil, err
	}
	p.Target = p.Targets[0]

	// Files.
	p.DockerfilePath = r.DockerfilePath
	p.DockerignorePath = r.DockerignorePath
	p.Bake = r.Bake
	p.IgnoreDockerfile = r.DockerfileInContext
	for _, e := range f.EmbedPatterns {
		// In a .dockerignore "**" matches any depth; in //go:embed it is
		// one element, like "*".
		keep := path.Join(modRel, doubleStar.ReplaceAllString(e, "*"))
		if embedKeep.MatchString(keep) && detect.ValidEmbedPattern(keep) {
			p.KeepPatterns = append(p.KeepPatterns, keep)
		}
	}
	return p, nil
}

// planTarget decides one main package's build and final stage.
func planTarget(t *Target, f *detect.Facts, r *Resolved, cat *catalog.Catalog, prog Program, workDir string) error {
	main := prog.Main
	t.Package = "./" + main.Dir
	if main.Dir == "." {
		t.Package = "."
	}
	if !safePath.MatchString(t.Package) {
		return inputerr.Errorf("main package directory %s has characters dockhard will not write into a Dockerfile; only letters, digits and . _ / @ + - are allowed", inputerr.Quote(main.Dir))
	}
	t.Binary = binaryFor(f.Module.Path, main.Dir)
	if !binaryName.MatchString(t.Binary) {
		return inputerr.Errorf("cannot name the binary after %s: a binary name may hold only letters, digits and . _ - (rename the directory or the module)", inputerr.Quote(t.Binary))
	}
	entry, _ := json.Marshal([]string{"/usr/local/bin/" + t.Binary})
	t.Entrypoint = string(entry)

	t.Ports = prog.Ports

	// A runtime with an account of its own (65532) needs a passwd entry
	// for any other user; one with a shell gets its account from its
	// hardening stage.
	rt := cat.Runtime(t.Runtime)
	t.WritePasswd = !rt.Shell && r.UID != rt.Account
	// A program that loads time zones gets them built in where the
	// runtime has no zoneinfo.
	t.EmbedTzdata = len(main.TimeZones) > 0 && !rt.Zoneinfo
	tags := slices.Clone(r.Tags)
	if t.EmbedTzdata && !slices.Contains(tags, "timetzdata") {
		tags = append(tags, "timetzdata")
	}
	t.BuildTags = strings.Join(tags, ",")
	for _, s := range prog.Stamps {
		// Given ones were checked with the options; detected ones come
		// from directory and module names.
		if !validStampSymbol(s.Symbol) || !slices.Contains(StampArgs, s.Arg) {
			return inputerr.Errorf("the stamp variable %s of %s cannot be written into -ldflags -X (only letters, digits and . _ / - in its package path); pass --stamp none, or name the variables with --stamp SYMBOL=ARG", inputerr.Quote(s.Symbol), t.Package)
		}
	}
	t.Stamps = prog.Stamps
	t.LDFlags = buildLDFlags(t.Stamps)

	var err error
	if t.Labels, err = labelsFor(f.Module.Path, t.Binary); err != nil {
		return err
	}
	planHealthcheck(t, prog.Healthcheck)
	if t.DataFiles, err = planDataFiles(workDir, prog.Data); err != nil {
		return err
	}
	if len(t.DataFiles) > 0 {
		t.AppDir = appDir
	}
	return nil
}

// targetName is what a target's name may be: a Dockerfile stage name
// (lowercase, as BuildKit wants them), a bake target name and an image
// name at once (at most maxTargetName characters).
var targetName = regexp.MustCompile(`^[a-z][a-z0-9]*((_|__|-+)[a-z0-9]+)*$`)

const maxTargetName = 63

// reservedStages are the names a target may not take: the other stages
// of the file, and scratch, which FROM would read as the stage.
var reservedStages = []string{"builder", "alpine-root", "scratch"}

// nameTargets names each target after its binary when there are several
// (a single image's stage stays unnamed), and checks that the names can
// be stage, bake target and image names and that no two collide. bake
// checks the names of a single image too: they name its bake target.
func nameTargets(targets []Target, progs []Program, bake bool) error {
	if len(targets) == 1 && !bake {
		return nil
	}
	for i := range targets {
		t := &targets[i]
		name := t.Binary
		if !targetName.MatchString(name) || len(name) > maxTargetName {
			return inputerr.Errorf("--main %s builds %s, which cannot name a Dockerfile target (docker build --target), a bake target and an image: those are lowercase letters and digits, starting with a letter, joined by _ or - (not ending with one), at most %d characters; rename the directory", mainArg(progs[i].Main.Dir), inputerr.Quote(name), maxTargetName)
		}
		if len(targets) > 1 && slices.Contains(reservedStages, name) {
			return inputerr.Errorf("--main %s builds %s, which is the name of another stage of the Dockerfile (%s); rename the directory", mainArg(progs[i].Main.Dir), name, strings.Join(reservedStages, ", "))
		}
		for j := range i {
			if targets[j].Binary == name {
				return inputerr.Errorf("--main %s and --main %s both build a binary named %s, and each image (its --target) is named after its binary; build one of them on its own, or rename a directory", mainArg(progs[j].Main.Dir), mainArg(progs[i].Main.Dir), name)
			}
		}
		if len(targets) > 1 {
			t.Name = name
		}
	}
	return nil
}

// planDataFiles lays out the copies of the data files (module-relative
// paths) from the module's copy in the builder (workDir).
func planDataFiles(workDir string, paths []string) ([]DataCopy, error) {
	var out []DataCopy
	for _, p := range paths {
		src := path.Join(workDir, p)
		if !safePath.MatchString(src) {
			return nil, inputerr.Errorf("data file %s has characters dockhard will not write into a Dockerfile; only letters, digits and . _ / @ + - are allowed", inputerr.Quote(src))
		}
		// 0555 for files too: BuildKit gives the directories a COPY
		// creates (/app) the COPY's mode, and /app must stay searchable.
		// Read and execute only, for everyone; root owns them.
		out = append(out, DataCopy{Source: src, Dest: path.Join(appDir, p), Mode: "0555"})
	}
	return out, nil
}

// probePath is where the health probe lands in the image.
const probePath = "/usr/local/bin/healthcheck"

// planHealthcheck writes the HEALTHCHECK resolved: dockhard's probe for
// http and tcp, the program's own command for exec.
func planHealthcheck(p *Target, h Healthcheck) {
	var argv []string
	switch h.Mode {
	case "none":
		return
	case "http":
		argv = []string{probePath, "http://127.0.0.1:" + strconv.Itoa(p.Ports[0]) + h.Path, h.ProbeTimeout}
	case "tcp":
		argv = []string{probePath, "tcp://127.0.0.1:" + strconv.Itoa(p.Ports[0]), h.ProbeTimeout}
	case "exec":
		p.HealthcheckCmd = h.Cmd
	}
	if argv != nil {
		p.Probe = true
		cmd, _ := json.Marshal(argv)
		p.HealthcheckCmd = string(cmd)
	}
	p.HealthcheckOptions = "--interval=" + h.Interval.String() +
		" --timeout=" + h.Timeout.String() +
		" --start-period=" + h.StartPeriod.String() +
		" --retries=" + strconv.Itoa(h.Retries)
}

// checkEndOfLife refuses a base past its publisher's end of life, naming
// what to use instead, unless AllowEOL.
func checkEndOfLife(cat *catalog.Catalog, ref string, r *Resolved) error {
	e, ok := cat.EndOfLifeFor(ref)
	if !ok || r.AllowEOL {
		return nil
	}
	if past, _ := e.Status(r.Today); past {
		return optionErrorf("", "%s is past its end of life (%s) and gets no more fixes; instead use %s; or pass {AllowEOL} to write it anyway", ref, e.EOL, e.Instead)
	}
	return nil
}

func catalogRef(cat *catalog.Catalog, key, goVer, pin string) (string, error) {
	img, ok := cat.Images[key]
	if !ok {
		return "", inputerr.Errorf("the image catalog has no entry %q", key)
	}
	ref, err := img.Ref(goVer, pin)
	if err != nil {
		return "", inputerr.Errorf("image catalog entry %q: %v", key, err)
	}
	return ref, nil
}

// planDependencies lists what the dependency step copies: go.mod and go.sum
// of the module, of local replace targets, and of the workspace when the
// module needs it. Every one must be inside the build context. sums are
// the go.sum and go.work.sum files that exist (Resolved.Sums).
func planDependencies(p *Plan, f *detect.Facts, modRel string, sums map[string]bool) error {
	addModule := func(rel, why string) error {
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return optionErrorf("Context", "%s points outside the build context %s; pass a {Context} that contains it (for example {Context} %s)", why, p.ContextDir, suggestContext(f.Dir, p.ContextDir, rel))
		}
		if !safePath.MatchString(rel) {
			return inputerr.Errorf("%s: the path %s has characters dockhard will not write into a Dockerfile", why, inputerr.Quote(rel))
		}
		if strings.HasPrefix(rel, "-") {
			// COPY would read "--dir/go.mod" as a flag.
			return inputerr.Errorf("%s: the path %s starts with '-', which a Dockerfile reads as a flag; rename the directory", why, inputerr.Quote(rel))
		}
		sources := []string{path.Join(rel, "go.mod")}
		if sums[filepath.Join(p.ContextDir, filepath.FromSlash(rel), "go.sum")] {
			sources = append(sources, path.Join(rel, "go.sum"))
		}
		p.DepCopies = append(p.DepCopies, CopyStep{Sources: sources, Dest: path.Join("/src", rel) + "/"})
		return nil
	}
	if err := addModule(modRel, "the module"); err != nil {
		return err
	}
	for _, r := range f.LocalReplaces {
		why := "go.mod:" + strconv.Itoa(r.Line) + ": replace " + r.Module + " => " + r.Target
		if err := addModule(path.Join(modRel, r.Dir), why); err != nil {
			return err
		}
	}
	ws := f.Workspace
	if ws == nil {
		return nil
	}
	if !ws.Needed {
		p.GoWorkOff = true
		return nil
	}
	workRel := path.Join(modRel, ws.File)
	why := ws.File + " (needed for " + strings.Join(ws.NeededBy, ", ") + ")"
	if strings.HasPrefix(workRel, "../") {
		return optionErrorf("Context", "the workspace %s points outside the build context %s; pass a {Context} that contains it (for example {Context} %s)", why, p.ContextDir, suggestContext(f.Dir, p.ContextDir, path.Dir(workRel)))
	}
	workDir := path.Dir(workRel)
	sources := []string{workRel}
	if sums[filepath.Join(p.ContextDir, filepath.FromSlash(workRel)+".sum")] {
		sources = append(sources, workRel+".sum")
	}
	p.DepCopies = append(p.DepCopies, CopyStep{Sources: sources, Dest: path.Join("/src", workDir) + "/"})
	for _, u := range ws.Uses {
		rel := path.Join(modRel, u)
		if rel == modRel {
			continue
		}
		if err := addModule(rel, ws.File+": use "+u); err != nil {
			return err
		}
	}
	return nil
}

// suggestContext returns a Context value (relative to the module) that
// contains rel (relative to the current context).
func suggestContext(modDir, contextDir, rel string) string {
	target := filepath.Join(contextDir, filepath.FromSlash(rel))
	common := contextDir
	for !strings.HasPrefix(target+string(filepath.Separator), common+string(filepath.Separator)) && filepath.Dir(common) != common {
		common = filepath.Dir(common)
	}
	s, err := filepath.Rel(modDir, common)
	if err != nil {
		return ".."
	}
	return filepath.ToSlash(s)
}

// mainArg is a main package directory as the Main option names it.
func mainArg(dir string) string {
	if dir == "." {
		return "."
	}
	return "./" + dir
}

// binaryFor names the binary after the main package's directory, or after
// the module path for a main at the root (without a /vN suffix).
func binaryFor(modPath, dir string) string {
	if dir != "." {
		return path.Base(dir)
	}
	base := path.Base(modPath)
	if len(base) >= 2 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && path.Dir(modPath) != "." {
		base = path.Base(path.Dir(modPath))
	}
	return base
}

// labelsFor returns the OCI labels: title and, for forge-hosted modules,
// source; version and revision come from build arguments, never from the
// clock.
func labelsFor(modPath, binary string) ([]Label, error) {
	labels := []Label{{Key: "org.opencontainers.image.title", Value: binary}}
	parts := strings.Split(modPath, "/")
	if len(parts) >= 3 && sourceHosts[parts[0]] {
		labels = append(labels, Label{Key: "org.opencontainers.image.source", Value: "https://" + strings.Join(parts[:3], "/")})
	}
	for i, l := range labels {
		if !labelValue.MatchString(l.Value) {
			return nil, inputerr.Errorf("label %s: value %s has characters dockhard will not write into a Dockerfile", l.Key, inputerr.Quote(l.Value))
		}
		labels[i].Value = strconv.Quote(l.Value)
	}
	labels = append(labels,
		Label{Key: "org.opencontainers.image.version", Value: `"${VERSION}"`},
		Label{Key: "org.opencontainers.image.revision", Value: `"${REVISION}"`})
	return labels, nil
}
