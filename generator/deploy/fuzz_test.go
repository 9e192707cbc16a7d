package deploy

import (
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// fuzzValues are the values of one fuzzed service; fuzzInput makes the
// Input, and the same branches with plain values make the reference.
type fuzzValues struct {
	header, name, context, dockerfile, target, path, arg, version string
	uid, gid, port                                                int
	kind                                                          uint8
	tmp                                                           bool
}

func fuzzInput(v fuzzValues) Input {
	s := Service{
		Name: v.name, Context: v.context, Dockerfile: v.dockerfile, Target: v.target,
		UID: v.uid, GID: v.gid, Ports: []int{v.port}, NeedsTmp: v.tmp,
		Health: Health{Interval: 10 * time.Second, Timeout: 2 * time.Second, StartPeriod: 5 * time.Second, Retries: 3},
	}
	switch v.kind % 4 {
	case 0:
		s.Health.Kind = HealthNone
	case 1:
		s.Health.Kind, s.Health.Path, s.Health.Port = HealthHTTP, v.path, v.port
	case 2:
		s.Health.Kind, s.Health.Port = HealthTCP, v.port
	case 3:
		s.Health.Kind, s.Health.Command = HealthExec, []string{v.arg, "--health"}
	}
	// A second, fixed service: the fuzzed one must not disturb it.
	other := Service{Name: "zz-other", Context: ".", Dockerfile: "Dockerfile", UID: 2, GID: 2, Health: Health{Kind: HealthNone}}
	return Input{Header: v.header, Services: []Service{s, other}, BuildArgs: BuildArgs{Version: v.version}}
}

// plain is v with every value replaced by an ordinary one that takes the
// same branches in the templates.
func (v fuzzValues) plain() fuzzValues {
	p := fuzzValues{header: "# h", name: "svc", context: ".", dockerfile: "Dockerfile", path: "/healthz", arg: "/app",
		uid: 65532, gid: 65532, port: 8080, kind: v.kind, tmp: v.tmp}
	if v.target != "" {
		p.target = "stage"
	}
	if v.version != "" {
		p.version = "1.0.0"
	}
	if v.port < 1024 {
		p.port = 80
	}
	return p
}

// FuzzInput feeds arbitrary values to both files: each either refuses the
// input with an input error, or writes a file that the real libraries
// read back with exactly the values given (compose-go with validation;
// k8s.io/api strictly, then the restricted Pod Security Standard), whose
// YAML structure is that of the same choices made with plain values.
func FuzzInput(f *testing.F) {
	add := func(v fuzzValues) {
		f.Add(v.header, v.name, v.context, v.dockerfile, v.target, v.path, v.arg, v.version, v.uid, v.gid, v.port, v.kind, v.tmp)
	}
	ok := fuzzValues{header: testHeader, name: "web", context: ".", dockerfile: "Dockerfile", path: "/healthz", arg: "/usr/local/bin/web", uid: 65532, gid: 65532, port: 8080, kind: 1}
	add(ok)
	for _, change := range []func(*fuzzValues){
		func(v *fuzzValues) { v.kind, v.tmp, v.target, v.version = 2, true, "api", "1.2.3" },
		func(v *fuzzValues) { v.kind, v.port, v.context, v.dockerfile = 3, 443, "..", "build/Dockerfile" },
		func(v *fuzzValues) { v.header += "\nprivileged: true" },
		func(v *fuzzValues) { v.name = "web:\n    privileged: true\n  x" },
		func(v *fuzzValues) { v.path = "/healthz\n              scheme: HTTPS" },
		func(v *fuzzValues) { v.kind, v.arg = 3, "a\"\n- b" },
		func(v *fuzzValues) { v.kind, v.arg = 3, "#not-a-comment" },
		func(v *fuzzValues) { v.kind, v.arg = 3, "{x:1}" },
		func(v *fuzzValues) { v.kind, v.arg = 3, "&a*b!c'%@`" },
		func(v *fuzzValues) { v.version = "1\n        - EVIL=1" },
		func(v *fuzzValues) { v.context = ". # x" },
		func(v *fuzzValues) { v.target = "a: b" },
		func(v *fuzzValues) { v.uid = 0 },
		func(v *fuzzValues) { v.port = 65536 },
		func(v *fuzzValues) { v.header = "# \u2028x: 1" },
	} {
		v := ok
		change(&v)
		add(v)
	}
	f.Fuzz(func(t *testing.T, header, name, context, dockerfile, target, path, arg, version string, uid, gid, port int, kind uint8, tmp bool) {
		v := fuzzValues{header, name, context, dockerfile, target, path, arg, version, uid, gid, port, kind, tmp}
		in := fuzzInput(v)
		ref := fuzzInput(v.plain())
		for _, render := range []struct {
			file string
			fn   func(Input) ([]byte, error)
		}{{"compose", Compose}, {"kubernetes", Kubernetes}} {
			out, err := render.fn(in)
			if err != nil {
				if !inputerr.Is(err) {
					t.Fatalf("%s: not an input error: %v", render.file, err)
				}
				continue
			}
			if render.file == "compose" {
				assertComposeProject(t, loadCompose(t, out, nil), in)
			} else {
				assertManifest(t, out, in)
			}
			want, err := render.fn(ref)
			if err != nil {
				t.Fatalf("%s: the plain input fails: %v", render.file, err)
			}
			gotShape, err := Shape(out)
			if err != nil {
				t.Fatal(err)
			}
			wantShape, _ := Shape(want)
			if gotShape != wantShape {
				t.Fatalf("%s: the values changed the structure:\n%s\nplain:\n%s", render.file, out, want)
			}
		}
	})
}
