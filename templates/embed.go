// Package templates holds the text/template files dockhard renders and the
// image catalog they read, embedded so the binary is self-contained.
package templates

import "embed"

// FS holds every template (*.tmpl) and the default image catalog
// (catalog.json).
//
//go:embed *.tmpl catalog.json
var FS embed.FS
