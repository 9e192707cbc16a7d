package generator

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/deploy"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// generate --compose --k8s: compose.yaml and deploy/<name>.yaml as generate
// writes them for a service with an http health route, a server detected
// writing temporary files (probed over tcp), and a CLI. The goldens are
// read by eye; each file must also pass deploy's own checks, which lint
// runs on files written by others.
func TestDeployGoldens(t *testing.T) {
	for _, tt := range []struct {
		golden, fixture string
		opts            Options
		// files are the extras' paths relative to the module.
		files []string
		// tmp is whether /tmp is writable in both files.
		tmp bool
	}{
		{"deploy-portconst", "portconst", Options{}, []string{"compose.yaml", "deploy/portconst.yaml"}, false},
		{"deploy-stamping-server", "stamping", Options{Main: []string{"./cmd/server"}}, []string{"compose.yaml", "deploy/server.yaml"}, true},
		{"deploy-stamping-cli", "stamping", Options{Main: []string{"./cmd/cli"}}, []string{"compose.yaml", "deploy/cli.yaml"}, false},
		{"deploy-stamping-cli-tmpfs", "stamping", Options{Main: []string{"./cmd/cli"}, Tmpfs: true}, []string{"compose.yaml", "deploy/cli.yaml"}, true},
		// Several images: one service and one Deployment each, built from its target.
		{"deploy-stamping-all", "stamping", Options{Main: []string{"all"}}, []string{"compose.yaml", "deploy/stamping.yaml"}, true},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			facts := detectFixture(t, tt.fixture)
			o := tt.opts
			o.Compose, o.Kubernetes, o.Today = true, true, testfile.GoldenToday
			res, err := GenerateFrom(facts, &o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Extras {
				rel, _ := filepath.Rel(facts.Dir, f.Path)
				got = append(got, filepath.ToSlash(rel))
			}
			if !slices.Equal(got, tt.files) {
				t.Fatalf("extras written to %q, want %q", got, tt.files)
			}
			compose, manifest := res.Extras[0].Content, res.Extras[1].Content
			checkGolden(t, tt.golden+".compose.yaml", compose)
			checkGolden(t, tt.golden+".k8s.yaml", manifest)

			// Both files carry the Dockerfile's header, so --check and go
			// generate find the options that made them.
			for _, content := range [][]byte{compose, manifest} {
				if first, _, _ := strings.Cut(string(content), "\n"); first != res.Plan.Header {
					t.Errorf("first line %q, want the Dockerfile's header %q", first, res.Plan.Header)
				}
			}
			if !strings.Contains(res.Plan.Header, " --compose --k8s") {
				t.Errorf("the header %q does not record --compose --k8s", res.Plan.Header)
			}
			if p, err := deploy.CheckCompose(filepath.Join(facts.Dir, "compose.yaml"), compose); err != nil || len(p) > 0 {
				t.Errorf("compose.yaml fails its own checks: %v %v", p, err)
			}
			if p, err := deploy.CheckKubernetes(manifest); err != nil || len(p) > 0 {
				t.Errorf("the manifest fails its own checks: %v %v", p, err)
			}
			if hasTmp := strings.Contains(string(compose), "- /tmp"); hasTmp != tt.tmp {
				t.Errorf("compose.yaml has a tmpfs at /tmp: %v, want %v", hasTmp, tt.tmp)
			}
			if hasTmp := strings.Contains(string(manifest), "mountPath: /tmp"); hasTmp != tt.tmp {
				t.Errorf("the manifest mounts /tmp: %v, want %v", hasTmp, tt.tmp)
			}
		})
	}
}

// Bad input: refused before anything is detected or written, naming the
// options at fault.
func TestDeployOptionsRefused(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  Options
		field string
	}{
		{"tmpfs alone", Options{Tmpfs: true}, "Tmpfs"},
		{"compose to stdout", Options{Compose: true, Output: "-"}, "Compose"},
		{"k8s to stdout", Options{Kubernetes: true, Output: "-"}, "Kubernetes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Field != tt.field || !inputerr.Is(err) {
				t.Fatalf("Validate() = %v, want an input error about %s", err, tt.field)
			}
		})
	}
}

// A binary whose name is no DNS label is named as one, or refused with
// the option that asked for the file.
func TestServiceName(t *testing.T) {
	for in, want := range map[string]string{"server": "server", "My_Server": "my-server", "api.v2": "api-v2"} {
		if got := serviceName(in); got != want {
			t.Errorf("serviceName(%q) = %q, want %q", in, got, want)
		}
	}
	err := explainDeployRefusal("Compose", inputerr.Errorf("service name \"9lives\": bad"))
	var oe *OptionError
	if !errors.As(err, &oe) || oe.Field != "Compose" || !strings.Contains(err.Error(), "9lives") {
		t.Errorf("explainDeployRefusal = %v, want an option error about Compose", err)
	}
}
