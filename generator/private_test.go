package generator

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// The patterns accepted, as the go command would read them.
func TestCheckPrivateAccepts(t *testing.T) {
	for _, tt := range []struct {
		private []string
		auth    string
		want    []string
		hosts   []string
	}{
		{[]string{"github.com/acme/*"}, "", []string{"github.com/acme/*"}, nil},
		{[]string{"github.com/acme/*,git.corp.example.com", "git.corp.example.com"}, "netrc", []string{"github.com/acme/*", "git.corp.example.com"}, nil},
		{[]string{"*.corp.example.com", "rsc.io/private"}, "", []string{"*.corp.example.com", "rsc.io/private"}, nil},
		{[]string{"example.com/[a-c]*/x?"}, "", []string{"example.com/[a-c]*/x?"}, nil},
		{[]string{"github.com/acme/", "gitlab.com/team/sub_group/~x"}, "", []string{"github.com/acme/", "gitlab.com/team/sub_group/~x"}, nil},
		{[]string{"github.com/acme/*,gitlab.com/team", "git.corp.example.com"}, "ssh", []string{"github.com/acme/*", "gitlab.com/team", "git.corp.example.com"},
			[]string{"git.corp.example.com", "github.com", "gitlab.com"}},
	} {
		c, err := checkPrivate(tt.private, tt.auth)
		if err != nil {
			t.Errorf("%q %q: %v", tt.private, tt.auth, err)
			continue
		}
		if !slices.Equal(c.patterns, tt.want) || c.ssh != (tt.auth == "ssh") {
			t.Errorf("%q %q: got %q ssh=%v, want %q", tt.private, tt.auth, c.patterns, c.ssh, tt.want)
		}
		if tt.hosts == nil {
			continue
		}
		p, err := resolvePrivate(c, detectFixture(t, "private"), catalog.BuiltIn(), "chainguard")
		if err != nil || !slices.Equal(p.Hosts, tt.hosts) {
			t.Errorf("%q: hosts %v, %v; want %q", tt.private, p, err, tt.hosts)
		}
	}
}

// The requirements a pattern makes private are those the go command's own
// matcher picks: whole leading path elements, globs within an element.
func TestPrivateModulesMatchLikeTheGoCommand(t *testing.T) {
	facts := detectFixture(t, "private")
	for patterns, want := range map[string][]string{
		"github.com/acme/*":    {"github.com/acme/billing"},
		"github.com/acme":      {"github.com/acme/billing"},
		"github.com/acm":       nil, // not a whole element
		"git.corp.example.com": {"git.corp.example.com/platform/auth"},
		"*.example.com":        {"git.corp.example.com/platform/auth"},
		"*.example.com/*/auth": {"git.corp.example.com/platform/auth"},
		"example.com":          nil,
	} {
		res, err := GenerateFrom(facts, &Options{Private: []string{patterns}, Today: testfile.GoldenToday})
		if err != nil {
			t.Errorf("%s: %v", patterns, err)
			continue
		}
		if got := res.Resolved.Private.Modules; !slices.Equal(got, want) {
			t.Errorf("%s makes %q private, want %q", patterns, got, want)
		}
	}
}

// Private options read back from the header they are recorded in.
func TestPrivateHeaderRoundTrip(t *testing.T) {
	for _, o := range []Options{
		{Private: []string{"github.com/acme/*"}},
		{Private: []string{"github.com/acme/*,*.corp.example.com", "example.com/[a-c]?"}},
		{Private: []string{"github.com/acme"}, PrivateAuth: "ssh"},
		{Private: []string{"github.com/acme"}, PrivateAuth: "netrc"},
	} {
		line := FormatHeader(&o)
		back, _, ok, err := ParseHeader(line)
		if err != nil || !ok {
			t.Fatalf("%s: %v", line, err)
		}
		if err := back.Validate(); err != nil {
			t.Errorf("%s reads back to options validation refuses: %v", line, err)
		}
		wantAuth := o.PrivateAuth
		if wantAuth == PrivateAuthNetrc {
			wantAuth = "" // the default is not recorded
		}
		if !slices.Equal(back.Private, o.Private) || back.PrivateAuth != wantAuth {
			t.Errorf("%s reads back as %q %q", line, back.Private, back.PrivateAuth)
		}
	}
}

// What each builder needs for a private fetch comes from its catalog
// entry: dhi has no ssh client, ubuntu installs one only for ssh, a
// builder without git cannot fetch at all.
func TestPrivateBuilderTools(t *testing.T) {
	facts := detectFixture(t, "private")
	gen := func(o Options) (*Result, error) {
		o.Today = testfile.GoldenToday
		return GenerateFrom(facts, &o)
	}
	if _, err := gen(Options{Builder: "dhi", Private: []string{"github.com/acme"}, PrivateAuth: "ssh"}); err == nil || !strings.Contains(inFlags(err), "the dhi builder has no ssh client") {
		t.Errorf("dhi with ssh: %v", err)
	}
	if _, err := gen(Options{Builder: "dhi", Private: []string{"github.com/acme"}}); err != nil {
		t.Errorf("dhi with netrc: %v", err)
	}
	for auth, want := range map[string][]string{
		"":    {"ca-certificates", "git", "golang-go"},
		"ssh": {"ca-certificates", "git", "golang-go", "openssh-client"},
	} {
		res, err := gen(Options{Builder: "ubuntu", Private: []string{"github.com/acme"}, PrivateAuth: auth})
		if err != nil || !slices.Equal(res.Plan.AptPackages, want) {
			t.Errorf("ubuntu, auth %q: %v, %v; want %q", auth, res.Plan.AptPackages, err, want)
		}
	}
	cat := catalog.BuiltIn()
	noGit := *cat
	noGit.Images = map[string]catalog.CatalogImage{}
	for k, v := range cat.Images {
		noGit.Images[k] = v
	}
	golang := noGit.Images["builder/golang"]
	golang.Git = false
	noGit.Images["builder/golang"] = golang
	c, err := checkPrivate([]string{"github.com/acme"}, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = resolvePrivate(c, facts, &noGit, "golang")
	if err == nil || !inputerr.Is(err) || inFlags(err) != "--private: the golang builder has no git, which fetching private modules directly needs; use --builder chainguard or ubuntu or dhi" {
		t.Errorf("a builder without git: %v", err)
	}
}

// The bar's check of the dependency step's credentials fails on the
// mistakes it is there for.
func TestBarCatchesMisplacedCredentials(t *testing.T) {
	res, err := GenerateFrom(detectFixture(t, "private"), &Options{Private: []string{"github.com/acme"}, Today: testfile.GoldenToday})
	if err != nil {
		t.Fatal(err)
	}
	good := string(res.Dockerfile)
	want := barExpect{builder: "chainguard", runtime: "distroless", goVersion: "1.26.0", uid: DefaultUID, ports: []string{"8080"}, health: "tcp", private: "netrc"}
	if problems := checkBar(res.Dockerfile, want); len(problems) > 0 {
		t.Fatalf("the generated file fails: %q", problems)
	}
	mount := "    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \\\n"
	for name, bad := range map[string]string{
		"no private expected": good,
		"secret not required": strings.Replace(good, ",required=true", "", 1),
		"secret on the build": strings.Replace(strings.Replace(good, mount, "", 1), "    --mount=type=cache,target=/go/build-cache \\\n", "    --mount=type=cache,target=/go/build-cache \\\n"+mount, 1),
		"GOPRIVATE in ENV":    strings.Replace(good, "WORKDIR /src\n", "ENV GOPRIVATE=github.com/acme\nWORKDIR /src\n", 1),
		"no GONOSUMDB":        strings.Replace(good, "    GONOSUMDB=github.com/acme \\\n", "", 1),
	} {
		w := want
		if name == "no private expected" {
			w.private = ""
		}
		if bad == good && name != "no private expected" {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		if problems := checkBar([]byte(bad), w); len(problems) == 0 {
			t.Errorf("%s: the bar passes", name)
		}
	}
}

// FuzzPrivateOptions: patterns and auth either are refused as input, or
// reach the dependency step's RUN exactly as validated, in the instruction
// sequence the same choices make with plain patterns.
func FuzzPrivateOptions(f *testing.F) {
	f.Add("github.com/acme/*", "git.corp.example.com", "", "chainguard")
	f.Add("*.corp.example.com,rsc.io/private", "", "netrc", "ubuntu")
	f.Add("github.com/acme", "gitlab.com/team", "ssh", "golang")
	f.Add("github.com/acme\nRUN id", "$(id)", "ssh", "dhi")
	f.Add("~root", "a;b", "token", "chainguard")
	f.Add("example.com/[a-", "x`id`", "", "ubuntu")
	f.Add("a\\,b", "example.com/'x'", "ssh", "golang")
	f.Fuzz(func(t *testing.T, p1, p2, auth, builder string) {
		var private []string
		for _, p := range []string{p1, p2} {
			if p != "" {
				private = append(private, p)
			}
		}
		facts := detectFixture(t, "private")
		o := &Options{Builder: builder, Private: private, PrivateAuth: auth, Today: testfile.GoldenToday}
		res, err := GenerateFrom(facts, o)
		if err != nil {
			if !inputerr.Is(err) {
				t.Fatalf("refused with a non-input error: %v", err)
			}
			return
		}
		c, _ := checkPrivate(private, auth)
		patterns := strings.Join(c.patterns, ",")
		run := downloadRun(t, res.Dockerfile)
		want := "GOPRIVATE=" + patterns + " GONOPROXY=" + patterns + " GONOSUMDB=" + patterns
		if c.ssh {
			var hosts []string
			for _, p := range c.patterns {
				host, _, _ := strings.Cut(p, "/")
				if !slices.Contains(hosts, host) {
					hosts = append(hosts, host)
				}
			}
			slices.Sort(hosts)
			want += " GIT_CONFIG_COUNT=" + strconv.Itoa(len(hosts))
			for i, h := range hosts {
				want += fmt.Sprintf(" GIT_CONFIG_KEY_%d=url.ssh://git@%s/.insteadOf GIT_CONFIG_VALUE_%d=https://%s/", i, h, i, h)
			}
		}
		if want += " go mod download"; run != want {
			t.Fatalf("the dependency step is\n %q, want\n %q", run, want)
		}
		plain := *o
		plain.Private = []string{"example.com/plain"}
		ref, err := GenerateFrom(facts, &plain)
		if err != nil {
			t.Fatalf("the plain rendering failed: %v", err)
		}
		if got, want := keywords(t, res.Dockerfile), keywords(t, ref.Dockerfile); !slices.Equal(got, want) {
			t.Fatalf("instructions differ from the plain rendering:\n got %q\nwant %q", got, want)
		}
	})
}

// downloadRun is the command of the RUN that downloads the modules, its
// words separated by single spaces.
func downloadRun(t *testing.T, dockerfile []byte) string {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range stages[0].Commands {
		if r, ok := c.(*instructions.RunCommand); ok && strings.Contains(strings.Join(r.CmdLine, " "), "go mod download") {
			return strings.Join(strings.Fields(strings.Join(r.CmdLine, " ")), " ")
		}
	}
	t.Fatal("no RUN downloads the modules")
	return ""
}

// keywords are a Dockerfile's instructions with their flags, without
// arguments.
func keywords(t *testing.T, dockerfile []byte) []string {
	t.Helper()
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range res.AST.Children {
		out = append(out, strings.ToUpper(n.Value)+" "+strings.Join(n.Flags, " "))
	}
	return out
}

// --bake with private modules: each bake target lends the secrets and
// the ssh agent the Dockerfile mounts, so that docker buildx bake alone
// builds it; the checker fails when they are missing.
func TestBakePrivate(t *testing.T) {
	facts := detectFixture(t, "private")
	for _, auth := range []string{"netrc", "ssh"} {
		res, err := GenerateFrom(facts, &Options{Bake: true, Private: []string{"github.com/acme"}, PrivateAuth: auth, Today: testfile.GoldenToday})
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "private-"+auth+".docker-bake.hcl", bakeOf(res))
		checkBakeFile(t, res)
		without := bytes.Replace(bakeOf(res), []byte("  secret = ["), []byte("  # secret = ["), 1)
		if len(bakeProblems(res, without)) == 0 {
			t.Errorf("%s: a bake file that lends no secret passes the check", auth)
		}
	}
}
