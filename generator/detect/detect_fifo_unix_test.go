//go:build unix

package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// A vendored package directory that is a FIFO is not opened (opening it
// would wait for a writer forever): the package is simply not found.
func TestVendoredPackageFIFOIsNotOpened(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, "go.mod"), "module example.com/m\n\ngo 1.22.0\n\nrequire example.com/pipe v1.0.0\n")
	testfile.Write(t, filepath.Join(dir, "vendor", "modules.txt"), "# example.com/pipe v1.0.0\n## explicit\nexample.com/pipe\n")
	testfile.Write(t, filepath.Join(dir, "main.go"), "package main\n\nimport _ \"example.com/pipe\"\n\nfunc main() {}\n")
	if err := os.MkdirAll(filepath.Join(dir, "vendor", "example.com"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "vendor", "example.com", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := Detect(dir)
		if err == nil && !f.Vendored {
			err = fmt.Errorf("not in vendor mode (problems %q): the FIFO was never reached", f.VendorProblems)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Detect is blocked opening the FIFO vendor/example.com/pipe")
	}
}
