package generator

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/module"

	"github.com/dockhard/dockhard/generator/detect"
	"github.com/dockhard/dockhard/generator/inputerr"
)

// Stamp is one -X of go build's -ldflags: a package-level string variable
// set from a build argument when the binary is linked.
type Stamp struct {
	// Symbol is what -X names: main.version, or an import path and a
	// name, example.com/m/internal/version.Version.
	Symbol string
	// Arg is the build argument: one of StampArgs.
	Arg string
}

// The build arguments a variable can be stamped with. VERSION and REVISION
// are those the image's labels already carry (declared with the labels'
// defaults, dev and unknown); SOURCE_DATE_EPOCH is the commit time BuildKit
// also clamps file times to, as text (seconds since 1970), empty when the
// build is given none. None is a clock read at build time: the same
// commit and arguments link the same binary.
const (
	StampArgVersion  = "VERSION"
	StampArgRevision = "REVISION"
	StampArgEpoch    = "SOURCE_DATE_EPOCH"
)

// StampArgs are the build arguments --stamp accepts.
var StampArgs = []string{StampArgVersion, StampArgRevision, StampArgEpoch}

// stampArgFor is the build argument a detected variable's kind is stamped
// with. A date variable is left alone: a date of the build would be a
// clock read, and the commit's date as a formatted date needs a shell
// command in the build; --stamp SYMBOL=SOURCE_DATE_EPOCH stamps its epoch
// seconds by hand.
var stampArgFor = map[string]string{
	detect.StampVersion:  StampArgVersion,
	detect.StampRevision: StampArgRevision,
}

// checkedStamp is the Stamp option checked: none, or the variables given
// (none given: the detected ones).
type checkedStamp struct {
	none  bool
	given []Stamp
}

// stampSymbol is a -X symbol: an import path (or main), a dot, and a Go
// identifier. Only letters, digits and . _ / - in the path: the symbol is
// written into a RUN line, where nothing may be shell syntax.
var stampSymbol = regexp.MustCompile(`^([A-Za-z0-9._/-]+)\.([A-Za-z_][A-Za-z0-9_]*)$`)

// validStampSymbol says whether a symbol is one -X can name and dockhard
// writes into a RUN line.
func validStampSymbol(symbol string) bool {
	m := stampSymbol.FindStringSubmatch(symbol)
	if m == nil || strings.HasPrefix(symbol, "-") {
		return false
	}
	return m[1] == "main" || module.CheckImportPath(m[1]) == nil
}

// checkStamps checks the Stamp option: "none" alone, or SYMBOL=ARG values,
// each symbol once.
func checkStamps(stamps []string) (checkedStamp, error) {
	var c checkedStamp
	for _, s := range stamps {
		if s == StampNone {
			if len(stamps) > 1 {
				return c, optionErrorf("Stamp", "{Stamp} none stamps no variable: do not combine it with SYMBOL=ARG values")
			}
			c.none = true
			return c, nil
		}
		symbol, arg, ok := strings.Cut(s, "=")
		if !ok {
			return c, optionErrorf("Stamp", "{Stamp} %s: write SYMBOL=ARG, like {Stamp} main.version=VERSION, with ARG one of %s; or {Stamp} none", inputerr.Quote(s), strings.Join(StampArgs, ", "))
		}
		if !validStampSymbol(symbol) {
			return c, optionErrorf("Stamp", "{Stamp} %s: %s is not a variable -X can name: an import path (or main), a dot and a Go identifier, like main.version or example.com/m/internal/version.Version", inputerr.Quote(s), inputerr.Quote(symbol))
		}
		if !slices.Contains(StampArgs, arg) {
			return c, optionErrorf("Stamp", "{Stamp} %s: %s is not a build argument the Dockerfile declares; use %s", inputerr.Quote(s), inputerr.Quote(arg), strings.Join(StampArgs, ", "))
		}
		for _, g := range c.given {
			if g.Symbol == symbol {
				return c, optionErrorf("Stamp", "{Stamp} %s is stamped twice; stamp each variable once", symbol)
			}
		}
		c.given = append(c.given, Stamp{Symbol: symbol, Arg: arg})
	}
	return c, nil
}

// resolveStamps decides a main's stamps: none, those given, or its
// detected version and revision variables.
func resolveStamps(c checkedStamp, vars []detect.StampVar) []Stamp {
	switch {
	case c.none:
		return nil
	case c.given != nil:
		return slices.Clone(c.given)
	}
	var out []Stamp
	for _, v := range vars {
		arg, ok := stampArgFor[v.Kind]
		if !ok || slices.ContainsFunc(out, func(s Stamp) bool { return s.Symbol == v.Symbol }) {
			continue
		}
		out = append(out, Stamp{Symbol: v.Symbol, Arg: arg})
	}
	return out
}

// buildLDFlags is go build's -ldflags value: no symbol table or DWARF, no
// build ID (reproducible), and the stamps, each from its build argument as
// the builder's shell expands it.
func buildLDFlags(stamps []Stamp) string {
	flags := "-s -w -buildid="
	for _, s := range stamps {
		flags += " -X " + s.Symbol + "=${" + s.Arg + "}"
	}
	return flags
}
