package lint

import (
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// The mistakes people make fetching private modules: a credential written
// into the Dockerfile, a credential file copied into a stage, Go's module
// checks turned off. Each reads every instruction: the ARGs before the
// first FROM, then each stage's.

// commands lists every instruction of a Dockerfile in file order: the
// global ARGs, then each stage's commands.
func commands(d *Dockerfile) []instructions.Command {
	var out []instructions.Command
	for i := range d.GlobalArgs {
		out = append(out, &d.GlobalArgs[i])
	}
	for _, st := range d.Stages {
		out = append(out, st.Commands...)
	}
	return out
}

var (
	// urlCredentials is a URL that carries a password or token:
	// https://user:token@host, https://$TOKEN@host.
	urlCredentials = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://([^/\s:@'"]+:[^/\s@'"]+|\$\{?[a-z_]*(token|secret|passw|key|cred)[a-z_]*\}?)@`)
	// tokenShaped is a GitHub or GitLab token written out.
	tokenShaped = regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})`)
	// shellAssignment is NAME=VALUE in a shell command (also after export
	// or go env -w).
	shellAssignment = regexp.MustCompile(`(?:^|[\s;&|(])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)`)
	// credentialFileWrite is a RUN writing a .netrc or .git-credentials,
	// or telling git to store credentials in one.
	credentialFileWrite  = regexp.MustCompile(`(>>?|\btee(\s+-a)?)\s*[^\s;&|]*(\.netrc|_netrc|\.git-credentials)\b|credential\.helper\s+['"]?store\b`)
	credentialFileRemove = regexp.MustCompile(`\brm\s[^;&|]*(\.netrc|_netrc|\.git-credentials)\b`)
	// credentialFile is a file that holds credentials for git, curl or
	// the go command, or an ssh private key.
	credentialFile = regexp.MustCompile(`(^|/)(\.netrc|_netrc|\.git-credentials|\.ssh|id_(rsa|dsa|ecdsa|ed25519)(_sk)?)/?$`)
	// insecureGet is go get or go install with the -insecure flag.
	insecureGet = regexp.MustCompile(`\bgo\s+(get|install|mod\s+download)\b[^;&|]*\s-insecure\b`)
)

// RuleCredentialsInDockerfile: a token or password written into the
// Dockerfile, where the image, its history or a layer keeps it.
var RuleCredentialsInDockerfile = &Rule{
	ID:       "DH038",
	Severity: SeverityError,
	Title:    "credentials written into the Dockerfile",
	Why: "A token in an ARG or ENV value is recorded in the image's history; one on a RUN line is in the build log and the process list, and a URL with " +
		"credentials given to git config or git clone is saved in a config file of the layer. Anyone who pulls the image or reads the log has it.",
	Fix:    "Lend credentials to the one RUN that needs them with a BuildKit secret (RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download) or the ssh agent (--mount=type=ssh), and name private modules with GOPRIVATE.",
	Source: "Docker build secrets; CIS Docker Benchmark 4.10; go help module-private",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, c := range commands(d) {
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if kv.Value != nil {
						if what := credentialsIn(*kv.Value); what != "" {
							report(line(c), "ARG %s holds %s: build arguments are recorded in the image's history; use RUN --mount=type=secret", kv.Key, what)
						}
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					if what := credentialsIn(kv.Value); what != "" {
						report(line(c), "ENV %s holds %s: it is stored in the image; lend credentials with RUN --mount=type=secret", kv.Key, what)
					}
				}
			case *instructions.RunCommand:
				text := runWithHeredocs(c)
				switch what := credentialsIn(text); {
				case what != "" && strings.Contains(text, "git config") && strings.Contains(text, "insteadOf"):
					report(line(c), "RUN writes %s into git's config through insteadOf, a file the layer keeps; use RUN --mount=type=secret,id=netrc,target=/root/.netrc or --mount=type=ssh", what)
				case what != "":
					report(line(c), "RUN has %s on its command line: the build log and the layer's history keep it; use RUN --mount=type=secret", what)
				}
				for _, m := range shellAssignment.FindAllStringSubmatch(text, -1) {
					name, value := m[1], strings.Trim(m[2], `"'`)
					if secretName.MatchString(name) && value != "" && !strings.HasPrefix(value, "$") {
						report(line(c), "RUN sets %s to a value written in the Dockerfile; read it from a secret instead (RUN --mount=type=secret,id=%s,env=%s)", name, strings.ToLower(name), name)
					}
				}
				if credentialFileWrite.MatchString(text) && !credentialFileRemove.MatchString(text) {
					report(line(c), "RUN writes a credential file (.netrc, .git-credentials) that the layer keeps; mount it as a secret for the one RUN that needs it")
				}
			}
		}
	}),
}

// credentialsIn says what credential a value shows, "" for none.
func credentialsIn(s string) string {
	switch {
	case tokenShaped.MatchString(s):
		return "a token"
	case urlCredentials.MatchString(s):
		return "a URL with credentials"
	}
	return ""
}

// RuleCredentialFileCopied: a .netrc, .git-credentials or ssh key copied
// into any stage.
var RuleCredentialFileCopied = &Rule{
	ID:       "DH039",
	Severity: SeverityError,
	Title:    "credential file copied into a stage",
	Why: "A COPY or ADD puts the file in a layer, and deleting it later does not take it out: the builder stage's layers are in the build cache and " +
		"in any image built from them, and COPY --from or --target can ship them.",
	Fix:    "Mount it for the one RUN that needs it: RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download, or --mount=type=ssh for ssh keys; keep such files out of the build context with .dockerignore.",
	Source: "Docker build secrets; dockhard's hardening bar (point 11)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		for _, c := range commands(d) {
			var sources []string
			var dest, verb string
			switch c := c.(type) {
			case *instructions.CopyCommand:
				sources, dest, verb = c.SourcePaths, c.DestPath, "COPY"
			case *instructions.AddCommand:
				sources, dest, verb = c.SourcePaths, c.DestPath, "ADD"
			default:
				continue
			}
			for _, p := range append(sources, dest) {
				if credentialFile.MatchString(p) || strings.Contains(p, "/.ssh/") {
					report(line(c), "%s puts %s in a layer, which keeps it; mount it as a secret (RUN --mount=type=secret) or the ssh agent (--mount=type=ssh) for the RUN that needs it", verb, p)
					break
				}
			}
		}
	}),
}

// RuleModuleChecksOff: Go's module download checks turned off.
var RuleModuleChecksOff = &Rule{
	ID:       "DH040",
	Severity: SeverityError,
	Title:    "Go module checks turned off",
	Why: "The checksum database and TLS are what prove a downloaded module is the one go.sum and its author published; turning them off for every " +
		"module (GOSUMDB=off, GONOSUMDB=* or GOPRIVATE=*), or fetching over plain http (GOINSECURE, GOFLAGS=-insecure), lets a proxy or network in " +
		"between substitute any code.",
	Fix:    "Name only the private modules with GOPRIVATE (github.com/acme/*): they skip the public proxy and checksum database, the rest stay checked. Serve private modules over https.",
	Source: "go help module-private; go help environment (GOINSECURE, GOSUMDB)",
	Check: DockerfileCheck(func(d *Dockerfile, report Report) {
		judge := func(c instructions.Command, where, name, value string) {
			if msg := moduleCheckOff(name, value); msg != "" {
				report(line(c), "%s %s=%s %s", where, name, value, msg)
			}
		}
		for _, c := range commands(d) {
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if kv.Value != nil {
						judge(c, "ARG", kv.Key, *kv.Value)
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					judge(c, "ENV", kv.Key, kv.Value)
				}
			case *instructions.RunCommand:
				text := runWithHeredocs(c)
				for _, m := range shellAssignment.FindAllStringSubmatch(text, -1) {
					judge(c, "RUN sets", m[1], strings.Trim(m[2], `"'`))
				}
				if insecureGet.MatchString(text) {
					report(line(c), "RUN fetches modules with -insecure: over plain http and without checking TLS certificates; serve the modules over https")
				}
			}
		}
	}),
}

// moduleCheckOff says how a Go setting turns module checks off, "" when
// it does not.
func moduleCheckOff(name, value string) string {
	switch name {
	case "GOSUMDB":
		if value == "off" {
			return "turns the checksum database off for every module"
		}
	case "GONOSUMDB", "GOPRIVATE":
		for _, p := range strings.Split(value, ",") {
			if MatchesEveryModule(p) {
				return "skips the checksum database for every module (" + p + " matches them all)"
			}
		}
	case "GONOSUMCHECK", "GONOVERIFY":
		return "is no setting of the go command, only the wish to skip checksum checks: remove it"
	case "GOINSECURE":
		if value != "" {
			return "fetches those modules over plain http, without checking certificates"
		}
	case "GOFLAGS":
		if strings.Contains(value, "-insecure") {
			return "fetches modules over plain http, without checking certificates"
		}
	}
	return ""
}

// bracketExpr is a path.Match character class, [a-z] or [^0-9].
var bracketExpr = regexp.MustCompile(`\[[^\]]*\]`)

// MatchesEveryModule says whether a GOPRIVATE-style pattern (one of a
// comma-separated list) matches every module path: its first element,
// the host, names nothing literally ("*", "*.*", "[a-z]*/*").
func MatchesEveryModule(pattern string) bool {
	if strings.TrimSuffix(pattern, "/") == "" {
		return false // empty patterns match nothing
	}
	host, _, _ := strings.Cut(pattern, "/")
	literal := bracketExpr.ReplaceAllString(host, "")
	return !strings.ContainsFunc(literal, func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	})
}

// runWithHeredocs is a RUN's command line and the heredocs it runs, as one
// text.
func runWithHeredocs(c *instructions.RunCommand) string {
	text := strings.Join(c.CmdLine, " ")
	for _, f := range c.Files {
		text += "\n" + f.Data
	}
	return text
}
