package generator

import (
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/write"
)

// Result is everything one generation produced.
type Result struct {
	Facts *detect.Facts
	Plan  *Plan
	// Dockerfile and Dockerignore are the rendered files; Dockerignore is
	// nil when none is wanted.
	Dockerfile   []byte
	Dockerignore []byte
}

// Generate detects the module in dir, plans and renders its files. It
// writes nothing.
func Generate(dir string, o *Options) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	tags, err := ParseTags(o.Tags)
	if err != nil {
		return nil, err
	}
	facts, err := detect.DetectWithTags(dir, tags)
	if err != nil {
		return nil, err
	}
	return GenerateFrom(facts, o)
}

// GenerateFrom plans and renders from facts already detected (the wizard
// detects first, then asks).
func GenerateFrom(facts *detect.Facts, o *Options) (*Result, error) {
	cat, err := catalogFor(facts.Dir, o)
	if err != nil {
		return nil, err
	}
	plan, err := NewPlan(facts, o, cat)
	if err != nil {
		return nil, err
	}
	df, di, err := Render(plan)
	if err != nil {
		return nil, err
	}
	return &Result{Facts: facts, Plan: plan, Dockerfile: df, Dockerignore: di}, nil
}

func catalogFor(dir string, o *Options) (*catalog.Catalog, error) {
	if o.Catalog == "" {
		return catalog.DefaultCatalog()
	}
	return catalog.LoadCatalog(joinModule(dir, o.Catalog))
}

// Files lists the files to write (none for a Dockerfile going to standard
// output).
func (r *Result) Files() []write.File {
	var files []write.File
	if r.Plan.DockerfilePath != "-" {
		files = append(files, write.File{Path: r.Plan.DockerfilePath, Content: r.Dockerfile})
	}
	if r.Plan.DockerignorePath != "" {
		files = append(files, write.File{Path: r.Plan.DockerignorePath, Content: r.Dockerignore})
	}
	return files
}
