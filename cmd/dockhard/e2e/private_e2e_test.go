//go:build linux

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// privateHostLayer is what the stand-in Go builders get for the private
// git host: a system git config that sends the private prefix to it and
// trusts its certificate (see private_git_test.go).
func (h *privateGitHost) layer(t *testing.T) v1.Layer {
	const ca = "etc/dockhard-e2e/git-host.crt"
	return filesLayer(t,
		tarFile{path: "etc/dockhard-e2e", dir: true, mode: 0o755},
		tarFile{path: ca, mode: 0o644, data: h.cert},
		tarFile{path: "etc/gitconfig", mode: 0o644, data: []byte(h.gitConfig("/" + ca))})
}

// testPrivateModules: a program that requires a private module, generated
// with --private, builds only with the .netrc lent as a BuildKit secret;
// without it BuildKit stops and names the secret; with a wrong password
// the host refuses the fetch; and neither the image nor the builder stage
// keeps a trace of the credentials in any layer, its config or history.
func testPrivateModules(t *testing.T, e *e2eEnv) {
	const program = "privatemod"
	t.Run("private modules: a .netrc secret for the dependency step alone", func(t *testing.T) {
		dir := e.module(t, program)
		if r := e.dockhard(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--private", "github.com/dockhard-e2e"); r.code != 0 {
			t.Fatal(r.err)
		}
		df, _ := os.ReadFile(filepath.Join(dir, "Dockerfile"))
		if !strings.Contains(string(df), "--mount=type=secret,id=netrc,target=/root/.netrc,required=true") {
			t.Fatalf("the Dockerfile does not mount the netrc secret:\n%s", df)
		}
		build := func(t *testing.T, netrc string, opts ...string) (string, string, error) {
			out := filepath.Join(t.TempDir(), "image.tar")
			if netrc != "" {
				opts = append(opts, "--secret", "id=netrc,src="+privateSecretFile(t, netrc))
			}
			logs, err := e.buildctlBuild(dir, out, opts, "")
			return out, logs, err
		}
		// Without the secret, and with a wrong password, first: a step
		// that failed is not cached, so each of them reaches the fetch.
		_, logs, err := build(t, "")
		if err == nil {
			t.Fatal("the build without the netrc secret succeeded")
		}
		if !strings.Contains(logs, "secret netrc: not found") {
			t.Errorf("the failed build does not say which secret is missing:\n%s", lastLines(logs, 15))
		}
		t.Logf("without the secret: %s", lastLines(logs, 3))
		_, _, wrongBefore := e.git.counts()
		if _, logs, err = build(t, e.git.netrc("e2e-guessed")); err == nil {
			t.Fatal("the build with a wrong password succeeded")
		}
		if _, _, wrong := e.git.counts(); wrong == wrongBefore {
			t.Errorf("the wrong password never reached the git host: the secret was not read\n%s", lastLines(logs, 15))
		}
		servedBefore, _, _ := e.git.counts()
		start := time.Now()
		image, logs, err := build(t, e.git.netrc(""))
		if err != nil {
			t.Fatalf("the build with the netrc secret: %v\n%s", err, logs)
		}
		took := time.Since(start)
		if served, _, _ := e.git.counts(); served == servedBefore {
			t.Error("the git host served nothing with the credentials")
		}
		img := unpackOCI(t, image)
		img.log = logs
		binary := "/usr/local/bin/" + program
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if out, err := img.asUser(t, ctx, binary).CombinedOutput(); err != nil || string(out) != "answer from a private module: 42\n" {
			t.Errorf("%s printed %q (%v), want the private module's answer", binary, out, err)
		}
		// No trace of the credentials: the password (random for this run)
		// and the .netrc's login, in any file of any layer, the config,
		// the history or the manifests; the builder stage's too.
		needles := []string{e.git.password, "login " + privateUser}
		builder, logs, err := build(t, e.git.netrc(""), "--opt", "target=builder")
		if err != nil {
			t.Fatalf("the builder stage with the netrc secret: %v\n%s", err, logs)
		}
		for name, oci := range map[string]string{"the image": image, "the builder stage": builder} {
			if found := traces(t, oci, needles...); len(found) > 0 {
				t.Errorf("%s keeps the credentials: %s", name, strings.Join(found, "; "))
			}
		}
		// The search finds what is there: the dependency step's command in
		// the builder's history, the module's text in its binary.
		for _, there := range []string{"GOPRIVATE=github.com/dockhard-e2e", "answer from a private module"} {
			if found := traces(t, builder, there); len(found) == 0 {
				t.Errorf("the search does not find %q in the builder stage, where it is", there)
			}
		}
		t.Logf("REPORT-PRIVATE | %s | built in %.0f s | image %d B | git host: %s |", program, took.Seconds(), img.size, e.git.summary())
	})
}

// testPrivateModulesBroken: the trace search finds credentials that a
// Dockerfile does leave in a layer, the way people do it by hand (a .netrc
// written into the builder before the download).
func testPrivateModulesBroken(t *testing.T, e *e2eEnv) {
	t.Run("private modules: broken: a .netrc written into the builder's layer", func(t *testing.T) {
		dir := e.module(t, "privatemod")
		if r := e.dockhard(t, "generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--private", "github.com/dockhard-e2e"); r.code != 0 {
			t.Fatal(r.err)
		}
		df := filepath.Join(dir, "Dockerfile")
		data, _ := os.ReadFile(df)
		const step = "RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=secret,id=netrc"
		if !strings.Contains(string(data), step) {
			t.Fatalf("the generated Dockerfile has no %q to break", step)
		}
		leak := "RUN --mount=type=secret,id=netrc,target=/tmp/netrc cp /tmp/netrc /root/.netrc\n"
		os.WriteFile(df, []byte(strings.Replace(string(data), step, leak+step, 1)), 0o644)
		out := filepath.Join(t.TempDir(), "builder.tar")
		logs, err := e.buildctlBuild(dir, out, []string{"--secret", "id=netrc,src=" + privateSecretFile(t, e.git.netrc("")), "--opt", "target=builder"}, "")
		if err != nil {
			t.Fatalf("the broken build: %v\n%s", err, lastLines(logs, 15))
		}
		found := traces(t, out, e.git.password)
		if len(found) == 0 {
			t.Fatal("a .netrc written into a layer was not found")
		}
		t.Logf("caught: %s", strings.Join(found, "; "))
	})
}

// summary says what the git host answered.
func (h *privateGitHost) summary() string {
	served, refused, wrong := h.counts()
	return fmt.Sprintf("%d requests served with the credentials, %d refused (%d with a wrong password)", served, refused, wrong)
}

// lastLines is the end of a build log, for messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
