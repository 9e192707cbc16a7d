//go:build !unix

package generator

import (
	"os"
	"path/filepath"
)

// openNonBlocking has no equivalent here; readRegular stats first.
const openNonBlocking = 0

func readAt(_ *os.File, dirPath, name string, _ []byte) ([]byte, error) {
	p := filepath.Join(dirPath, name)
	info, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(p, info, kindGoSource, false); err != nil {
		return nil, err
	}
	return readRegular(p, kindGoSource)
}
