//go:build ignore

// A generator run with go run; excluded from the build, so its package
// clause does not make the root a mixed directory.
package generator
