package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// result is one run of the command line.
type result struct {
	code     int
	out, err string
}

func runCmd(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, ioStreams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return result{code, out.String(), errb.String()}
}

// copyFixture copies testdata/modules/<name> into a fresh directory and
// returns the copy's root.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	t.Setenv("GOWORK", "off")
	dst := t.TempDir()
	copyTree(t, filepath.Join("..", "..", "testdata", "modules", name), dst, func(string) bool { return true })
	return dst
}

// copyTree copies the files under src for which keep(rel) is true, and
// every directory, into dst.
func copyTree(t *testing.T, src, dst string, keep func(rel string) bool) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot records every path under root with its content hash, mode and
// modification time, to prove that a failed command changed nothing.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		entry := fmt.Sprintf("%v %v", info.Mode(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			entry += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		snap[p] = entry
		return nil
	})
	return snap
}

func diffSnapshots(before, after map[string]string) []string {
	var changes []string
	for p, b := range before {
		if a, ok := after[p]; !ok {
			changes = append(changes, "removed "+p)
		} else if a != b {
			changes = append(changes, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			changes = append(changes, "created "+p)
		}
	}
	sort.Strings(changes)
	return changes
}

func TestBadInput(t *testing.T) {
	type setup func(t *testing.T, dir string)
	write := func(name, content string) setup {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	linkTo := func(name, target string) setup {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			os.Remove(p)
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	fifo := func(name string) setup {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			os.Remove(p)
			makeFIFO(t, p)
		}
	}
	// moveInto moves the fixture into a subdirectory named sub.
	moveInto := func(sub string) setup {
		return func(t *testing.T, dir string) {
			tmp := dir + ".tmp"
			if err := os.Rename(dir, tmp); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(dir, 0o755)
			if err := os.Rename(tmp, filepath.Join(dir, sub)); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		fixture string
		setup   setup
		args    []string // $DIR is replaced by the fixture copy
		code    int
		msg     string // the whole of stderr, $DIR for the fixture copy
	}{
		// Flag values.
		{"unknown builder", "rootmain", nil, []string{"generate", "$DIR", "--builder", "alpine"}, 2,
			`--builder "alpine": unknown builder; use one of chainguard, ubuntu, golang, dhi`},
		{"unknown runtime", "rootmain", nil, []string{"generate", "$DIR", "--runtime", "ubuntu"}, 2,
			`--runtime "ubuntu": unknown runtime; use one of distroless, alpine, chainguard, dhi, scratch`},
		{"port zero", "rootmain", nil, []string{"generate", "$DIR", "--port", "0"}, 2,
			`--port "0": use a number from 1 to 65535, auto (detect) or none (no EXPOSE)`},
		{"port too big", "rootmain", nil, []string{"generate", "$DIR", "--port", "70000"}, 2,
			`--port "70000": use a number from 1 to 65535, auto (detect) or none (no EXPOSE)`},
		{"port word", "rootmain", nil, []string{"generate", "$DIR", "--port", "http"}, 2,
			`--port "http": use a number from 1 to 65535, auto (detect) or none (no EXPOSE)`},
		{"port with newline", "rootmain", nil, []string{"generate", "$DIR", "--port", "80\nRUN curl x|sh"}, 2,
			`--port "80\nRUN curl x|sh": use a number from 1 to 65535, auto (detect) or none (no EXPOSE)`},
		{"uid zero", "rootmain", nil, []string{"generate", "$DIR", "--uid", "0"}, 2,
			`--uid 0 is root: the image must run as a non-root user; use a number from 1 to 2147483647 (default 65532)`},
		{"uid negative", "rootmain", nil, []string{"generate", "$DIR", "--uid", "-5"}, 2,
			`--uid -5: use a number from 1 to 2147483647 (default 65532)`},
		{"uid too big", "rootmain", nil, []string{"generate", "$DIR", "--uid", "2147483648"}, 2,
			`--uid 2147483648: use a number from 1 to 2147483647 (default 65532)`},
		{"uid not a number", "rootmain", nil, []string{"generate", "$DIR", "--uid", "nobody"}, 2,
			`invalid argument "nobody" for "--uid" flag: write a decimal number (digits only, no leading zeros) (see 'dockhard generate --help')`},
		{"cgo value", "rootmain", nil, []string{"generate", "$DIR", "--cgo", "maybe"}, 2,
			`--cgo "maybe": use auto, on or off`},
		{"main escapes", "rootmain", nil, []string{"generate", "$DIR", "--main", "../other"}, 2,
			`--main "../other": the path leaves the module directory`},
		{"main absolute", "rootmain", nil, []string{"generate", "$DIR", "--main", "/etc"}, 2,
			`--main "/etc": use a path relative to the module directory`},
		{"main with space", "rootmain", nil, []string{"generate", "$DIR", "--main", "./cmd/a b"}, 2,
			`--main "./cmd/a b": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"main with quote", "rootmain", nil, []string{"generate", "$DIR", "--main", `./cmd/"x`}, 2,
			`--main "./cmd/\"x": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"main with backslash", "rootmain", nil, []string{"generate", "$DIR", "--main", `./cmd\`}, 2,
			`--main "./cmd\\": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"main not a main", "rootmain", nil, []string{"generate", "$DIR", "--main", "./internal/hello"}, 2,
			`--main "./internal/hello": no main package there; main packages: --main ./.`},
		{"main flag-like", "rootmain", nil, []string{"generate", "$DIR", "--main=-x"}, 2,
			`--main "-x": a path cannot start with '-'`},
		{"context not a parent", "rootmain", nil, []string{"generate", "$DIR", "--context", "$DIR/internal"}, 2,
			`--context "$DIR/internal": the build context must be the module directory or one of its parents (like ..), because the module is copied from it`},
		{"context with newline", "rootmain", nil, []string{"generate", "$DIR", "--context", "..\nRUN id"}, 2,
			`--context "..\nRUN id": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"output absolute outside the context", "rootmain", nil, []string{"generate", "$DIR", "-o", "/etc/Dockerfile"}, 2,
			`--output "/etc/Dockerfile" is outside the build context $DIR; write the Dockerfile inside it`},
		{"output with quote", "rootmain", nil, []string{"generate", "$DIR", "-o", `Docker"file`}, 2,
			`--output "Docker\"file": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"output ends in slash", "rootmain", nil, []string{"generate", "$DIR", "-o", "$DIR/deploy/"}, 2,
			`--output "$DIR/deploy/" is a directory; name the Dockerfile to write (like $DIR/deploy/Dockerfile)`},
		{"output is a directory", "rootmain", nil, []string{"generate", "$DIR", "-o", "$DIR/internal"}, 2,
			`$DIR/internal is a directory; --output names the Dockerfile to write`},
		{"output outside context", "rootmain", nil, []string{"generate", "$DIR", "-o", "$DIR/../Dockerfile"}, 2,
			`--output "$PARENT/Dockerfile" is outside the build context $DIR; write the Dockerfile inside it`},
		{"output parent missing", "rootmain", nil, []string{"generate", "$DIR", "-o", "$DIR/deploy/Dockerfile"}, 2,
			`cannot write $DIR/deploy/Dockerfile: the directory $DIR/deploy does not exist`},
		{"output relative to the working directory, not DIR", "rootmain", nil, []string{"generate", "$DIR", "-o", "Dockerfile"}, 2,
			`--output "$CWD/Dockerfile" is outside the build context $DIR; write the Dockerfile inside it`},
		{"catalog missing", "rootmain", nil, []string{"generate", "$DIR", "--catalog", "$DIR/nope.json"}, 2,
			`--catalog: open $DIR/nope.json: no such file or directory`},
		{"catalog not json", "rootmain", write("cat.json", "{"), []string{"generate", "$DIR", "--catalog", "$DIR/cat.json"}, 2,
			`catalog $DIR/cat.json: unexpected EOF`},
		{"catalog unpinned latest", "rootmain", write("cat.json", catalogWith(`"image": "cgr.dev/chainguard/go", "tag": "latest", "checked": "2026-01-01", "libc": "wolfi-glibc"`)),
			[]string{"generate", "$DIR", "--catalog", "$DIR/cat.json"}, 2,
			`catalog $DIR/cat.json: builder/chainguard: tag "latest" names no version; pin it with a digest`},
		{"catalog bad reference", "rootmain", write("cat.json", catalogWith(`"image": "cgr.dev/Chainguard/go", "tag": "1", "checked": "2026-01-01", "libc": "x"`)),
			[]string{"generate", "$DIR", "--catalog", "$DIR/cat.json"}, 2,
			`catalog $DIR/cat.json: builder/chainguard: image reference "cgr.dev/Chainguard/go:1": invalid reference format: repository name (Chainguard/go) must be lowercase`},
		{"healthcheck mode", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "curl"}, 2,
			`--healthcheck "curl": use one of auto, http, tcp, exec, none`},
		{"healthcheck path with space", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-path", "/health z"}, 2,
			`--healthcheck-path "/health z": a path starting with / of letters, digits and . _ ~ / % ? = & + -`},
		{"healthcheck path with CRLF", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-path", "/h\r\nX: y"}, 2,
			`--healthcheck-path "/h\r\nX: y": a path starting with / of letters, digits and . _ ~ / % ? = & + -`},
		{"exec without command", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "exec"}, 2,
			`--healthcheck exec needs --healthcheck-cmd, the program's own probe in exec form, like '["/usr/local/bin/app","health"]'`},
		{"healthcheck command not JSON", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "exec", "--healthcheck-cmd", "/app health"}, 2,
			`--healthcheck-cmd "/app health": write the command as a JSON array, like '["/usr/local/bin/app","health"]'`},
		{"healthcheck command with newline", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "exec", "--healthcheck-cmd", `["/app","x\nRUN id"]`}, 2,
			`--healthcheck-cmd "[\"/app\",\"x\\nRUN id\"]": every argument must be non-empty, without spaces or control characters`},
		{"healthcheck command without exec", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-cmd", `["/app"]`}, 2,
			`--healthcheck-cmd is only used with --healthcheck exec`},
		{"healthcheck interval", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-interval", "2d"}, 2,
			`--healthcheck-interval "2d": use a duration from 1s to 1h0m0s, like 30s or 1m`},
		{"healthcheck timeout zero", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-timeout", "0s"}, 2,
			`--healthcheck-timeout "0s": use a duration from 1s to 10m0s, like 30s or 1m`},
		{"healthcheck retries", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-retries", "500"}, 2,
			`--healthcheck-retries 500: use a number from 1 to 100 (default 3)`},
		// --tags: build tags.
		{"tags with space", "buildtags", nil, []string{"generate", "$DIR", "--tags", "metrics prod"}, 2,
			`--tags "metrics prod": build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)`},
		{"tags negated", "buildtags", nil, []string{"generate", "$DIR", "--tags", "!metrics"}, 2,
			`--tags "!metrics": build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)`},
		{"tags empty element", "buildtags", nil, []string{"generate", "$DIR", "--tags", "metrics,"}, 2,
			`--tags "metrics,": build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)`},
		{"tags newline", "buildtags", nil, []string{"generate", "$DIR", "--tags", "a\nRUN id"}, 2,
			`--tags "a\nRUN id": build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)`},
		{"detect tags", "buildtags", nil, []string{"detect", "$DIR", "--tags", "a;b"}, 2,
			`--tags "a;b": build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)`},
		// --data: files the program reads at run time.
		{"data missing", "datafiles", nil, []string{"generate", "$DIR", "--data", "nope.json"}, 2,
			`--data "nope.json": no such file or directory in the module`},
		{"data outside", "datafiles", nil, []string{"generate", "$DIR", "--data", "../secrets.json"}, 2,
			`--data "../secrets.json": the path leaves the module directory`},
		{"data absolute", "datafiles", nil, []string{"generate", "$DIR", "--data", "/etc/passwd"}, 2,
			`--data "/etc/passwd": use a path relative to the module directory`},
		{"data with newline", "datafiles", nil, []string{"generate", "$DIR", "--data", "products.json\nRUN id"}, 2,
			`--data "products.json\nRUN id": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"data glob", "datafiles", nil, []string{"generate", "$DIR", "--data", "templates/*.html"}, 2,
			`--data "templates/*.html": only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile`},
		{"data dash", "datafiles", nil, []string{"generate", "$DIR", "--data", "-x"}, 2,
			`--data "-x": a path cannot start with '-'`},
		{"data whole module", "datafiles", nil, []string{"generate", "$DIR", "--data", "."}, 2,
			`--data "." is the whole module; name the files or directories the program reads`},
		{"data none with paths", "datafiles", nil, []string{"generate", "$DIR", "--data", "none", "--data", "static"}, 2,
			`--data none copies no data files: do not combine it with paths`},
		{"data link", "datafiles", linkTo("link.json", "products.json"), []string{"generate", "$DIR", "--data", "link.json"}, 2,
			`--data "link.json" is not a regular file or a directory (a link or a special file); name what it points to`},
		// --private: private modules.
		{"private malformed glob", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme/[x"}, 2,
			`--private "github.com/acme/[x" is not a well-formed glob (syntax error in pattern); the go command would ignore it and fetch the module as a public one`},
		{"private empty pattern", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme,"}, 2,
			`--private "github.com/acme," has an empty pattern: write GOPRIVATE patterns separated by single commas, like --private github.com/acme/*,git.corp.example.com`},
		{"private every module", "private", nil, []string{"generate", "$DIR", "--private", "*"}, 2,
			`--private "*" matches every module: each would be fetched with your credentials and none checked against the checksum database; name the private hosts or paths, like github.com/acme/*`},
		{"private every host", "private", nil, []string{"generate", "$DIR", "--private", "[a-z]*.*/*"}, 2,
			`--private "[a-z]*.*/*" matches every module: each would be fetched with your credentials and none checked against the checksum database; name the private hosts or paths, like github.com/acme/*`},
		{"private shell syntax", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme$(id)"}, 2,
			`--private "github.com/acme$(id)": a pattern is a module path prefix or a glob of one (letters, digits, . - _ ~ / and * ? [ ] ^), starting with its host, like github.com/acme/* or *.corp.example.com`},
		{"private newline", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme\nRUN id"}, 2,
			`--private "github.com/acme\nRUN id": a pattern is a module path prefix or a glob of one (letters, digits, . - _ ~ / and * ? [ ] ^), starting with its host, like github.com/acme/* or *.corp.example.com`},
		{"private leading tilde", "private", nil, []string{"generate", "$DIR", "--private", "~acme"}, 2,
			`--private "~acme": a pattern is a module path prefix or a glob of one (letters, digits, . - _ ~ / and * ? [ ] ^), starting with its host, like github.com/acme/* or *.corp.example.com`},
		{"private-auth without private", "private", nil, []string{"generate", "$DIR", "--private-auth", "netrc"}, 2,
			`--private-auth says how private modules are fetched, and none are named: add --private PATTERN (like --private github.com/acme/*), or drop --private-auth`},
		{"private-auth unknown", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme", "--private-auth", "token"}, 2,
			`--private-auth "token": use netrc (a .netrc from a BuildKit secret) or ssh (the ssh agent, docker build --ssh default)`},
		{"private-auth ssh, host a glob", "private", nil, []string{"generate", "$DIR", "--private", "*.corp.example.com", "--private-auth", "ssh"}, 2,
			`--private-auth ssh points git at ssh://git@HOST/ for each private host, and --private "*.corp.example.com" names no host literally; name the hosts, like --private git.corp.example.com/*, or use --private-auth netrc`},
		{"private-auth ssh on dhi", "private", nil, []string{"generate", "$DIR", "--private", "github.com/acme", "--private-auth", "ssh", "--builder", "dhi"}, 2,
			`--private-auth ssh: the dhi builder has no ssh client; use --private-auth netrc, or --builder chainguard or ubuntu or golang`},
		{"private with vendored modules", "vendored", nil, []string{"generate", "$DIR", "--private", "github.com/acme"}, 2,
			`the module vendors its dependencies (vendor/modules.txt matches go.mod), so the build downloads no module and needs no credentials: drop --private`},
		{"private in a header, bad", "private", write("Dockerfile", "# Code generated by dockhard generate --private github.com/acme,,x. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			`the header (line 1) of Dockerfile: --private "github.com/acme,,x" has an empty pattern: write GOPRIVATE patterns separated by single commas, like --private github.com/acme/*,git.corp.example.com; fix the header line or delete the file`},
		{"http probe without port", "rootmain", nil, []string{"generate", "$DIR", "--port", "none", "--healthcheck", "http"}, 2,
			`--healthcheck http probes a port, and none is known: pass --port N, or use --healthcheck exec or none`},
		// --ci: the CI workflow (issue 20).
		{"ci gitlab", "rootmain", nil, []string{"generate", "$DIR", "--ci", "gitlab"}, 2,
			`--ci gitlab is not written: dockhard cannot validate a .gitlab-ci.yml offline or keep the GitHub workflow's guarantees there (the README's section "Why only GitHub" says why); use --ci github, or keep a hand-written .gitlab-ci.yml`},
		{"ci unknown", "rootmain", nil, []string{"generate", "$DIR", "--ci", "travis"}, 2,
			`--ci "travis": use github (a GitHub Actions workflow) or none`},
		{"ci branch without ci", "rootmain", nil, []string{"generate", "$DIR", "--ci-branch", "trunk"}, 2,
			`--ci-branch is only used with --ci github`},
		{"ci branch with a slash", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "--ci-branch", "release/1.0"}, 2,
			`--ci-branch "release/1.0": a branch name of letters, digits, '.', '_' and '-' (no '/': it also tags the image), like main`},
		{"ci branch breaking YAML", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "--ci-branch", "main]\n  tags: [x"}, 2,
			`--ci-branch "main]\n  tags: [x": a branch name of letters, digits, '.', '_' and '-' (no '/': it also tags the image), like main`},
		{"ci image uppercase", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "--ci-image", "WebServer"}, 2,
			`--ci-image "WebServer": lowercase letters and digits, joined by '.', '_' or '-', at most 128 characters (an image name), like webserver`},
		{"ci dockhard version latest", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "--ci-dockhard-version", "latest"}, 2,
			`--ci-dockhard-version "latest": a full release version, like v0.1.0, or empty when go.mod requires dockhard as a tool`},
		{"ci from a development build", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github"}, 2,
			`this dockhard is a development build, so the workflow cannot name a release of it to install: pass --ci-dockhard-version vX.Y.Z, or require dockhard as a tool of the module (go get -tool github.com/dockhard/dockhard/cmd/dockhard) and the workflow installs that version`},
		{"ci to stdout", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "-o", "-"}, 2,
			`--output - prints the Dockerfile and writes nothing, and --ci writes a file: drop one of them`},
		{"ci root inside the module", "rootmain", nil, []string{"generate", "$DIR", "--ci", "github", "--ci-root", "$DIR/internal"}, 2,
			`--ci-root "$DIR/internal": the repository root must be the module directory or one of its parents (like ..), because the workflow builds the module from it`},
		{"ci image from a binary name", "rootmain", write("go.mod", "module github.com/acme/app_\n\ngo 1.26.1\n"), []string{"generate", "$DIR", "--ci", "github", "--ci-dockhard-version", "v0.1.0"}, 2,
			`the binary's name "app_" does not make an image name (lowercase letters and digits, joined by '.', '_' or '-', at most 128 characters (an image name), like webserver): pass --ci-image NAME`},
		{"ci .github links outside", "rootmain", linkTo(".github", "/etc"), []string{"generate", "$DIR", "--ci", "github", "--ci-dockhard-version", "v0.1.0"}, 2,
			`--ci cannot write $DIR/.github/workflows/dockhard.yml: $DIR/.github leads through a link to /etc, outside $DIR`},
		{"compose to stdout", "rootmain", nil, []string{"generate", "$DIR", "--compose", "-o", "-"}, 2,
			`--output - prints the Dockerfile and writes nothing, and --compose writes a file: drop one of them`},
		{"k8s to stdout", "rootmain", nil, []string{"generate", "$DIR", "--k8s", "-o", "-"}, 2,
			`--output - prints the Dockerfile and writes nothing, and --k8s writes a file: drop one of them`},
		{"tmpfs without compose or k8s", "rootmain", nil, []string{"generate", "$DIR", "--tmpfs"}, 2,
			`--tmpfs gives the program a writable /tmp in the files --compose and --k8s write, and neither is asked for: add one of them, or drop --tmpfs`},
		{"compose service name from a binary name", "rootmain", write("go.mod", "module github.com/acme/9lives\n\ngo 1.26.1\n"), []string{"generate", "$DIR", "--compose"}, 2,
			`--compose cannot write the file: service name "9lives": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?') (it names the compose service, the Deployment, its container and its Service)`},
		{"k8s deploy links outside", "rootmain", linkTo("deploy", "/etc"), []string{"generate", "$DIR", "--k8s"}, 2,
			`--k8s cannot write $DIR/deploy/rootmain.yaml: $DIR/deploy leads through a link to $LINK, outside $DIR`},
		{"ci .github is a file", "rootmain", write(".github", "x"), []string{"generate", "$DIR", "--ci", "github", "--ci-dockhard-version", "v0.1.0"}, 2,
			`cannot write $DIR/.github/workflows/dockhard.yml: $DIR/.github is not a directory`},
		{"header ci root outside its directory", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --ci github --ci-root ../.. --ci-dockhard-version v0.1.0. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --ci-root \"../..\", outside $DIR, the directory that holds it; a header may not move the output or the build context out of its directory: give --ci-root on the command line if you mean it"},
		{"header ci writes above its directory", "rootmain", func(t *testing.T, dir string) {
			moveInto("svc")(t, dir)
			os.Mkdir(filepath.Join(dir, ".git"), 0o755)
			write("svc/Dockerfile", "# Code generated by dockhard generate --ci github --ci-dockhard-version v0.1.0. DO NOT EDIT.\n")(t, dir)
		}, []string{"generate", "$DIR/svc"}, 2,
			"the header (line 1) of Dockerfile records --ci github, whose workflow goes to the repository root $DIR, outside $DIR/svc, the directory that holds it; a header may not move a file it writes out of its directory: give --ci github (or --ci-root) on the command line if you mean it"},
		{"header ci branch without ci", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --ci-branch trunk. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile: --ci-branch is only used with --ci github; fix the header line or delete the file"},
		{"header output absolute", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --output /var/tmp/Dockerfile. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --output \"/var/tmp/Dockerfile\", outside $DIR, the directory that holds it; a header may not move the output or the build context out of its directory: give --output on the command line if you mean it"},
		// The command line.
		{"unknown flag", "rootmain", nil, []string{"generate", "$DIR", "--bogus"}, 2,
			`unknown flag: --bogus (see 'dockhard generate --help')`},
		{"two directories", "rootmain", nil, []string{"generate", "$DIR", "$DIR"}, 2,
			`dockhard generate takes at most one directory (the module root), got 2 arguments`},
		{"check and diff", "rootmain", nil, []string{"generate", "$DIR", "--check", "--diff"}, 2,
			`--check and --diff do not go together: --check exits 1 on drift, --diff only shows it`},
		{"check to stdout", "rootmain", nil, []string{"generate", "$DIR", "--check", "-o", "-"}, 2,
			`--check and --diff compare files on disk; they cannot be used with --output -`},
		{"unknown command", "rootmain", nil, []string{"generat"}, 2,
			"unknown command \"generat\" for \"dockhard\"\n\nDid you mean this?\n\tgenerate\n"},
		{"detect two dirs", "rootmain", nil, []string{"detect", "$DIR", "$DIR"}, 2,
			`dockhard detect takes at most one directory (the module root), got 2 arguments`},
		// The module.
		{"no go.mod", "library", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "go.mod")) }, []string{"generate", "$DIR"}, 2,
			"no go.mod in $DIR: dockhard needs a Go module; create one with `go mod init <module path>` in that directory, or pass the directory that holds go.mod"},
		{"unreadable go.mod", "rootmain", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "go.mod"))
			os.Mkdir(filepath.Join(dir, "go.mod"), 0o755)
		}, []string{"generate", "$DIR"}, 2,
			`$DIR/go.mod is a directory, not a go.mod`},
		{"dir is a file", "rootmain", nil, []string{"generate", "$DIR/main.go"}, 2,
			`$DIR/main.go is a file; pass the directory that holds go.mod`},
		{"dir missing", "rootmain", nil, []string{"detect", "$DIR/nope"}, 2,
			`cannot use $DIR/nope as the module directory: stat $DIR/nope: no such file or directory`},
		{"broken go.mod", "rootmain", write("go.mod", "module x\n\nrequire (\n"), []string{"generate", "$DIR"}, 2,
			`go.mod does not parse: $DIR/go.mod:4: syntax error (unterminated block started at $DIR/go.mod:3:1)`},
		{"go.mod bad version", "rootmain", write("go.mod", "module x\ngo one.two\n"), []string{"detect", "$DIR"}, 2,
			`go.mod does not parse: $DIR/go.mod:2: invalid go version 'one.two': must match format 1.23.0`},
		{"go.mod without module", "rootmain", write("go.mod", "go 1.22\n"), []string{"generate", "$DIR"}, 2,
			"$DIR/go.mod has no module line: add `module <path>` at the top"},
		{"library", "library", nil, []string{"generate", "$DIR"}, 2,
			`no main package in $DIR: dockhard builds programs (package main), and this module looks like a library`},
		{"several mains", "multicmd", nil, []string{"generate", "$DIR"}, 2,
			`2 main packages and none at the module root: choose one with --main (--main ./cmd/api, --main ./cmd/worker, --main ./examples/demo); --main repeats for one image each, --main all takes every one`},
		// Several mains, one Dockerfile.
		{"unknown main in a list", "multicmd", nil, []string{"generate", "$DIR", "--main", "./cmd/api", "--main", "./cmd/nope"}, 2,
			`--main "./cmd/nope": no main package there; main packages: --main ./cmd/api, --main ./cmd/worker, --main ./examples/demo`},
		{"main all with others", "multicmd", nil, []string{"generate", "$DIR", "--main", "all", "--main", "./cmd/api"}, 2,
			`--main all takes every main package: do not combine it with other --main values`},
		{"main given twice", "multicmd", nil, []string{"generate", "$DIR", "--main", "./cmd/api", "--main", "cmd/api/"}, 2,
			`--main "cmd/api/" is given twice; name each main package once`},
		{"main all in a library", "library", nil, []string{"generate", "$DIR", "--main", "all"}, 2,
			`no main package in $DIR: dockhard builds programs (package main), and this module looks like a library`},
		{"two binaries of one name", "multicmd", write("tools/api/main.go", "package main\n\nfunc main() {}\n"), []string{"generate", "$DIR", "--main", "./cmd/api", "--main", "./tools/api"}, 2,
			`--main ./cmd/api and --main ./tools/api both build a binary named api, and each image (its --target) is named after its binary; build one of them on its own, or rename a directory`},
		{"binary name no target can have", "multicmd", write("cmd/Admin/main.go", "package main\n\nfunc main() {}\n"), []string{"generate", "$DIR", "--main", "all"}, 2,
			`--main ./cmd/Admin builds "Admin", which cannot name a Dockerfile target (docker build --target), a bake target and an image: those are lowercase letters and digits, starting with a letter, joined by _ or - (not ending with one), at most 63 characters; rename the directory`},
		{"binary named after the builder stage", "multicmd", write("cmd/builder/main.go", "package main\n\nfunc main() {}\n"), []string{"generate", "$DIR", "--main", "all"}, 2,
			`--main ./cmd/builder builds builder, which is the name of another stage of the Dockerfile (builder, alpine-root, scratch); rename the directory`},
		{"port with several mains", "multicmd", nil, []string{"generate", "$DIR", "--main", "all", "--port", "8080"}, 2,
			`--port 8080: with several --main, each image gets the ports, health check and data files detected for its own program; leave --port auto, or none for no EXPOSE at all, or generate the program on its own`},
		{"health check with several mains", "multicmd", nil, []string{"generate", "$DIR", "--main", "./cmd/api", "--main", "./cmd/worker", "--healthcheck", "tcp"}, 2,
			`--healthcheck tcp: with several --main, each image gets the ports, health check and data files detected for its own program; leave --healthcheck auto, or none for no HEALTHCHECK at all, or generate the program on its own`},
		{"data with several mains", "multicmd", nil, []string{"generate", "$DIR", "--main", "all", "--data", "go.mod"}, 2,
			`--data "go.mod": with several --main, each image gets the ports, health check and data files detected for its own program; leave --data out, or none for no data files at all, or generate the program on its own`},
		{"bake to stdout", "multicmd", nil, []string{"generate", "$DIR", "--main", "all", "--bake", "-o", "-"}, 2,
			`--output - prints the Dockerfile and writes nothing, and --bake writes a file: drop one of them`},
		{"output is the bake file", "multicmd", nil, []string{"generate", "$DIR", "--main", "all", "--bake", "-o", "$DIR/docker-bake.hcl"}, 2,
			`--bake writes $DIR/docker-bake.hcl, which is also the Dockerfile: write that elsewhere`},
		{"hand-written docker-bake.hcl", "multicmd", write("docker-bake.hcl", "target \"x\" {}\n"), []string{"generate", "$DIR", "--main", "all", "--bake"}, 1,
			`refusing to overwrite $DIR/docker-bake.hcl: not generated by dockhard (no "# Code generated by dockhard" header); move it aside, or pass --force to replace it`},
		// --stamp: version stamping.
		{"stamp without a build argument", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.commit"}, 2,
			`--stamp "main.commit": write SYMBOL=ARG, like --stamp main.version=VERSION, with ARG one of VERSION, REVISION, SOURCE_DATE_EPOCH; or --stamp none`},
		{"stamp unknown build argument", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.commit=GIT_SHA"}, 2,
			`--stamp "main.commit=GIT_SHA": "GIT_SHA" is not a build argument the Dockerfile declares; use VERSION, REVISION, SOURCE_DATE_EPOCH`},
		{"stamp symbol with a space", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.com mit=REVISION"}, 2,
			`--stamp "main.com mit=REVISION": "main.com mit" is not a variable -X can name: an import path (or main), a dot and a Go identifier, like main.version or example.com/m/internal/version.Version`},
		{"stamp symbol with shell syntax", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.x$(id)=VERSION"}, 2,
			`--stamp "main.x$(id)=VERSION": "main.x$(id)" is not a variable -X can name: an import path (or main), a dot and a Go identifier, like main.version or example.com/m/internal/version.Version`},
		{"stamp symbol without a package", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "version=VERSION"}, 2,
			`--stamp "version=VERSION": "version" is not a variable -X can name: an import path (or main), a dot and a Go identifier, like main.version or example.com/m/internal/version.Version`},
		{"stamp build argument with a newline", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.commit=REVISION\nRUN id"}, 2,
			`--stamp "main.commit=REVISION\nRUN id": "REVISION\nRUN id" is not a build argument the Dockerfile declares; use VERSION, REVISION, SOURCE_DATE_EPOCH`},
		{"stamp none with a symbol", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "none", "--stamp", "main.commit=REVISION"}, 2,
			`--stamp none stamps no variable: do not combine it with SYMBOL=ARG values`},
		{"stamp a symbol twice", "stamping", nil, []string{"generate", "$DIR", "--main", "./cmd/cli", "--stamp", "main.commit=REVISION", "--stamp", "main.commit=VERSION"}, 2,
			`--stamp main.commit is stamped twice; stamp each variable once`},
		{"mixed packages", "mixed", nil, []string{"generate", "$DIR"}, 2,
			`no main package in $DIR: dockhard builds programs (package main), and this module looks like a library; . mixes packages main and util`},
		{"cgo on scratch", "cgodep", nil, []string{"generate", "$DIR", "--runtime", "scratch"}, 2,
			`--builder chainguard with --runtime scratch cannot run this program: it needs cgo (import "C" in internal/clib/clib.go), and chainguard builds against Wolfi's rolling glibc while scratch has no C library; use --runtime chainguard, or --cgo off if the program can do without cgo`},
		{"cgo on alpine", "cgodep", nil, []string{"generate", "$DIR", "--runtime", "alpine", "--builder", "golang"}, 2,
			`--builder golang with --runtime alpine cannot run this program: it needs cgo (import "C" in internal/clib/clib.go), and golang builds against glibc 2.41 while alpine has musl; use --runtime distroless or chainguard or dhi, or --cgo off if the program can do without cgo`},
		{"cgo glibc too new", "rootmain", nil, []string{"generate", "$DIR", "--cgo", "on", "--runtime", "distroless"}, 2,
			`--builder chainguard with --runtime distroless cannot run this program: it needs cgo, and chainguard builds against Wolfi's rolling glibc while distroless has glibc 2.41; use --runtime chainguard, or --builder ubuntu or golang or dhi with --runtime distroless, or --cgo off if the program can do without cgo`},
		{"golang builder, old go", "nogo", nil, []string{"generate", "$DIR", "--builder", "golang"}, 2,
			"go.mod asks for Go 1.16; the golang builder's tags name go.mod's exact release, which needs Go 1.21 or later: raise the go line (`go mod edit -go=1.27.0`) or use --builder chainguard"},
		{"replace outside context", "replace", nil, []string{"generate", "$DIR/app"}, 2,
			`go.mod:7: replace example.com/shared => ../shared points outside the build context $DIR/app; pass a --context that contains it (for example --context ..)`},
		{"header with bad args", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --uid root. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			`the header (line 1) of Dockerfile records arguments dockhard cannot read (invalid argument "root" for "--uid" flag: write a decimal number (digits only, no leading zeros)); fix the header line or delete the file`},
		{"symlinked Dockerfile", "rootmain", func(t *testing.T, dir string) {
			os.Symlink("/tmp/dockhard-elsewhere", filepath.Join(dir, "Dockerfile"))
		}, []string{"generate", "$DIR"}, 2,
			`$DIR/Dockerfile is a symbolic link; dockhard writes only regular files (remove the link or choose another --output)`},
		{"output through a linked directory", "rootmain", func(t *testing.T, dir string) {
			os.Symlink(t.TempDir(), filepath.Join(dir, "deploy"))
		}, []string{"generate", "$DIR", "-o", "$DIR/deploy/Dockerfile"}, 2,
			`--output "$DIR/deploy/Dockerfile": the directory $DIR/deploy is a link to $LINK, outside the build context`},
		// A cloned repository is hostile input (issue 14).
		{"header output outside its directory", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --context ../../../../../../.. --output ../../../../../../../var/tmp/x. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --output \"../../../../../../../var/tmp/x\", outside $DIR, the directory that holds it; a header may not move the output or the build context out of its directory: give --output on the command line if you mean it"},
		{"header output into a sibling project", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --output ../sibling/Dockerfile. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --output \"../sibling/Dockerfile\", outside $DIR, the directory that holds it; a header may not move the output or the build context out of its directory: give --output on the command line if you mean it"},
		{"header context outside its directory", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --context ... DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --context \"..\", outside $DIR, the directory that holds it; a header may not move the output or the build context out of its directory: give --context on the command line if you mean it"},
		{"header output to stdout", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --output -. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records --output -, which dockhard never records; fix the header line or delete the file"},
		{"header with a positional argument", "rootmain", write("Dockerfile", "# Code generated by dockhard generate /etc. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile records \"/etc\", which is not a flag; a header records only flags: fix the header line or delete the file"},
		{"header with a bad value", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --cgo maybe. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile: --cgo \"maybe\": use auto, on or off; fix the header line or delete the file"},
		{"header with a non-ASCII space", "rootmain", write("Dockerfile", "# Code generated by dockhard generate --healthcheck exec --healthcheck-cmd [\"/app\",\"a\u00a0b\"]. DO NOT EDIT.\n"), []string{"generate", "$DIR"}, 2,
			"the header (line 1) of Dockerfile: --healthcheck-cmd \"[\\\"/app\\\",\\\"a\\u00a0b\\\"]\": every argument must be non-empty, without spaces or control characters; fix the header line or delete the file"},
		{"go.mod links to /dev/zero", "rootmain", linkTo("go.mod", "/dev/zero"), []string{"generate", "$DIR"}, 2,
			"$DIR/go.mod is a device, not a regular file; dockhard reads only regular files"},
		{"go.mod is a FIFO", "rootmain", fifo("go.mod"), []string{"generate", "$DIR"}, 2,
			"$DIR/go.mod is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"go.mod too large", "rootmain", write("go.mod", "module x\n\n"+strings.Repeat("// padding\n", 500000)), []string{"generate", "$DIR"}, 2,
			"$DIR/go.mod is larger than 4 MiB, too large for a go.mod"},
		{"lint beside a FIFO go.mod", "rootmain", func(t *testing.T, dir string) { write("Dockerfile", "FROM scratch\n")(t, dir); fifo("go.mod")(t, dir) }, []string{"lint", "$DIR/Dockerfile"}, 2,
			"$DIR/go.mod is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"Dockerfile links to /dev/zero", "rootmain", linkTo("Dockerfile", "/dev/zero"), []string{"generate", "$DIR"}, 2,
			"$DIR/Dockerfile is a device, not a regular file; dockhard reads only regular files"},
		{"Dockerfile is a FIFO", "rootmain", fifo("Dockerfile"), []string{"generate", "$DIR"}, 2,
			"$DIR/Dockerfile is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"lint a FIFO", "rootmain", fifo("Dockerfile"), []string{"lint", "$DIR/Dockerfile"}, 2,
			"$DIR/Dockerfile is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"catalog links to /dev/zero", "rootmain", linkTo("cat.json", "/dev/zero"), []string{"generate", "$DIR", "--catalog", "$DIR/cat.json"}, 2,
			"$DIR/cat.json is a device, not a regular file; dockhard reads only regular files"},
		{"catalog is a FIFO, named from a header", "rootmain", func(t *testing.T, dir string) {
			fifo("cat.json")(t, dir)
			write("Dockerfile", "# Code generated by dockhard generate --catalog cat.json. DO NOT EDIT.\n")(t, dir)
		}, []string{"generate", "$DIR"}, 2,
			"$DIR/cat.json is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"go.work is a FIFO", "rootmain", func(t *testing.T, dir string) {
			fifo("go.work")(t, dir)
			t.Setenv("GOWORK", filepath.Join(dir, "go.work"))
		}, []string{"generate", "$DIR"}, 2,
			"$DIR/go.work is a named pipe (FIFO), not a regular file; dockhard reads only regular files"},
		{"vendored file links to /dev/zero", "vendored", linkTo("vendor/github.com/acme/store/zero.go", "/dev/zero"), []string{"generate", "$DIR"}, 2,
			"$DIR/vendor/github.com/acme/store/zero.go is a device, not a regular file; dockhard reads only regular files"},
		{"vendor/modules.txt links to /dev/zero", "vendored", linkTo("vendor/modules.txt", "/dev/zero"), []string{"generate", "$DIR"}, 2,
			"$DIR/vendor/modules.txt is a device, not a regular file; dockhard reads only regular files"},
		{"uid in octal", "rootmain", nil, []string{"generate", "$DIR", "--uid", "010"}, 2,
			"invalid argument \"010\" for \"--uid\" flag: write a decimal number (digits only, no leading zeros) (see 'dockhard generate --help')"},
		{"uid in hex", "rootmain", nil, []string{"generate", "$DIR", "--uid", "0x10"}, 2,
			"invalid argument \"0x10\" for \"--uid\" flag: write a decimal number (digits only, no leading zeros) (see 'dockhard generate --help')"},
		{"uid in binary", "rootmain", nil, []string{"generate", "$DIR", "--uid", "0b11"}, 2,
			"invalid argument \"0b11\" for \"--uid\" flag: write a decimal number (digits only, no leading zeros) (see 'dockhard generate --help')"},
		{"healthcheck retries zero", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck-retries", "0"}, 2,
			"invalid argument \"0\" for \"--healthcheck-retries\" flag: use a number from 1 to 100 (default 3) (see 'dockhard generate --help')"},
		{"port with a leading zero", "rootmain", nil, []string{"generate", "$DIR", "--port", "080"}, 2,
			"--port \"080\": use a number from 1 to 65535, auto (detect) or none (no EXPOSE)"},
		{"output is the .dockerignore", "rootmain", nil, []string{"generate", "$DIR", "-o", "$DIR/.dockerignore"}, 2,
			"--output \"$DIR/.dockerignore\" is the .dockerignore dockhard writes beside it; name another file, or pass --dockerignore=false"},
		{"healthcheck command with U+3000", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "exec", "--healthcheck-cmd", "[\"/app\",\"a\u3000b\"]"}, 2,
			"--healthcheck-cmd \"[\\\"/app\\\",\\\"a\\u3000b\\\"]\": every argument must be non-empty, without spaces or control characters"},
		{"healthcheck command with U+0085", "rootmain", nil, []string{"generate", "$DIR", "--healthcheck", "exec", "--healthcheck-cmd", "[\"/app\",\"a\u0085b\"]"}, 2,
			"--healthcheck-cmd \"[\\\"/app\\\",\\\"a\\u0085b\\\"]\": every argument must be non-empty, without spaces or control characters"},
		{"module directory starts with --", "rootmain", moveInto("--svc"), []string{"generate", "$DIR/--svc", "--context", "$DIR"}, 2,
			"the module directory \"--svc\" (inside the context) starts with '-', which a Dockerfile reads as a flag; rename the directory"},
		{"replace target starts with --", "replace", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "shared"), filepath.Join(dir, "--shared"))
			write("app/go.mod", "module example.com/app\n\ngo 1.22.3\n\nrequire example.com/shared v0.0.0\n\nreplace example.com/shared => ./../--shared\n")(t, dir)
		}, []string{"generate", "$DIR/app", "--context", "$DIR"}, 2,
			"go.mod:7: replace example.com/shared => ./../--shared: the path \"--shared\" starts with '-', which a Dockerfile reads as a flag; rename the directory"},
		{"go.work use starts with --", "workspace", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "lib"), filepath.Join(dir, "--lib"))
			write("go.work", "go 1.22.3\n\nuse (\n\t./app\n\t./--lib\n\t./tool\n)\n")(t, dir)
			t.Setenv("GOWORK", "")
		}, []string{"generate", "$DIR/app", "--context", "$DIR"}, 2,
			"../go.work: use ../--lib: the path \"--lib\" starts with '-', which a Dockerfile reads as a flag; rename the directory"},
		{"lint --gomod missing", "rootmain", write("Dockerfile", "FROM scratch\n"), []string{"lint", "--gomod", "$DIR/nope/go.mod", "$DIR/Dockerfile"}, 2,
			`--gomod $DIR/nope/go.mod: no such file`},
		{"lint --build-arg without =", "rootmain", write("Dockerfile", "FROM scratch\n"), []string{"lint", "--build-arg", "BASE", "$DIR/Dockerfile"}, 2,
			`--build-arg "BASE": write NAME=VALUE, like BASE_IMAGE=alpine:3.24.1`},
		{"lint YAML of no kind lint reads", "rootmain", write("values.yaml", "replicas: 3\n"), []string{"lint", "$DIR/values.yaml"}, 2,
			`$DIR/values.yaml: lint reads Dockerfiles, GitHub Actions workflows, compose files and Kubernetes manifests, and this YAML file has no top-level jobs: (a workflow), services: (a compose file) or apiVersion: and kind: (a Kubernetes object)`},
		{"lint a compose file the loader refuses", "rootmain", write("compose.yaml", "services:\n  web:\n    image: x\n    read_only: maybe\n"), []string{"lint", "$DIR/compose.yaml"}, 2,
			`$DIR/compose.yaml is not a valid compose file: error while interpolating services.web.read_only: failed to cast to expected type: invalid boolean: maybe`},
		{"lint a manifest with an unknown field", "rootmain", write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containerz: []\n"), []string{"lint", "$DIR/pod.yaml"}, 2,
			`$DIR/pod.yaml: document 1 is not a valid Kubernetes object: strict decoding error: unknown field "spec.containerz" (a Kubernetes manifest as k8s.io/api decodes it, strictly)`},
		{"lint a workflow that does not parse", "rootmain", write("ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n"), []string{"lint", "$DIR/ci.yml"}, 2,
			`$DIR/ci.yml:5:5: unexpected key "stepz" for "job" section. expected one of "concurrency", "container", "continue-on-error", "defaults", "env", "environment", "if", "name", "needs", "outputs", "permissions", "runs-on", "secrets", "services", "snapshot", "steps", "strategy", "timeout-minutes", "uses", "with" (a GitHub Actions workflow as actionlint parses it)`},
		{"lint a workflow that links to /dev/zero", "rootmain", linkTo("ci.yml", "/dev/zero"), []string{"lint", "$DIR/ci.yml"}, 2,
			`$DIR/ci.yml is a device, not a regular file; dockhard reads only regular files`},
		{"pin output directory missing", "rootmain", nil, []string{"pin", "-o", "$DIR/nope/catalog.json"}, 2,
			`cannot write $DIR/nope/catalog.json: the directory $DIR/nope does not exist`},
		{"pin timeout zero", "rootmain", nil, []string{"pin", "-o", "$DIR/catalog.json", "--timeout", "0s"}, 2,
			`--timeout 0s: use a duration from 1ms to 10m, like 20s`},
		// Failures of the work: exit 1.
		{"hand-written Dockerfile", "rootmain", write("Dockerfile", "FROM scratch\n"), []string{"generate", "$DIR"}, 1,
			`refusing to overwrite $DIR/Dockerfile: not generated by dockhard (no "# Code generated by dockhard" header); move it aside, or pass --force to replace it`},
		{"hand-written .dockerignore", "rootmain", write(".dockerignore", "*.log\n"), []string{"generate", "$DIR"}, 1,
			`refusing to overwrite $DIR/.dockerignore: not generated by dockhard (no "# Code generated by dockhard" header); move it aside, pass --force to replace it, or --dockerignore=false to keep it`},
		{"hand-written workflow", "rootmain", write(".github/workflows/dockhard.yml", "name: mine\n"), []string{"generate", "$DIR", "--ci", "github", "--ci-dockhard-version", "v0.1.0"}, 1,
			`refusing to overwrite $DIR/.github/workflows/dockhard.yml: not generated by dockhard (no "# Code generated by dockhard" header); move it aside, or pass --force to replace it`},
		{"init without a terminal", "rootmain", nil, []string{"init", "$DIR"}, 2,
			"init asks questions and needs a terminal on stdin and stdout; to generate without questions use `dockhard generate` with flags (--builder, --runtime, --main, --port, --uid; see `dockhard generate --help`)"},
	}
	if len(tests) < 40 {
		t.Fatalf("the table holds %d bad inputs; keep at least 40", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyFixture(t, tt.fixture)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			before := snapshot(t, dir)
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "$DIR", dir)
			}
			time.Sleep(time.Millisecond) // a write would show in the mtime
			r := runCmd(t, args...)
			if r.code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", r.code, tt.code, r.err)
			}
			got := strings.ReplaceAll(r.err, dir, "$DIR")
			if wd, err := os.Getwd(); err == nil {
				got = strings.ReplaceAll(got, wd, "$CWD")
			}
			if target, err := os.Readlink(filepath.Join(dir, "deploy")); err == nil {
				got = strings.ReplaceAll(got, target, "$LINK")
			}
			got = strings.ReplaceAll(got, filepath.Dir(dir), "$PARENT")
			got = strings.TrimSuffix(got, "\n")
			want := "dockhard: " + strings.TrimSuffix(tt.msg, "\n")
			if got != want {
				t.Errorf("stderr:\n got %q\nwant %q", got, want)
			}
			if r.out != "" {
				t.Errorf("stdout is not empty: %q", r.out)
			}
			if changes := diffSnapshots(before, snapshot(t, dir)); len(changes) > 0 {
				t.Errorf("a failed command changed files: %v", changes)
			}
		})
	}
}

// catalogWith returns a catalog whose builder/chainguard entry is entry and
// whose other entries are the valid defaults.
func catalogWith(entry string) string {
	return `{"images": {
  "builder/chainguard": {` + entry + `},
  "builder/golang": {"image": "golang", "tag": "{go}-bookworm", "checked": "2026-01-01", "libc": "glibc-2.36"},
  "builder/ubuntu": {"image": "ubuntu", "tag": "24.04", "checked": "2026-01-01", "libc": "glibc-2.39"},
  "runtime/alpine": {"image": "alpine", "tag": "3.24.1", "checked": "2026-01-01", "libc": "musl"},
  "runtime/chainguard": {"image": "cgr.dev/chainguard/static", "tag": "latest", "digest": "sha256:` + strings.Repeat("a", 64) + `", "checked": "2026-01-01", "libc": "none"},
  "runtime/chainguard-cgo": {"image": "cgr.dev/chainguard/glibc-dynamic", "tag": "latest", "digest": "sha256:` + strings.Repeat("b", 64) + `", "checked": "2026-01-01", "libc": "wolfi-glibc"},
  "runtime/distroless": {"image": "gcr.io/distroless/static-debian12", "tag": "nonroot", "digest": "sha256:` + strings.Repeat("c", 64) + `", "checked": "2026-01-01", "libc": "none"},
  "runtime/distroless-cgo": {"image": "gcr.io/distroless/base-debian12", "tag": "nonroot", "digest": "sha256:` + strings.Repeat("d", 64) + `", "checked": "2026-01-01", "libc": "glibc-2.36"}
}}`
}

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
