package generator

import (
	"context"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	digest "github.com/opencontainers/go-digest"
)

// offlineResolver answers BuildKit's image lookups without a registry: a
// linux/amd64 image with an empty config. Its lint rules need an answer,
// not a real image.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := []byte(`{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}`)
	return ref, digest.FromBytes(cfg), cfg, nil
}

// BuildKitLint runs BuildKit's own Dockerfile checks (the rule set of
// `docker build --check`) offline. Findings carry the rule id "BK:<rule>".
func BuildKitLint(name string, dockerfile []byte) ([]Finding, error) {
	src := llb.Scratch()
	def, err := src.Marshal(context.Background())
	if err != nil {
		return nil, err
	}
	smap := llb.NewSourceMap(&src, name, "Dockerfile", dockerfile)
	smap.Definition = def
	res, err := dockerfile2llb.DockerfileLint(context.Background(), dockerfile, dockerfile2llb.ConvertOpt{SourceMap: smap, MetaResolver: offlineResolver{}})
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, Finding{Rule: "BK:" + w.RuleName, Severity: SeverityWarning, File: name, Line: line, Message: w.Detail})
	}
	if res.Error != nil {
		return nil, inputErrorf("%s: %s", name, res.Error.Message)
	}
	return out, nil
}
