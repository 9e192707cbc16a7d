//go:build tools

// Package tools pins the Trivy version CI judges dockhard's Dockerfiles with
// (v0.65.0: the module proxy refuses @latest and some other versions).
package tools

import (
	_ "github.com/aquasecurity/trivy/cmd/trivy"
)
