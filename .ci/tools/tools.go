//go:build tools

// Package tools pins the BuildKit version the end-to-end suite builds with
// (v0.23.2: newer releases need module versions the proxy does not serve).
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
