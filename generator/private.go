package generator

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/lint"
	"golang.org/x/mod/module"
)

// Private modules: the dependency step fetches the modules that match the
// Private patterns directly from their hosts, with credentials that a
// BuildKit mount lends to that one RUN (a secret .netrc, or the ssh agent),
// never through ARG, ENV or a copied file. The build after it needs no
// credentials: every module is in the module cache by then.

// Private authentication, the PrivateAuth option.
const (
	PrivateAuthNetrc = "netrc"
	PrivateAuthSSH   = "ssh"
)

// PrivateAuths are the values of the PrivateAuth option.
var PrivateAuths = []string{PrivateAuthNetrc, PrivateAuthSSH}

// The BuildKit secrets the generated Dockerfile asks for: `docker build
// --secret id=netrc,src=$HOME/.netrc`, and for ssh the client's
// known_hosts, so that the builder trusts the hosts the user already
// trusts instead of whatever answers a first connection.
const (
	NetrcSecret      = "netrc"
	KnownHostsSecret = "known_hosts"
)

// privatePattern is a GOPRIVATE glob as dockhard writes it into a RUN line:
// module path characters (letters, digits, . - _ ~ /) and path.Match's
// glob syntax (* ? [ ] ^), and it starts like a module path's host or a
// glob of one. No character a shell reads in an assignment's value: a
// leading ~ would be expanded, and none of $ ` \ ' " ; & | < > ( ) space
// can appear.
var privatePattern = regexp.MustCompile(`^[A-Za-z0-9*?\[][A-Za-z0-9._~/*?\[\]^-]*$`)

// globMeta are path.Match's special characters.
const globMeta = `*?[]^`

// hostName is a host as an insteadOf URL may name it.
var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)

// checkedPrivate is the Private and PrivateAuth options checked.
type checkedPrivate struct {
	patterns []string // each one pattern, in the order given, no repeats
	ssh      bool
}

// checkPrivate checks the Private patterns the way the go command reads
// GOPRIVATE (x/mod's module.MatchPrefixPatterns: comma-separated path.Match
// globs, each matched against a module path's leading elements), but
// strictly: the go command silently skips an empty or malformed pattern,
// which would leave the module it meant public, so dockhard refuses one.
func checkPrivate(private []string, auth string) (checkedPrivate, error) {
	var c checkedPrivate
	switch auth {
	case "", PrivateAuthNetrc:
	case PrivateAuthSSH:
		c.ssh = true
	default:
		return c, optionErrorf("PrivateAuth", "{PrivateAuth} %s: use netrc (a .netrc from a BuildKit secret) or ssh (the ssh agent, docker build --ssh default)", inputerr.Quote(auth))
	}
	if auth != "" && len(private) == 0 {
		return c, optionErrorf("PrivateAuth", "{PrivateAuth} says how private modules are fetched, and none are named: add {Private} PATTERN (like {Private} github.com/acme/*), or drop {PrivateAuth}")
	}
	for _, list := range private {
		for _, p := range strings.Split(list, ",") {
			if err := checkPrivatePattern(list, p); err != nil {
				return c, err
			}
			if c.ssh {
				if _, err := privateHost(p); err != nil {
					return c, err
				}
			}
			if !slices.Contains(c.patterns, p) {
				c.patterns = append(c.patterns, p)
			}
		}
	}
	return c, nil
}

// checkPrivatePattern checks one pattern p of the Private value list.
func checkPrivatePattern(list, p string) error {
	switch {
	case p == "":
		return optionErrorf("Private", "{Private} %s has an empty pattern: write GOPRIVATE patterns separated by single commas, like {Private} github.com/acme/*,git.corp.example.com", inputerr.Quote(list))
	case !privatePattern.MatchString(p):
		return optionErrorf("Private", "{Private} %s: a pattern is a module path prefix or a glob of one (letters, digits, . - _ ~ / and * ? [ ] ^), starting with its host, like github.com/acme/* or *.corp.example.com", inputerr.Quote(p))
	}
	if _, err := path.Match(p, ""); err != nil {
		return optionErrorf("Private", "{Private} %s is not a well-formed glob (%v); the go command would ignore it and fetch the module as a public one", inputerr.Quote(p), err)
	}
	if lint.MatchesEveryModule(p) {
		return optionErrorf("Private", "{Private} %s matches every module: each would be fetched with your credentials and none checked against the checksum database; name the private hosts or paths, like github.com/acme/*", inputerr.Quote(p))
	}
	return nil
}

// privateHost is the host a pattern names: --private-auth ssh rewrites
// https://HOST/ to ssh://git@HOST/ for git, so the host must be literal.
func privateHost(p string) (string, error) {
	host, _, _ := strings.Cut(p, "/")
	if strings.ContainsAny(host, globMeta) || !hostName.MatchString(host) {
		return "", optionErrorf("PrivateAuth", "{PrivateAuth} ssh points git at ssh://git@HOST/ for each private host, and {Private} %s names no host literally; name the hosts, like {Private} git.corp.example.com/*, or use {PrivateAuth} netrc", inputerr.Quote(p))
	}
	return host, nil
}

// PrivateFetch is how the dependency step fetches private modules.
type PrivateFetch struct {
	// Patterns is the GOPRIVATE value, comma-separated.
	Patterns string
	// SSH fetches with the ssh agent; otherwise with a .netrc secret.
	SSH bool
	// Hosts are the hosts whose https URLs git fetches over ssh instead
	// (SSH only), sorted.
	Hosts []string
	// Mounts are the RUN's --mount values that lend the credentials.
	Mounts []string
	// BuildFlags are what docker build needs to lend them; BakeSecrets
	// and SSH are the same for a target of docker-bake.hcl (${HOME} is a
	// bake variable, which bake fills from the environment).
	BuildFlags  string
	BakeSecrets []string
	// Modules are the modules go.mod requires that the patterns match, as
	// the go command matches them: the wizard shows them.
	Modules []string
}

// resolvePrivate decides the private fetch for a module and a builder: nil
// without patterns. A vendored module downloads nothing, and a builder
// without git (or without ssh, for ssh) cannot fetch directly.
func resolvePrivate(c checkedPrivate, f *detect.Facts, cat *catalog.Catalog, builder string) (*PrivateFetch, error) {
	if len(c.patterns) == 0 {
		return nil, nil
	}
	if f.Vendored {
		return nil, optionErrorf("Private", "the module vendors its dependencies (vendor/modules.txt matches go.mod), so the build downloads no module and needs no credentials: drop {Private}")
	}
	b := cat.Builder(builder)
	if !b.Git {
		return nil, optionErrorf("Private", "{Private}: the %s builder has no git, which fetching private modules directly needs; use {Builder} %s", builder, strings.Join(buildersWith(cat, func(i catalog.CatalogImage) bool { return i.Git }), " or "))
	}
	if c.ssh && !canSSH(b) {
		return nil, optionErrorf("PrivateAuth", "{PrivateAuth} ssh: the %s builder has no ssh client; use {PrivateAuth} netrc, or {Builder} %s", builder, strings.Join(buildersWith(cat, func(i catalog.CatalogImage) bool { return i.Git && canSSH(i) }), " or "))
	}
	p := &PrivateFetch{Patterns: strings.Join(c.patterns, ","), SSH: c.ssh}
	// Every builder runs as root (its catalog entry's note says where
	// that is written), so /root holds the files git, curl and the go
	// command read, and a secret's default owner (0) and mode (0400) let
	// them read it. required=true: a build without the secret stops at
	// once, naming it, instead of fetching without credentials.
	if c.ssh {
		p.Mounts = []string{"type=ssh,required=true", "type=secret,id=" + KnownHostsSecret + ",target=/root/.ssh/known_hosts,required=true"}
		p.lend(KnownHostsSecret, ".ssh/known_hosts")
	} else {
		p.Mounts = []string{"type=secret,id=" + NetrcSecret + ",target=/root/.netrc,required=true"}
		p.lend(NetrcSecret, ".netrc")
	}
	if c.ssh {
		for _, pat := range c.patterns {
			host, _ := privateHost(pat)
			if !slices.Contains(p.Hosts, host) {
				p.Hosts = append(p.Hosts, host)
			}
		}
		slices.Sort(p.Hosts)
	}
	for _, m := range f.Module.Requires {
		if module.MatchPrefixPatterns(p.Patterns, m) {
			p.Modules = append(p.Modules, m)
		}
	}
	return p, nil
}

// lend adds the secret id, the client's file inHome (under $HOME), to the
// build's flags and the bake targets' secrets.
func (p *PrivateFetch) lend(id, inHome string) {
	if p.SSH {
		p.BuildFlags = "--ssh default "
	}
	p.BuildFlags += "--secret id=" + id + ",src=$HOME/" + inHome
	p.BakeSecrets = append(p.BakeSecrets, "id="+id+",src=${HOME}/"+inHome)
}

// canSSH says whether a builder has an ssh client, or installs one as a
// distribution builder.
func canSSH(b catalog.CatalogImage) bool {
	return b.SSH || b.DistroGo && len(b.SSHPackages) > 0
}

// buildersWith lists the catalog's builders that have what ok asks for.
func buildersWith(cat *catalog.Catalog, ok func(catalog.CatalogImage) bool) []string {
	var out []string
	for _, b := range cat.Builders() {
		if ok(cat.Builder(b)) {
			out = append(out, b)
		}
	}
	return out
}
