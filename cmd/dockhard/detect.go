package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockhard/dockhard/generator"
)

func newDetectCmd(streams ioStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "detect [DIR]",
		Short: "Show what dockhard finds in the Go module in DIR, with evidence",
		Long: `detect reads go.mod, go.work, vendor/ and the Go files of the module in DIR
(default: the current directory) and prints what generate would act on:
main packages, cgo use, listen ports, local replace targets, the workspace.
Every finding names the file and line it came from.

--json prints a stable schema (schemaVersion 1; fields are only ever added).`,
		Example: `  dockhard detect
  dockhard detect ./service --json | jq '.mains[].ports'`,
		Args: maxOneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			facts, err := generator.Detect(argsDir(args))
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(facts)
			}
			printFacts(streams.Out, facts)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (a stable schema) instead of text")
	return cmd
}

func printFacts(w io.Writer, f *generator.Facts) {
	m := f.Module
	fmt.Fprintf(w, "module      %s\n", m.Path)
	goLine := m.GoVersion
	if goLine == "" {
		goLine = "(none: Go assumes 1.16)"
	}
	fmt.Fprintf(w, "go line     %s\n", goLine)
	if m.Toolchain != "" {
		fmt.Fprintf(w, "toolchain   go%s\n", m.Toolchain)
	}
	fmt.Fprintf(w, "builds with Go %s\n", m.BuildGo)
	switch {
	case f.Vendored:
		fmt.Fprintln(w, "vendor      yes (vendor/modules.txt matches go.mod: no download step)")
	case f.VendorDir:
		fmt.Fprintf(w, "vendor      not used: %s; builds in module mode (-mod=mod) with a download step\n", strings.Join(f.VendorProblems, "; "))
	default:
		fmt.Fprintln(w, "vendor      no")
	}
	if ws := f.Workspace; ws != nil {
		need := "not needed: the build sets GOWORK=off"
		if ws.Needed {
			need = "needed for " + strings.Join(ws.NeededBy, ", ")
		}
		fmt.Fprintf(w, "workspace   %s (uses %s; %s)\n", ws.File, strings.Join(ws.Uses, " "), need)
	}
	for _, r := range f.LocalReplaces {
		fmt.Fprintf(w, "replace     %s => %s (go.mod:%d)\n", r.Module, r.Target, r.Line)
	}
	printMains(w, "main packages", f.Mains)
	printMains(w, "main packages under examples/ (only with --main)", f.ExampleMains)
	for _, b := range f.Broken {
		fmt.Fprintf(w, "broken      %s mixes packages %s\n", b.Dir, strings.Join(b.Packages, " and "))
	}
	for _, n := range f.NestedModules {
		fmt.Fprintf(w, "nested module %s (skipped: it has its own go.mod)\n", n)
	}
	for _, n := range f.Notes {
		fmt.Fprintf(w, "note        %s\n", n)
	}
}

func printMains(w io.Writer, title string, mains []generator.MainPackage) {
	if len(mains) == 0 {
		if title == "main packages" {
			fmt.Fprintln(w, "main packages: none (a library?)")
		}
		return
	}
	fmt.Fprintln(w, title+":")
	for _, mp := range mains {
		fmt.Fprintf(w, "  ./%s\n", strings.TrimPrefix(mp.Dir, "./"))
		fmt.Fprintf(w, "    cgo   %s\n", yesNo(mp.Cgo, "yes", "no"))
		for _, e := range mp.CgoEvidence {
			fmt.Fprintf(w, "          %s\n", evidence(e))
		}
		if len(mp.Ports) == 0 {
			fmt.Fprintln(w, "    ports none found (no EXPOSE)")
		}
		for _, p := range mp.Ports {
			loopback := ""
			if p.Loopback {
				loopback = " (loopback by default)"
			}
			fmt.Fprintf(w, "    port  %d%s  %s\n", p.Number, loopback, evidence(p.Evidence))
		}
		for _, r := range mp.HealthRoutes {
			fmt.Fprintf(w, "    health %s  %s\n", r.Path, evidence(r.Evidence))
		}
		for _, e := range mp.TimeZones {
			fmt.Fprintf(w, "    zones %s (needs zoneinfo: built in with -tags timetzdata on scratch and alpine)\n", evidence(e))
		}
		if len(mp.Ports) > 0 && len(mp.HealthRoutes) == 0 {
			fmt.Fprintln(w, "    health no health route registered (--healthcheck auto probes tcp)")
		}
	}
}

func evidence(e generator.Evidence) string {
	if len(e.Chain) > 0 {
		// The import chain first, then where in it the decision was made.
		c := e
		c.Chain = nil
		return strings.Join(e.Chain, " → ") + " (" + evidence(c) + ")"
	}
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.What)
	case e.File != "":
		return e.File + ": " + e.What
	}
	return e.What
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
