package deploy

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/dockhard/dockhard/generator/internal/testfile"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testfile.Golden(t, filepath.Join("testdata", "golden", name), got, *update)
}

// TestComposeGolden renders each case's compose.yaml, compares it with its
// golden file, and loads the golden file with the Compose Specification's
// own loader (schema validation on) to check that compose reads the
// settings the input asked for.
func TestComposeGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := Compose(c.in)
			if err != nil {
				t.Fatal(err)
			}
			name := c.name + ".compose.yaml"
			checkGolden(t, name, got)
			data, err := os.ReadFile(filepath.Join("testdata", "golden", name))
			if err != nil {
				t.Fatal(err)
			}
			project := loadCompose(t, data, nil)
			assertComposeProject(t, project, c.in)
		})
	}
}

// loadCompose loads a compose file as `docker compose` does, with
// validation, from a directory of its own.
func loadCompose(t testing.TB, data []byte, env map[string]string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: data}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("golden", true) })
	if err != nil {
		t.Fatalf("the Compose Specification loader rejects the file: %v\n%s", err, data)
	}
	return project
}

// assertComposeProject checks every setting of every service against in.
func assertComposeProject(t testing.TB, p *types.Project, in Input) {
	t.Helper()
	var names []string
	for _, s := range in.Services {
		names = append(names, s.Name)
	}
	slices.Sort(names)
	if got := p.ServiceNames(); !slices.Equal(sorted(got), names) {
		t.Fatalf("services %v, want %v", got, names)
	}
	for _, want := range in.Services {
		s := p.Services[want.Name]
		if s.Build == nil {
			t.Fatalf("%s: no build section", want.Name)
		}
		if ctx := filepath.Join(p.WorkingDir, want.Context); s.Build.Context != ctx {
			t.Errorf("%s: build context %q, want %q", want.Name, s.Build.Context, ctx)
		}
		if s.Build.Dockerfile != want.Dockerfile || s.Build.Target != want.Target {
			t.Errorf("%s: dockerfile %q target %q, want %q %q", want.Name, s.Build.Dockerfile, s.Build.Target, want.Dockerfile, want.Target)
		}
		// An argument written without a value takes the environment's,
		// and is dropped (the Dockerfile's default stands) when unset.
		wantArgs := map[string]string{}
		for arg, value := range map[string]string{"VERSION": in.BuildArgs.Version, "REVISION": in.BuildArgs.Revision, "SOURCE_DATE_EPOCH": in.BuildArgs.SourceDateEpoch} {
			if env, ok := p.Environment[arg]; value == "" && ok {
				value = env
			}
			if value != "" {
				wantArgs[arg] = value
			}
		}
		gotArgs := map[string]string{}
		for arg, value := range s.Build.Args {
			if value == nil {
				t.Errorf("%s: build argument %s has no value", want.Name, arg)
				continue
			}
			gotArgs[arg] = *value
		}
		if !mapsEqual(gotArgs, wantArgs) {
			t.Errorf("%s: build arguments %v, want %v", want.Name, gotArgs, wantArgs)
		}
		if user := strconv.Itoa(want.UID) + ":" + strconv.Itoa(want.GID); s.User != user {
			t.Errorf("%s: user %q, want %q", want.Name, s.User, user)
		}
		if !s.ReadOnly || s.Privileged || len(s.CapAdd) > 0 {
			t.Errorf("%s: read_only %v privileged %v cap_add %v", want.Name, s.ReadOnly, s.Privileged, s.CapAdd)
		}
		if !slices.Equal(s.CapDrop, []string{"ALL"}) || !slices.Equal(s.SecurityOpt, []string{"no-new-privileges:true"}) {
			t.Errorf("%s: cap_drop %v security_opt %v", want.Name, s.CapDrop, s.SecurityOpt)
		}
		var ports []int
		for _, port := range s.Ports {
			if port.Protocol != "tcp" || port.Published != strconv.Itoa(int(port.Target)) || port.HostIP != "" {
				t.Errorf("%s: port %+v, want the same port published over tcp", want.Name, port)
			}
			ports = append(ports, int(port.Target))
		}
		if !slices.Equal(ports, want.Ports) {
			t.Errorf("%s: ports %v, want %v", want.Name, ports, want.Ports)
		}
		wantTmpfs := []string(nil)
		if want.NeedsTmp {
			wantTmpfs = []string{"/tmp"}
		}
		if !slices.Equal(s.Tmpfs, wantTmpfs) || len(s.Volumes) > 0 {
			t.Errorf("%s: tmpfs %v volumes %v, want tmpfs %v", want.Name, s.Tmpfs, s.Volumes, wantTmpfs)
		}
		if s.HealthCheck != nil {
			t.Errorf("%s: healthcheck %+v: the image's own must stand", want.Name, s.HealthCheck)
		}
		if s.Image != "" || len(s.Environment) > 0 || s.NetworkMode != "" {
			t.Errorf("%s: unexpected image %q, environment %v or network mode %q", want.Name, s.Image, s.Environment, s.NetworkMode)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestComposeBuildArgsFromEnvironment proves that the arguments written
// without a value are filled from the environment, as
// `VERSION=1.2.3 docker compose build` does, and only those: a fixed value
// wins over the environment.
func TestComposeBuildArgsFromEnvironment(t *testing.T) {
	for _, c := range goldenCases() {
		data, err := Compose(c.in)
		if err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"VERSION": "9.9.9", "REVISION": "abc123", "SOURCE_DATE_EPOCH": "1700000000"}
		project := loadCompose(t, data, env)
		assertComposeProject(t, project, c.in)
		for _, name := range project.ServiceNames() {
			if len(project.Services[name].Build.Args) != 3 {
				t.Errorf("%s/%s: build arguments %v, want all three", c.name, name, project.Services[name].Build.Args)
			}
		}
	}
}

// TestKubernetesGolden renders each case's manifest, compares it with its
// golden file, decodes the golden file strictly into k8s.io/api types,
// checks every setting, and evaluates each pod against the restricted Pod
// Security Standard with Kubernetes' own admission library.
func TestKubernetesGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := Kubernetes(c.in)
			if err != nil {
				t.Fatal(err)
			}
			name := c.name + ".k8s.yaml"
			checkGolden(t, name, got)
			data, err := os.ReadFile(filepath.Join("testdata", "golden", name))
			if err != nil {
				t.Fatal(err)
			}
			assertManifest(t, data, c.in)
		})
	}
}

// assertManifest decodes data strictly and checks it holds, per service, a
// Deployment (and a Service when it has ports) with the settings of in,
// meeting the restricted Pod Security Standard.
func assertManifest(t testing.TB, data []byte, in Input) {
	t.Helper()
	objects, err := DecodeManifest(data)
	if err != nil {
		t.Fatalf("strict decoding: %v\n%s", err, data)
	}
	i := 0
	next := func() any {
		if i >= len(objects) {
			t.Fatalf("only %d objects", len(objects))
		}
		i++
		return objects[i-1].Value
	}
	for _, s := range in.Services {
		d, ok := next().(*appsv1.Deployment)
		if !ok {
			t.Fatalf("object %d is not a Deployment", i)
		}
		assertDeployment(t, d, s)
		if len(s.Ports) > 0 {
			svc, ok := next().(*corev1.Service)
			if !ok {
				t.Fatalf("object %d is not a Service", i)
			}
			assertService(t, svc, s)
		}
	}
	if i != len(objects) {
		t.Fatalf("%d objects, want %d", len(objects), i)
	}
}

func assertDeployment(t testing.TB, d *appsv1.Deployment, s Service) {
	t.Helper()
	labels := map[string]string{"app.kubernetes.io/name": s.Name}
	if d.Name != s.Name || d.Spec.Selector == nil || !mapsEqual(d.Spec.Selector.MatchLabels, labels) || !mapsEqual(d.Spec.Template.Labels, labels) {
		t.Errorf("%s: name %q, selector %v, template labels %v", s.Name, d.Name, d.Spec.Selector, d.Spec.Template.Labels)
	}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 || len(pod.InitContainers) > 0 {
		t.Fatalf("%s: %d containers, %d init containers; want 1, 0", s.Name, len(pod.Containers), len(pod.InitContainers))
	}
	psc := pod.SecurityContext
	if psc == nil || !isTrue(psc.RunAsNonRoot) || psc.RunAsUser == nil || *psc.RunAsUser != int64(s.UID) || psc.RunAsGroup == nil || *psc.RunAsGroup != int64(s.GID) ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext %+v", s.Name, psc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Errorf("%s: the service account token is mounted", s.Name)
	}
	c := pod.Containers[0]
	if c.Name != s.Name || c.Image != PlaceholderImage(s.Name) {
		t.Errorf("%s: container %q image %q", s.Name, c.Name, c.Image)
	}
	sc := c.SecurityContext
	if sc == nil || !isTrue(sc.ReadOnlyRootFilesystem) || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0 {
		t.Errorf("%s: container securityContext %+v", s.Name, sc)
	}
	var ports []int
	for _, p := range c.Ports {
		ports = append(ports, int(p.ContainerPort))
	}
	if !slices.Equal(ports, s.Ports) {
		t.Errorf("%s: container ports %v, want %v", s.Name, ports, s.Ports)
	}
	assertProbes(t, c, s.Health)
	if s.NeedsTmp {
		if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/tmp" || len(pod.Volumes) != 1 ||
			pod.Volumes[0].Name != c.VolumeMounts[0].Name || pod.Volumes[0].EmptyDir == nil {
			t.Errorf("%s: /tmp is not an emptyDir: mounts %+v volumes %+v", s.Name, c.VolumeMounts, pod.Volumes)
		}
	} else if len(c.VolumeMounts) > 0 || len(pod.Volumes) > 0 {
		t.Errorf("%s: unexpected volumes %+v", s.Name, pod.Volumes)
	}
	assertRestricted(t, s.Name, &d.Spec.Template.ObjectMeta, &pod)
}

func assertProbes(t testing.TB, c corev1.Container, h Health) {
	t.Helper()
	if h.Kind == HealthNone {
		if c.LivenessProbe != nil || c.ReadinessProbe != nil {
			t.Errorf("%s: probes without a health check", c.Name)
		}
		return
	}
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe} {
		if p == nil {
			t.Fatalf("%s: a probe is missing", c.Name)
		}
		if p.PeriodSeconds != int32(seconds(h.Interval)) || p.TimeoutSeconds != int32(seconds(h.Timeout)) || p.FailureThreshold != int32(h.Retries) {
			t.Errorf("%s: probe timing %+v, want every %s, timeout %s, %d retries", c.Name, p, h.Interval, h.Timeout, h.Retries)
		}
		port := intstr.FromInt32(int32(h.Port))
		switch h.Kind {
		case HealthHTTP:
			if p.HTTPGet == nil || p.HTTPGet.Path != h.Path || p.HTTPGet.Port != port || p.TCPSocket != nil || p.Exec != nil {
				t.Errorf("%s: probe %+v, want httpGet %s on %d", c.Name, p.ProbeHandler, h.Path, h.Port)
			}
		case HealthTCP:
			if p.TCPSocket == nil || p.TCPSocket.Port != port || p.HTTPGet != nil || p.Exec != nil {
				t.Errorf("%s: probe %+v, want tcpSocket %d", c.Name, p.ProbeHandler, h.Port)
			}
		case HealthExec:
			if p.Exec == nil || !slices.Equal(p.Exec.Command, h.Command) || p.HTTPGet != nil || p.TCPSocket != nil {
				t.Errorf("%s: probe %+v, want exec %v", c.Name, p.ProbeHandler, h.Command)
			}
		}
	}
	if got := c.LivenessProbe.InitialDelaySeconds; got != int32(seconds(h.StartPeriod)) {
		t.Errorf("%s: liveness initialDelaySeconds %d, want the start period %s", c.Name, got, h.StartPeriod)
	}
}

func assertService(t testing.TB, svc *corev1.Service, s Service) {
	t.Helper()
	if svc.Name != s.Name || !mapsEqual(svc.Spec.Selector, map[string]string{"app.kubernetes.io/name": s.Name}) || svc.Spec.Type != "" {
		t.Errorf("%s: Service %q selector %v type %q", s.Name, svc.Name, svc.Spec.Selector, svc.Spec.Type)
	}
	var ports []int
	for _, p := range svc.Spec.Ports {
		if p.TargetPort != intstr.FromInt32(p.Port) {
			t.Errorf("%s: Service port %d targets %v", s.Name, p.Port, p.TargetPort)
		}
		ports = append(ports, int(p.Port))
	}
	if !slices.Equal(ports, s.Ports) {
		t.Errorf("%s: Service ports %v, want %v", s.Name, ports, s.Ports)
	}
}

// assertRestricted evaluates the pod against the restricted Pod Security
// Standard, latest version, with the library the admission controller
// runs.
func assertRestricted(t testing.TB, name string, meta *metav1.ObjectMeta, pod *corev1.PodSpec) {
	t.Helper()
	for _, r := range restricted(t, meta, pod) {
		t.Errorf("%s: restricted Pod Security Standard forbids %s: %s", name, r.ForbiddenReason, r.ForbiddenDetail)
	}
}

// restricted returns the checks the pod fails.
func restricted(t testing.TB, meta *metav1.ObjectMeta, pod *corev1.PodSpec) []policy.CheckResult {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		t.Fatal(err)
	}
	level := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	var failed []policy.CheckResult
	for _, r := range evaluator.EvaluatePod(level, meta, pod) {
		if !r.Allowed {
			failed = append(failed, r)
		}
	}
	return failed
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func isTrue(b *bool) bool { return b != nil && *b }
