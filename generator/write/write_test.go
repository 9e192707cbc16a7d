package write

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/inputerr"
	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// failingTemp is a temporary file whose writes fail, like a full disk.
type failingTemp struct {
	*os.File
	err error
}

func (f failingTemp) Write([]byte) (int, error) { return 0, f.err }

func withCreateTemp(t *testing.T, fn func(dir, pattern string) (tempFile, error)) {
	old := createTemp
	createTemp = fn
	t.Cleanup(func() { createTemp = old })
}

func TestWriteFullDiskKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "Dockerfile")
	testfile.Write(t, target, HeaderPrefix+"generate. DO NOT EDIT.\nold\n")
	withCreateTemp(t, func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return failingTemp{f, syscall.ENOSPC}, err
	})
	states, err := Inspect([]File{{Path: target, Content: []byte("new\n")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = WriteFiles(states, false)
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "cannot write "+target) {
		t.Fatalf("err = %v, want a write error naming the file", err)
	}
	got, _ := os.ReadFile(target)
	if !strings.HasSuffix(string(got), "old\n") {
		t.Fatalf("the old file was changed: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the temporary file was left behind: %v", entries)
	}
}

func TestWriteReadOnlyDirectory(t *testing.T) {
	// Root ignores directory permissions, so the refusal is simulated
	// where the library meets the file system.
	dir := t.TempDir()
	withCreateTemp(t, func(dir, pattern string) (tempFile, error) {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EACCES}
	})
	states, err := Inspect([]File{{Path: filepath.Join(dir, "Dockerfile"), Content: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFiles(states, false); !errors.Is(err, syscall.EACCES) {
		t.Fatalf("err = %v, want permission denied", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files were created: %v", entries)
	}
}

func TestWriteRefusesHandWrittenBeforeWritingAnything(t *testing.T) {
	dir := t.TempDir()
	df, di := filepath.Join(dir, "Dockerfile"), filepath.Join(dir, ".dockerignore")
	testfile.Write(t, di, "node_modules\n") // hand-written
	states, err := Inspect([]File{{Path: df, Content: []byte("new")}, {Path: di, Content: []byte("new")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = WriteFiles(states, false)
	var hw *HandWrittenError
	if !errors.As(err, &hw) || len(hw.Paths) != 1 || hw.Paths[0] != di {
		t.Fatalf("err = %v, want a refusal naming .dockerignore", err)
	}
	if _, err := os.Stat(df); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the Dockerfile was written although the set was refused")
	}
	if _, err := WriteFiles(states, true); err != nil {
		t.Fatalf("--force: %v", err)
	}
	if got, _ := os.ReadFile(di); string(got) != "new" {
		t.Fatalf("--force did not replace the file: %q", got)
	}
}

func TestWriteUnchangedKeepsModTime(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "Dockerfile")
	content := HeaderPrefix + "generate. DO NOT EDIT.\n"
	testfile.Write(t, target, content)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(target, past, past); err != nil {
		t.Fatal(err)
	}
	states, err := Inspect([]File{{Path: target, Content: []byte(content)}})
	if err != nil {
		t.Fatal(err)
	}
	written, err := WriteFiles(states, false)
	if err != nil || len(written) != 0 {
		t.Fatalf("written %v, err %v; want nothing written", written, err)
	}
	if info, _ := os.Stat(target); !info.ModTime().Equal(past) {
		t.Fatalf("mtime changed to %v", info.ModTime())
	}
}

func TestInspectRefusesSymlinkAndDirectory(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	link := filepath.Join(dir, "Dockerfile")
	if err := os.Symlink(filepath.Join(outside, "Dockerfile"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := Inspect([]File{{Path: link}}); err == nil || !strings.Contains(err.Error(), "is a symbolic link") || !inputerr.Is(err) {
		t.Fatalf("symlink: err = %v", err)
	}
	if _, err := Inspect([]File{{Path: outside}}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: err = %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("something was written through the link: %v", entries)
	}
}

// The Dockerfile and the .dockerignore are written as a pair: when the
// second rename fails (an immutable .dockerignore), the Dockerfile is put
// back as it was and nothing is reported written.
func TestWritePairRollsBackWhenTheSecondRenameFails(t *testing.T) {
	dir, df, di, old, states := generatedPair(t)
	oldRename := rename
	rename = func(from, to string) error {
		if to == di {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EPERM}
		}
		return oldRename(from, to)
	}
	t.Cleanup(func() { rename = oldRename })
	written, err := WriteFiles(states, false)
	if err == nil || len(written) != 0 {
		t.Fatalf("written %v, err %v; want an error and nothing written", written, err)
	}
	if !strings.Contains(err.Error(), df+" put back as it was") {
		t.Errorf("the error does not say the Dockerfile was put back: %v", err)
	}
	if got := testfile.Read(t, df); got != old {
		t.Errorf("the Dockerfile was left replaced: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temporary or backup files were left behind: %v", entries)
	}
}

// A target that cannot be replaced (hard-linking it fails as renaming over
// it would) stops the set before anything is replaced.
func TestWritePairRefusedBeforeAnyRename(t *testing.T) {
	dir, df, di, old, states := generatedPair(t)
	oldLink := link
	link = func(from, to string) error {
		if from == di {
			return &os.LinkError{Op: "link", Old: from, New: to, Err: syscall.EPERM}
		}
		return oldLink(from, to)
	}
	t.Cleanup(func() { link = oldLink })
	if _, err := WriteFiles(states, false); err == nil || !strings.Contains(err.Error(), "cannot replace "+di) {
		t.Fatalf("err = %v, want a refusal naming .dockerignore", err)
	}
	if got := testfile.Read(t, df); got != old {
		t.Errorf("the Dockerfile was replaced although its pair could not be: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temporary or backup files were left behind: %v", entries)
	}
}

// generatedPair writes an old generated Dockerfile and .dockerignore into a
// new directory and inspects them for replacement with "new\n".
func generatedPair(t *testing.T) (dir, df, di, old string, states []FileState) {
	t.Helper()
	dir = t.TempDir()
	df, di = filepath.Join(dir, "Dockerfile"), filepath.Join(dir, ".dockerignore")
	old = HeaderPrefix + "generate. DO NOT EDIT.\nold\n"
	testfile.Write(t, df, old)
	testfile.Write(t, di, old)
	states, err := Inspect([]File{{Path: df, Content: []byte("new\n")}, {Path: di, Content: []byte("new\n")}})
	if err != nil {
		t.Fatal(err)
	}
	return dir, df, di, old, states
}

// A file that may make its directories gets them when it is written, and
// only then: Inspect (--check, --diff) creates none.
func TestWriteMakesDirectories(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, ".github", "workflows", "dockhard.yml")
	if _, err := Inspect([]File{{Path: target, Content: []byte("x")}}); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("without MakeDirs: err = %v, want the missing directory", err)
	}
	states, err := Inspect([]File{{Path: target, Content: []byte("x\n"), MakeDirs: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Inspect created a directory: %v", err)
	}
	written, err := WriteFiles(states, false)
	if err != nil || len(written) != 1 {
		t.Fatalf("written %v, err %v", written, err)
	}
	if got, _ := os.ReadFile(target); string(got) != "x\n" {
		t.Fatalf("content %q", got)
	}
}

// A write that fails removes the directories it made for it, and none that
// were there before.
func TestWriteFailureRemovesTheDirectoriesItMade(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, ".github", "keep"), "x")
	target := filepath.Join(dir, ".github", "workflows", "sub", "dockhard.yml")
	withCreateTemp(t, func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return failingTemp{f, syscall.ENOSPC}, err
	})
	states, err := Inspect([]File{{Path: target, Content: []byte("x"), MakeDirs: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFiles(states, false); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want the full disk", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github", "workflows")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the directories made for the file were left behind: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github", "keep")); err != nil {
		t.Fatalf("a file that was there before is gone: %v", err)
	}
}

// A file where a directory must be made is refused before anything is
// written.
func TestMakeDirsRefusesAFileInTheWay(t *testing.T) {
	dir := t.TempDir()
	testfile.Write(t, filepath.Join(dir, ".github"), "not a directory")
	_, err := Inspect([]File{{Path: filepath.Join(dir, ".github", "workflows", "dockhard.yml"), Content: []byte("x"), MakeDirs: true}})
	if !inputerr.Is(err) || !strings.Contains(err.Error(), filepath.Join(dir, ".github")+" is not a directory") {
		t.Fatalf("err = %v, want an input error naming the file in the way", err)
	}
}
