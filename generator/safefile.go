package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// fileKind names what a file is for, and so how large it may be: a cloned
// repository is untrusted, and a go.mod that is a link to /dev/zero must be
// an error, not an out-of-memory crash.
type fileKind struct {
	what string
	max  int64
}

// The caps are far above any real file of the kind.
var (
	kindGoMod      = fileKind{"go.mod", 4 << 20}
	kindGoWork     = fileKind{"go.work", 4 << 20}
	kindCatalog    = fileKind{"image catalog", 8 << 20}
	kindDockerfile = fileKind{"Dockerfile", 32 << 20}
	kindGoSource   = fileKind{"Go source file", 32 << 20}
	kindModulesTxt = fileKind{"vendor/modules.txt", 32 << 20}
	// kindHeader is the first line of a file that may be a generated one.
	kindHeader = fileKind{"header line", 64 << 10}
	// kindGenerated is a file dockhard may replace (Dockerfile or
	// .dockerignore), read to compare with the new content.
	kindGenerated = fileKind{"generated file", 32 << 20}
)

// specialFile refuses a path that is not a regular file (a FIFO, a device,
// a socket, a directory) or is larger than its kind allows: bad input, so an
// InputError (exit 2) naming the path.
func specialFile(name, why string) error {
	return inputErrorf("%s %s", name, why)
}

// readRegular reads the file at name, following symbolic links, only if it
// is a regular file of at most kind.max bytes. It opens without blocking, so
// a FIFO is refused instead of waiting forever for a writer.
func readRegular(name string, kind fileKind) ([]byte, error) {
	return readRegularPrefix(name, kind, false)
}

// readRegularPrefix is readRegular; with prefixOnly it returns at most
// kind.max bytes of a larger file instead of refusing it.
func readRegularPrefix(name string, kind fileKind, prefixOnly bool) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkRegular(name, info, kind, prefixOnly); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, kind.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > kind.max {
		if prefixOnly {
			return data[:kind.max], nil
		}
		return nil, specialFile(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", kind.max>>20, kind.what))
	}
	return data, nil
}

// checkRegular refuses what is not a regular file of the kind's size.
func checkRegular(name string, info fs.FileInfo, kind fileKind, prefixOnly bool) error {
	switch mode := info.Mode(); {
	case mode.IsDir():
		return specialFile(name, "is a directory, not a "+kind.what)
	case mode&fs.ModeNamedPipe != 0:
		return specialFile(name, "is a named pipe (FIFO), not a regular file; dockhard reads only regular files")
	case mode&fs.ModeDevice != 0:
		return specialFile(name, "is a device, not a regular file; dockhard reads only regular files")
	case !mode.IsRegular():
		return specialFile(name, "is not a regular file; dockhard reads only regular files")
	case !prefixOnly && info.Size() > kind.max:
		return specialFile(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", kind.max>>20, kind.what))
	}
	return nil
}

// ReadDockerfile reads a Dockerfile to lint: a regular file within the
// Dockerfile cap. A special or oversized file is an InputError.
func ReadDockerfile(name string) ([]byte, error) {
	return readRegular(name, kindDockerfile)
}

// ReadDockerfileFrom reads a Dockerfile from a stream (standard input),
// refusing one larger than the Dockerfile cap.
func ReadDockerfileFrom(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, kindDockerfile.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > kindDockerfile.max {
		return nil, specialFile(name, fmt.Sprintf("is larger than %d MiB, too large for a %s", kindDockerfile.max>>20, kindDockerfile.what))
	}
	return data, nil
}

// ReadHeaderLine returns the first line of name (without its line end), or
// ok false when the file does not exist or is empty. Only a regular file is
// read, and only its first kindHeader.max bytes.
func ReadHeaderLine(name string) (line string, ok bool, err error) {
	if info, err := os.Stat(name); err == nil && info.IsDir() {
		return "", false, nil // not a file; writing there is refused later
	}
	data, err := readRegularPrefix(name, kindHeader, true)
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
