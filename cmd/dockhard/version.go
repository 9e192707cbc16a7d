package main

import (
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/mod/semver"
)

func newVersionCmd(streams ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print dockhard's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(streams.Out, "dockhard", version)
			return nil
		},
	}
}

// releaseVersion is the dockhard release this binary is, which a generated
// CI workflow installs unless told otherwise: the version a release sets
// with -X main.version, else the module version the go command stamped
// (go install …@v0.1.0, go tool dockhard); "" for a development build,
// whose version names nothing anyone can install.
var releaseVersion = sync.OnceValue(func() string {
	if isRelease(version) {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Path == "github.com/dockhard/dockhard" && isRelease(info.Main.Version) {
		return info.Main.Version
	}
	return ""
})

// isRelease reports whether v is a version go install can fetch: full
// semantic version, no build suffix such as +dirty.
func isRelease(v string) bool {
	return semver.IsValid(v) && semver.Canonical(v) == v
}
