// Package version holds what the build stamps into the binaries.
package version

// Version and Commit are set at link time (-X); a binary built without
// them says so.
var (
	Version string
	Commit  string
)

// String is the version and the commit, "none" for what was not stamped.
func String() string {
	v, c := Version, Commit
	if v == "" {
		v = "none"
	}
	if c == "" {
		c = "none"
	}
	return v + " (" + c + ")"
}
