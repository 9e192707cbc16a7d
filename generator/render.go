package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockhard/dockhard/templates"
)

// loadTemplates parses the shared partials with one builder and one runtime
// file: each of those defines "builder" or "runtime", so a pair is parsed
// at a time.
func loadTemplates(builder, runtime string) (*template.Template, error) {
	t := template.New("").Funcs(template.FuncMap{"join": strings.Join}).Option("missingkey=error")
	return t.ParseFS(templates.FS, "go-build.tmpl", "final.tmpl", "builder-"+builder+".tmpl", "runtime-"+runtime+".tmpl")
}

// Render returns the Dockerfile and .dockerignore for a plan. The
// Dockerfile is re-parsed with BuildKit's parser and compared with the
// plan's intended instruction sequence before it is returned: a value that
// changed the structure is an internal error, and nothing is written.
func Render(p *Plan) (dockerfile, dockerignore []byte, err error) {
	dockerfile, err = renderDockerfile(p)
	if err != nil {
		return nil, nil, err
	}
	if err := verifyStructure(p, dockerfile); err != nil {
		return nil, nil, err
	}
	if p.DockerignorePath != "" {
		t, err := template.New("dockerignore.tmpl").Option("missingkey=error").ParseFS(templates.FS, "dockerignore.tmpl")
		if err != nil {
			return nil, nil, err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, p); err != nil {
			return nil, nil, err
		}
		dockerignore = buf.Bytes()
	}
	return dockerfile, dockerignore, nil
}

func renderDockerfile(p *Plan) ([]byte, error) {
	sets := map[string]*template.Template{}
	templatesFor := func(runtime string) (*template.Template, error) {
		if t, ok := sets[runtime]; ok {
			return t, nil
		}
		t, err := loadTemplates(p.Builder, runtime)
		if err != nil {
			return nil, fmt.Errorf("templates for %s/%s: %w", p.Builder, runtime, err)
		}
		sets[runtime] = t
		return t, nil
	}
	t, err := templatesFor(p.Runtime)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(p.Header + "\n")
	// A build of private modules lends them their credentials.
	docker := "docker build "
	if p.Private != nil {
		docker += p.Private.BuildFlags + " "
	}
	if len(p.Targets) == 1 {
		buf.WriteString("# Build: " + docker + "-t " + p.Binary + " .   (BuildKit: docker 23+ or buildx)\n\n")
	} else {
		var names []string
		for _, target := range p.Targets {
			names = append(names, target.Name)
		}
		buf.WriteString("# One image per target (" + strings.Join(names, ", ") + "): " + docker + "--target " + p.Name + " -t " + p.Name + " .   (BuildKit: docker 23+ or buildx)\n")
		if p.Bake {
			buf.WriteString("# Every target: docker buildx bake   (" + bakeFile + ")\n\n")
		} else {
			buf.WriteString("# Every target: for t in " + strings.Join(names, " ") + `; do ` + docker + `--target "$t" -t "$t" .; done` + "\n\n")
		}
	}
	if err := t.ExecuteTemplate(&buf, "builder", p); err != nil {
		return nil, err
	}
	for i, target := range p.Targets {
		// Each final stage renders with the plan's shared values and its
		// own target's.
		q := *p
		q.Target = target
		if t, err = templatesFor(target.Runtime); err != nil {
			return nil, err
		}
		// The builder ends without a newline, a final stage with one.
		if i == 0 {
			buf.WriteString("\n\n")
		} else {
			buf.WriteString("\n")
		}
		if target.Name != "" {
			buf.WriteString("# Target " + target.Name + " (" + target.Package + "): docker build --target " + target.Name + " -t " + target.Name + " .\n")
		}
		if err := t.ExecuteTemplate(&buf, "runtime", &q); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// placeholderPlan is p with every value that came from the user or the
// module replaced by a fixed, harmless one of the same shape. Its structure
// is the one the plan intends; values only fill it in.
func placeholderPlan(p *Plan) *Plan {
	q := *p
	q.Header = FormatHeader(&Options{})
	q.BuilderImage = "builder:1"
	if q.GoToolchain != "" {
		q.GoToolchain = "go1.0.0"
	}
	q.AptPackages = fill(len(p.AptPackages), "pkg")
	q.WorkDir = "/src"
	q.DepCopies = nil
	for _, c := range p.DepCopies {
		q.DepCopies = append(q.DepCopies, CopyStep{Sources: fill(len(c.Sources), "f"), Dest: "/d/"})
	}
	if p.Private != nil {
		// The patterns keep their shell syntax characters (only * ? ~ pass
		// validation) and nothing else; one placeholder host per host.
		priv := *p.Private
		priv.Patterns = strings.Map(func(r rune) rune {
			if strings.ContainsRune(shellSyntax, r) {
				return r
			}
			return 'x'
		}, priv.Patterns)
		priv.Hosts = fill(len(p.Private.Hosts), "h")
		q.Private = &priv
	}
	q.UID, q.GID = 1, 1
	q.Targets = nil
	for i, t := range p.Targets {
		q.Targets = append(q.Targets, placeholderTarget(t, i))
	}
	q.Target = q.Targets[0]
	return &q
}

// placeholderTarget is placeholderPlan for one target (the i-th).
func placeholderTarget(t Target, i int) Target {
	if t.Name != "" {
		t.Name = "t" + strconv.Itoa(i)
	}
	t.RuntimeImage = "runtime:1"
	t.Package, t.Binary, t.Entrypoint = ".", "app", `["/app"]`
	stamps := t.Stamps
	t.Stamps = nil
	for _, s := range stamps {
		// The build argument is one of StampArgs, not free text.
		t.Stamps = append(t.Stamps, Stamp{Symbol: "p.v", Arg: s.Arg})
	}
	t.LDFlags = buildLDFlags(t.Stamps)
	ports := t.Ports
	t.Ports = make([]int, len(ports))
	for i := range t.Ports {
		t.Ports[i] = 1
	}
	if t.HealthcheckCmd != "" {
		// As many placeholder arguments as the command has.
		var argv []string
		json.Unmarshal([]byte(t.HealthcheckCmd), &argv)
		cmd, _ := json.Marshal(fill(len(argv), "/probe"))
		t.HealthcheckCmd = string(cmd)
	}
	labels := t.Labels
	t.Labels = nil
	for range labels {
		t.Labels = append(t.Labels, Label{Key: "k", Value: `"v"`})
	}
	return t
}

func fill(n int, s string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// verifyStructure parses the rendered Dockerfile and the placeholder
// rendering and compares their instruction sequences.
func verifyStructure(p *Plan, dockerfile []byte) error {
	got, err := Signature(dockerfile)
	if err != nil {
		return fmt.Errorf("internal error: the generated Dockerfile does not parse: %w", err)
	}
	ref, err := renderDockerfile(placeholderPlan(p))
	if err != nil {
		return err
	}
	want, err := Signature(ref)
	if err != nil {
		return fmt.Errorf("internal error: the template does not parse: %w", err)
	}
	if len(got) != len(want) {
		return fmt.Errorf("internal error: the generated Dockerfile has %d instructions where the plan has %d; nothing was written", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("internal error: instruction %d of the generated Dockerfile is %q where the plan has %q; nothing was written", i+1, got[i], want[i])
		}
	}
	return nil
}

// shellSyntax are the characters that give a shell command structure. A
// value may never add one to a RUN.
const shellSyntax = ";&|<>`$(){}\\\n'\"*?#~="

// Signature describes each instruction of a Dockerfile by what gives it
// meaning: its keyword, its flags, its argument and heredoc counts and,
// for RUN, how many shell syntax characters its command holds. BuildKit's
// parser and instruction model must accept the file without warnings.
func Signature(dockerfile []byte) ([]string, error) {
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		return nil, err
	}
	if len(res.Warnings) > 0 {
		return nil, fmt.Errorf("parser warning: %s", res.Warnings[0].Short)
	}
	if _, _, err := instructions.Parse(res.AST, nil); err != nil {
		return nil, err
	}
	var sig []string
	for _, n := range res.AST.Children {
		args := 0
		var text strings.Builder
		for a := n.Next; a != nil; a = a.Next {
			args++
			text.WriteString(a.Value)
		}
		s := fmt.Sprintf("%s %s args=%d heredocs=%d", strings.ToUpper(n.Value), strings.Join(n.Flags, " "), args, len(n.Heredocs))
		if strings.EqualFold(n.Value, "run") {
			counts := make([]string, 0, len(shellSyntax))
			for _, c := range shellSyntax {
				counts = append(counts, fmt.Sprint(strings.Count(text.String(), string(c))))
			}
			s += " shell=" + strings.Join(counts, ",")
		}
		sig = append(sig, s)
	}
	return sig, nil
}
