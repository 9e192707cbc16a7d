package generator

import (
	"errors"
	"go/version"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/workflow"
)

// The CI workflow (--ci github, issue 20): generator/workflow renders it,
// this file fills its Input from the module and the options.

// The values of the CI option.
const (
	ciGitHub = "github"
	ciGitLab = "gitlab"
	ciNone   = "none"
)

// defaultCIBranch is the branch whose pushes publish the image unless
// --ci-branch names another.
const defaultCIBranch = "main"

// workflowChoice is the workflow's place in the repository, as the
// wizard lists it.
const workflowChoice = workflow.Path

// dockhardMinGo is the go line of dockhard's own go.mod: the oldest Go that
// builds dockhard, so the oldest the workflow's setup-go may install
// (TestDockhardMinGoIsGoMods keeps the two equal).
const dockhardMinGo = "1.24.0"

// checkedCI is the CI options checked.
type checkedCI struct {
	on bool
	// root is the repository root as given (module-relative or absolute),
	// "" to find it.
	root                    string
	branch, image, dockhard string
}

// canonicalCI records none as no workflow.
func canonicalCI(v string) string {
	if v == ciNone {
		return ""
	}
	return v
}

// canonicalCIRoot records a root clean; "." (the module directory) is a
// choice, not the default, which is found.
func canonicalCIRoot(v string) string {
	if v == "" {
		return ""
	}
	return path.Clean(v)
}

// checkCI checks the CI options on their own, before anything is detected.
func (o *Options) checkCI() (checkedCI, error) {
	c := checkedCI{branch: o.CIBranch, image: o.CIImage, dockhard: o.CIDockhardVersion}
	if c.branch == "" {
		c.branch = defaultCIBranch
	}
	switch o.CI {
	case "", ciNone:
	case ciGitHub:
		c.on = true
	case ciGitLab:
		return c, optionErrorf("CI", "{CI} gitlab is not written: dockhard cannot validate a .gitlab-ci.yml offline or keep the GitHub workflow's guarantees there (the README's section \"Why only GitHub\" says why); use {CI} github, or keep a hand-written .gitlab-ci.yml")
	default:
		return c, optionErrorf("CI", "{CI} %s: use github (a GitHub Actions workflow) or none", inputerr.Quote(o.CI))
	}
	if !c.on {
		for _, opt := range optionTable {
			if opt.partOf == "CI" && opt.record(o) != nil {
				return c, optionErrorf(opt.Field, "{"+opt.Field+"} is only used with {CI} github")
			}
		}
		return c, nil
	}
	if o.CIRoot != "" {
		root, err := checkLocation("CIRoot", o.CIRoot, o.CIRoot)
		if err != nil {
			return c, err
		}
		c.root = root
	}
	checks := []struct {
		field, value string
		check        func(string) error
	}{
		{"CIBranch", c.branch, workflow.CheckDefaultBranch},
		{"CIImage", c.image, workflow.CheckImage},
		{"CIDockhardVersion", c.dockhard, workflow.CheckDockhardVersion},
	}
	for _, ch := range checks {
		if ch.value == "" {
			continue
		}
		if err := ch.check(ch.value); err != nil {
			return c, optionErrorf(ch.field, "{"+ch.field+"} %s: %s", inputerr.Quote(ch.value), wantOf(err))
		}
	}
	return c, nil
}

// wantOf is what a refused workflow value should have been.
func wantOf(err error) string {
	var ie *workflow.InputError
	if errors.As(err, &ie) {
		return ie.Want
	}
	return err.Error()
}

// renderWorkflow places the workflow in the repository root and renders it.
func renderWorkflow(g *generation) (placedFile, error) {
	c := g.checked.ci
	root, found := "", ""
	if c.root != "" {
		root = inModule(g.facts.Dir, c.root)
	} else {
		root, found = repositoryRoot(g.facts.Dir, g.resolved.ContextDir)
	}
	inRoot := func(what, p string) (string, error) {
		rel, err := filepath.Rel(root, p)
		if err != nil || escapes(rel) {
			if c.root != "" {
				return "", optionErrorf("CIRoot", "the %s %s is outside %s, the repository root {CIRoot} names: the workflow builds only what the repository holds", what, p, root)
			}
			return "", optionErrorf("CIRoot", "the %s %s is outside %s, the repository root the workflow serves (%s; {CIRoot} names another): the workflow builds only what the repository holds", what, p, root, found)
		}
		return filepath.ToSlash(rel), nil
	}
	in := workflow.Input{
		Header: g.plan.Header,
		// What the header records, for generate --check to find it.
		CheckContext:  canonicalContext(g.checked.context),
		CheckOutput:   canonicalOutput(g.checked.output),
		GoVersion:     workflowGo(g.facts.Module.BuildGo),
		DefaultBranch: c.branch,
		Image:         c.image,
		Catalog:       g.checked.catalog,
	}
	var err error
	if in.ModuleDir, err = inRoot("module directory", g.facts.Dir); err != nil {
		return placedFile{}, err
	}
	if in.Dockerfile, err = inRoot("Dockerfile", g.plan.DockerfilePath); err != nil {
		return placedFile{}, err
	}
	if in.Context, err = inRoot("build context", g.plan.ContextDir); err != nil {
		return placedFile{}, err
	}
	imageFromBinary := in.Image == ""
	if imageFromBinary {
		in.Image = strings.ToLower(g.plan.Binary)
	}
	if len(g.plan.Targets) > 1 {
		// One build per target, each image <Image>-<target>: by default
		// named after the module rather than its first binary.
		if imageFromBinary {
			in.Image = strings.ToLower(binaryFor(g.facts.Module.Path, "."))
		}
		for _, t := range g.plan.Targets {
			in.Targets = append(in.Targets, t.Name)
		}
	}
	if in.DockhardVersion, err = workflowDockhard(c.dockhard, g.facts.Module.Tools, g.checked.runningVersion); err != nil {
		return placedFile{}, err
	}
	out, err := workflow.Render(in)
	if err != nil {
		return placedFile{}, explainWorkflowRefusal(err, in, imageFromBinary)
	}
	return placedFile{path: filepath.Join(root, filepath.FromSlash(workflow.Path)), within: root, content: out}, nil
}

// repositoryRoot is the nearest directory at or above the module that
// holds .git (a directory, or the file of a worktree or submodule), and
// how it was found, for messages; without one, the build context.
func repositoryRoot(moduleDir, contextDir string) (root, found string) {
	for dir := moduleDir; ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir, "the nearest directory holding .git"
		}
		if filepath.Dir(dir) == dir {
			return contextDir, "no .git above the module: the build context"
		}
	}
}

// workflowGo is the Go the workflow's setup-go installs to build dockhard:
// the module's, or dockhard's oldest when the module's is older.
func workflowGo(moduleGo string) string {
	if version.Compare("go"+moduleGo, "go"+dockhardMinGo) < 0 {
		return dockhardMinGo
	}
	return moduleGo
}

// workflowDockhard is the dockhard release the workflow installs: the one
// named, else "" when go.mod requires dockhard as a tool (the workflow
// installs that), else the running dockhard's own release.
func workflowDockhard(named string, tools []string, running string) (string, error) {
	switch {
	case named != "":
		return named, nil
	case slices.Contains(tools, workflow.DockhardPackage):
		return "", nil
	case running != "":
		return running, nil
	}
	return "", optionErrorf("CIDockhardVersion", "this dockhard is a development build, so the workflow cannot name a release of it to install: pass {CIDockhardVersion} vX.Y.Z, or require dockhard as a tool of the module (go get -tool %s) and the workflow installs that version", workflow.DockhardPackage)
}

// explainWorkflowRefusal says which option or file a value the workflow
// refused came from.
func explainWorkflowRefusal(err error, in workflow.Input, imageFromBinary bool) error {
	var ie *workflow.InputError
	if !errors.As(err, &ie) {
		return err
	}
	switch {
	case ie.Field == "Image" && imageFromBinary:
		return optionErrorf("CIImage", "the binary's name %s does not make an image name (%s): pass {CIImage} NAME", inputerr.Quote(ie.Value), ie.Want)
	case ie.Field == "CheckContext" || ie.Field == "CheckOutput":
		field := strings.TrimPrefix(ie.Field, "Check")
		return optionErrorf("CIRoot", "the workflow's generate --check cannot pass {"+field+"} %s: it takes %s", inputerr.Quote(ie.Value), ie.Want)
	case ie.Field == "Catalog":
		return optionErrorf("Catalog", "{Catalog} %s: the workflow checks this catalog's pins, so it needs %s", inputerr.Quote(ie.Value), ie.Want)
	case ie.Field == "GoVersion":
		return inputerr.Errorf("go.mod asks for Go %s, which the workflow's setup-go cannot install: it takes %s", inputerr.Quote(ie.Value), ie.Want)
	case ie.Field == "ModuleDir" || ie.Field == "Dockerfile" || ie.Field == "Context":
		return optionErrorf("CIRoot", "the workflow cannot name the %s %s from the repository root: it takes %s", strings.ToLower(ie.Field), inputerr.Quote(path.Clean(ie.Value)), ie.Want)
	}
	return err
}
