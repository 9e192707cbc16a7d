package generator

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
)

// Options are the choices behind one generated Dockerfile as the flags of
// `dockhard generate`, the answers of `dockhard init` and the header of a
// generated file give them: text, not yet checked. The zero value is valid
// and means every default. Resolve checks them once and decides them for
// one module. Paths are relative to the module directory, so that the
// command recorded in the header works from `go generate` too.
//
// Each field that a flag sets has one row in the option table (flags.go).
type Options struct {
	// Builder is chainguard, ubuntu, golang or dhi; "" means chainguard.
	Builder string
	// Runtime is distroless, alpine, chainguard, dhi or scratch; "" chooses
	// distroless, or chainguard's glibc image for a cgo program whose
	// builder's glibc is newer than Debian's.
	Runtime string
	// Main are the main package directories to build, "./cmd/server", one
	// image each; ["all"] takes every main outside examples/; none picks
	// the only main, or the one at the module root. Several mains give one
	// Dockerfile with a final stage (a target) per binary.
	Main []string
	// Port is "auto" (or ""), "none", or a port number.
	Port string
	// UID is the numeric user (and group) the image runs as, in decimal;
	// "" means 65532. Text, so that an explicit 0 (root) is refused rather
	// than read as the default.
	UID string
	// Cgo is auto (or ""), on or off.
	Cgo string
	// Context is the build context directory; "" means the module root.
	// Context, Output, Catalog and CIRoot may be absolute where no
	// relative path reaches them (another volume); FromWorkingDir makes
	// them relative when it can.
	Context string
	// Output is the Dockerfile path; "" means <context>/Dockerfile and "-"
	// means standard output.
	Output string
	// NoDockerignore turns off writing <context>/.dockerignore.
	NoDockerignore bool
	// Catalog is an image catalog file used instead of the embedded one.
	Catalog string
	// Pin is "" or auto (digest only for images without version tags), tag
	// or digest (every base image by digest).
	Pin string
	// AllowEOL writes a base past its publisher's end of life instead of
	// refusing it.
	AllowEOL bool
	// Tags are extra build tags, comma-separated ("a,b"): detection
	// applies them to build constraints and go build gets -tags.
	Tags string
	// Data are files and directories, relative to the module, copied into
	// the image beside those detection found (Facts' DataFiles); ["none"]
	// copies none, detected or not.
	Data []string
	// Stamp are the string variables go build sets with -ldflags -X, each
	// "SYMBOL=ARG" (ARG one of StampArgs); ["none"] stamps none; none
	// given stamps the detected version and revision variables.
	Stamp []string
	// Bake also writes <context>/docker-bake.hcl, whose default group
	// builds every target.
	Bake bool
	// Private are GOPRIVATE patterns, each value a comma-separated list:
	// the dependency step fetches the modules they match directly, with
	// credentials from a BuildKit secret.
	Private []string
	// PrivateAuth is how: netrc (or "") or ssh.
	PrivateAuth string
	// Today is the date end of life is judged on; zero means now. It is no
	// flag: tests fix it so that dates stay data.
	Today time.Time

	// CI is the CI workflow written beside the Dockerfile: github
	// (.github/workflows/dockhard.yml at the repository root); "" and none
	// write none.
	CI string
	// CIRoot is the repository root the workflow serves; "" means the
	// nearest directory at or above the module that holds .git, else the
	// build context.
	CIRoot string
	// CIBranch is the default branch, whose pushes publish the image; ""
	// means main.
	CIBranch string
	// CIImage names the image under ghcr.io/<owner>/; "" means the
	// binary's name in lowercase.
	CIImage string
	// CIDockhardVersion is the dockhard release the workflow installs; ""
	// means the one go.mod requires as a tool, else RunningVersion.
	CIDockhardVersion string
	// RunningVersion is the release of the dockhard that runs, "" for a
	// development build. It is no flag: the command reads it from its own
	// build.
	RunningVersion string

	// Compose writes <context>/compose.yaml and Kubernetes (--k8s) writes
	// <context>/deploy/<name>.yaml: the settings that run the image locked
	// down (generator/deploy).
	Compose    bool
	Kubernetes bool
	// Tmpfs gives the program a writable /tmp in those files even when
	// detection finds no temporary files.
	Tmpfs bool

	// Healthcheck is auto (or ""): http when a port is known and a health
	// route is detected (or HealthcheckPath is set), tcp for a port
	// without one, else none; or http, tcp, exec, none.
	Healthcheck string
	// HealthcheckPath is the http probe's path ("" means the detected
	// health route, else /healthz).
	HealthcheckPath string
	// HealthcheckCmd is the exec probe, a JSON array like
	// ["/usr/local/bin/app","health"].
	HealthcheckCmd string
	// Durations in Go syntax and retries in decimal; "" means the default.
	HealthcheckInterval    string
	HealthcheckTimeout     string
	HealthcheckStartPeriod string
	HealthcheckRetries     string
}

// Defaults.
const (
	DefaultUID = 65532
	maxUID     = 2147483647

	DefaultHealthcheckPath        = "/healthz"
	DefaultHealthcheckInterval    = 30 * time.Second
	DefaultHealthcheckTimeout     = 5 * time.Second
	DefaultHealthcheckStartPeriod = 10 * time.Second
	DefaultHealthcheckRetries     = 3
)

// HealthcheckModes are the values of the Healthcheck option.
var HealthcheckModes = []string{"auto", "http", "tcp", "exec", "none"}

// DataNone is the Data value that turns data files off.
const DataNone = "none"

// MainAll is the Main value that takes every main package outside
// examples/.
const MainAll = "all"

// StampNone is the Stamp value that turns version stamping off.
const StampNone = "none"

// An OptionError is input the options refuse (an input error: commands
// exit 2). Field is the option at fault, "" when the error is not about
// one option's value. The text names options by their field in Options
// ("UID 0 is root"); Text names them another way, as the command line's
// flags do.
type OptionError struct {
	Field string
	// format refers to options as {Field}; args fill its verbs after the
	// references are named, so a value can never become a reference.
	format string
	args   []any
}

// optionErrorf returns an OptionError about field.
func optionErrorf(field, format string, args ...any) error {
	return &OptionError{Field: field, format: format, args: args}
}

// Error names options by their fields.
func (e *OptionError) Error() string { return e.Text(nil) }

// Text is the message with every option named by name(field); nil names
// them by their fields.
func (e *OptionError) Text(name func(field string) string) string {
	if name == nil {
		name = func(field string) string { return field }
	}
	format := optionReference.ReplaceAllStringFunc(e.format, func(ref string) string {
		return name(strings.Trim(ref, "{}"))
	})
	args := slices.Clone(e.args)
	for i, a := range args {
		if l, ok := a.(optionList); ok {
			args[i] = l.text(name)
		}
	}
	return fmt.Sprintf(format, args...)
}

// Unwrap makes it an input error.
func (e *OptionError) Unwrap() error { return &inputerr.Error{Msg: e.Error()} }

// optionList is an OptionError argument that names an option before each
// of its values: "--main ./a, --main ./b".
type optionList struct {
	field  string
	values []string
}

func (l optionList) text(name func(field string) string) string {
	if len(l.values) == 0 {
		return "none found"
	}
	var words []string
	for _, v := range l.values {
		words = append(words, name(l.field)+" "+v)
	}
	return strings.Join(words, ", ")
}

// optionReference is how an OptionError's format names an option.
var optionReference = regexp.MustCompile(`\{[A-Z][A-Za-z]*\}`)

// portChoice is the Port option: auto (detected), none, or a number.
type portChoice struct {
	auto   bool
	number int
}

// cgoChoice is the Cgo option: auto (detected), on or off.
type cgoChoice string

const (
	cgoAuto cgoChoice = "auto"
	cgoOn   cgoChoice = "on"
	cgoOff  cgoChoice = "off"
)

// checked are options that passed Validate, each in its own type and with
// the defaults that need no module applied.
type checked struct {
	args     []string
	builder  string
	runtime  string   // "" until the module's cgo need is known
	mains    []string // as given: module-relative dirs, [all], or none to choose
	port     portChoice
	uid      int
	cgo      cgoChoice
	context  string // clean, "." by default
	output   string // as given: "" for <context>/Dockerfile, "-" for stdout
	ignore   bool   // write .dockerignore
	catalog  string
	pin      string
	allowEOL bool
	tags     []string
	data     []string // [none] turns detected ones off too
	private  checkedPrivate
	today    time.Time
	health   checkedHealth
	// extras are the Options fields of the extra files to write.
	extras         []string
	ci             checkedCI
	runningVersion string
	// tmpfs forces a writable /tmp in the deploy files.
	tmpfs bool
	stamp checkedStamp
}

type checkedHealth struct {
	mode                           string // auto, http, tcp, exec or none
	path                           string // "" for the detected route or the default
	cmd                            string // canonical JSON, for exec
	interval, timeout, startPeriod time.Duration
	// timeoutText is the timeout as given, the probe's argument.
	timeoutText string
	retries     int
}

// decimalPort is a port in base 10 without sign or leading zeros.
var decimalPort = regexp.MustCompile(`^[1-9][0-9]*$`)

var healthPath = regexp.MustCompile(`^/[A-Za-z0-9._~/%?=&+-]*$`)

// safePath is what dockhard accepts in a path that reaches a Dockerfile or
// its header: no spaces, quotes, backslashes, '$', newlines or other control
// characters, nothing a Dockerfile or a shell would read as syntax.
var safePath = regexp.MustCompile(`^[A-Za-z0-9._/@+-]+$`)

// Validate checks every option on its own, without a module: the answers
// of the wizard are checked with it as they are given. Resolve runs the
// same checks.
func (o *Options) Validate() error {
	_, err := o.check()
	return err
}

// check is the one gate: flags, the wizard and recorded headers all pass
// through it, before anything is detected or rendered.
func (o *Options) check() (*checked, error) {
	c := &checked{builder: o.Builder, runtime: o.Runtime, ignore: !o.NoDockerignore, allowEOL: o.AllowEOL, output: o.Output, today: o.Today, runningVersion: o.RunningVersion}
	if c.builder == "" {
		c.builder = catalog.DefaultBuilder
	}
	if !slices.Contains(catalog.Builders, c.builder) {
		return nil, optionErrorf("Builder", "{Builder} %s: unknown builder; use one of %s", inputerr.Quote(o.Builder), strings.Join(catalog.Builders, ", "))
	}
	if o.Runtime != "" && !slices.Contains(catalog.Runtimes, o.Runtime) {
		return nil, optionErrorf("Runtime", "{Runtime} %s: unknown runtime; use one of %s", inputerr.Quote(o.Runtime), strings.Join(catalog.Runtimes, ", "))
	}
	var err error
	if c.port, err = checkPort(o.Port); err != nil {
		return nil, err
	}
	if c.uid, err = checkUID(o.UID); err != nil {
		return nil, err
	}
	switch o.Cgo {
	case "", "auto":
		c.cgo = cgoAuto
	case "on", "off":
		c.cgo = cgoChoice(o.Cgo)
	default:
		return nil, optionErrorf("Cgo", "{Cgo} %s: use auto, on or off", inputerr.Quote(o.Cgo))
	}
	if c.mains, err = checkMains(o.Main); err != nil {
		return nil, err
	}
	c.context = "."
	if o.Context != "" {
		if c.context, err = checkLocation("Context", o.Context, o.Context); err != nil {
			return nil, err
		}
	}
	if o.Output != "" && o.Output != "-" {
		if _, err := checkLocation("Output", o.Output, o.Output); err != nil {
			return nil, err
		}
	}
	if o.Catalog != "" {
		if c.catalog, err = checkLocation("Catalog", o.Catalog, o.Catalog); err != nil {
			return nil, err
		}
	}
	if c.tags, err = ParseTags(o.Tags); err != nil {
		return nil, err
	}
	if c.data, err = checkData(o.Data); err != nil {
		return nil, err
	}
	if c.private, err = checkPrivate(o.Private, o.PrivateAuth); err != nil {
		return nil, err
	}
	switch o.Pin {
	case catalog.PinAuto, "auto":
		c.pin = catalog.PinAuto
	case catalog.PinTag, catalog.PinDigest:
		c.pin = o.Pin
	default:
		return nil, optionErrorf("Pin", "{Pin} %s: use digest or tag", inputerr.Quote(o.Pin))
	}
	if c.health, err = o.checkHealthcheck(); err != nil {
		return nil, err
	}
	if c.stamp, err = checkStamps(o.Stamp); err != nil {
		return nil, err
	}
	if c.ci, err = o.checkCI(); err != nil {
		return nil, err
	}
	if c.tmpfs, err = o.checkDeploy(); err != nil {
		return nil, err
	}
	if c.extras, err = o.checkExtras(); err != nil {
		return nil, err
	}
	c.args = o.Args()
	return c, nil
}

// checkPort reads the Port option.
func checkPort(port string) (portChoice, error) {
	switch port {
	case "", "auto":
		return portChoice{auto: true}, nil
	case "none":
		return portChoice{}, nil
	}
	n, err := strconv.Atoi(port)
	if !decimalPort.MatchString(port) || err != nil || n < 1 || n > 65535 {
		return portChoice{}, optionErrorf("Port", "{Port} %s: use a number from 1 to 65535, auto (detect) or none (no EXPOSE)", inputerr.Quote(port))
	}
	return portChoice{number: n}, nil
}

// checkUID reads the UID option: a decimal number, not root.
func checkUID(uid string) (int, error) {
	if uid == "" {
		return DefaultUID, nil
	}
	if checkDecimal(uid) != nil {
		return 0, optionErrorf("UID", "{UID} %s: use a number from 1 to %d (default %d)", inputerr.Quote(uid), maxUID, DefaultUID)
	}
	n, err := strconv.ParseInt(uid, 10, 64)
	switch {
	case err == nil && n == 0:
		return 0, optionErrorf("UID", "{UID} 0 is root: the image must run as a non-root user; use a number from 1 to %d (default %d)", maxUID, DefaultUID)
	case err != nil || n < 1 || n > maxUID:
		return 0, optionErrorf("UID", "{UID} %s: use a number from 1 to %d (default %d)", uid, maxUID, DefaultUID)
	}
	return int(n), nil
}

// buildTag is a build tag name as go build accepts it in -tags: letters,
// digits, '_' and '.'.
var buildTag = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// ParseTags splits and checks a Tags value, "a,b"; "" is no tags.
// Detection needs the tags before the module is known.
func ParseTags(tags string) ([]string, error) {
	if tags == "" {
		return nil, nil
	}
	var out []string
	for _, t := range strings.Split(tags, ",") {
		if !buildTag.MatchString(t) {
			return nil, optionErrorf("Tags", "{Tags} %s: build tags are comma-separated names of letters, digits, _ and . (like {Tags} netgo,prod)", inputerr.Quote(tags))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// checkMains checks the Main option: paths inside the module, each once,
// or "all" alone.
func checkMains(mains []string) ([]string, error) {
	var out []string
	for _, m := range mains {
		if m == MainAll {
			if len(mains) > 1 {
				return nil, optionErrorf("Main", "{Main} all takes every main package: do not combine it with other {Main} values")
			}
			return []string{MainAll}, nil
		}
		c, err := cleanRelative("Main", m, false)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o string) bool { return path.Clean(o) == c }) {
			return nil, optionErrorf("Main", "{Main} %s is given twice; name each main package once", inputerr.Quote(m))
		}
		out = append(out, m)
	}
	return out, nil
}

// checkData checks the Data option: "none" alone, or paths inside the
// module that name one file or directory (no glob, not the module
// itself). Whether they exist is resolved against the module.
func checkData(data []string) ([]string, error) {
	var out []string
	for _, d := range data {
		if d == DataNone {
			if len(data) > 1 {
				return nil, optionErrorf("Data", "{Data} none copies no data files: do not combine it with paths")
			}
			out = append(out, d)
			continue
		}
		c, err := cleanRelative("Data", d, false)
		if err != nil {
			return nil, err
		}
		if c == "." {
			return nil, optionErrorf("Data", "{Data} %s is the whole module; name the files or directories the program reads", inputerr.Quote(d))
		}
		out = append(out, d)
	}
	return out, nil
}

func (o *Options) checkHealthcheck() (checkedHealth, error) {
	h := checkedHealth{mode: o.Healthcheck, path: o.HealthcheckPath}
	if h.mode == "" {
		h.mode = "auto"
	}
	if !slices.Contains(HealthcheckModes, h.mode) {
		return h, optionErrorf("Healthcheck", "{Healthcheck} %s: use one of %s", inputerr.Quote(o.Healthcheck), strings.Join(HealthcheckModes, ", "))
	}
	if h.path != "" && !healthPath.MatchString(h.path) {
		return h, optionErrorf("HealthcheckPath", "{HealthcheckPath} %s: a path starting with / of letters, digits and . _ ~ / %% ? = & + -", inputerr.Quote(h.path))
	}
	if h.mode == "exec" && o.HealthcheckCmd == "" {
		return h, optionErrorf("HealthcheckCmd", `{Healthcheck} exec needs {HealthcheckCmd}, the program's own probe in exec form, like '["/usr/local/bin/app","health"]'`)
	}
	if o.HealthcheckCmd != "" {
		if h.mode != "exec" {
			return h, optionErrorf("HealthcheckCmd", "{HealthcheckCmd} is only used with {Healthcheck} exec")
		}
		var err error
		if h.cmd, err = execForm(o.HealthcheckCmd); err != nil {
			return h, err
		}
	}
	durations := []struct {
		field, value string
		def          time.Duration
		min, max     time.Duration
		into         *time.Duration
	}{
		{"HealthcheckInterval", o.HealthcheckInterval, DefaultHealthcheckInterval, time.Second, time.Hour, &h.interval},
		{"HealthcheckTimeout", o.HealthcheckTimeout, DefaultHealthcheckTimeout, time.Second, 10 * time.Minute, &h.timeout},
		{"HealthcheckStartPeriod", o.HealthcheckStartPeriod, DefaultHealthcheckStartPeriod, 0, time.Hour, &h.startPeriod},
	}
	for _, d := range durations {
		*d.into = d.def
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil || v < d.min || v > d.max {
			return h, optionErrorf(d.field, "{"+d.field+"} %s: use a duration from %v to %v, like 30s or 1m", inputerr.Quote(d.value), d.min, d.max)
		}
		*d.into = v
	}
	h.timeoutText = o.HealthcheckTimeout
	if h.timeoutText == "" {
		h.timeoutText = DefaultHealthcheckTimeout.String()
	}
	h.retries = DefaultHealthcheckRetries
	if o.HealthcheckRetries != "" {
		n, err := strconv.Atoi(o.HealthcheckRetries)
		if checkDecimal(o.HealthcheckRetries) != nil || err != nil || n < 1 || n > 100 {
			return h, optionErrorf("HealthcheckRetries", "{HealthcheckRetries} %s: use a number from 1 to 100 (default %d)", o.HealthcheckRetries, DefaultHealthcheckRetries)
		}
		h.retries = n
	}
	return h, nil
}

// execForm parses a JSON array of strings for an exec-form instruction and
// returns it re-encoded, so only the encoder's output reaches a Dockerfile.
func execForm(s string) (string, error) {
	var argv []string
	if err := json.Unmarshal([]byte(s), &argv); err != nil || len(argv) == 0 {
		return "", optionErrorf("HealthcheckCmd", `{HealthcheckCmd} %s: write the command as a JSON array, like '["/usr/local/bin/app","health"]'`, inputerr.Quote(s))
	}
	for _, a := range argv {
		// No white space either: the command is recorded in the header,
		// whose arguments are separated by spaces.
		if a == "" || strings.IndexFunc(a, headerBreaking) >= 0 {
			return "", optionErrorf("HealthcheckCmd", "{HealthcheckCmd} %s: every argument must be non-empty, without spaces or control characters", inputerr.Quote(s))
		}
	}
	out, _ := json.Marshal(argv)
	return string(out), nil
}

// headerBreaking is a rune that may not appear in a value recorded in the
// header: any Unicode white space (U+00A0, U+0085, U+3000 too) or control
// character, so that the header's fields read back exactly.
func headerBreaking(r rune) bool {
	return r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r)
}

// cleanRelative checks a path option: relative, safe characters, and
// (unless allowUp) no way out of the module with "..". It returns the path
// clean.
func cleanRelative(field, p string, allowUp bool) (string, error) {
	if err := checkPathText(field, p, p); err != nil {
		return "", err
	}
	if path.IsAbs(p) || filepath.IsAbs(p) {
		return "", optionErrorf(field, "{"+field+"} %s: use a path relative to the module directory", inputerr.Quote(p))
	}
	c := path.Clean(p)
	if !allowUp && (c == ".." || strings.HasPrefix(c, "../")) {
		return "", optionErrorf(field, "{"+field+"} %s: the path leaves the module directory", inputerr.Quote(p))
	}
	return c, nil
}

// dockerfileRel is where the Dockerfile goes, relative to the module
// directory or absolute ("-" for standard output).
func (o *Options) dockerfileRel() string {
	if o.Output != "" {
		return o.Output
	}
	return path.Join(o.Context, "Dockerfile")
}
