package detect

import (
	"io/fs"

	"golang.org/x/mod/module"
)

// validImportPath reports whether an import path is one the go command
// accepts, and so names a directory inside vendor/ or the module: it has no "." or ".." elements, so it cannot
// clean to somewhere outside (example.com/../../tmp/x).
func validImportPath(importPath string) bool {
	return module.CheckImportPath(importPath) == nil
}

// ValidEmbedPattern is the go command's own rule for a //go:embed pattern
// (cmd/go: pattern != "." && fs.ValidPath): no "." or ".." elements, no
// empty ones, no leading or trailing slash. The go tool rejects any other
// pattern, so none may reach the .dockerignore.
func ValidEmbedPattern(pattern string) bool {
	return pattern != "." && fs.ValidPath(pattern)
}
