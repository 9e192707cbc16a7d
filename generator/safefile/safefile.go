// Package safefile reads the files of a cloned repository, which is
// untrusted: only regular files, each under a cap for its kind, opened
// without blocking so a FIFO or a link to /dev/zero is refused, not read.
package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// Kind names what a file is for, and so how large it may be: a cloned
// repository is untrusted, and a go.mod that is a link to /dev/zero must be
// an error, not an out-of-memory crash.
type Kind struct {
	What string
	Max  int64
}

// The caps are far above any real file of the kind.
var (
	GoMod      = Kind{"go.mod", 4 << 20}
	GoWork     = Kind{"go.work", 4 << 20}
	Catalog    = Kind{"image catalog", 8 << 20}
	Dockerfile = Kind{"Dockerfile", 32 << 20}
	// YAML is a YAML file to lint (a GitHub Actions workflow).
	YAML       = Kind{"YAML file", 8 << 20}
	GoSource   = Kind{"Go source file", 32 << 20}
	ModulesTxt = Kind{"vendor/modules.txt", 32 << 20}
	// Header is the first line of a file that may be a generated one.
	Header = Kind{"header line", 64 << 10}
	// Generated is a file dockhard may replace (Dockerfile or
	// .dockerignore), read to compare with the new content.
	Generated = Kind{"generated file", 32 << 20}
)

// Special refuses a path that is not a regular file (a FIFO, a device,
// a socket, a directory) or is larger than its kind allows: bad input, so an
// InputError (exit 2) naming the path.
func Special(name, why string) error {
	return inputerr.Errorf("%s %s", name, why)
}

// Read reads the file at name, following symbolic links, only if it
// is a regular file of at most kind.Max bytes. It opens without blocking, so
// a FIFO is refused instead of waiting forever for a writer.
func Read(name string, kind Kind) ([]byte, error) {
	return ReadPrefix(name, kind, false)
}

// ReadPrefix is Read; with prefixOnly it returns at most
// kind.Max bytes of a larger file instead of refusing it.
func ReadPrefix(name string, kind Kind, prefixOnly bool) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := CheckRegular(name, info, kind, prefixOnly); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, kind.Max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > kind.Max {
		if prefixOnly {
			return data[:kind.Max], nil
		}
		return nil, Special(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", kind.Max>>20, kind.What))
	}
	return data, nil
}

// CheckRegular refuses what is not a regular file of the kind's size.
func CheckRegular(name string, info fs.FileInfo, kind Kind, prefixOnly bool) error {
	switch mode := info.Mode(); {
	case mode.IsDir():
		return Special(name, "is a directory, not a "+kind.What)
	case mode&fs.ModeNamedPipe != 0:
		return Special(name, "is a named pipe (FIFO), not a regular file; dockhard reads only regular files")
	case mode&fs.ModeDevice != 0:
		return Special(name, "is a device, not a regular file; dockhard reads only regular files")
	case !mode.IsRegular():
		return Special(name, "is not a regular file; dockhard reads only regular files")
	case !prefixOnly && info.Size() > kind.Max:
		return Special(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", kind.Max>>20, kind.What))
	}
	return nil
}

// ReadDockerfile reads a Dockerfile to lint: a regular file within the
// Dockerfile cap. A special or oversized file is an InputError.
func ReadDockerfile(name string) ([]byte, error) {
	return Read(name, Dockerfile)
}

// ReadDockerfileFrom reads a Dockerfile from a stream (standard input),
// refusing one larger than the Dockerfile cap.
func ReadDockerfileFrom(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, Dockerfile.Max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > Dockerfile.Max {
		return nil, Special(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", Dockerfile.Max>>20, Dockerfile.What))
	}
	return data, nil
}

// ReadHeaderLine returns the first line of name (without its line end), or
// ok false when the file does not exist or is empty. Only a regular file is
// read, and only its first Header.Max bytes.
func ReadHeaderLine(name string) (line string, ok bool, err error) {
	if info, err := os.Stat(name); err == nil && info.IsDir() {
		return "", false, nil // not a file; writing there is refused later
	}
	data, err := ReadPrefix(name, Header, true)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if len(data) == 0 {
		return "", false, nil
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return strings.TrimSuffix(string(first), "\r"), true, nil
}
