package generator

import (
	"bytes"
	_ "crypto/sha256" // registers sha256 for digest validation
	"encoding/json"
	"regexp"
	"strings"

	"github.com/distribution/reference"

	"github.com/dockhard/dockhard/templates"
)

// Catalog is the image catalog: every base image dockhard may write, with
// its pin. It is one data file (templates/catalog.json) so that pins are
// reviewed and refreshed in one place.
type Catalog struct {
	Comment string                  `json:"comment,omitempty"`
	Images  map[string]CatalogImage `json:"images"`
}

// CatalogImage is one base image and its pin.
type CatalogImage struct {
	// Image is the repository, "cgr.dev/chainguard/go".
	Image string `json:"image"`
	// Tag may hold {go}, replaced by the Go version the module needs.
	Tag string `json:"tag"`
	// Digest pins the image by content; required when Tag is "latest"
	// or another tag that names no version.
	Digest string `json:"digest,omitempty"`
	// Digests pins tags made from a template ({go}): tag → digest, for the
	// Go versions a team builds with (golang:1.22.2-bookworm, ...).
	Digests map[string]string `json:"digests,omitempty"`
	// Checked is the date (YYYY-MM-DD) the pin was last checked.
	Checked string `json:"checked"`
	// Libc is the C library a cgo binary built or run on this image links:
	// "none" (static only), "musl", "wolfi-glibc", "glibc-2.36", ...
	Libc string `json:"libc"`
}

// catalogKeys are the entries generate needs.
var catalogKeys = []string{
	"builder/chainguard", "builder/golang", "builder/ubuntu",
	"runtime/alpine", "runtime/chainguard", "runtime/chainguard-cgo",
	"runtime/distroless", "runtime/distroless-cgo", "runtime/scratch",
}

var (
	digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	datePattern   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// unversionedTags name a moving target, not a version: such a pin
	// needs a digest.
	unversionedTags = map[string]bool{"latest": true, "nonroot": true, "debug": true, "debug-nonroot": true}
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
func LoadCatalog(name string) (*Catalog, error) {
	data, err := readRegular(name, kindCatalog)
	if IsInputError(err) {
		return nil, err
	}
	if err != nil {
		return nil, inputErrorf("--catalog: %v", err)
	}
	return ParseCatalog(name, data)
}

// ParseCatalog decodes and validates a catalog.
func ParseCatalog(name string, data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, inputErrorf("catalog %s: %v", name, err)
	}
	if c.Images == nil {
		c.Images = map[string]CatalogImage{}
	}
	// scratch is not an image anyone can pin; it is always there.
	c.Images["runtime/scratch"] = CatalogImage{Image: "scratch", Libc: "none"}
	for _, k := range catalogKeys {
		img, ok := c.Images[k]
		if !ok {
			return nil, inputErrorf("catalog %s: no entry %q", name, k)
		}
		if err := img.validate(); err != nil {
			return nil, inputErrorf("catalog %s: %s: %v", name, k, err)
		}
	}
	return &c, nil
}

func (i CatalogImage) validate() error {
	if i.Image == "scratch" {
		return nil
	}
	if !datePattern.MatchString(i.Checked) {
		return errorf("checked %q is not a YYYY-MM-DD date", i.Checked)
	}
	if i.Digest != "" && !digestPattern.MatchString(i.Digest) {
		return errorf("digest %q is not sha256:<64 hex digits>", i.Digest)
	}
	for tag, d := range i.Digests {
		if !digestPattern.MatchString(d) || !tagPattern.MatchString(tag) {
			return errorf("digests: %q: %q is not a tag and a sha256 digest", tag, d)
		}
	}
	if i.Tag == "" {
		return errorf("no tag: every image is pinned to an explicit tag")
	}
	if unversionedTags[i.Tag] && i.Digest == "" {
		return errorf("tag %q names no version; pin it with a digest", i.Tag)
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
	case unversionedTags[tag] || pin == PinDigest:
		if digest == "" && strings.Contains(i.Tag, "{go}") {
			return "", errorf("%s has no digest in the catalog; add %q to the entry's digests and run `dockhard pin`", ref, tag)
		}
		if digest == "" {
			return "", errorf("%s has no digest in the catalog; resolve it with `dockhard pin`", ref)
		}
		ref += "@" + digest
	}
	parsed, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", errorf("image reference %q: %v", ref, err)
	}
	if _, ok := parsed.(reference.Tagged); !ok {
		return "", errorf("image reference %q has no tag", ref)
	}
	return ref, nil
}

// Keys returns the catalog's entries, sorted.
func (c *Catalog) Keys() []string { return sortedKeys(c.Images) }
