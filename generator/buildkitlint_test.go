package generator

import (
	"context"
	"fmt"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	digest "github.com/opencontainers/go-digest"
)

// offlineResolver answers BuildKit's image lookups without a registry: a
// linux/amd64 image with an empty config. The lint rules need an answer,
// not a real image.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}`)
	return ref, digest.FromBytes(cfg), cfg, nil
}

// buildkitLint runs BuildKit's own Dockerfile checks (the `docker build
// --check` rule set) and returns one line per warning or build error.
func buildkitLint(t testing.TB, dockerfile []byte) []string {
	t.Helper()
	src := llb.Scratch()
	def, err := src.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	smap := llb.NewSourceMap(&src, "Dockerfile", "Dockerfile", dockerfile)
	smap.Definition = def
	opt := dockerfile2llb.ConvertOpt{
		SourceMap:    smap,
		MetaResolver: offlineResolver{},
	}
	res, err := dockerfile2llb.DockerfileLint(context.Background(), dockerfile, opt)
	if err != nil {
		t.Fatalf("buildkit lint: %v", err)
	}
	var out []string
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, fmt.Sprintf("line %d: %s: %s", line, w.RuleName, w.Detail))
	}
	if res.Error != nil {
		out = append(out, "build error: "+res.Error.Message)
	}
	return out
}

func TestBuildkitLintCatchesProblems(t *testing.T) {
	// The linter must be able to fail: a Dockerfile with known warnings.
	bad := []byte("from alpine:3.24.1 as Builder\nENV key value\nCMD echo hi\n")
	got := buildkitLint(t, bad)
	if len(got) < 3 {
		t.Fatalf("want at least 3 warnings (casing, legacy ENV, JSON args), got %q", got)
	}
}
