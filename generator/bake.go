package generator

import (
	"bytes"
	"path/filepath"
	"text/template"

	"github.com/dockhard/dockhard/templates"
)

// bakeFile is the file the Bake option writes in the build context:
// docker buildx bake finds it there.
const bakeFile = "docker-bake.hcl"

// BakeName names the target's image and its target in the bake file: the
// stage name, or for a single image its binary.
func (t Target) BakeName() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Binary
}

// renderBake is the docker-bake.hcl extra file: in the build context,
// where docker buildx bake finds it.
func renderBake(g *generation) (placedFile, error) {
	// The plan checked the targets' names as bake target and image names
	// (Resolved.Bake).
	p := g.plan
	t, err := template.New("bake.hcl.tmpl").Option("missingkey=error").ParseFS(templates.FS, "bake.hcl.tmpl")
	if err != nil {
		return placedFile{}, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return placedFile{}, err
	}
	return placedFile{path: filepath.Join(p.ContextDir, bakeFile), within: p.ContextDir, content: buf.Bytes()}, nil
}
