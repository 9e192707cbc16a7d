package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/templates"
)

// ImageRegistry is the registry of the placeholder image reference in the
// Kubernetes manifest. .invalid never resolves (RFC 2606), so a manifest
// applied before the image is set fails to pull loudly instead of pulling
// a stranger's image of the same name from Docker Hub.
const ImageRegistry = "registry.invalid"

// PlaceholderImage is the image reference the manifest carries for a
// service until `kubectl set image` or kustomize's images: replaces it.
func PlaceholderImage(name string) string {
	return ImageRegistry + "/" + name
}

// Compose returns compose.yaml for in.
func Compose(in Input) ([]byte, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := uniqueHostPorts(in.Services); err != nil {
		return nil, err
	}
	return renderChecked("compose.tmpl", in, composeData)
}

// Kubernetes returns the manifest (deploy/<name>.yaml) for in: a Deployment
// per service, each followed by a Service when it has ports.
func Kubernetes(in Input) ([]byte, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return renderChecked("kubernetes.tmpl", in, kubernetesData)
}

// uniqueHostPorts refuses two services that would publish the same host
// port: `docker compose up` would start one and fail on the other.
func uniqueHostPorts(services []Service) error {
	owner := map[int]string{}
	for _, s := range services {
		for _, p := range s.Ports {
			if o, ok := owner[p]; ok {
				return inputerr.Errorf("services %s and %s both listen on port %d, and compose would publish it twice on the host: give one of them another port", o, s.Name, p)
			}
			owner[p] = s.Name
		}
	}
	return nil
}

// renderChecked renders in, then renders a placeholder input of the same
// shape and compares the two files' YAML structure: a value that added,
// removed or moved a key or an item is an internal error, and nothing is
// returned to write.
func renderChecked(name string, in Input, data func(Input) any) ([]byte, error) {
	out, err := render(name, data(in))
	if err != nil {
		return nil, err
	}
	ref, err := render(name, data(placeholder(in)))
	if err != nil {
		return nil, err
	}
	got, err := Shape(out)
	if err != nil {
		return nil, fmt.Errorf("internal error: the generated %s does not parse: %w", name, err)
	}
	want, err := Shape(ref)
	if err != nil {
		return nil, fmt.Errorf("internal error: the placeholder %s does not parse: %w", name, err)
	}
	if got != want {
		return nil, fmt.Errorf("internal error: a value changed the structure of the generated %s:\n%s\nwant:\n%s", name, got, want)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); first != in.Header {
		return nil, fmt.Errorf("internal error: the generated %s does not start with its header", name)
	}
	return out, nil
}

func render(name string, data any) ([]byte, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"quote": quote}).Option("missingkey=error").ParseFS(templates.FS, name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// quote writes s as a double-quoted YAML scalar: a JSON string, which YAML
// reads the same way, with every control and line-breaking character
// escaped. Validated values never need the escapes; they are the second
// line of defence.
func quote(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}

// placeholder is in with every value replaced by a fixed, harmless one
// that takes the same branches in the templates: its structure is the one
// the files are meant to have.
func placeholder(in Input) Input {
	out := Input{Header: "# header"}
	if in.BuildArgs.Version != "" {
		out.BuildArgs.Version = "v"
	}
	if in.BuildArgs.Revision != "" {
		out.BuildArgs.Revision = "r"
	}
	if in.BuildArgs.SourceDateEpoch != "" {
		out.BuildArgs.SourceDateEpoch = "1"
	}
	for i, s := range in.Services {
		p := Service{
			Name: "s" + strconv.Itoa(i), Context: ".", Dockerfile: "Dockerfile",
			UID: 1, GID: 1, NeedsTmp: s.NeedsTmp,
			Health: Health{Kind: s.Health.Kind, Interval: time.Second, Timeout: time.Second, StartPeriod: s.Health.StartPeriod, Retries: 1},
		}
		if s.Target != "" {
			p.Target = "t"
		}
		// Ports below 1024 add a sysctl: keep each port on its side.
		for j, port := range s.Ports {
			q := 1024 + j
			if port < 1024 {
				q = 1 + j
			}
			p.Ports = append(p.Ports, q)
			if port == s.Health.Port {
				p.Health.Port = q
			}
		}
		if s.Health.Path != "" {
			p.Health.Path = "/"
		}
		for range s.Health.Command {
			p.Health.Command = append(p.Health.Command, "x")
		}
		out.Services = append(out.Services, p)
	}
	return out
}

type composeView struct {
	Header   string
	Services []composeService
	// Args are NAME (from the environment) or NAME=value.
	Args        []string
	ArgsFromEnv bool
}

type composeService struct {
	Name, Context, Dockerfile, Target, User string
	Ports                                   []int
	NeedsTmp                                bool
}

func composeData(in Input) any {
	v := composeView{Header: in.Header}
	for _, a := range []struct{ name, value string }{
		{"VERSION", in.BuildArgs.Version},
		{"REVISION", in.BuildArgs.Revision},
		{"SOURCE_DATE_EPOCH", in.BuildArgs.SourceDateEpoch},
	} {
		if a.value == "" {
			v.Args = append(v.Args, a.name)
			v.ArgsFromEnv = true
		} else {
			v.Args = append(v.Args, a.name+"="+a.value)
		}
	}
	for _, s := range in.Services {
		v.Services = append(v.Services, composeService{
			Name: s.Name, Context: s.Context, Dockerfile: s.Dockerfile, Target: s.Target,
			User:  strconv.Itoa(s.UID) + ":" + strconv.Itoa(s.GID),
			Ports: s.Ports, NeedsTmp: s.NeedsTmp,
		})
	}
	return v
}

type kubernetesView struct {
	Header   string
	Services []kubernetesService
}

type kubernetesService struct {
	Name, Image string
	UID, GID    int
	Ports       []int
	// LowPort is true when a port is below 1024: the pod then lowers
	// net.ipv4.ip_unprivileged_port_start, since the container has no
	// capability to bind it.
	LowPort  bool
	Probe    *probe
	NeedsTmp bool
}

// probe is the liveness and readiness probe: exactly one of HTTPPath,
// Command or (for tcp) neither is set.
type probe struct {
	HTTPPath string
	Command  []string
	Port     int
	// Seconds, as Kubernetes counts them.
	Period, Timeout, StartPeriod int
	Retries                      int
}

func kubernetesData(in Input) any {
	v := kubernetesView{Header: in.Header}
	for _, s := range in.Services {
		k := kubernetesService{
			Name: s.Name, Image: PlaceholderImage(s.Name),
			UID: s.UID, GID: s.GID, Ports: s.Ports, NeedsTmp: s.NeedsTmp,
		}
		for _, p := range s.Ports {
			k.LowPort = k.LowPort || p < 1024
		}
		h := s.Health
		if h.Kind != HealthNone && h.Kind != "" {
			k.Probe = &probe{
				Port:        h.Port,
				Period:      seconds(h.Interval),
				Timeout:     seconds(h.Timeout),
				StartPeriod: seconds(h.StartPeriod),
				Retries:     h.Retries,
			}
			switch h.Kind {
			case HealthHTTP:
				k.Probe.HTTPPath = h.Path
			case HealthExec:
				k.Probe.Command, k.Probe.Port = h.Command, 0
			}
		}
		v.Services = append(v.Services, k)
	}
	return v
}

// seconds rounds d up to whole seconds, as Kubernetes probes count: a
// 500ms timeout becomes 1s, never 0 (which Kubernetes would read as unset).
func seconds(d time.Duration) int {
	return int((d + time.Second - 1) / time.Second)
}
