// Package templates holds the text/template files dockhard renders and the
// image catalog they read, embedded so the binary is self-contained.
package templates

import "embed"

// FS holds every template (*.tmpl), the default image catalog
// (catalog.json) and the health probe's source (healthcheck/main.go), which
// generated Dockerfiles carry as a heredoc.
//
//go:embed *.tmpl catalog.json healthcheck/main.go
var FS embed.FS
