// Package testfile writes and reads the fixture files tests make, failing
// the test on any error.
package testfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
)

// Write creates name (and its directories) with content.
func Write(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Read returns the content of name.
func Read(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// root is the repository root, found from this file's own path so that
// tests in any package reach the same fixtures.
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}()

// Path is a path below the repository root, like Path("testdata", "golden").
func Path(elem ...string) string {
	return filepath.Join(append([]string{root}, elem...)...)
}

// Module is the fixture module testdata/modules/name.
func Module(name string) string { return Path("testdata", "modules", name) }

// DetectEnv makes detection see a fixture as a user's module would be: the
// repository's own go.work out of the way (GOWORK=off) and the fixture
// module cache (testdata/modcache) in place of the machine's.
func DetectEnv(t testing.TB) {
	t.Helper()
	t.Setenv("GOWORK", "off")
	t.Setenv("GOMODCACHE", Path("testdata", "modcache"))
}

// Day is a date written 2006-01-02, for tests that fix the day.
func Day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// GoldenToday is the date the golden files judge end of life on, so that
// they do not change with the calendar.
var GoldenToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Golden compares got with the golden file at path, or rewrites it when
// update is set (each package's -update flag).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update in the package creates it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test -update in the package rewrites it):\n%s", path, udiff.Unified("want", "got", string(want), string(got)))
	}
}
