package generator

import (
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/write"
)

// Result is everything one generation produced.
type Result struct {
	Facts    *detect.Facts
	Resolved *Resolved
	Plan     *Plan
	// Dockerfile and Dockerignore are the rendered files; Dockerignore is
	// nil when none is wanted.
	Dockerfile   []byte
	Dockerignore []byte
	// Extras are the extra files the options ask for (a CI workflow),
	// each where it goes.
	Extras []write.File
}

// Generate checks the options, detects the module in dir, and resolves,
// plans and renders its files. It writes nothing. The options are checked
// before detection, which needs their build tags.
func Generate(dir string, o *Options) (*Result, error) {
	c, err := o.check()
	if err != nil {
		return nil, err
	}
	facts, err := detect.DetectWithTags(dir, c.tags)
	if err != nil {
		return nil, err
	}
	return c.generate(facts)
}

// GenerateFrom resolves, plans and renders from facts already detected
// (the wizard detects first, then asks).
func GenerateFrom(facts *detect.Facts, o *Options) (*Result, error) {
	c, err := o.check()
	if err != nil {
		return nil, err
	}
	return c.generate(facts)
}

func (c *checked) generate(facts *detect.Facts) (*Result, error) {
	cat, err := loadCatalog(facts.Dir, c.catalog)
	if err != nil {
		return nil, err
	}
	r, err := c.resolve(facts, cat)
	if err != nil {
		return nil, err
	}
	plan, err := NewPlan(facts, r, cat)
	if err != nil {
		return nil, err
	}
	df, di, err := Render(plan)
	if err != nil {
		return nil, err
	}
	extras, err := c.renderExtras(&generation{facts: facts, resolved: r, plan: plan, checked: c})
	if err != nil {
		return nil, err
	}
	return &Result{Facts: facts, Resolved: r, Plan: plan, Dockerfile: df, Dockerignore: di, Extras: extras}, nil
}

// LoadCatalog returns the image catalog the options choose for the module
// in dir: their Catalog file, else the built-in one.
func LoadCatalog(dir string, o *Options) (*catalog.Catalog, error) {
	name := ""
	if o.Catalog != "" {
		var err error
		if name, err = checkLocation("Catalog", o.Catalog, o.Catalog); err != nil {
			return nil, err
		}
	}
	return loadCatalog(dir, name)
}

// loadCatalog loads a checked Catalog option ("" for the built-in one).
func loadCatalog(dir, name string) (*catalog.Catalog, error) {
	if name == "" {
		return catalog.DefaultCatalog()
	}
	return catalog.LoadCatalog(inModule(dir, name))
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
	return append(files, r.Extras...)
}
