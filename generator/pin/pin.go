package pin

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// PinOptions say how to reach the registries.
type PinOptions struct {
	// Mirrors maps a registry ("cgr.dev", "docker.io", "gcr.io") to where
	// its images are resolved instead ("mirror.example.internal/cgr"), as
	// BuildKit's and Docker's mirror settings do; the catalog keeps the real
	// names.
	Mirrors map[string]string
	// Insecure lists registry hosts that may be reached over plain HTTP
	// (loopback addresses always may).
	Insecure []string
	// Keychain finds credentials; nil means the user's Docker configuration
	// and credential helpers.
	Keychain authn.Keychain
	// Transport carries the requests; nil means the default.
	Transport http.RoundTripper
	// Today is the check date written into refreshed entries.
	Today time.Time
	// Context ends the run early (an interrupt); nil means never.
	Context context.Context
	// Timeout bounds each image's resolution (connect, TLS handshake,
	// response headers and the whole call); 0 means DefaultPinTimeout.
	Timeout time.Duration
}

// DefaultPinTimeout bounds the resolution of one image: a registry that
// accepts the connection and never answers must not hang pin.
const DefaultPinTimeout = 20 * time.Second

// PinChange is one pin that moved.
type PinChange struct {
	Key, Ref, Old, New string
}

// ParseMirror reads "cgr.dev=mirror.example.internal/cgr".
func ParseMirror(s string) (registry, mirror string, err error) {
	registry, mirror, ok := strings.Cut(s, "=")
	if !ok || registry == "" || mirror == "" || strings.ContainsAny(s, " \t\r\n\"'\\") {
		return "", "", inputerr.Errorf("--registry-mirror %s: write REGISTRY=MIRROR, like cgr.dev=mirror.example.internal/cgr", inputerr.Quote(s))
	}
	if _, err := name.NewRegistry(strings.SplitN(mirror, "/", 2)[0]); err != nil {
		return "", "", inputerr.Errorf("--registry-mirror %s: %v", inputerr.Quote(s), err)
	}
	return registry, strings.TrimSuffix(mirror, "/"), nil
}

// Pin resolves every entry's tag (and every tag in its digests) to the
// digest the registry serves now and returns the refreshed catalog with
// today's check date. It fails whole: any image that cannot be resolved is
// an error naming the image and the registry, and no catalog is returned.
func Pin(cat *catalog.Catalog, o PinOptions) (*catalog.Catalog, []PinChange, error) {
	out := &catalog.Catalog{Comment: cat.Comment, Images: map[string]catalog.CatalogImage{}}
	var changes []PinChange
	for _, key := range cat.Keys() {
		img := cat.Images[key]
		if img.Image == "scratch" {
			continue
		}
		if !strings.Contains(img.Tag, "{go}") {
			d, err := o.resolve(img.Image + ":" + img.Tag)
			if err != nil {
				return nil, nil, err
			}
			if d != img.Digest {
				changes = append(changes, PinChange{Key: key, Ref: img.Image + ":" + img.Tag, Old: img.Digest, New: d})
			}
			img.Digest = d
		}
		if len(img.Digests) > 0 {
			fresh := map[string]string{}
			for _, tag := range slices.Sorted(maps.Keys(img.Digests)) {
				d, err := o.resolve(img.Image + ":" + tag)
				if err != nil {
					return nil, nil, err
				}
				if d != img.Digests[tag] {
					changes = append(changes, PinChange{Key: key, Ref: img.Image + ":" + tag, Old: img.Digests[tag], New: d})
				}
				fresh[tag] = d
			}
			img.Digests = fresh
		}
		img.Checked = o.Today.Format("2006-01-02")
		out.Images[key] = img
	}
	return out, changes, nil
}

// resolve returns the digest ref points at: for a multi-platform image the
// index's digest, which is what a Dockerfile must pin.
func (o PinOptions) resolve(ref string) (string, error) {
	real, err := name.ParseReference(ref)
	if err != nil {
		return "", inputerr.Errorf("image %s: %v", ref, err)
	}
	target, via := real, ""
	registry := real.Context().RegistryStr()
	for _, key := range []string{registry, dockerHubAlias(registry)} {
		if m, ok := o.Mirrors[key]; ok {
			via = m
			mirrored := m + "/" + real.Context().RepositoryStr() + ":" + real.Identifier()
			var opts []name.Option
			if slices.Contains(o.Insecure, strings.SplitN(m, "/", 2)[0]) {
				opts = append(opts, name.Insecure)
			}
			if target, err = name.ParseReference(mirrored, opts...); err != nil {
				return "", inputerr.Errorf("image %s through mirror %s: %v", ref, m, err)
			}
			break
		}
	}
	if via == "" && slices.Contains(o.Insecure, registry) {
		target, _ = name.ParseReference(ref, name.Insecure)
	}
	keychain := o.Keychain
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultPinTimeout
	}
	parent := o.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	transport := o.Transport
	if transport == nil {
		transport = boundedTransport(timeout)
	}
	opts := []remote.Option{remote.WithAuthFromKeychain(keychain), remote.WithContext(ctx), remote.WithTransport(transport)}
	if desc, err := remote.Head(target, opts...); err == nil {
		return desc.Digest.String(), nil
	} else if ctx.Err() != nil {
		return "", pinDeadline(ref, registry, via, timeout, parent)
	}
	// Some registries answer HEAD badly; GET is the authority.
	full, err := remote.Get(target, opts...)
	if ctx.Err() != nil {
		return "", pinDeadline(ref, registry, via, timeout, parent)
	}
	if err != nil {
		return "", pinError(ref, registry, via, err)
	}
	return full.Digest.String(), nil
}

// boundedTransport is the default transport with a deadline on every step
// that can wait on the other side: connect, TLS handshake, response headers.
func boundedTransport(timeout time.Duration) http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = timeout
	t.ResponseHeaderTimeout = timeout
	return t
}

// pinDeadline reports a resolution cut short: by the interrupt (the
// context's error, so the command exits 130) or by the timeout.
func pinDeadline(ref, registry, via string, timeout time.Duration, parent context.Context) error {
	if parent.Err() != nil {
		return parent.Err()
	}
	where := "registry " + registry
	if via != "" {
		where += " (through mirror " + via + ")"
	}
	return fmt.Errorf("%s: %s did not answer within %v (--timeout)", ref, where, timeout)
}

// dockerHubAlias lets a mirror for "docker.io" cover index.docker.io.
func dockerHubAlias(registry string) string {
	if registry == name.DefaultRegistry {
		return "docker.io"
	}
	return registry
}

func pinError(ref, registry, via string, err error) error {
	where := "registry " + registry
	if via != "" {
		where += " (through mirror " + via + ")"
	}
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch {
		case terr.StatusCode == http.StatusNotFound || hasCode(terr, transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode):
			return fmt.Errorf("%s: no such tag at %s", ref, where)
		case terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden:
			return fmt.Errorf("%s: %s refused the credentials (HTTP %d); log in with `docker login` or configure a credential helper", ref, where, terr.StatusCode)
		default:
			return fmt.Errorf("%s: %s answered HTTP %d", ref, where, terr.StatusCode)
		}
	}
	return fmt.Errorf("%s: cannot reach %s: %v", ref, where, err)
}

func hasCode(e *transport.Error, codes ...transport.ErrorCode) bool {
	for _, d := range e.Errors {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}
