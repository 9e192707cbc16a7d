package generator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/write"
)

// An extraFile is a file generate writes beside the Dockerfile and the
// .dockerignore when its option asks for it: the CI workflow (--ci), and
// likewise compose.yaml and Kubernetes manifests. Adding one is a row of
// the option table (its switch or choice, recorded in the header like
// every option) and an entry in extraFiles whose render calls its
// renderer. The rest is shared: it carries the Dockerfile's header, it is
// one of Result.Files, so --check, --diff, --force and go generate treat it
// as they treat the Dockerfile, and the wizard lists it among its extras.
type extraFile struct {
	// field is the Options field of its option-table row; the file is
	// written when the option records a value (a choice other than its
	// default or none, a switch turned on).
	field string
	// choice names it among the wizard's extras; help says what it is.
	choice, help string
	// wizardValue is what choosing it in the wizard sets a text option to
	// (a switch is turned on).
	wizardValue string
	// forSeveral offers it in the wizard only for a Dockerfile of several
	// images.
	forSeveral bool
	// render makes it for one generation.
	render func(g *generation) (placedFile, error)
}

// extraFiles are the extra files, in the order they are written and
// offered.
var extraFiles = []extraFile{
	{field: "CI", choice: workflowChoice, wizardValue: ciGitHub, render: renderWorkflow,
		help: workflowChoice + " (GitHub Actions) checks the Dockerfile is current and lints clean, builds and scans the image with Trivy, publishes it to ghcr.io with SBOM and provenance, and checks the base pins weekly."},
	{field: "Compose", choice: composeFile, render: renderCompose,
		help: composeFile + " runs the image with docker compose as its own user, with a read-only root filesystem, no capabilities and no privilege escalation."},
	{field: "Kubernetes", choice: k8sDir + "/<name>.yaml", render: renderKubernetes,
		help: k8sDir + "/<name>.yaml is a Kubernetes Deployment (and a Service when the program listens) with the same settings, meeting the restricted Pod Security Standard."},
	{field: "Bake", choice: bakeFile, render: renderBake, forSeveral: true,
		help: bakeFile + " builds every image of the Dockerfile with one docker buildx bake."},
}

// generation is what an extra file's renderer reads: the module, the
// options decided for it and the Dockerfile's plan (its header, paths and
// binary).
type generation struct {
	facts    *detect.Facts
	resolved *Resolved
	plan     *Plan
	checked  *checked
}

// placedFile is an extra file rendered: where it goes (absolute), the
// directory it must stay inside even through symbolic links, and its
// content.
type placedFile struct {
	path, within string
	content      []byte
}

func init() {
	for _, x := range extraFiles {
		if optionFor(x.field) == nil {
			panic("extra file " + x.choice + ": no option-table row sets " + x.field)
		}
	}
}

// optionFor is the option-table row that sets field.
func optionFor(field string) *option {
	for i := range optionTable {
		if optionTable[i].Field == field {
			return &optionTable[i]
		}
	}
	return nil
}

// Extra is a file generate can write beside the Dockerfile, as the wizard
// offers it.
type Extra struct {
	Flag   string // its option, "ci"
	Choice string // what the wizard lists
	Help   string
	// ForSeveral is offered only for a Dockerfile of several images.
	ForSeveral bool
}

// Extras lists the extra files.
func Extras() []Extra {
	var out []Extra
	for _, x := range extraFiles {
		out = append(out, Extra{Flag: optionFor(x.field).Flag, Choice: x.choice, Help: x.help, ForSeveral: x.forSeveral})
	}
	return out
}

// ExtraOn reports whether o writes the extra file of flag.
func (o *Options) ExtraOn(flag string) bool {
	x := extraByFlag(flag)
	return x != nil && optionFor(x.field).record(o) != nil
}

// SetExtra turns the extra file of flag on or off in o, as choosing it
// among the wizard's extras does.
func (o *Options) SetExtra(flag string, on bool) {
	x := extraByFlag(flag)
	if x == nil {
		return
	}
	switch f := optionFor(x.field).field(o); f.Interface().(type) {
	case bool:
		f.SetBool(on)
	case string:
		if !on {
			f.SetString("")
		} else if !o.ExtraOn(flag) {
			f.SetString(x.wizardValue)
		}
	}
}

func extraByFlag(flag string) *extraFile {
	for i := range extraFiles {
		if optionFor(extraFiles[i].field).Flag == flag {
			return &extraFiles[i]
		}
	}
	return nil
}

// checkExtras returns the fields of the extra files o asks for. They are
// files on disk: with the Dockerfile going to standard output nothing is
// written, so asking for one then is a mistake.
func (o *Options) checkExtras() ([]string, error) {
	var on []string
	for _, x := range extraFiles {
		if optionFor(x.field).record(o) != nil {
			on = append(on, x.field)
		}
	}
	if len(on) > 0 && o.Output == "-" {
		return nil, optionErrorf(on[0], "{Output} - prints the Dockerfile and writes nothing, and {"+on[0]+"} writes a file: drop one of them")
	}
	return on, nil
}

// renderExtras renders the extra files the options ask for, each where
// its renderer places it: never onto another generated file, and never
// through a link out of the directory it belongs in.
func (c *checked) renderExtras(g *generation) ([]write.File, error) {
	taken := map[string]string{g.plan.DockerfilePath: "the Dockerfile"}
	if g.plan.DockerignorePath != "" {
		taken[g.plan.DockerignorePath] = "the .dockerignore"
	}
	var files []write.File
	for _, x := range extraFiles {
		if !slices.Contains(c.extras, x.field) {
			continue
		}
		p, err := x.render(g)
		if err != nil {
			return nil, err
		}
		if other, ok := taken[p.path]; ok {
			return nil, optionErrorf(x.field, "{"+x.field+"} writes %s, which is also %s: write that elsewhere", p.path, other)
		}
		taken[p.path] = p.path
		if err := staysWithin(p.within, filepath.Dir(p.path)); err != nil {
			return nil, optionErrorf(x.field, "{"+x.field+"} cannot write %s: %v", p.path, err)
		}
		files = append(files, write.File{Path: p.path, Content: p.content, MakeDirs: true})
	}
	return files, nil
}

// staysWithin checks that dir is inside within, also once symbolic links
// are resolved; for a directory that does not exist yet, the nearest one
// above it that does (the directories made for the file are new, so no
// link can be among them).
func staysWithin(within, dir string) error {
	if rel, err := filepath.Rel(within, dir); err != nil || escapes(rel) {
		return inputerr.Errorf("%s is outside %s", dir, within)
	}
	existing := dir
	for {
		if _, err := os.Lstat(existing); err == nil || filepath.Dir(existing) == existing {
			break
		}
		existing = filepath.Dir(existing)
	}
	realDir, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return nil // not there to follow: writing will say why
	}
	realWithin, err := filepath.EvalSymlinks(within)
	if err != nil {
		return nil
	}
	if rel, err := filepath.Rel(realWithin, realDir); err != nil || escapes(rel) {
		return inputerr.Errorf("%s leads through a link to %s, outside %s", existing, realDir, within)
	}
	return nil
}

// escapes reports whether a relative path from filepath.Rel leaves its
// base.
func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
