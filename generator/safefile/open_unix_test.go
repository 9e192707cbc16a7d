//go:build unix

package safefile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// ReadAt stops at fstat's size without a last read for end of file; files
// of every size around the buffer's edges must still come back whole, into
// a buffer smaller, equal to or larger than they are.
func TestReadAtReadsWholeFiles(t *testing.T) {
	dir := t.TempDir()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, size := range []int{0, 1, 15, 16, 17, 4095, 4096, 4097, 70000} {
		want := bytes.Repeat([]byte("abcdefghijklmnopq"), size/17+1)[:size]
		name := "f.go"
		if err := os.WriteFile(filepath.Join(dir, name), want, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, bufLen := range []int{0, 16, size, size + 1, 8192} {
			got, err := ReadAt(d, dir, name, make([]byte, bufLen))
			if err != nil {
				t.Fatalf("size %d, buffer %d: %v", size, bufLen, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("size %d, buffer %d: read %d bytes, not the file's %d", size, bufLen, len(got), size)
			}
		}
	}
}
