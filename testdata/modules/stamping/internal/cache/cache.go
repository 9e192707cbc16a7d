package cache

import "os"

func Dir() string {
	d, err := os.MkdirTemp("", "cache")
	if err != nil {
		return os.TempDir()
	}
	return d
}
