package generator

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// Paths as users type them (issue 18). On the command line the location
// options (a row with typedPath: --context, --output, --catalog,
// --ci-root) are absolute or relative to the working directory, as a
// shell completes them. Options hold them, and the header records them,
// relative to the module directory, because go generate runs there:
// FromWorkingDir rewrites the typed ones. Only a path that no relative
// path reaches (another volume) stays absolute.

// relPath is filepath.Rel; a test replaces it to meet a path on another
// volume, which Unix does not have.
var relPath = filepath.Rel

// FromWorkingDir rewrites the location options typed on the command line
// (typed reports which flags were) from the working directory's point of
// view to the module directory dir's. It returns a warning for each path
// it must leave absolute, which the header then records as it is: go
// generate on another machine will not find it there.
func (o *Options) FromWorkingDir(dir string, typed func(flag string) bool) (warnings []string, err error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for i := range optionTable {
		opt := &optionTable[i]
		if !opt.typedPath || !typed(opt.Flag) {
			continue
		}
		field := opt.field(o)
		given := field.String()
		if given == "" || (opt.Field == "Output" && given == "-") {
			continue
		}
		abs, err := filepath.Abs(filepath.FromSlash(given))
		if err != nil {
			return nil, optionErrorf(opt.Field, "{"+opt.Field+"} %s: %v", inputerr.Quote(given), err)
		}
		moved := ""
		if rel, err := relPath(absDir, abs); err == nil {
			moved = filepath.ToSlash(rel)
		} else {
			moved = filepath.ToSlash(abs)
			warnings = append(warnings, fmt.Sprintf("%s %s has no path relative to the module directory %s (%v): the header records it absolute, so the command it records works only where that path exists", FlagFor(opt.Field), given, absDir, err))
		}
		// "deploy/" stays a directory, for the Output check to name it.
		if strings.HasSuffix(given, "/") && !strings.HasSuffix(moved, "/") {
			moved += "/"
		}
		// Judged as it will be recorded, named as it was typed.
		if _, err := checkLocation(opt.Field, moved, given); err != nil {
			return nil, err
		}
		field.SetString(moved)
	}
	return warnings, nil
}

// checkPathText checks the characters of a path option: what a Dockerfile,
// a shell and the header's space-separated fields read literally, and no
// leading '-', which a command reads as a flag. shown is the path as the
// user gave it, for the message.
func checkPathText(field, p, shown string) error {
	rest := strings.TrimPrefix(p, filepath.VolumeName(filepath.FromSlash(p)))
	if !safePath.MatchString(rest) {
		return optionErrorf(field, "{"+field+"} %s: only letters, digits and . _ / @ + - are allowed in paths dockhard writes into a Dockerfile", inputerr.Quote(shown))
	}
	if strings.HasPrefix(p, "-") {
		return optionErrorf(field, "{"+field+"} %s: a path cannot start with '-'", inputerr.Quote(shown))
	}
	return nil
}

// checkLocation checks a location option (relative to the module
// directory, or absolute) and returns it clean. shown is the path as the
// user typed it, for the message.
func checkLocation(field, p, shown string) (string, error) {
	if err := checkPathText(field, p, shown); err != nil {
		return "", err
	}
	c := path.Clean(p)
	switch field {
	case "Context":
		// The module must sit inside the context.
		if !upward(c) {
			return "", optionErrorf(field, "{Context} %s: the build context must be the module directory or one of its parents (like ..), because the module is copied from it", inputerr.Quote(shown))
		}
	case "CIRoot":
		if !upward(c) {
			return "", optionErrorf(field, "{CIRoot} %s: the repository root must be the module directory or one of its parents (like ..), because the workflow builds the module from it", inputerr.Quote(shown))
		}
	case "Output":
		if strings.HasSuffix(p, "/") {
			return "", optionErrorf(field, "{Output} %s is a directory; name the Dockerfile to write (like %sDockerfile)", inputerr.Quote(shown), shown)
		}
	}
	return c, nil
}

// isAbs reports whether a location option is absolute.
func isAbs(p string) bool {
	return path.IsAbs(p) || filepath.IsAbs(filepath.FromSlash(p))
}

// upward reports whether a clean relative path names the module directory
// or one of its parents: only "." and ".." elements.
func upward(p string) bool {
	if isAbs(p) {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el != "." && el != ".." {
			return false
		}
	}
	return true
}

// inModule is where a location option points, from the module directory
// dir.
func inModule(dir, p string) string {
	if isAbs(p) {
		return filepath.Clean(filepath.FromSlash(p))
	}
	return filepath.Join(dir, filepath.FromSlash(p))
}
