package lint

import "github.com/moby/buildkit/frontend/dockerfile/instructions"

// RuleShellFormEntrypoint: ENTRYPOINT or CMD in shell form.
var RuleShellFormEntrypoint = &Rule{
	ID:       "DH006",
	Severity: SeverityWarning,
	Title:    "shell-form ENTRYPOINT or CMD",
	Why:      "The shell form runs `/bin/sh -c`: the shell becomes PID 1, signals such as SIGTERM do not reach the program, and the image needs a shell.",
	Fix:      "Write ENTRYPOINT [\"/path/to/program\"].",
	Source:   "Docker best practices; BuildKit JSONArgsRecommended",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, c := range d.Final.Commands {
			switch c := c.(type) {
			case *instructions.EntrypointCommand:
				if c.PrependShell {
					report(line(c), "ENTRYPOINT in shell form: a shell runs the program and signals do not reach it; write it as a JSON array")
				}
			case *instructions.CmdCommand:
				if c.PrependShell {
					report(line(c), "CMD in shell form: a shell runs the program and signals do not reach it; write it as a JSON array")
				}
			}
		}
	}),
}

// RuleShellFormHealthcheck: HEALTHCHECK CMD in shell form.
var RuleShellFormHealthcheck = &Rule{
	ID:       "DH028",
	Severity: SeverityWarning,
	Title:    "shell-form HEALTHCHECK",
	Why:      "HEALTHCHECK CMD in shell form runs `/bin/sh -c`: a hardened runtime has no shell, so the check can never pass and the container is reported unhealthy; where a shell is left, the check needs it.",
	Fix:      "Write HEALTHCHECK CMD [\"/path/to/probe\", \"arg\"] with a probe that runs without a shell (dockhard builds one).",
	Source:   "dockhard's hardening bar (point 12); Docker HEALTHCHECK reference",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, c := range d.Final.Commands {
			if h, ok := c.(*instructions.HealthCheckCommand); ok && len(h.Health.Test) > 0 && h.Health.Test[0] == "CMD-SHELL" {
				report(line(h), "HEALTHCHECK CMD in shell form needs /bin/sh to run the check; write it as a JSON array")
			}
		}
	}),
}
