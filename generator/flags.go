package generator

import (
	"errors"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dockhard/dockhard/generator/catalog"
)

// option is one row of the option table: a flag of generate and init, a
// word of the header and a field of Options. Each option is declared here
// once; the flags (AddFlags), the recorded command line (Args) and the
// header's parser (ParseHeader) are derived from the table, and errors
// name options by Field, which FlagFor turns into the flag.
type option struct {
	Flag      string // the flag's name, "uid"
	Shorthand string
	// Field is the field of Options it sets: a string, a []string (the
	// flag repeats) or a bool (a switch).
	Field string
	// Default is what the flag shows and what the field starts at; a value
	// equal to it is not recorded.
	Default string
	Usage   string
	// inverted is a switch that clears its field: --dockerignore=false
	// sets NoDockerignore.
	inverted bool
	// number reads a decimal number as text; zeroRefused, when set, is the
	// flag parser's answer to 0.
	number      bool
	zeroRefused string
	// canonical is a value as the header records it, "" when it means the
	// default; nil records values as given. canonicalList does the same
	// for a repeated flag's list.
	canonical     func(string) string
	canonicalList func([]string) []string
	// typedPath is a location typed from the working directory and
	// recorded from the module directory (FromWorkingDir).
	typedPath bool
	// partOf is the Field of the extra file's option this one tunes
	// (--ci-branch is part of --ci): used only with it, and dropped from
	// a header when a typed flag turns that extra off.
	partOf string
}

// optionTable lists every option in the order the header records them.
var optionTable = []option{
	{Flag: "builder", Field: "Builder", Default: catalog.DefaultBuilder, Usage: "build stage image: " + strings.Join(catalog.Builders, ", ")},
	{Flag: "runtime", Field: "Runtime", Usage: "runtime image: " + strings.Join(catalog.Runtimes, ", ") + " (default distroless; chainguard for cgo programs from the chainguard builder, whose glibc is newer than Debian 13's)"},
	{Flag: "main", Field: "Main", Usage: "main package to build, like ./cmd/server (required when there are several and none at the root); repeatable: one image (a --target of the Dockerfile) per main; all takes every main outside examples/", canonicalList: canonicalMains},
	{Flag: "port", Field: "Port", Default: "auto", Usage: "port to EXPOSE: a number, auto (detected) or none"},
	{Flag: "uid", Field: "UID", Default: strconv.Itoa(DefaultUID), Usage: "numeric user and group the image runs as (not 0)", number: true},
	{Flag: "cgo", Field: "Cgo", Default: "auto", Usage: "cgo: auto (detected), on or off"},
	{Flag: "tags", Field: "Tags", Usage: "extra build tags, comma-separated (like netgo,prod): detection applies them to build constraints, go build gets -tags"},
	{Flag: "stamp", Field: "Stamp", Usage: "string variable to set at link time, SYMBOL=ARG (like main.version=VERSION; ARG is VERSION, REVISION or SOURCE_DATE_EPOCH); repeatable, replaces the detected ones; none stamps none"},
	{Flag: "context", Field: "Context", Usage: "build context directory when it is not DIR: DIR or a parent of it (default DIR)", canonical: canonicalContext, typedPath: true},
	{Flag: "output", Shorthand: "o", Field: "Output", Usage: "Dockerfile to write (default <context>/Dockerfile); - prints it and writes nothing", canonical: canonicalOutput, typedPath: true},
	{Flag: "dockerignore", Field: "NoDockerignore", Default: "true", Usage: "also write <context>/.dockerignore", inverted: true},
	{Flag: "bake", Field: "Bake", Default: "false", Usage: "also write <context>/docker-bake.hcl: docker buildx bake builds every target"},
	{Flag: "catalog", Field: "Catalog", Usage: "image catalog file to use instead of the built-in one", typedPath: true},
	{Flag: "pin", Field: "Pin", Default: "auto", Usage: "digest (every base image by digest), tag, or auto (digests only for images without version tags)"},
	{Flag: "allow-eol", Field: "AllowEOL", Default: "false", Usage: "write a base image past its publisher's end of life instead of refusing it (exit 2)"},
	{Flag: "data", Field: "Data", Usage: "file or directory, relative to DIR, the program reads at run time: copied into the image (WORKDIR /app) beside those detected; repeatable; none copies none"},
	{Flag: "private", Field: "Private", Usage: "GOPRIVATE patterns, comma-separated (like github.com/acme/*): the dependency step fetches those modules directly, with credentials from a BuildKit secret; repeatable"},
	{Flag: "private-auth", Field: "PrivateAuth", Usage: "how private modules authenticate: netrc (default: docker build --secret id=netrc,src=$HOME/.netrc) or ssh (docker build --ssh default --secret id=known_hosts,src=$HOME/.ssh/known_hosts)", canonical: canonicalPrivateAuth},
	{Flag: "healthcheck", Field: "Healthcheck", Default: "auto", Usage: "HEALTHCHECK: http or tcp (dockhard's probe), exec (--healthcheck-cmd), none; auto is http when a port and a health route (/healthz, /health, /livez, /readyz, /ping) are detected, tcp for a port without one"},
	{Flag: "healthcheck-path", Field: "HealthcheckPath", Usage: "path the http probe requests (default: the detected health route, else " + DefaultHealthcheckPath + ")"},
	{Flag: "healthcheck-cmd", Field: "HealthcheckCmd", Usage: `the program's own probe for --healthcheck exec, as a JSON array: '["/usr/local/bin/app","health"]'`, canonical: canonicalExecForm},
	{Flag: "healthcheck-interval", Field: "HealthcheckInterval", Default: DefaultHealthcheckInterval.String(), Usage: "time between probes (1s to 1h)"},
	{Flag: "healthcheck-timeout", Field: "HealthcheckTimeout", Default: DefaultHealthcheckTimeout.String(), Usage: "time a probe may take (1s to 10m)"},
	{Flag: "healthcheck-start-period", Field: "HealthcheckStartPeriod", Default: DefaultHealthcheckStartPeriod.String(), Usage: "grace time after start (0s to 1h)"},
	{Flag: "healthcheck-retries", Field: "HealthcheckRetries", Default: strconv.Itoa(DefaultHealthcheckRetries), Usage: "failed probes before the container is unhealthy (1 to 100)", number: true,
		zeroRefused: fmt.Sprintf("use a number from 1 to 100 (default %d)", DefaultHealthcheckRetries)},
	{Flag: "ci", Field: "CI", Usage: "also write a CI workflow: github (.github/workflows/dockhard.yml in the repository root, see --ci-root); none writes none", canonical: canonicalCI},
	{Flag: "ci-root", Field: "CIRoot", Usage: "repository root the CI workflow serves and goes into: DIR or a parent of it (default: the nearest directory at or above DIR holding .git, else the build context)", canonical: canonicalCIRoot, typedPath: true, partOf: "CI"},
	{Flag: "ci-branch", Field: "CIBranch", Default: defaultCIBranch, Usage: "default branch of the repository: the CI workflow publishes the image on pushes to it", partOf: "CI"},
	{Flag: "ci-image", Field: "CIImage", Usage: "image name the CI workflow publishes under ghcr.io/<owner>/ (default: the binary's name)", partOf: "CI"},
	{Flag: "ci-dockhard-version", Field: "CIDockhardVersion", Usage: "dockhard release the CI workflow installs, like v0.1.0 (default: the one go.mod requires as a tool, else this dockhard's own release)", partOf: "CI"},
	{Flag: "compose", Field: "Compose", Default: "false", Usage: "also write <context>/compose.yaml: the image run as its user, read-only, without capabilities"},
	{Flag: "k8s", Field: "Kubernetes", Default: "false", Usage: "also write <context>/deploy/<name>.yaml: a Kubernetes Deployment (and Service) meeting the restricted Pod Security Standard"},
	{Flag: "tmpfs", Field: "Tmpfs", Default: "false", Usage: "give the program a writable /tmp in --compose and --k8s files (default: when it is detected writing temporary files)"},
}

func init() {
	// A row that names no field of Options, or one of another type, is a
	// mistake in the table: stop at once rather than drop the option.
	for _, opt := range optionTable {
		f, ok := reflect.TypeFor[Options]().FieldByName(opt.Field)
		if !ok {
			panic("option table: --" + opt.Flag + " names no field " + opt.Field)
		}
		switch k := f.Type; {
		case k == reflect.TypeFor[string](), k == reflect.TypeFor[[]string](), k == reflect.TypeFor[bool]():
		default:
			panic("option table: field " + opt.Field + " is a " + k.String())
		}
	}
}

func canonicalMain(v string) string {
	if c := path.Clean(v); c != "." {
		return "./" + c
	}
	return ""
}

// canonicalMains records one main as --main did before it repeated (the
// root main not at all) and several as clean paths.
func canonicalMains(v []string) []string {
	if len(v) == 1 {
		if v[0] == MainAll {
			return v
		}
		if c := canonicalMain(v[0]); c != "" {
			return []string{c}
		}
		return nil
	}
	var out []string
	for _, m := range v {
		c := canonicalMain(m)
		if c == "" {
			c = "."
		}
		out = append(out, c)
	}
	return out
}

func canonicalContext(v string) string {
	if c := path.Clean(v); c != "." {
		return c
	}
	return ""
}

// canonicalOutput leaves out standard output: where the text goes is not
// a choice about it. A file is recorded clean, as the CI workflow's
// generate --check passes it back.
func canonicalOutput(v string) string {
	if v == "-" || v == "" {
		return ""
	}
	return path.Clean(v)
}

// canonicalPrivateAuth leaves out netrc, the default.
func canonicalPrivateAuth(v string) string {
	if v == PrivateAuthNetrc {
		return ""
	}
	return v
}

func canonicalExecForm(v string) string {
	if v == "" {
		return ""
	}
	c, _ := execForm(v)
	return c
}

// field is the field of o the option sets.
func (opt *option) field(o *Options) reflect.Value {
	return reflect.ValueOf(o).Elem().FieldByName(opt.Field)
}

// AddFlags adds a flag to fs for every option, bound to its field of o,
// which starts at the option's default. generate, init and the parser of
// recorded headers all use it, so the three agree.
func AddFlags(fs *pflag.FlagSet, o *Options) {
	for i := range optionTable {
		opt := &optionTable[i]
		switch p := opt.field(o).Addr().Interface().(type) {
		case *[]string:
			fs.StringArrayVarP(p, opt.Flag, opt.Shorthand, nil, opt.Usage)
		case *bool:
			if opt.inverted {
				*p = opt.Default != "true"
				fs.VarPF(invertedBool{p}, opt.Flag, opt.Shorthand, opt.Usage).NoOptDefVal = "true"
			} else {
				fs.BoolVarP(p, opt.Flag, opt.Shorthand, opt.Default == "true", opt.Usage)
			}
		case *string:
			if opt.number {
				*p = opt.Default
				fs.VarP(&decimalText{p: p, zeroRefused: opt.zeroRefused}, opt.Flag, opt.Shorthand, opt.Usage)
			} else {
				fs.StringVarP(p, opt.Flag, opt.Shorthand, opt.Default, opt.Usage)
			}
		}
	}
}

// Args returns the command line that reproduces these options, in the
// table's order with defaults left out: the header records it, and the
// wizard prints it as the same thing without questions.
func (o *Options) Args() []string {
	args := []string{"generate"}
	for i := range optionTable {
		args = append(args, optionTable[i].record(o)...)
	}
	return args
}

// record returns the option's words on the recorded command line.
func (opt *option) record(o *Options) []string {
	switch v := opt.field(o).Interface().(type) {
	case []string:
		if opt.canonicalList != nil {
			v = opt.canonicalList(v)
		}
		var words []string
		for _, each := range v {
			words = append(words, "--"+opt.Flag, each)
		}
		return words
	case bool:
		on := v != opt.inverted
		if strconv.FormatBool(on) == opt.Default {
			return nil
		}
		if on {
			return []string{"--" + opt.Flag}
		}
		return []string{"--" + opt.Flag + "=false"}
	case string:
		if opt.canonical != nil {
			v = opt.canonical(v)
		}
		if v == "" || v == opt.Default {
			return nil
		}
		return []string{"--" + opt.Flag, v}
	}
	return nil
}

// FlagFor names the option of an Options field as the command line does:
// --uid; a switch by the form that sets the field, --allow-eol or
// --dockerignore=false. Commands give it to OptionError.Text.
func FlagFor(field string) string {
	for _, opt := range optionTable {
		if opt.Field != field {
			continue
		}
		if opt.inverted {
			return "--" + opt.Flag + "=false"
		}
		return "--" + opt.Flag
	}
	return field
}

// decimal is what a number on dockhard's command line (or in a recorded
// header) may look like: base 10 only, no sign but '-', no leading zeros.
// pflag's IntVar reads 010 as octal 8 and 0x10 as 16.
var decimal = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

func checkDecimal(s string) error {
	if !decimal.MatchString(s) {
		return errors.New("write a decimal number (digits only, no leading zeros)")
	}
	return nil
}

// decimalText is a number flag kept as text: the flag parser accepts only
// decimal numbers, and validation judges the range (a text field can tell
// an explicit 0 from the default).
type decimalText struct {
	p           *string
	zeroRefused string
}

func (d *decimalText) Set(s string) error {
	if err := checkDecimal(s); err != nil {
		return err
	}
	if _, err := strconv.ParseInt(s, 10, strconv.IntSize); err != nil {
		return errors.New("the number is out of range")
	}
	if s == "0" && d.zeroRefused != "" {
		return errors.New(d.zeroRefused)
	}
	*d.p = s
	return nil
}

func (d *decimalText) String() string { return *d.p }
func (d *decimalText) Type() string   { return "int" }

// invertedBool is a switch whose field holds the opposite: the flag says
// what is wanted (--dockerignore), the field what zero must mean (write
// it).
type invertedBool struct{ p *bool }

func (b invertedBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.p = !v
	return nil
}

func (b invertedBool) String() string   { return strconv.FormatBool(!*b.p) }
func (b invertedBool) Type() string     { return "bool" }
func (b invertedBool) IsBoolFlag() bool { return true }
