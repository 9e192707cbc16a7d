package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
)

// Descriptions of the choices, shown beside them in the wizard.
var (
	healthHelp = map[string]string{
		"http": "GET 127.0.0.1:<port>/healthz must answer 2xx or 3xx",
		"tcp":  "the port must accept a connection",
		"exec": "run the program's own probe command",
		"none": "no HEALTHCHECK",
	}
)

const (
	dockerignoreExtra = ".dockerignore"
	privateExtra      = "private modules (GOPRIVATE)"
)

// privateAuthHelp describes the ways of fetching private modules.
var privateAuthHelp = map[string]string{
	generator.PrivateAuthNetrc: "a .netrc from a BuildKit secret: docker build --secret id=netrc,src=$HOME/.netrc",
	generator.PrivateAuthSSH:   "your ssh agent and known_hosts: docker build --ssh default --secret id=known_hosts,src=$HOME/.ssh/known_hosts",
}

// askOptions asks what detection could not settle and returns the options
// generate would take. preset names the flags given on the command line:
// their questions are not asked. Answers are checked by the validation
// generate uses, and each question's default is what generate would
// decide from the answers before it (generator.Resolve).
func askOptions(p Prompter, f *detect.Facts, o generator.Options, preset map[string]bool) (generator.Options, error) {
	cat, err := generator.LoadCatalog(f.Dir, &o)
	if err != nil {
		return o, err
	}
	// settled resolves what the questions so far have settled, with more
	// given in answers; every other option stays at its default. A preset
	// value that a later question can still make valid (--healthcheck-cmd
	// before the health check is asked, --output .dockerignore before the
	// extras) is judged at the end, by generate's own check.
	settled := func(answers generator.Options) (*generator.Resolved, error) {
		answers.Main, answers.Cgo, answers.Tags, answers.Catalog, answers.Builder, answers.UID = o.Main, o.Cgo, o.Tags, o.Catalog, o.Builder, o.UID
		return generator.Resolve(f, &answers, cat)
	}

	// 1. Which main packages: one image each.
	if !preset["main"] && len(f.Mains) > 1 {
		var options []string
		def := ""
		for _, m := range f.Mains {
			options = append(options, "./"+strings.TrimPrefix(m.Dir, "./"))
		}
		if f.Mains[0].Dir == "." {
			def = "./."
		} else {
			def = options[0]
		}
		answer, err := p.MultiSelect("Which main packages should get an image?",
			"dockhard found several main packages (examples/ not listed). Each one chosen gets its own image: a target of the Dockerfile (docker build --target NAME), built by one shared builder.",
			options, []string{def}, func(chosen []string) error {
				if len(chosen) == 0 {
					return errors.New("choose at least one main package")
				}
				return nil
			})
		if err != nil {
			return o, err
		}
		if len(answer) == 1 && answer[0] == "./." {
			o.Main = nil
		} else {
			o.Main = answer
		}
	}
	r, err := settled(generator.Options{})
	if err != nil {
		return o, err
	}
	main := r.Main
	// Several images: each takes its ports, health check and data files
	// from its own program, so those questions are not asked.
	several := len(r.Programs) > 1

	// 2. Builder.
	if !preset["builder"] {
		answer, err := p.Select("Which image should build the program?",
			"The build stage holds the Go toolchain; only the binary reaches the final image.",
			catalog.Builders, func(v string) string { return catalog.BuiltIn().Builder(v).Help }, r.Builder)
		if err != nil {
			return o, err
		}
		o.Builder = answer
		if r, err = settled(generator.Options{}); err != nil {
			return o, err
		}
	}

	// 3. Runtime: only those that can run this program (every program).
	if !preset["runtime"] {
		anyCgo := slices.ContainsFunc(r.Programs, func(prog generator.Program) bool { return prog.Cgo })
		allowed, refused := catalog.RuntimesFor(r.Builder, anyCgo)
		help := "The final image: it receives only the binary."
		if several && slices.ContainsFunc(r.Programs, func(prog generator.Program) bool { return prog.Runtime != r.Runtime }) {
			var defaults []string
			for _, prog := range r.Programs {
				defaults = append(defaults, prog.Main.Dir+": "+prog.Runtime)
			}
			help += " The default gives each image the default for its program (" + strings.Join(defaults, ", ") + "); another choice applies to every image."
		}
		if len(refused) > 0 {
			var hidden []string
			for _, rt := range catalog.Runtimes {
				if _, ok := refused[rt]; ok {
					hidden = append(hidden, rt)
				}
			}
			help += " Hidden because this program needs cgo and they cannot run it with the " + r.Builder + " builder: " + strings.Join(hidden, ", ") + "."
		}
		def := r.Runtime // the default for this builder and program
		answer, err := p.Select("Which image should run it?", help, allowed, func(v string) string { return catalog.BuiltIn().Runtime(v).Help }, def)
		if err != nil {
			return o, err
		}
		o.Runtime = ""
		if answer != def {
			o.Runtime = answer
		}
	}

	// 4. Port.
	if !preset["port"] && !several {
		def := ""
		if len(main.Ports) > 0 {
			def = strconv.Itoa(main.Ports[0].Number)
		}
		help := "EXPOSE documents the port; empty for a program that listens on none."
		if len(main.Ports) > 0 {
			e := main.Ports[0].Evidence
			help = fmt.Sprintf("Detected in %s:%d (%s). %s", e.File, e.Line, e.What, help)
		}
		answer, err := p.Input("Which port does it listen on? (empty for none)", help, def, func(v string) error {
			if v == "" {
				return nil
			}
			return validate(generator.Options{Port: v})
		})
		if err != nil {
			return o, err
		}
		switch {
		case answer == def && len(main.Ports) <= 1:
			o.Port = "auto" // what detection finds, also next time
		case answer == "":
			o.Port = "none"
		default:
			o.Port = answer
		}
	}

	// 5. Health check, when the program listens somewhere.
	if r, err = settled(generator.Options{Port: o.Port, HealthcheckPath: o.HealthcheckPath}); err != nil {
		return o, err
	}
	if !preset["healthcheck"] && !several && len(r.Ports) > 0 {
		// What auto decides: http where the program registers a health
		// route, tcp where it does not.
		def, help := r.Healthcheck.Mode, "The image has no shell or curl: dockhard builds a tiny probe (about 1.5 MB) for http and tcp."
		if len(main.HealthRoutes) > 0 {
			route := main.HealthRoutes[0]
			help += fmt.Sprintf(" Health route %s detected in %s:%d.", route.Path, route.Evidence.File, route.Evidence.Line)
		}
		answer, err := p.Select("How should Docker check that it is healthy?", help,
			[]string{"http", "tcp", "exec", "none"}, func(v string) string { return healthHelp[v] }, def)
		if err != nil {
			return o, err
		}
		o.Healthcheck = answer
		if answer == def {
			o.Healthcheck = "auto" // what auto chooses for this program
		}
		if answer == "exec" && !preset["healthcheck-cmd"] {
			cmd, err := p.Input("Which command checks it? (JSON array)",
				`The program's own probe, run in the image as its user, like ["/usr/local/bin/app","health"].`,
				"", func(v string) error {
					return validate(generator.Options{Healthcheck: "exec", HealthcheckCmd: v})
				})
			if err != nil {
				return o, err
			}
			o.HealthcheckCmd = cmd
		}
	}

	// 5b. Files they read at run time: all or none (--data adds more).
	var dataPaths, dataSeen []string
	for _, prog := range r.Programs {
		for _, d := range prog.Main.DataFiles {
			if !slices.Contains(dataPaths, d.Path) {
				dataPaths = append(dataPaths, d.Path)
				dataSeen = append(dataSeen, fmt.Sprintf("%s (%s:%d: %s)", d.Path, d.Evidence.File, d.Evidence.Line, d.Evidence.What))
			}
		}
	}
	if !preset["data"] && len(dataPaths) > 0 {
		question := "Copy the files it reads at run time into the image? (" + strings.Join(dataPaths, ", ") + ")"
		if several {
			question = "Copy the files they read at run time into their images? (" + strings.Join(dataPaths, ", ") + ")"
		}
		answer, err := p.Confirm(question,
			"Read by relative path, so the image holds them under WORKDIR /app, owned by root and read-only. Detected: "+strings.Join(dataSeen, "; ")+". More can be added with --data PATH.",
			true)
		if err != nil {
			return o, err
		}
		if !answer {
			o.Data = []string{generator.DataNone}
		}
	}

	// 6. User.
	if !preset["uid"] {
		answer, err := p.Input("Which numeric user should it run as?",
			"A number, so Kubernetes runAsNonRoot can verify it; 65532 is distroless' and Chainguard's nonroot.",
			strconv.Itoa(r.UID), func(v string) error {
				return validate(generator.Options{UID: v})
			})
		if err != nil {
			return o, err
		}
		o.UID = answer
	}

	// 7. Extras: the .dockerignore and the extra files (generator.Extras)
	// whose flags were not given, and private modules.
	var choices, chosen, helps []string
	if !preset["dockerignore"] {
		choices, chosen = append(choices, dockerignoreExtra), append(chosen, dockerignoreExtra)
		helps = append(helps, ".dockerignore keeps secrets (.env, keys, .git) out of the build context.")
	}
	if several && !preset["bake"] {
		o.Bake = true // one bake builds every image: chosen unless refused
	}
	var extras []generator.Extra
	for _, x := range generator.Extras() {
		if preset[x.Flag] || (x.ForSeveral && !several) {
			continue
		}
		extras = append(extras, x)
		choices, helps = append(choices, x.Choice), append(helps, x.Help)
		if o.ExtraOn(x.Flag) {
			chosen = append(chosen, x.Choice)
		}
	}
	// Private modules: not for a vendored module, which downloads nothing.
	// Chosen by default when the module's environment (GOPRIVATE, or go
	// env -w) marks a module go.mod requires as private.
	envPrivate, envPrivateModules := "", []string(nil)
	if !preset["private"] && !f.Vendored {
		choices = append(choices, privateExtra)
		helps = append(helps, "Private modules are fetched directly, with credentials from a BuildKit secret that no layer keeps.")
		if envPrivate = moduleGOPRIVATE(); envPrivate != "" {
			if r, err := settled(generator.Options{Private: []string{envPrivate}}); err == nil {
				envPrivateModules = r.Private.Modules
			}
		}
		if len(envPrivateModules) > 0 {
			chosen = append(chosen, privateExtra)
		}
	}
	if len(choices) > 0 {
		answer, err := p.MultiSelect("Extras to write:", strings.Join(helps, " "), choices, chosen, nil)
		if err != nil {
			return o, err
		}
		if !preset["dockerignore"] {
			o.NoDockerignore = !slices.Contains(answer, dockerignoreExtra)
		}
		for _, x := range extras {
			o.SetExtra(x.Flag, slices.Contains(answer, x.Choice))
		}
		if slices.Contains(answer, privateExtra) {
			if o, err = askPrivate(p, o, envPrivate, envPrivateModules, settled); err != nil {
				return o, err
			}
		}
	}
	return o, nil
}

// askPrivate asks which modules are private and how the build fetches
// them; the default patterns are the module's GOPRIVATE, which makes
// envModules private.
func askPrivate(p Prompter, o generator.Options, envPrivate string, envModules []string, settled func(generator.Options) (*generator.Resolved, error)) (generator.Options, error) {
	help := "GOPRIVATE syntax: module path prefixes or globs, like github.com/acme/*,git.corp.example.com."
	if len(envModules) > 0 {
		help += " Your GOPRIVATE marks these requirements private: " + strings.Join(envModules, ", ") + "."
	}
	patterns, err := p.Input("Which modules are private? (GOPRIVATE patterns, comma-separated)", help, envPrivate, func(v string) error {
		return validate(generator.Options{Private: []string{v}})
	})
	if err != nil {
		return o, err
	}
	o.Private = []string{patterns}
	// Only the ways that work for these patterns and this builder.
	var auths []string
	for _, a := range generator.PrivateAuths {
		if _, err := settled(generator.Options{Private: o.Private, PrivateAuth: a}); err == nil {
			auths = append(auths, a)
		}
	}
	if len(auths) == 0 {
		_, err := settled(generator.Options{Private: o.Private})
		return o, errors.New(inFlags(err))
	}
	auth, err := p.Select("How does the build authenticate to them?",
		"Credentials are mounted for the download step alone; none reach the image or its history.",
		auths, func(v string) string { return privateAuthHelp[v] }, auths[0])
	if err != nil {
		return o, err
	}
	o.PrivateAuth = ""
	if auth != generator.PrivateAuthNetrc {
		o.PrivateAuth = auth
	}
	return o, nil
}

// moduleGOPRIVATE is GOPRIVATE as the go command sees it here: the
// environment, else what go env -w recorded (asked of the go command, when
// there is one). Only the wizard reads it, as a default answer: generate's
// output never depends on the machine it runs on.
var moduleGOPRIVATE = func() string {
	if v := os.Getenv("GOPRIVATE"); v != "" {
		return v
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOPRIVATE")
	// Outside any module, with the local toolchain: asking must not
	// download a toolchain a go.mod names.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// validate checks one answer as generate would check the flag, and says
// what is wrong in the flag's words.
func validate(answer generator.Options) error {
	if err := answer.Validate(); err != nil {
		return errors.New(inFlags(err))
	}
	return nil
}
