package workflow

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
)

// Problem is one workflow mistake that undoes what the hardened image
// gains: code run in CI that nobody reviewed, a token that can rewrite the
// repository, a secret baked into the image.
type Problem struct {
	Rule    string // "unpinned-action", "write-all" or "secret-build-arg"
	Pos     *actionlint.Pos
	Message string // what is wrong and how to fix it
}

// Check runs every check on a parsed workflow (actionlint.Parse) and
// returns the problems in the order of the file.
func Check(wf *actionlint.Workflow) []Problem {
	var out []Problem
	out = append(out, UnpinnedActions(wf)...)
	out = append(out, WriteAllPermissions(wf)...)
	out = append(out, SecretsInBuildArgs(wf)...)
	sortProblems(out)
	return out
}

var (
	commitSHA   = regexp.MustCompile(`^[0-9a-f]{40}$`)
	imageDigest = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// UnpinnedActions reports every action, reusable workflow and docker://
// step image named by a tag or branch instead of a commit SHA (a digest for
// images). A tag can be moved to other code: in March 2026 every tag of
// aquasecurity/trivy-action but one was force-pushed to a credential
// stealer, and only workflows pinned by SHA kept running what they had
// reviewed. Local actions (./path) come with the repository and are not
// reported.
func UnpinnedActions(wf *actionlint.Workflow) []Problem {
	var out []Problem
	for _, job := range jobsInOrder(wf) {
		if job.WorkflowCall != nil && job.WorkflowCall.Uses != nil {
			if p, ok := unpinned(job.WorkflowCall.Uses); ok {
				out = append(out, p)
			}
		}
		for _, step := range job.Steps {
			if a, ok := step.Exec.(*actionlint.ExecAction); ok && a.Uses != nil {
				if p, ok := unpinned(a.Uses); ok {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

func unpinned(uses *actionlint.String) (Problem, bool) {
	spec := uses.Value
	switch {
	case strings.HasPrefix(spec, "./"), uses.ContainsExpression():
		return Problem{}, false
	case strings.HasPrefix(spec, "docker://"):
		if imageDigest.MatchString(spec) {
			return Problem{}, false
		}
		return Problem{"unpinned-action", uses.Pos, fmt.Sprintf(
			"%s names its image by tag, which its publisher can move to another image: pin it by digest, %s@sha256:<digest>",
			spec, strings.SplitN(spec, "@", 2)[0])}, true
	}
	name, ref, found := strings.Cut(spec, "@")
	if found && commitSHA.MatchString(ref) {
		return Problem{}, false
	}
	if !found || ref == "" {
		ref = "vX.Y.Z"
	}
	return Problem{"unpinned-action", uses.Pos, fmt.Sprintf(
		"%s names a tag or branch, which can be moved to other code: pin the full commit SHA of the release and keep the release in a comment, %s@<40-hex commit> # %s",
		spec, name, ref)}, true
}

// WriteAllPermissions reports permissions: write-all, for the workflow or
// for a job. It gives the job's token write access to the code, the
// packages, the releases and the workflows themselves: a compromised step
// (an action, a build script, a dependency's test) can then push code or
// replace the published image.
func WriteAllPermissions(wf *actionlint.Workflow) []Problem {
	var out []Problem
	const fix = "list only what each job needs (contents: read, plus packages: write to push an image, security-events: write to upload SARIF) and put permissions: {} at the top"
	if p := wf.Permissions; p != nil && p.All != nil && p.All.Value == "write-all" {
		out = append(out, Problem{"write-all", p.All.Pos, "permissions: write-all gives every job's token write access to the whole repository: " + fix})
	}
	for _, job := range jobsInOrder(wf) {
		if p := job.Permissions; p != nil && p.All != nil && p.All.Value == "write-all" {
			out = append(out, Problem{"write-all", p.All.Pos, fmt.Sprintf("job %s has permissions: write-all, write access to the whole repository: %s", job.ID.Value, fix)})
		}
	}
	return out
}

// buildArgFlag finds docker build's --build-arg, with its value after '='
// or a space.
var buildArgFlag = regexp.MustCompile(`--build-arg(=|[ \t]+)`)

// SecretsInBuildArgs reports a secret passed to an image build as a build
// argument: in docker/build-push-action's build-args input, or in a run
// script's --build-arg (directly, through an environment variable bound to
// a secret, or by a bare --build-arg NAME that takes such a variable).
// Build arguments are recorded in the image's history and in its
// provenance attestation; whoever pulls the image reads them.
func SecretsInBuildArgs(wf *actionlint.Workflow) []Problem {
	var out []Problem
	for _, job := range jobsInOrder(wf) {
		for _, step := range job.Steps {
			secretEnv := secretEnvVars(wf.Env, job.Env, step.Env)
			switch e := step.Exec.(type) {
			case *actionlint.ExecAction:
				if e.Uses == nil || !strings.HasPrefix(strings.ToLower(e.Uses.Value), "docker/build-push-action@") {
					continue
				}
				if in, ok := e.Inputs["build-args"]; ok && in.Value != nil && mentionsSecret(in.Value.Value, secretEnv) {
					out = append(out, secretProblem(in.Value.Pos, "build-push-action's build-args"))
				}
			case *actionlint.ExecRun:
				if e.Run == nil {
					continue
				}
				for _, arg := range buildArgs(e.Run.Value) {
					if mentionsSecret(arg, secretEnv) || bareSecretArg(arg, secretEnv) {
						out = append(out, secretProblem(e.Run.Pos, "--build-arg "+arg))
						break
					}
				}
			}
		}
	}
	return out
}

func secretProblem(pos *actionlint.Pos, where string) Problem {
	return Problem{"secret-build-arg", pos, where + " passes a secret to the build: build arguments stay in the image's history and provenance, where whoever pulls the image reads them. " +
		"Pass it as a build secret instead (build-push-action's secrets input, docker build --secret id=NAME,env=NAME) and read it in the Dockerfile with RUN --mount=type=secret,id=NAME"}
}

// secretEnvVars are the environment variables (workflow, job and step)
// whose value is a secret, by name as the shell sees it and lowercased as
// expressions see it.
func secretEnvVars(envs ...*actionlint.Env) map[string]bool {
	out := map[string]bool{}
	for _, env := range envs {
		if env == nil {
			continue
		}
		for _, v := range env.Vars {
			if v.Name != nil && v.Value != nil && mentionsSecret(v.Value.Value, nil) {
				out[v.Name.Value] = true
				out[strings.ToLower(v.Name.Value)] = true
			}
		}
	}
	return out
}

// shellVar is a shell reference to an environment variable: $NAME or
// ${NAME...}.
var shellVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// mentionsSecret reports whether s reads a secret: a ${{ }} expression
// naming secrets, github.token or an env variable bound to a secret, or a
// shell reference to such a variable.
func mentionsSecret(s string, secretEnv map[string]bool) bool {
	for _, m := range shellVar.FindAllStringSubmatch(s, -1) {
		if secretEnv[m[1]] {
			return true
		}
	}
	for rest := s; ; {
		i := strings.Index(rest, "${{")
		if i < 0 {
			return false
		}
		rest = rest[i+3:]
		lexer := actionlint.NewExprLexer(rest)
		node, err := actionlint.NewExprParser().Parse(lexer)
		if err != nil {
			// Not an expression GitHub would run either; judge the text.
			end := strings.Index(rest, "}}")
			if end < 0 {
				end = len(rest)
			}
			text := strings.ToLower(rest[:end])
			if strings.Contains(text, "secrets") || strings.Contains(text, "github.token") {
				return true
			}
			rest = rest[end:]
			continue
		}
		if exprReadsSecret(node, secretEnv) {
			return true
		}
		rest = rest[lexer.Offset():]
	}
}

func exprReadsSecret(root actionlint.ExprNode, secretEnv map[string]bool) bool {
	found := false
	actionlint.VisitExprNode(root, func(n, _ actionlint.ExprNode, entering bool) {
		if !entering || found {
			return
		}
		switch n := n.(type) {
		case *actionlint.VariableNode:
			found = n.Name == "secrets"
		case *actionlint.ObjectDerefNode:
			if v, ok := n.Receiver.(*actionlint.VariableNode); ok {
				found = (v.Name == "github" && n.Property == "token") || (v.Name == "env" && secretEnv[n.Property])
			}
		case *actionlint.IndexAccessNode:
			v, okV := n.Operand.(*actionlint.VariableNode)
			k, okK := n.Index.(*actionlint.StringNode)
			if okV && okK {
				key := strings.ToLower(k.Value)
				found = (v.Name == "github" && key == "token") || (v.Name == "env" && secretEnv[key])
			}
		}
	})
	return found
}

// bareSecretArg is --build-arg NAME without a value: docker takes NAME's
// value from the environment.
func bareSecretArg(arg string, secretEnv map[string]bool) bool {
	name := strings.Trim(arg, `"'`)
	return !strings.Contains(name, "=") && secretEnv[name]
}

// buildArgs returns the value of every --build-arg in a script: up to the
// next white space, except inside quotes or a ${{ }} expression.
func buildArgs(script string) []string {
	var out []string
	for _, loc := range buildArgFlag.FindAllStringIndex(script, -1) {
		rest := script[loc[1]:]
		end := 0
		for end < len(rest) {
			c := rest[end]
			switch {
			case strings.HasPrefix(rest[end:], "${{"):
				if close := strings.Index(rest[end:], "}}"); close >= 0 {
					end += close + 2
				} else {
					end = len(rest)
				}
				continue
			case c == '"' || c == '\'':
				if close := strings.IndexByte(rest[end+1:], c); close >= 0 {
					end += close + 2
				} else {
					end = len(rest)
				}
				continue
			case c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&':
			default:
				end++
				continue
			}
			break
		}
		out = append(out, rest[:end])
	}
	return out
}

// jobsInOrder returns the jobs in the order of the file (actionlint keeps
// them in a map).
func jobsInOrder(wf *actionlint.Workflow) []*actionlint.Job {
	jobs := make([]*actionlint.Job, 0, len(wf.Jobs))
	for _, j := range wf.Jobs {
		if j != nil && j.Pos != nil && j.ID != nil {
			jobs = append(jobs, j)
		}
	}
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].Pos.IsBefore(jobs[b].Pos) })
	return jobs
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(a, b int) bool { return ps[a].Pos.IsBefore(ps[b].Pos) })
}
