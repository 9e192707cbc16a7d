package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// finding is what a test expects of one Problem.
type finding struct {
	kind  ProblemKind
	where string
	line  int
	// says is a part of the message.
	says string
}

func assertProblems(t *testing.T, got []Problem, want []finding) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(got):
			t.Errorf("missing problem %d: %+v", i, want[i])
		case i >= len(want):
			t.Errorf("unexpected problem %d: %s", i, got[i])
		default:
			g, w := got[i], want[i]
			if g.Kind != w.kind || g.Where != w.where || g.Line != w.line || !strings.Contains(g.Message, w.says) || g.Fix == "" {
				t.Errorf("problem %d: got %s [%s], want %+v", i, g, g.Kind, w)
			}
		}
	}
}

// TestCheckCompose judges a compose file whose services break the contract
// in each way (no user, root by name, by uid and through an interpolated
// default, a writable root, added capabilities, privileged, no
// no-new-privileges in any spelling) and keep it in others (NET_BIND_SERVICE,
// the spellings of no-new-privileges, a named non-root user).
func TestCheckCompose(t *testing.T) {
	path := filepath.Join("testdata", "checks", "compose.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckCompose(path, data)
	if err != nil {
		t.Fatal(err)
	}
	assertProblems(t, got, []finding{
		{ProblemRoot, "service web", 3, "no user"},
		{ProblemWritableRoot, "service web", 3, "writable"},
		{ProblemPrivilegeEscalation, "service web", 3, "no no-new-privileges"},
		{ProblemRoot, "service admin", 5, `user "root"`},
		{ProblemWritableRoot, "service admin", 5, "writable"},
		{ProblemCapabilities, "service admin", 5, "NET_ADMIN, SYS_TIME"},
		{ProblemPrivileged, "service admin", 5, "privileged: true"},
		{ProblemPrivilegeEscalation, "service admin", 5, "setuid"},
		{ProblemRoot, "service debug", 19, `user "0:0"`},
		{ProblemRoot, "service fromenv", 25, `user "0"`},
	})
}

// TestCheckKubernetes judges one workload of each kind: a container that
// overrides the pod's runAsNonRoot with uid 0, a privileged one adding
// SYS_ADMIN, an init container with no securityContext, runAsNonRoot:
// false, a CronJob whose pod sets a non-root uid, a StatefulSet that keeps
// the whole contract, and a ConfigMap, which holds no pod.
func TestCheckKubernetes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "checks", "workloads.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckKubernetes(data)
	if err != nil {
		t.Fatal(err)
	}
	assertProblems(t, got, []finding{
		{ProblemRoot, "Pod shell, container main", 17, "runAsUser: 0"},
		{ProblemWritableRoot, "Pod shell, container main", 17, "readOnlyRootFilesystem"},
		{ProblemPrivilegeEscalation, "Pod shell, container main", 17, "allowPrivilegeEscalation"},
		{ProblemCapabilities, "DaemonSet agent, container agent", 59, "gives the container SYS_ADMIN"},
		{ProblemPrivileged, "DaemonSet agent, container agent", 59, "privileged: true"},
		{ProblemRoot, "Job migrate, container wait", 79, "neither runAsNonRoot"},
		{ProblemWritableRoot, "Job migrate, container wait", 79, "readOnlyRootFilesystem"},
		{ProblemPrivilegeEscalation, "Job migrate, container wait", 79, "defaults to true"},
		{ProblemRoot, "Job migrate, container migrate", 82, "neither runAsNonRoot"},
		{ProblemRoot, "Deployment web, container web", 123, "neither runAsNonRoot"},
		{ProblemWritableRoot, "Deployment web, container web", 123, "readOnlyRootFilesystem"},
		{ProblemPrivilegeEscalation, "Deployment web, container web", 123, "allowPrivilegeEscalation"},
	})
}

// TestGeneratedFilesPassChecks: what Compose and Kubernetes write keeps
// the contract the checks judge.
func TestGeneratedFilesPassChecks(t *testing.T) {
	for _, c := range goldenCases() {
		compose, err := Compose(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := CheckCompose(filepath.Join(t.TempDir(), "compose.yaml"), compose); err != nil || len(got) > 0 {
			t.Errorf("%s compose: %v %v", c.name, got, err)
		}
		manifest, err := Kubernetes(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := CheckKubernetes(manifest); err != nil || len(got) > 0 {
			t.Errorf("%s kubernetes: %v %v", c.name, got, err)
		}
	}
}

// TestChecksRejectInvalidFiles: a file the libraries refuse is an input
// error naming what is wrong, not a list of problems.
func TestChecksRejectInvalidFiles(t *testing.T) {
	for name, data := range map[string]string{
		"unknown key":   "services:\n  web:\n    imagee: nginx\n",
		"bad type":      "services:\n  web:\n    image: nginx\n    read_only: maybe\n",
		"not a mapping": "- a\n- b\n",
	} {
		if got, err := CheckCompose("compose.yaml", []byte(data)); !inputerr.Is(err) || !strings.Contains(err.Error(), "compose.yaml is not a valid compose file") {
			t.Errorf("compose %s: %v %v, want an input error", name, got, err)
		}
	}
	for name, tc := range map[string]struct{ data, says string }{
		"unknown field":   {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: i\n      securityContex: {}\n", `unknown field "spec.containers[0].securityContex"`},
		"duplicate field": {"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: []\n  containers: []\n", `key "containers" already set`},
		"wrong type":      {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: many\n", "document 1 is not a valid Kubernetes object"},
		"not yaml":        {"a: [\n", "document 1 is not YAML"},
	} {
		if got, err := CheckKubernetes([]byte(tc.data)); !inputerr.Is(err) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("kubernetes %s: %v %v, want an input error saying %q", name, got, err, tc.says)
		}
	}
}

// TestCheckKubernetesSkipsOtherKinds: a custom resource or a kind without
// a pod is no workload, and no error.
func TestCheckKubernetesSkipsOtherKinds(t *testing.T) {
	data := "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: 1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80}]\n"
	got, err := CheckKubernetes([]byte(data))
	if err != nil || len(got) > 0 {
		t.Errorf("%v %v, want nothing", got, err)
	}
}
