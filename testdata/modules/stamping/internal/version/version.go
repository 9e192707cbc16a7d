// Package version holds what the build stamps into the binary.
package version

var (
	Version   string
	GitCommit = ""
	BuildDate string
	count     int
)

func String() string { return Version + " (" + GitCommit + ", " + BuildDate + ")" }
