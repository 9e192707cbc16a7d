package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockhard/dockhard/generator"
	"github.com/dockhard/dockhard/generator/detect"
	"github.com/spf13/cobra"
)

func newDetectCmd(streams ioStreams) *cobra.Command {
	var asJSON bool
	var tags string
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
			buildTags, err := generator.ParseTags(tags)
			if err != nil {
				return err
			}
			facts, err := detect.DetectWithTags(argsDir(args), buildTags)
			if err != nil {
				return err
			}
			if asJSON {
				emptyLists(reflect.ValueOf(facts))
				enc := json.NewEncoder(streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(facts)
			}
			printFacts(streams.Out, facts)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (a stable schema) instead of text")
	cmd.Flags().StringVar(&tags, "tags", "", "extra build tags, comma-separated, applied to build constraints as go build -tags would")
	return cmd
}

func printFacts(w io.Writer, f *detect.Facts) {
	m := f.Module
	fmt.Fprintf(w, "module      %s\n", show(m.Path))
	goLine := m.GoVersion
	if goLine == "" {
		goLine = "(none: Go assumes 1.16)"
	}
	fmt.Fprintf(w, "go line     %s\n", goLine)
	if len(f.BuildTags) > 0 {
		fmt.Fprintf(w, "build tags  %s\n", strings.Join(f.BuildTags, ","))
	}
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
			need = "needed for " + strings.Join(showEach(ws.NeededBy), ", ")
		}
		fmt.Fprintf(w, "workspace   %s (uses %s; %s)\n", show(ws.File), showAll(ws.Uses), need)
	}
	for _, r := range f.LocalReplaces {
		fmt.Fprintf(w, "replace     %s => %s (go.mod:%d)\n", show(r.Module), show(r.Target), r.Line)
	}
	printMains(w, "main packages", f.Mains)
	printMains(w, "main packages under examples/ (only with --main)", f.ExampleMains)
	for _, b := range f.Broken {
		fmt.Fprintf(w, "broken      %s mixes packages %s\n", show(b.Dir), strings.Join(showEach(b.Packages), " and "))
	}
	for _, n := range f.NestedModules {
		fmt.Fprintf(w, "nested module %s (skipped: it has its own go.mod)\n", show(n))
	}
	for _, n := range f.Notes {
		fmt.Fprintf(w, "note        %s\n", show(n))
	}
}

func printMains(w io.Writer, title string, mains []detect.MainPackage) {
	if len(mains) == 0 {
		if title == "main packages" {
			fmt.Fprintln(w, "main packages: none (a library?)")
		}
		return
	}
	fmt.Fprintln(w, title+":")
	for _, mp := range mains {
		fmt.Fprintf(w, "  %s\n", show("./"+strings.TrimPrefix(mp.Dir, "./")))
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
		for _, d := range mp.DataFiles {
			kind := "file"
			if d.Dir {
				kind = "directory"
			}
			fmt.Fprintf(w, "    data  %s (%s read at run time: copied into the image, read-only)  %s\n", show(d.Path), kind, evidence(d.Evidence))
		}
		for _, e := range mp.TempFiles {
			fmt.Fprintf(w, "    tmp   %s (writes temporary files: a read-only root file system needs a writable /tmp)\n", evidence(e))
		}
		for _, v := range mp.StampVars {
			fmt.Fprintf(w, "    stamp %s (%s, set at link time with -X)  %s\n", show(v.Symbol), v.Kind, evidence(v.Evidence))
		}
		if len(mp.Ports) > 0 && len(mp.HealthRoutes) == 0 {
			fmt.Fprintln(w, "    health no health route registered (--healthcheck auto probes tcp)")
		}
	}
}

func evidence(e detect.Evidence) string {
	if len(e.Chain) > 0 {
		// The import chain first, then where in it the decision was made.
		c := e
		c.Chain = nil
		return strings.Join(e.Chain, " → ") + " (" + evidence(c) + ")"
	}
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", show(e.File), e.Line, show(e.What))
	case e.File != "":
		return show(e.File) + ": " + show(e.What)
	}
	return show(e.What)
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// show prints a name from the module (a directory, a path) as it is, or
// quoted with escapes when it holds anything but printable characters, so a
// directory name with a newline cannot forge a line of the report.
func show(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

func showEach(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = show(s)
	}
	return out
}

func showAll(list []string) string { return strings.Join(showEach(list), " ") }

// emptyLists replaces every nil slice reachable from v with an empty one,
// so detect --json writes [] for an empty list, never null.
func emptyLists(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			emptyLists(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				emptyLists(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := range v.Len() {
			emptyLists(v.Index(i))
		}
	}
}
