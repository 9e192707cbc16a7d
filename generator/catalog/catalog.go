package catalog

import (
	"bytes"
	_ "crypto/sha256" // registers sha256 for digest validation
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/safefile"
	"github.com/dockhard/dockhard/templates"
)

// Catalog is the image catalog: every base image dockhard may write, with
// its pin. It is one data file (templates/catalog.json) so that pins are
// reviewed and refreshed in one place.
type Catalog struct {
	Comment string                  `json:"comment,omitempty"`
	Images  map[string]CatalogImage `json:"images"`
	// EndOfLife lists the dates publishers state their images stop being
	// fixed, for the catalog's images and for those it no longer offers
	// (Debian 12 distroless) so that lint can report them anywhere.
	EndOfLife []EndOfLife `json:"endOfLife,omitempty"`
}

// EndOfLife is one publisher-stated end-of-life date.
type EndOfLife struct {
	// Image is the repository as a FROM line names it, in its familiar
	// form: "alpine", "gcr.io/distroless/static-debian12".
	Image string `json:"image"`
	// Tag is the version the date is for. It covers the tag itself and
	// tags that extend it after a "." or "-" ("3.21" covers 3.21.4, "1.24"
	// covers 1.24.3-trixie); "" covers every tag.
	Tag string `json:"tag,omitempty"`
	// EOL is the date (YYYY-MM-DD) after which the image gets no fixes.
	EOL string `json:"eol"`
	// Instead is what to use instead.
	Instead string `json:"instead"`
	// Source is where the date comes from.
	Source string `json:"source,omitempty"`
}

// CatalogImage is one base image and its pin. The entry of a builder
// ("builder/NAME") or a runtime ("runtime/NAME") also says what that
// choice is: everything dockhard knows about a builder or a runtime lives
// in its entry and its template (templates/builder-NAME.tmpl,
// runtime-NAME.tmpl). A runtime's cgo variant ("runtime/NAME-cgo") holds
// only an image and its pin.
type CatalogImage struct {
	// Image is the repository, "cgr.dev/chainguard/go".
	Image string `json:"image"`

	// Order places the choice in lists (help, the wizard, errors).
	Order int `json:"order,omitempty"`
	// Default marks the builder, or the runtime, used when none is chosen.
	Default bool `json:"default,omitempty"`
	// Help describes the choice in one line.
	Help string `json:"help,omitempty"`
	// Shell says a runtime ships a shell and a package manager: its
	// template hardens it in a stage of its own, which also adds the
	// account.
	Shell bool `json:"shell,omitempty"`
	// Account is the uid of a runtime's own non-root account (65532);
	// any other user gets a passwd entry. 0: it has none.
	Account int `json:"account,omitempty"`
	// Zoneinfo says a runtime carries /usr/share/zoneinfo; a program that
	// loads time zones on one without it gets them built in.
	Zoneinfo bool `json:"zoneinfo,omitempty"`
	// DistroGo says a builder's Go comes from the distribution's package,
	// which may be older than go.mod's: GOTOOLCHAIN names the exact one.
	DistroGo bool `json:"distroGo,omitempty"`
	// Packages are what a distribution builder installs, and CgoPackages
	// what it installs for a cgo build.
	Packages    []string `json:"packages,omitempty"`
	CgoPackages []string `json:"cgoPackages,omitempty"`
	// Git says a builder has git (in its image, or among its Packages):
	// fetching private modules directly runs it. SSH says it has an ssh
	// client too, for --private-auth ssh; SSHPackages are what a
	// distribution builder without one installs for it.
	Git         bool     `json:"git,omitempty"`
	SSH         bool     `json:"ssh,omitempty"`
	SSHPackages []string `json:"sshPackages,omitempty"`

	// Tag may hold {go}, replaced by the Go version the module needs.
	Tag string `json:"tag"`
	// Digest pins the image by content; required when Tag is "latest"
	// or another tag that names no version.
	Digest string `json:"digest,omitempty"`
	// Digests pins tags made from a template ({go}): tag → digest, for the
	// Go versions a team builds with (golang:1.22.2-bookworm, ...).
	Digests map[string]string `json:"digests,omitempty"`
	// PinByDigest says the publisher rebuilds images under the same tag
	// (Docker Hardened Images' dated tags): the default pin adds the digest
	// whenever the catalog has one.
	PinByDigest bool `json:"pinByDigest,omitempty"`
	// Checked is the date (YYYY-MM-DD) the pin was last checked.
	Checked string `json:"checked"`
	// Libc is the C library a cgo binary built or run on this image links:
	// "none" (static only), "musl", "wolfi-glibc", "glibc-2.36", ...
	Libc string `json:"libc"`
	// Note says where the pin comes from and what could not be checked.
	Note string `json:"note,omitempty"`
}

var (
	digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// UnversionedTags name a moving target, not a version: such a pin
	// needs a digest.
	UnversionedTags = map[string]bool{"latest": true, "nonroot": true, "debug": true, "debug-nonroot": true}
)

// DefaultCatalog returns the embedded image catalog.
func DefaultCatalog() (*Catalog, error) {
	data, err := templates.FS.ReadFile("catalog.json")
	if err != nil {
		return nil, err
	}
	return ParseCatalog("catalog.json", data)
}

// LoadCatalog reads a catalog file of the same schema as the embedded one.
// The built-in end-of-life dates always apply as well: a team catalog made
// before a base reached its end of life must not hide that it did. A team
// catalog pins images: what a builder or runtime is (its order, help,
// account…) comes from the built-in entry of the same name unless the team
// entry says it, and scratch, which has nothing to pin, is always there.
// A choice the team catalog lacks is refused when it is asked for.
func LoadCatalog(name string) (*Catalog, error) {
	data, err := safefile.Read(name, safefile.Catalog)
	if inputerr.Is(err) {
		return nil, err
	}
	if err != nil {
		return nil, inputerr.Errorf("--catalog: %v", err)
	}
	c, err := ParseCatalog(name, data)
	if err != nil {
		return nil, err
	}
	builtIn, err := DefaultCatalog()
	if err != nil {
		return nil, err
	}
	c.inheritKinds(builtIn)
	for _, e := range builtIn.EndOfLife {
		if !slices.Contains(c.EndOfLife, e) {
			c.EndOfLife = append(c.EndOfLife, e)
		}
	}
	return c, nil
}

// ParseCatalog decodes and validates a catalog.
func ParseCatalog(name string, data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, inputerr.Errorf("catalog %s: %v", name, err)
	}
	if c.Images == nil {
		c.Images = map[string]CatalogImage{}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Images)) {
		if err := c.Images[k].validate(); err != nil {
			return nil, inputerr.Errorf("catalog %s: %s: %v", name, k, err)
		}
	}
	for _, e := range c.EndOfLife {
		if e.Image == "" || !datePattern.MatchString(e.EOL) || e.Instead == "" {
			return nil, inputerr.Errorf("catalog %s: endOfLife: %s %s: every entry needs an image, an eol date (YYYY-MM-DD) and what to use instead", name, inputerr.Quote(e.Image), inputerr.Quote(e.Tag))
		}
		if _, err := time.Parse(time.DateOnly, e.EOL); err != nil {
			return nil, inputerr.Errorf("catalog %s: endOfLife: %s: %v", name, e.Image, err)
		}
	}
	return &c, nil
}

func (i CatalogImage) validate() error {
	if i.Image == "scratch" {
		return nil
	}
	if !datePattern.MatchString(i.Checked) {
		return fmt.Errorf("checked %q is not a YYYY-MM-DD date", i.Checked)
	}
	if i.Digest != "" && !digestPattern.MatchString(i.Digest) {
		return fmt.Errorf("digest %q is not sha256:<64 hex digits>", i.Digest)
	}
	for tag, d := range i.Digests {
		if !digestPattern.MatchString(d) || !tagPattern.MatchString(tag) {
			return fmt.Errorf("digests: %q: %q is not a tag and a sha256 digest", tag, d)
		}
	}
	if i.Tag == "" {
		return fmt.Errorf("no tag: every image is pinned to an explicit tag")
	}
	if UnversionedTags[i.Tag] && i.Digest == "" {
		return fmt.Errorf("tag %q names no version; pin it with a digest", i.Tag)
	}
	// Check the reference with {go} filled by a sample version.
	if strings.Contains(i.Tag, "{go}") {
		_, err := reference.ParseNormalizedNamed(i.Image + ":" + strings.ReplaceAll(i.Tag, "{go}", "1.22.0"))
		return err
	}
	_, err := i.Ref("", PinAuto)
	return err
}

// Pin modes: auto pins by digest only the images that publish no version
// tag; tag never adds a digest a version tag does not need; digest pins
// every image by digest.
const (
	PinAuto   = ""
	PinTag    = "tag"
	PinDigest = "digest"
)

// Ref returns the pinned reference, "name:tag" or "name:tag@sha256:…",
// validated with the distribution reference grammar.
func (i CatalogImage) Ref(goVersion, pin string) (string, error) {
	if i.Image == "scratch" {
		return "scratch", nil
	}
	tag := strings.ReplaceAll(i.Tag, "{go}", goVersion)
	digest := i.Digest
	if strings.Contains(i.Tag, "{go}") {
		digest = i.Digests[tag]
	}
	ref := i.Image + ":" + tag
	switch {
	case UnversionedTags[tag] || pin == PinDigest || i.PinByDigest && digest != "" && pin != PinTag:
		if digest == "" && strings.Contains(i.Tag, "{go}") {
			return "", fmt.Errorf("%s has no digest in the catalog; add %q to the entry's digests and run `dockhard pin`", ref, tag)
		}
		if digest == "" {
			return "", fmt.Errorf("%s has no digest in the catalog; resolve it with `dockhard pin`", ref)
		}
		ref += "@" + digest
	}
	parsed, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", fmt.Errorf("image reference %q: %v", ref, err)
	}
	if _, ok := parsed.(reference.Tagged); !ok {
		return "", fmt.Errorf("image reference %q has no tag", ref)
	}
	return ref, nil
}

// Keys returns the catalog's entries, sorted.
func (c *Catalog) Keys() []string { return slices.Sorted(maps.Keys(c.Images)) }

// EndOfLifeFor returns the end-of-life entry that covers an image
// reference, the one with the longest matching tag when several do.
func (c *Catalog) EndOfLifeFor(ref string) (EndOfLife, bool) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return EndOfLife{}, false
	}
	repo := reference.FamiliarName(named)
	tag := ""
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	var best EndOfLife
	found := false
	for _, e := range c.EndOfLife {
		if e.Image != repo || !tagCovers(e.Tag, tag) {
			continue
		}
		if !found || len(e.Tag) > len(best.Tag) {
			best, found = e, true
		}
	}
	return best, found
}

// tagCovers says whether an end-of-life entry's version covers tag: the
// same, or tag continues it after "." or "-".
func tagCovers(version, tag string) bool {
	if version == "" || tag == version {
		return true
	}
	rest, ok := strings.CutPrefix(tag, version)
	return ok && (rest[0] == '.' || rest[0] == '-')
}

// EOLSoon is how far ahead an end of life is reported as coming.
const EOLSoon = 90 * 24 * time.Hour

// Status says where today stands against the entry's date: past (after
// it), or soon (within EOLSoon of it).
func (e EndOfLife) Status(today time.Time) (past, soon bool) {
	eol, err := time.Parse(time.DateOnly, e.EOL)
	if err != nil {
		return false, false
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	past = day.After(eol)
	soon = !past && eol.Sub(day) <= EOLSoon
	return past, soon
}

// EOLReport is one catalog image past or near its end of life.
type EOLReport struct {
	Key, Ref string
	EndOfLife
	// Past is true after the end of life, false within EOLSoon of it.
	Past bool
}

// CatalogEndOfLife lists the catalog's own images (and the tags pinned in
// digests) that are past their end of life or within EOLSoon of it, in key
// order.
func CatalogEndOfLife(cat *Catalog, today time.Time) []EOLReport {
	var out []EOLReport
	for _, key := range cat.Keys() {
		img := cat.Images[key]
		if img.Image == "scratch" {
			continue
		}
		tags := slices.Sorted(maps.Keys(img.Digests))
		if !strings.Contains(img.Tag, "{go}") {
			tags = []string{img.Tag}
		}
		for _, tag := range tags {
			ref := img.Image + ":" + tag
			e, ok := cat.EndOfLifeFor(ref)
			if !ok {
				continue
			}
			if past, soon := e.Status(today); past || soon {
				out = append(out, EOLReport{Key: key, Ref: ref, EndOfLife: e, Past: past})
			}
		}
	}
	return out
}

// Marshal writes a catalog the one way: indented, keys sorted.
func Marshal(c *Catalog) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// inheritKinds fills what a team catalog's builder and runtime entries do
// not say from the built-in ones (see LoadCatalog).
func (c *Catalog) inheritKinds(builtIn *Catalog) {
	for key, def := range builtIn.Images {
		if !isKind(key) {
			continue
		}
		img, ok := c.Images[key]
		if !ok {
			if def.Image == "scratch" {
				c.Images[key] = def
			}
			continue
		}
		if img.Order == 0 {
			img.Order, img.Default, img.Help = def.Order, def.Default, def.Help
			img.Shell, img.Account, img.Zoneinfo = def.Shell, def.Account, def.Zoneinfo
			img.DistroGo, img.Packages, img.CgoPackages = def.DistroGo, def.Packages, def.CgoPackages
			img.Git, img.SSH, img.SSHPackages = def.Git, def.SSH, def.SSHPackages
			c.Images[key] = img
		}
	}
}
