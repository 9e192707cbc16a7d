//go:build ignore

package version

var Commit string // excluded by its build constraint
