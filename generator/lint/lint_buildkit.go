package lint

import (
	"bytes"
	"context"
	"fmt"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	bklinter "github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
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

// buildKitDispatchLimit is the longest stage BuildKit's full conversion
// judges. For every instruction it walks the stage's earlier ones (the
// chain of llb.State values), so its cost grows with the square of a
// stage's length: 20,000 RUN lines take about ten seconds. Longer stages get
// BuildKit's parse-time rules only, and a finding says so.
const buildKitDispatchLimit = 2000

// buildArgPlaceholder stands in for a build argument without a value, so
// that BuildKit can judge a file whose base is chosen at build time.
const buildArgPlaceholder = "buildarg"

// BuildKitLint runs BuildKit's own Dockerfile checks (the rule set of
// `docker build --check`) offline. Findings carry the rule id "BK:<rule>".
func BuildKitLint(name string, dockerfile []byte) ([]Finding, error) {
	return BuildKitLintWith(name, dockerfile, LintOptions{})
}

// BuildKitLintWith is BuildKitLint with build arguments and a context.
func BuildKitLintWith(name string, dockerfile []byte, opts LintOptions) ([]Finding, error) {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	var parseOnly []Finding
	lint := bklinter.New(&bklinter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		parseOnly = append(parseOnly, bkFinding(name, rule, msg, loc))
	}})
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, inputerr.Errorf("%s: %v", name, err)
	}
	longest := 0
	for _, st := range stages {
		longest = max(longest, len(st.Commands))
	}
	if longest > buildKitDispatchLimit {
		return append(parseOnly, Finding{Rule: "BK:DispatchChecksSkipped", Severity: SeverityInfo, File: name, Line: 1,
			Message: fmt.Sprintf("a stage has %d instructions; BuildKit's checks that follow the build (such as UndefinedVar) cost the square of that and ran only up to %d: its parse-time checks ran", longest, buildKitDispatchLimit)}), nil
	}
	buildArgs := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value == nil {
				buildArgs[kv.Key] = buildArgPlaceholder
			}
		}
	}
	for k, v := range opts.BuildArgs {
		buildArgs[k] = v
	}
	src := llb.Scratch()
	def, err := src.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	smap := llb.NewSourceMap(&src, name, "Dockerfile", dockerfile)
	smap.Definition = def
	lr, err := dockerfile2llb.DockerfileLint(ctx, dockerfile, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: buildArgs},
		SourceMap:    smap,
		MetaResolver: offlineResolver{},
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, w := range lr.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		out = append(out, Finding{Rule: "BK:" + w.RuleName, Severity: SeverityWarning, File: name, Line: line, Message: w.Detail})
	}
	if lr.Error != nil {
		return nil, inputerr.Errorf("%s: %s", name, lr.Error.Message)
	}
	return out, nil
}

func bkFinding(file, rule, msg string, loc []parser.Range) Finding {
	line := 0
	if len(loc) > 0 {
		line = loc[0].Start.Line
	}
	return Finding{Rule: "BK:" + rule, Severity: SeverityWarning, File: file, Line: line, Message: msg}
}
