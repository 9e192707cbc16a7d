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
	Runtime string

	BuilderImage string
	RuntimeImage string
	// CrossCompile builds on the build platform for the target (static
	// binaries only; a cgo build runs on the target platform).
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
	// EmbedTzdata builds with -tags timetzdata: the program loads time
	// zones and the runtime has no zoneinfo.
	EmbedTzdata bool
	// BuildTags is go build's -tags value: --tags, then timetzdata when
	// EmbedTzdata; "" for none.
	BuildTags string
	CGO       bool
	// Package is the main package argument of go build, "./cmd/server".
	Package string
	Binary  string
	Ports   []int
	UID     int
	GID     int
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

	// Probe builds dockhard's health probe (http and tcp health checks);
	// ProbeSource is its Go source, carried in the Dockerfile as a heredoc.
	Probe       bool
	ProbeSource string
	// Healthcheck is the HEALTHCHECK options and exec-form command, "" for
	// none.
	HealthcheckOptions string
	HealthcheckCmd     string

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
	// ContextDir is the build context (absolute).
	ContextDir string
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
	main := r.Main
	p.CGO = r.Cgo
	p.CrossCompile = !p.CGO
	p.Runtime = r.Runtime

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
	if p.RuntimeImage, err = catalogRef(cat, cat.RuntimeKey(p.Runtime, p.CGO), buildGo, r.Pin); err != nil {
		return nil, err
	}
	for _, ref := range []string{p.BuilderImage, p.RuntimeImage} {
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
		if p.CGO {
			p.AptPackages = b.CgoPackages
		}
	}

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

	p.Package = "./" + main.Dir
	if main.Dir == "." {
		p.Package = "."
	}
	if !safePath.MatchString(p.Package) {
		return nil, inputerr.Errorf("main package directory %s has characters dockhard will not write into a Dockerfile; only letters, digits and . _ / @ + - are allowed", inputerr.Quote(main.Dir))
	}
	p.Binary = binaryFor(f.Module.Path, main.Dir)
	if !binaryName.MatchString(p.Binary) {
		return nil, inputerr.Errorf("cannot name the binary after %s: a binary name may hold only letters, digits and . _ - (rename the directory or the module)", inputerr.Quote(p.Binary))
	}
	entry, _ := json.Marshal([]string{"/usr/local/bin/" + p.Binary})
	p.Entrypoint = string(entry)

	p.Ports = r.Ports

	// A runtime with an account of its own (65532) needs a passwd entry
	// for any other user; one with a shell gets its account from its
	// hardening stage.
	rt := cat.Runtime(p.Runtime)
	p.WritePasswd = !rt.Shell && p.UID != rt.Account
	// A program that loads time zones gets them built in where the
	// runtime has no zoneinfo.
	p.EmbedTzdata = len(main.TimeZones) > 0 && !rt.Zoneinfo
	tags := slices.Clone(r.Tags)
	if p.EmbedTzdata && !slices.Contains(tags, "timetzdata") {
		tags = append(tags, "timetzdata")
	}
	p.BuildTags = strings.Join(tags, ",")

	if p.Labels, err = labelsFor(f.Module.Path, p.Binary); err != nil {
		return nil, err
	}
	planHealthcheck(p, r.Healthcheck)

	// Files.
	p.DockerfilePath = r.DockerfilePath
	p.DockerignorePath = r.DockerignorePath
	p.IgnoreDockerfile = r.DockerfileInContext
	if p.DataFiles, err = planDataFiles(p.WorkDir, r.Data); err != nil {
		return nil, err
	}
	if len(p.DataFiles) > 0 {
		p.AppDir = appDir
	}
	for _, d := range r.Data {
		// Never excluded: the builder's copy of the module is their source.
		p.KeepData = append(p.KeepData, path.Join(modRel, d))
	}
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
func planHealthcheck(p *Plan, h Healthcheck) {
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
		p.Probe, p.ProbeSource = true, h.ProbeSource
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
