package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dockhard/dockhard/generator/catalog"
	"github.com/dockhard/dockhard/generator/pin"
	"github.com/dockhard/dockhard/generator/write"
	"github.com/spf13/cobra"
)

// mirrorsEnv holds registry mirrors as REGISTRY=MIRROR pairs separated by
// commas, for CI where flags are awkward.
const mirrorsEnv = "DOCKHARD_REGISTRY_MIRRORS"

func newPinCmd(streams ioStreams) *cobra.Command {
	var (
		catalogFile, output string
		check               bool
		mirrors, insecure   []string
		timeout             time.Duration
	)
	cmd := &cobra.Command{
		Use:   "pin",
		Short: "Resolve every image in the catalog to its current digest",
		Long: `pin asks the registries for the digest each catalog image's tag points at
now (the multi-platform index digest) and writes the refreshed catalog
atomically, with today's check date, printing what changed. Tags made
from go.mod's version (golang:{go}-trixie) are pinned for the versions
listed in the entry's "digests".

Credentials come from your Docker configuration and credential helpers;
without any, registries are asked anonymously. A registry that cannot be
reached, a tag that does not exist or refused credentials fail the whole
run (exit 1) and leave the catalog file exactly as it was. Every registry
call has a deadline (--timeout, for connecting, the TLS handshake, the
response headers and each image as a whole); Ctrl-C ends the run at once.

pin also reports every catalog image past its publisher's end of life, or
within 90 days of it (the dates are the catalog's endOfLife list); with
--check, an image past its end of life is a failure (exit 1) like a stale
pin.

Paths are relative to the current directory.`,
		Example: `  # Start a team catalog from the built-in one, with fresh digests
  dockhard pin -o dockhard-catalog.json

  # Refresh it in place; generate with it
  dockhard pin --catalog dockhard-catalog.json
  dockhard generate --catalog ../dockhard-catalog.json

  # CI: exit 1 when a base image moved ("rebuild")
  dockhard pin --catalog dockhard-catalog.json --check

  # Resolve through a mirror; the catalog keeps the real names
  dockhard pin --catalog c.json --registry-mirror cgr.dev=mirror.example.internal/cgr`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				output = catalogFile
			}
			if output == "" && !check {
				return &usageError{fmt.Errorf("the built-in catalog is part of the binary and cannot be rewritten; pass -o FILE to start a catalog of your own (then use it with generate --catalog), or --catalog FILE to refresh one")}
			}
			if timeout <= 0 || timeout > 10*time.Minute {
				return &usageError{fmt.Errorf("--timeout %v: use a duration from 1ms to 10m, like 20s", timeout)}
			}
			if !check {
				// A path that cannot be written is known before the network.
				if _, err := write.Inspect([]write.File{{Path: output}}); err != nil {
					return err
				}
			}
			opts := pin.PinOptions{Mirrors: map[string]string{}, Insecure: insecure, Today: time.Now().UTC(), Context: cmd.Context(), Timeout: timeout}
			if env := os.Getenv(mirrorsEnv); env != "" {
				mirrors = append(strings.Split(env, ","), mirrors...)
			}
			for _, m := range mirrors {
				registry, mirror, err := pin.ParseMirror(m)
				if err != nil {
					return err
				}
				opts.Mirrors[registry] = mirror
			}
			cat, err := loadCatalog(catalogFile)
			if err != nil {
				return err
			}
			// End of life needs no registry: report it first, so that it
			// shows even when a registry cannot be reached.
			pastEOL := printEndOfLife(streams, cat, opts.Today)
			fresh, changes, err := pin.Pin(cat, opts)
			if err != nil {
				return err
			}
			for _, c := range changes {
				old := c.Old
				if old == "" {
					old = "(none)"
				}
				fmt.Fprintf(streams.Out, "%s %s: %s -> %s\n", c.Key, c.Ref, old, c.New)
			}
			if check {
				if len(changes) > 0 {
					fmt.Fprintf(streams.Err, "dockhard: %d pin(s) are stale; run `dockhard pin --catalog FILE` to refresh them\n", len(changes))
				}
				if pastEOL > 0 {
					fmt.Fprintf(streams.Err, "dockhard: %d image(s) are past their end of life; move the catalog to what each line names\n", pastEOL)
				}
				if len(changes) > 0 || pastEOL > 0 {
					return &silentError{code: exitFailed}
				}
				fmt.Fprintln(streams.Out, "every pin is current")
				return nil
			}
			data, err := catalog.Marshal(fresh)
			if err != nil {
				return err
			}
			states, err := write.Inspect([]write.File{{Path: output, Content: data}})
			if err != nil {
				return err
			}
			// The catalog is the user's own file, named on the command line.
			if _, err := writeFiles(states, true); err != nil {
				return err
			}
			if len(changes) == 0 {
				fmt.Fprintln(streams.Out, "every pin is current; check dates updated in", output)
			} else {
				fmt.Fprintf(streams.Out, "wrote %s (%d pin(s) changed)\n", output, len(changes))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&catalogFile, "catalog", "", "catalog file to refresh (default: the built-in catalog)")
	fs.StringVarP(&output, "output", "o", "", "where to write the refreshed catalog (default: the --catalog file)")
	fs.BoolVar(&check, "check", false, "write nothing; exit 1 when any pin is stale or any image is past its end of life")
	fs.StringArrayVar(&mirrors, "registry-mirror", nil, "resolve REGISTRY through MIRROR, as REGISTRY=MIRROR (repeatable; also $"+mirrorsEnv+", comma-separated)")
	fs.DurationVar(&timeout, "timeout", pin.DefaultPinTimeout, "how long one image's resolution may take (connect, TLS, response headers, whole call)")
	fs.StringArrayVar(&insecure, "insecure-registry", nil, "allow plain HTTP for this registry host only (repeatable)")
	return cmd
}

// printEndOfLife prints the catalog's images past or near their end of
// life and returns how many are past it.
func printEndOfLife(streams ioStreams, cat *catalog.Catalog, today time.Time) int {
	past := 0
	for _, r := range catalog.CatalogEndOfLife(cat, today) {
		if r.Past {
			past++
			fmt.Fprintf(streams.Out, "%s %s: past its end of life (%s); instead use %s\n", r.Key, r.Ref, r.EOL, r.Instead)
		} else {
			fmt.Fprintf(streams.Out, "%s %s: end of life on %s; plan the move to %s\n", r.Key, r.Ref, r.EOL, r.Instead)
		}
	}
	return past
}

func loadCatalog(file string) (*catalog.Catalog, error) {
	if file == "" {
		return catalog.DefaultCatalog()
	}
	return catalog.LoadCatalog(file)
}

func newImagesCmd(streams ioStreams) *cobra.Command {
	var catalogFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List the image catalog: every base image dockhard may write, with its pin",
		Example: `  dockhard images
  dockhard images --catalog dockhard-catalog.json --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := loadCatalog(catalogFile)
			if err != nil {
				return err
			}
			if asJSON {
				data, err := catalog.Marshal(cat)
				if err != nil {
					return err
				}
				_, err = streams.Out.Write(data)
				return err
			}
			for _, key := range cat.Keys() {
				img := cat.Images[key]
				ref := img.Image
				if img.Image != "scratch" {
					ref += ":" + img.Tag
					if img.Digest != "" {
						ref += "@" + img.Digest
					}
				}
				checked := img.Checked
				if checked == "" {
					checked = "-"
				}
				if e, ok := cat.EndOfLifeFor(ref); ok && img.Image != "scratch" {
					ref += "  (end of life " + e.EOL + ")"
				}
				fmt.Fprintf(streams.Out, "%-24s %-10s %s\n", key, checked, ref)
				for _, tag := range slices.Sorted(maps.Keys(img.Digests)) {
					fmt.Fprintf(streams.Out, "%-24s %-10s %s:%s@%s\n", "", "", img.Image, tag, img.Digests[tag])
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&catalogFile, "catalog", "", "catalog file to list (default: the built-in catalog)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the catalog as JSON")
	return cmd
}
