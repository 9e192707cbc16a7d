package generator

import (
	"encoding/json"
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

// Defaults.
const (
	DefaultUID = 65532
	maxUID     = 2147483647
)

// Options are the choices behind one generated Dockerfile. The flags of
// `dockhard generate`, the wizard of `dockhard init` and the header of a
// generated file all fill this one struct, and Validate is the one gate
// every value passes. Paths are relative to the module directory so that the
// command recorded in the header works from `go generate` too.
type Options struct {
	// Builder is chainguard, ubuntu, golang or dhi; "" means chainguard.
	Builder string
	// Runtime is distroless, alpine, chainguard, dhi or scratch; "" chooses
	// distroless, or chainguard's glibc image for a cgo program whose
	// builder's glibc is newer than Debian 12's.
	Runtime string
	// Main is the main package directory, "./cmd/server"; "" picks the only
	// main, or the one at the module root.
	Main string
	// Port is "auto" (or ""), "none", or a port number.
	Port string
	// UID is the numeric user (and group) the image runs as.
	UID int
	// Cgo is auto (or ""), on or off.
	Cgo string
	// Context is the build context directory; "" means the module root.
	Context string
	// Output is the Dockerfile path; "" means <context>/Dockerfile and "-"
	// means standard output.
	Output string
	// NoDockerignore turns off writing <context>/.dockerignore.
	NoDockerignore bool
	// Catalog is an image catalog file used instead of the embedded one.
	Catalog string
	// Pin is "" (digest only for images without version tags), tag or
	// digest (every base image by digest).
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
	// Today is the date end of life is judged on; zero means now. It is no
	// flag: tests fix it so that dates stay data.
	Today time.Time

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
	// Durations in Go syntax ("" means the default) and retries (0 means
	// the default).
	HealthcheckInterval    string
	HealthcheckTimeout     string
	HealthcheckStartPeriod string
	HealthcheckRetries     int
}

// Health check defaults.
const (
	DefaultHealthcheckPath        = "/healthz"
	DefaultHealthcheckInterval    = "30s"
	DefaultHealthcheckTimeout     = "5s"
	DefaultHealthcheckStartPeriod = "10s"
	DefaultHealthcheckRetries     = 3
)

// HealthcheckModes are the values of --healthcheck.
var HealthcheckModes = []string{"auto", "http", "tcp", "exec", "none"}

// decimalPort is a port in base 10 without sign or leading zeros.
var decimalPort = regexp.MustCompile(`^[1-9][0-9]*$`)

var healthPath = regexp.MustCompile(`^/[A-Za-z0-9._~/%?=&+-]*$`)

// safePath is what dockhard accepts in a path that reaches a Dockerfile or
// its header: no spaces, quotes, backslashes, '$', newlines or other control
// characters, nothing a Dockerfile or a shell would read as syntax.
var safePath = regexp.MustCompile(`^[A-Za-z0-9._/@+-]+$`)

// Validate checks every option. It is the single gate: flags, the wizard and
// recorded headers all pass through it before anything is rendered.
func (o *Options) Validate() error {
	if o.Builder != "" && !slices.Contains(catalog.Builders, o.Builder) {
		return inputerr.Errorf("--builder %s: unknown builder; use one of %s", inputerr.Quote(o.Builder), strings.Join(catalog.Builders, ", "))
	}
	if o.Runtime != "" && !slices.Contains(catalog.Runtimes, o.Runtime) {
		return inputerr.Errorf("--runtime %s: unknown runtime; use one of %s", inputerr.Quote(o.Runtime), strings.Join(catalog.Runtimes, ", "))
	}
	if _, _, err := o.port(); err != nil {
		return err
	}
	if o.UID < 1 || o.UID > maxUID {
		if o.UID == 0 {
			return inputerr.Errorf("--uid 0 is root: the image must run as a non-root user; use a number from 1 to %d (default %d)", maxUID, DefaultUID)
		}
		return inputerr.Errorf("--uid %d: use a number from 1 to %d (default %d)", o.UID, maxUID, DefaultUID)
	}
	switch o.Cgo {
	case "", "auto", "on", "off":
	default:
		return inputerr.Errorf("--cgo %s: use auto, on or off", inputerr.Quote(o.Cgo))
	}
	if o.Main != "" {
		if _, err := cleanRelative("--main", o.Main, false); err != nil {
			return err
		}
	}
	if o.Context != "" {
		c, err := cleanRelative("--context", o.Context, true)
		if err != nil {
			return err
		}
		// The module must sit inside the context: only "." and ".."
		// elements are allowed.
		for _, el := range strings.Split(c, "/") {
			if el != "." && el != ".." {
				return inputerr.Errorf("--context %s: the build context must be the module directory or one of its parents (like ..), because the module is copied from it", inputerr.Quote(o.Context))
			}
		}
	}
	if o.Output != "" && o.Output != "-" {
		if _, err := cleanRelative("--output", o.Output, true); err != nil {
			return err
		}
		if strings.HasSuffix(o.Output, "/") {
			return inputerr.Errorf("--output %s is a directory; name the Dockerfile to write (like %sDockerfile)", inputerr.Quote(o.Output), o.Output)
		}
	}
	if o.Catalog != "" {
		if _, err := cleanRelative("--catalog", o.Catalog, true); err != nil {
			return err
		}
	}
	if _, err := ParseTags(o.Tags); err != nil {
		return err
	}
	if err := validateData(o.Data); err != nil {
		return err
	}
	switch o.Pin {
	case catalog.PinAuto, "auto", catalog.PinTag, catalog.PinDigest:
	default:
		return inputerr.Errorf("--pin %s: use digest or tag", inputerr.Quote(o.Pin))
	}
	return o.validateHealthcheck()
}

// buildTag is a build tag name as go build accepts it in -tags: letters,
// digits, '_' and '.'.
var buildTag = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)

// ParseTags splits and checks a --tags value, "a,b"; "" is no tags.
func ParseTags(tags string) ([]string, error) {
	if tags == "" {
		return nil, nil
	}
	var out []string
	for _, t := range strings.Split(tags, ",") {
		if !buildTag.MatchString(t) {
			return nil, inputerr.Errorf("--tags %s: build tags are comma-separated names of letters, digits, _ and . (like --tags netgo,prod)", inputerr.Quote(tags))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// DataNone is the --data value that turns data files off.
const DataNone = "none"

// validateData checks --data: "none" alone, or paths inside the module
// that name one file or directory (no glob, not the module itself).
// Whether they exist is checked against the module when planning.
func validateData(data []string) error {
	for _, d := range data {
		if d == DataNone {
			if len(data) > 1 {
				return inputerr.Errorf("--data none copies no data files: do not combine it with paths")
			}
			continue
		}
		c, err := cleanRelative("--data", d, false)
		if err != nil {
			return err
		}
		if c == "." {
			return inputerr.Errorf("--data %s is the whole module; name the files or directories the program reads", inputerr.Quote(d))
		}
	}
	return nil
}

func (o *Options) validateHealthcheck() error {
	if o.Healthcheck != "" && !slices.Contains(HealthcheckModes, o.Healthcheck) {
		return inputerr.Errorf("--healthcheck %s: use one of %s", inputerr.Quote(o.Healthcheck), strings.Join(HealthcheckModes, ", "))
	}
	if o.HealthcheckPath != "" && !healthPath.MatchString(o.HealthcheckPath) {
		return inputerr.Errorf("--healthcheck-path %s: a path starting with / of letters, digits and . _ ~ / %% ? = & + -", inputerr.Quote(o.HealthcheckPath))
	}
	if o.Healthcheck == "exec" && o.HealthcheckCmd == "" {
		return inputerr.Errorf(`--healthcheck exec needs --healthcheck-cmd, the program's own probe in exec form, like '["/usr/local/bin/app","health"]'`)
	}
	if o.HealthcheckCmd != "" {
		if o.Healthcheck != "exec" {
			return inputerr.Errorf("--healthcheck-cmd is only used with --healthcheck exec")
		}
		if _, err := execForm(o.HealthcheckCmd); err != nil {
			return err
		}
	}
	durations := []struct {
		flag, value string
		min, max    time.Duration
	}{
		{"--healthcheck-interval", o.HealthcheckInterval, time.Second, time.Hour},
		{"--healthcheck-timeout", o.HealthcheckTimeout, time.Second, 10 * time.Minute},
		{"--healthcheck-start-period", o.HealthcheckStartPeriod, 0, time.Hour},
	}
	for _, d := range durations {
		if d.value == "" {
			continue
		}
		v, err := time.ParseDuration(d.value)
		if err != nil || v < d.min || v > d.max {
			return inputerr.Errorf("%s %s: use a duration from %v to %v, like 30s or 1m", d.flag, inputerr.Quote(d.value), d.min, d.max)
		}
	}
	if o.HealthcheckRetries < 0 || o.HealthcheckRetries > 100 {
		return inputerr.Errorf("--healthcheck-retries %d: use a number from 1 to 100 (default %d)", o.HealthcheckRetries, DefaultHealthcheckRetries)
	}
	return nil
}

// execForm parses a JSON array of strings for an exec-form instruction and
// returns it re-encoded, so only the encoder's output reaches a Dockerfile.
func execForm(s string) (string, error) {
	var argv []string
	if err := json.Unmarshal([]byte(s), &argv); err != nil || len(argv) == 0 {
		return "", inputerr.Errorf(`--healthcheck-cmd %s: write the command as a JSON array, like '["/usr/local/bin/app","health"]'`, inputerr.Quote(s))
	}
	for _, a := range argv {
		// No white space either: the command is recorded in the header,
		// whose arguments are separated by spaces.
		if a == "" || strings.IndexFunc(a, headerBreaking) >= 0 {
			return "", inputerr.Errorf("--healthcheck-cmd %s: every argument must be non-empty, without spaces or control characters", inputerr.Quote(s))
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

// port returns the port choice: auto, or none, or a number.
func (o *Options) port() (auto bool, number int, err error) {
	switch o.Port {
	case "", "auto":
		return true, 0, nil
	case "none":
		return false, 0, nil
	}
	n, err := strconv.Atoi(o.Port)
	if !decimalPort.MatchString(o.Port) || err != nil || n < 1 || n > 65535 {
		return false, 0, inputerr.Errorf("--port %s: use a number from 1 to 65535, auto (detect) or none (no EXPOSE)", inputerr.Quote(o.Port))
	}
	return false, n, nil
}

// cleanRelative validates a path flag: relative, safe characters, and
// (unless allowUp) no way out of the module with "..".
func cleanRelative(flag, p string, allowUp bool) (string, error) {
	if !safePath.MatchString(p) {
		return "", inputerr.Errorf("%s %s: only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile", flag, inputerr.Quote(p))
	}
	if path.IsAbs(p) || filepath.IsAbs(p) {
		return "", inputerr.Errorf("%s %s: use a path relative to the module directory", flag, inputerr.Quote(p))
	}
	if strings.HasPrefix(p, "-") {
		return "", inputerr.Errorf("%s %s: a path cannot start with '-'", flag, inputerr.Quote(p))
	}
	c := path.Clean(p)
	if !allowUp && (c == ".." || strings.HasPrefix(c, "../")) {
		return "", inputerr.Errorf("%s %s: the path leaves the module directory", flag, inputerr.Quote(p))
	}
	return c, nil
}

// Args returns the command line that reproduces these options, defaults
// left out and flags in a fixed order, for the generated header and for the
// wizard's "same thing without questions" hint.
func (o *Options) Args() []string {
	args := []string{"generate"}
	add := func(flag, value, def string) {
		if value != "" && value != def {
			args = append(args, flag, value)
		}
	}
	add("--builder", o.Builder, catalog.DefaultBuilder)
	add("--runtime", o.Runtime, "")
	if o.Main != "" {
		add("--main", "./"+path.Clean(o.Main), "./.")
	}
	add("--port", o.Port, "auto")
	if o.UID != DefaultUID {
		args = append(args, "--uid", strconv.Itoa(o.UID))
	}
	add("--cgo", o.Cgo, "auto")
	add("--tags", o.Tags, "")
	if o.Context != "" {
		add("--context", path.Clean(o.Context), ".")
	}
	if o.Output != "-" { // where the text goes is not a choice about it
		add("--output", o.Output, "")
	}
	if o.NoDockerignore {
		args = append(args, "--dockerignore=false")
	}
	add("--catalog", o.Catalog, "")
	add("--pin", o.Pin, "auto")
	if o.AllowEOL {
		args = append(args, "--allow-eol")
	}
	for _, d := range o.Data {
		args = append(args, "--data", d)
	}
	add("--healthcheck", o.Healthcheck, "auto")
	add("--healthcheck-path", o.HealthcheckPath, "")
	if o.HealthcheckCmd != "" {
		canonical, _ := execForm(o.HealthcheckCmd)
		args = append(args, "--healthcheck-cmd", canonical)
	}
	add("--healthcheck-interval", o.HealthcheckInterval, DefaultHealthcheckInterval)
	add("--healthcheck-timeout", o.HealthcheckTimeout, DefaultHealthcheckTimeout)
	add("--healthcheck-start-period", o.HealthcheckStartPeriod, DefaultHealthcheckStartPeriod)
	if o.HealthcheckRetries != 0 && o.HealthcheckRetries != DefaultHealthcheckRetries {
		args = append(args, "--healthcheck-retries", strconv.Itoa(o.HealthcheckRetries))
	}
	return args
}

// joinModule resolves a path option against the module directory.
func joinModule(dir, p string) string {
	return filepath.Join(dir, filepath.FromSlash(p))
}

// today is the date end of life is judged on.
func (o *Options) today() time.Time {
	if o.Today.IsZero() {
		return time.Now().UTC()
	}
	return o.Today
}
