//go:build !unix

package generator

import (
	"os"
	"path/filepath"
)

func readAt(_ *os.File, dirPath, name string, _ []byte) ([]byte, error) {
	return os.ReadFile(filepath.Join(dirPath, name))
}
