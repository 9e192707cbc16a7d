package generator

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/dockhard/dockhard/generator/deploy"
	"github.com/dockhard/dockhard/generator/inputerr"
)

// The settings that run the image locked down (--compose, --k8s, issue
// 19): generator/deploy renders them, this file fills its Input from the
// plan and the options decided.

// The places of the files in the build context, as the wizard lists them.
const (
	composeFile = "compose.yaml"
	k8sDir      = "deploy"
)

// checkDeploy checks the options of the deploy files on their own.
func (o *Options) checkDeploy() (tmpfs bool, err error) {
	if o.Tmpfs && !o.Compose && !o.Kubernetes {
		return false, optionErrorf("Tmpfs", "{Tmpfs} gives the program a writable /tmp in the files {Compose} and {Kubernetes} write, and neither is asked for: add one of them, or drop {Tmpfs}")
	}
	return o.Tmpfs, nil
}

// renderCompose places compose.yaml in the build context, beside the
// Dockerfile's usual place, and renders it.
func renderCompose(g *generation) (placedFile, error) {
	in, err := deployInput(g)
	if err != nil {
		return placedFile{}, err
	}
	out, err := deploy.Compose(in)
	if err != nil {
		return placedFile{}, explainDeployRefusal("Compose", err)
	}
	dir := g.plan.ContextDir
	return placedFile{path: filepath.Join(dir, composeFile), within: dir, content: out}, nil
}

// renderKubernetes places deploy/<name>.yaml in the build context and
// renders it.
func renderKubernetes(g *generation) (placedFile, error) {
	in, err := deployInput(g)
	if err != nil {
		return placedFile{}, err
	}
	out, err := deploy.Kubernetes(in)
	if err != nil {
		return placedFile{}, explainDeployRefusal("Kubernetes", err)
	}
	dir := g.plan.ContextDir
	return placedFile{path: filepath.Join(dir, k8sDir, manifestName(g, in)+".yaml"), within: dir, content: out}, nil
}

// deployInput is one service per image the Dockerfile builds (its
// target when there are several), as the plan and the options decided
// them. Compose builds from the context the file sits in. The build
// arguments are left to the environment.
func deployInput(g *generation) (deploy.Input, error) {
	p, r := g.plan, g.resolved
	in := deploy.Input{Header: p.Header}
	for i, t := range p.Targets {
		prog := r.Programs[i]
		s := deploy.Service{
			Name:       serviceName(t.Binary),
			Context:    ".",
			Dockerfile: r.DockerfileInContext,
			Target:     t.Name,
			UID:        p.UID,
			GID:        p.GID,
			Ports:      t.Ports,
			NeedsTmp:   g.checked.tmpfs || len(prog.Main.TempFiles) > 0,
		}
		h := prog.Healthcheck
		s.Health = deploy.Health{
			Kind:     deploy.HealthKind(h.Mode),
			Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod,
			Retries: h.Retries,
		}
		switch h.Mode {
		case "http":
			s.Health.Path = h.Path
			fallthrough
		case "tcp":
			// The Dockerfile's probe connects to the first port.
			s.Health.Port = t.Ports[0]
		case "exec":
			if err := json.Unmarshal([]byte(h.Cmd), &s.Health.Command); err != nil {
				return deploy.Input{}, fmt.Errorf("internal error: the exec health check %s is not a JSON array: %w", h.Cmd, err)
			}
		}
		in.Services = append(in.Services, s)
	}
	return in, nil
}

// manifestName names deploy/<name>.yaml: the one image's service, or the
// module's name for a Dockerfile of several images.
func manifestName(g *generation, in deploy.Input) string {
	if len(in.Services) == 1 {
		return in.Services[0].Name
	}
	return serviceName(binaryFor(g.facts.Module.Path, "."))
}

// serviceName is the binary's name as a DNS label: lowercase, with '_'
// and '.' (which labels do not take) made '-'. deploy refuses what is
// still no label.
func serviceName(binary string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(binary))
}

// explainDeployRefusal says which option asked for the file a value was
// refused in.
func explainDeployRefusal(field string, err error) error {
	if inputerr.Is(err) {
		return optionErrorf(field, "{"+field+"} cannot write the file: %v", err)
	}
	return err
}
