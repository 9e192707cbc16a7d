package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// ProblemKind is what a check found wrong; lint gives each kind a rule.
type ProblemKind string

// The kinds of problem, one per part of the contract the generated files
// keep.
const (
	// ProblemRoot: the container runs as root, or nothing stops it.
	ProblemRoot ProblemKind = "root"
	// ProblemWritableRoot: the root filesystem is writable.
	ProblemWritableRoot ProblemKind = "writable-root"
	// ProblemCapabilities: capabilities are added.
	ProblemCapabilities ProblemKind = "capabilities"
	// ProblemPrivilegeEscalation: a setuid program can gain privileges.
	ProblemPrivilegeEscalation ProblemKind = "privilege-escalation"
	// ProblemPrivileged: the container is privileged (every capability,
	// every device).
	ProblemPrivileged ProblemKind = "privileged"
)

// Problem is one finding about one compose service or one container.
type Problem struct {
	Kind ProblemKind
	// Where names the object: "service web", or "Deployment web,
	// container app".
	Where string
	// Line is where the service or container starts in the file, 0 when
	// it is not in this file (a compose include).
	Line    int
	Message string
	Fix     string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s (line %d): %s; %s", p.Where, p.Line, p.Message, p.Fix)
}

// allowedCapability may be added under the restricted Pod Security
// Standard: binding a port below 1024.
const allowedCapability = "NET_BIND_SERVICE"

// CheckCompose judges the compose file filename, whose bytes are data:
// every service (of every profile) must run as a non-root user with a
// read-only root filesystem, add no capability, not be privileged and set
// no-new-privileges. The file is loaded and validated with the Compose
// Specification's loader, with an empty environment (${VAR:-default}
// takes its default) and without reading env files; files it includes are
// read relative to filename's directory.
func CheckCompose(filename string, data []byte) ([]Problem, error) {
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(filename),
		ConfigFiles: []types.ConfigFile{{Filename: filename, Content: data}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) {
		o.SetProjectName("dockhard-lint", false)
		o.Profiles = []string{"*"}
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		return nil, inputerr.Errorf("%s is not a valid compose file: %v", filename, err)
	}
	lines := composeServiceLines(data)
	// In file order; services from included files (line 0) first, by name.
	names := project.ServiceNames()
	sort.Slice(names, func(i, j int) bool {
		if lines[names[i]] != lines[names[j]] {
			return lines[names[i]] < lines[names[j]]
		}
		return names[i] < names[j]
	})
	var out []Problem
	for _, name := range names {
		s := project.Services[name]
		add := func(kind ProblemKind, msg, fix string) {
			out = append(out, Problem{Kind: kind, Where: "service " + name, Line: lines[name], Message: msg, Fix: fix})
		}
		switch user, _, _ := strings.Cut(s.User, ":"); {
		case s.User == "":
			add(ProblemRoot, "no user: the container runs as the image's USER, root unless the image sets another", `set user: "<uid>:<gid>" to the image's non-root user, such as "65532:65532"`)
		case user == "0" || user == "root":
			add(ProblemRoot, fmt.Sprintf("user %q runs the container as root", s.User), `set user: "<uid>:<gid>" to a non-root user, such as "65532:65532"`)
		}
		if !s.ReadOnly {
			add(ProblemWritableRoot, "the root filesystem is writable: a compromised program can change its own files", "set read_only: true, and a tmpfs for the directories the program writes (tmpfs: [/tmp])")
		}
		if added := addedCapabilities(s.CapAdd); len(added) > 0 {
			add(ProblemCapabilities, "cap_add gives the container "+strings.Join(added, ", "), "remove cap_add and set cap_drop: [ALL]")
		}
		if s.Privileged {
			add(ProblemPrivileged, "privileged: true gives the container every capability and every device of the host", "remove privileged: true")
		}
		if !noNewPrivileges(s.SecurityOpt) {
			add(ProblemPrivilegeEscalation, "no no-new-privileges: a setuid program in the image can gain privileges", `add security_opt: ["no-new-privileges:true"]`)
		}
	}
	return out, nil
}

// addedCapabilities lists the capabilities in cap_add beyond the one the
// restricted standard allows, as Docker names them (without CAP_).
func addedCapabilities(capAdd []string) []string {
	var out []string
	for _, c := range capAdd {
		c = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
		if c != allowedCapability {
			out = append(out, c)
		}
	}
	return out
}

// noNewPrivileges reports whether security_opt sets no-new-privileges, in
// any of the spellings Docker accepts.
func noNewPrivileges(opts []string) bool {
	for _, o := range opts {
		key, value, found := strings.Cut(o, ":")
		if !found {
			key, value, found = strings.Cut(o, "=")
		}
		if key == "no-new-privileges" && (!found || value == "true") {
			return true
		}
	}
	return false
}

// composeServiceLines maps each service defined in data to the line of its
// key. The loader keeps no lines; the YAML parser it builds on does.
func composeServiceLines(data []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return lines
	}
	if services := mappingValue(doc.Content[0], "services"); services != nil && services.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(services.Content); i += 2 {
			lines[services.Content[i].Value] = services.Content[i].Line
		}
	}
	return lines
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// workloads can decode the kinds that hold a pod template, strictly: an
// unknown or duplicated field is an error, as `kubectl apply` with
// server-side field validation makes it.
var workloads = func() *kjson.Serializer {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Yaml: true, Strict: true})
}()

// Object is one document of a Kubernetes manifest, decoded into its
// k8s.io/api type.
type Object struct {
	Value runtime.Object
	// Node is the document as YAML, for line numbers.
	Node *yaml.Node
}

// DecodeManifest decodes every document of a Kubernetes manifest strictly
// into its k8s.io/api type. Documents of kinds it does not know (a
// ConfigMap is known; a custom resource is not) are returned with a nil
// Value.
func DecodeManifest(data []byte) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Object
	for i := 1; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, inputerr.Errorf("document %d is not YAML: %v", i, err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue // an empty document, as "---" at the start makes
		}
		text, err := yaml.Marshal(&doc)
		if err != nil {
			return nil, inputerr.Errorf("document %d: %v", i, err)
		}
		obj, _, err := workloads.Decode(text, nil, nil)
		switch {
		case runtime.IsNotRegisteredError(err):
			obj = nil
		case err != nil:
			return nil, inputerr.Errorf("document %d is not a valid Kubernetes object: %v", i, err)
		}
		out = append(out, Object{Value: obj, Node: doc.Content[0]})
	}
}

// PodSpec returns the pod template of a workload (Pod, Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) and its kind and name;
// ok is false for any other object.
func PodSpec(obj runtime.Object) (spec *corev1.PodSpec, kind, name string, ok bool) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &o.Spec, "Pod", o.Name, true
	case *appsv1.Deployment:
		return &o.Spec.Template.Spec, "Deployment", o.Name, true
	case *appsv1.StatefulSet:
		return &o.Spec.Template.Spec, "StatefulSet", o.Name, true
	case *appsv1.DaemonSet:
		return &o.Spec.Template.Spec, "DaemonSet", o.Name, true
	case *appsv1.ReplicaSet:
		return &o.Spec.Template.Spec, "ReplicaSet", o.Name, true
	case *batchv1.Job:
		return &o.Spec.Template.Spec, "Job", o.Name, true
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.Spec, "CronJob", o.Name, true
	}
	return nil, "", "", false
}

// CheckKubernetes judges every workload in a Kubernetes manifest: each of
// its containers and init containers must be kept from running as root
// (runAsNonRoot, or a non-zero runAsUser, on the container or the pod),
// have readOnlyRootFilesystem, add no capability but NET_BIND_SERVICE, set
// allowPrivilegeEscalation: false and not be privileged. Objects that hold
// no pod are skipped.
func CheckKubernetes(data []byte) ([]Problem, error) {
	objects, err := DecodeManifest(data)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for _, o := range objects {
		spec, kind, name, ok := PodSpec(o.Value)
		if !ok {
			continue
		}
		containers := append(slices.Clone(spec.InitContainers), spec.Containers...)
		for _, c := range containers {
			where := kind + " " + name + ", container " + c.Name
			line := containerLine(o.Node, c.Name)
			for _, p := range checkContainer(spec.SecurityContext, c) {
				p.Where, p.Line = where, line
				out = append(out, p)
			}
		}
	}
	return out, nil
}

func checkContainer(pod *corev1.PodSecurityContext, c corev1.Container) []Problem {
	var out []Problem
	add := func(kind ProblemKind, msg, fix string) {
		out = append(out, Problem{Kind: kind, Message: msg, Fix: fix})
	}
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	// The container's settings win over the pod's.
	runAsUser, runAsNonRoot := sc.RunAsUser, sc.RunAsNonRoot
	if pod != nil && runAsUser == nil {
		runAsUser = pod.RunAsUser
	}
	if pod != nil && runAsNonRoot == nil {
		runAsNonRoot = pod.RunAsNonRoot
	}
	switch {
	case runAsUser != nil && *runAsUser == 0:
		add(ProblemRoot, "runAsUser: 0 runs the container as root", "set runAsUser to the image's non-root uid, such as 65532, and runAsNonRoot: true")
	case runAsUser == nil && (runAsNonRoot == nil || !*runAsNonRoot):
		add(ProblemRoot, "neither runAsNonRoot: true nor runAsUser: the container runs as the image's USER, root unless the image sets another", "set runAsNonRoot: true and runAsUser to the image's numeric uid in the pod's securityContext")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		add(ProblemWritableRoot, "readOnlyRootFilesystem is not true: a compromised program can change its own files", "set readOnlyRootFilesystem: true in the container's securityContext, and mount an emptyDir where the program writes (/tmp)")
	}
	if sc.Capabilities != nil {
		var names []string
		for _, c := range sc.Capabilities.Add {
			names = append(names, string(c))
		}
		if added := addedCapabilities(names); len(added) > 0 {
			sort.Strings(added)
			add(ProblemCapabilities, "capabilities.add gives the container "+strings.Join(added, ", "), "remove capabilities.add and set capabilities: {drop: [ALL]}")
		}
	}
	if sc.Privileged != nil && *sc.Privileged {
		add(ProblemPrivileged, "privileged: true gives the container every capability and every device of the node", "remove privileged: true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		add(ProblemPrivilegeEscalation, "allowPrivilegeEscalation is not false (it defaults to true): a setuid program in the image can gain privileges", "set allowPrivilegeEscalation: false in the container's securityContext")
	}
	return out
}

// containerLine finds the line where the container named name starts in a
// workload's YAML: the item of a containers or initContainers list whose
// name it is. 0 when not found.
func containerLine(n *yaml.Node, name string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			if (key == "containers" || key == "initContainers") && value.Kind == yaml.SequenceNode {
				for _, item := range value.Content {
					if v := mappingValue(item, "name"); v != nil && v.Value == name {
						return item.Line
					}
				}
			}
		}
	}
	for _, c := range n.Content {
		if line := containerLine(c, name); line != 0 {
			return line
		}
	}
	return 0
}
