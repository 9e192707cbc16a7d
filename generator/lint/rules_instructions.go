package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// secretName is an ARG or ENV name that suggests a secret.
var secretName = regexp.MustCompile(`(?i)(secret|token|passw|api_?key|credential|private_?key)`)

// RuleAddInsteadOfCopy: ADD of local files.
var RuleAddInsteadOfCopy = &Rule{
	ID:       "DH017",
	Severity: SeverityWarning,
	Title:    "ADD where COPY serves",
	Why:      "ADD also unpacks archives and fetches URLs, which makes what lands in the image depend on the file's content.",
	Fix:      "Use COPY for local files.",
	Source:   "CIS Docker Benchmark 4.9",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, st := range d.Stages {
			for _, c := range st.Commands {
				add, ok := c.(*instructions.AddCommand)
				if !ok {
					continue
				}
				remote := false
				for _, s := range add.SourcePaths {
					remote = remote || strings.Contains(s, "://")
				}
				if !remote {
					report(line(add), "ADD copies local files and also unpacks archives and fetches URLs; use COPY")
				}
			}
		}
	}),
}

// RuleSecretInArgOrEnv: an ARG or ENV whose name suggests a secret.
var RuleSecretInArgOrEnv = &Rule{
	ID:       "DH018",
	Severity: SeverityError,
	Title:    "secret in ARG or ENV",
	Why:      "Build arguments and environment variables are recorded in the image and its history; anyone who pulls the image reads them.",
	Fix:      "Use RUN --mount=type=secret at build time and inject secrets at run time.",
	Source:   "CIS Docker Benchmark 4.10; BuildKit SecretsUsedInArgOrEnv",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		secretArgs := func(c *instructions.ArgCommand) {
			for _, a := range c.Args {
				if secretName.MatchString(a.Key) {
					report(line(c), "ARG %s looks like a secret: build arguments are stored in the image history; use RUN --mount=type=secret", a.Key)
				}
			}
		}
		for i := range d.GlobalArgs {
			secretArgs(&d.GlobalArgs[i])
		}
		for _, st := range d.Stages {
			for _, c := range st.Commands {
				switch c := c.(type) {
				case *instructions.ArgCommand:
					secretArgs(c)
				case *instructions.EnvCommand:
					for _, kv := range c.Env {
						if secretName.MatchString(kv.Key) {
							report(line(c), "ENV %s looks like a secret: it is stored in the image; pass it at run time", kv.Key)
						}
					}
				}
			}
		}
	}),
}
