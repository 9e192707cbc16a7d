//go:build !unix

package safefile

import (
	"os"
	"path/filepath"
)

// openNonBlocking has no equivalent here; Read stats first.
const openNonBlocking = 0

func ReadAt(_ *os.File, dirPath, name string, _ []byte) ([]byte, error) {
	p := filepath.Join(dirPath, name)
	info, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if err := CheckRegular(p, info, GoSource, false); err != nil {
		return nil, err
	}
	return Read(p, GoSource)
}
