//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// dockhardBinary builds the command once per test run.
func dockhardBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dockhard-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "dockhard")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtBin
}

// terminalRun starts dockhard in a pseudo-terminal whose screen is a VT100
// emulator (it answers survey's cursor queries, as a real terminal does).
type terminalRun struct {
	t       *testing.T
	console *expect.Console
	cmd     *exec.Cmd
	output  *bytes.Buffer
}

func startInTerminal(t *testing.T, env []string, args ...string) *terminalRun {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	output := new(bytes.Buffer)
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term, output), expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(15*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cmd := exec.Command(dockhardBinary(t), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A hang must fail the test, not stall the run.
	deadline := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	t.Cleanup(func() { deadline.Stop() })
	return &terminalRun{t: t, console: c, cmd: cmd, output: output}
}

// waitRaw waits until the program has put the terminal in raw mode, that is
// until it is reading keys: survey prints a question before it switches, and
// a key sent in between is taken by the line discipline (Ctrl-C becomes a
// signal, Enter a buffered line).
func (r *terminalRun) waitRaw() {
	r.t.Helper()
	fd := int(r.console.Tty().Fd())
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(5 * time.Millisecond) {
		tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			r.t.Fatalf("termios: %v", err)
		}
		if tio.Lflag&unix.ICANON == 0 {
			return
		}
	}
	r.t.Fatalf("the terminal never went into raw mode\nscreen so far:\n%s", r.output.String())
}

func (r *terminalRun) expect(s string) {
	r.t.Helper()
	if _, err := r.console.ExpectString(s); err != nil {
		r.t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", s, err, r.output.String())
	}
}

func (r *terminalRun) send(s string) {
	r.t.Helper()
	r.waitRaw()
	if _, err := r.console.Send(s); err != nil {
		r.t.Fatal(err)
	}
}

// wait returns the exit code and everything the program printed.
func (r *terminalRun) wait() (int, string) {
	r.t.Helper()
	err := r.cmd.Wait()
	r.console.Tty().Close()
	r.console.ExpectEOF()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return code, r.output.String()
}

// webserverCopy copies the example's sources (not its generated files).
func webserverCopy(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "main.go"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "webserver", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	return dir
}

const enter = "\r"

func TestInitInTerminalAcceptingDefaults(t *testing.T) {
	dir := webserverCopy(t)
	r := startInTerminal(t, []string{"NO_COLOR=1", "GOWORK=off"}, "init", dir)
	for _, q := range []string{"Which image should build the program?", "Which image should run it?", "Which port does it listen on?", "How should Docker check that it is healthy?", "Which numeric user should it run as?", "Extras to write:", "Write these files?"} {
		r.expect(q)
		r.send(enter)
	}
	r.expect("The same files without questions:")
	code, screen := r.wait()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, screen)
	}
	m := regexp.MustCompile(`\n\s*(dockhard generate[^\r\n]*)`).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no generate command printed:\n%s", screen)
	}
	if strings.Contains(screen, "\x1b[3") {
		t.Errorf("NO_COLOR is set but the output has colour codes")
	}
	wizard := readFile(t, filepath.Join(dir, "Dockerfile"))
	wizardIgnore := readFile(t, filepath.Join(dir, ".dockerignore"))
	os.Remove(filepath.Join(dir, "Dockerfile"))
	os.Remove(filepath.Join(dir, ".dockerignore"))
	args := strings.Fields(m[1])[1:]
	if res := runCmd(t, args...); res.code != 0 {
		t.Fatalf("%s: %s", m[1], res.err)
	}
	if readFile(t, filepath.Join(dir, "Dockerfile")) != wizard || readFile(t, filepath.Join(dir, ".dockerignore")) != wizardIgnore {
		t.Fatalf("%q does not reproduce the wizard's files", m[1])
	}
}

func TestInitInTerminalCancelled(t *testing.T) {
	for name, key := range map[string]string{"ctrl-c": "\x03", "esc": "\x1b"} {
		t.Run(name, func(t *testing.T) {
			dir := webserverCopy(t)
			before := snapshot(t, dir)
			r := startInTerminal(t, []string{"GOWORK=off"}, "init", dir)
			r.expect("Which image should build the program?")
			r.send(enter)
			r.expect("Which image should run it?")
			r.send(key)
			code, screen := r.wait()
			if code != 130 {
				t.Fatalf("exit %d, want 130\n%s", code, screen)
			}
			if !strings.Contains(screen, "interrupted; nothing was written") {
				t.Errorf("no word on the interruption:\n%s", screen)
			}
			if changes := diffSnapshots(before, snapshot(t, dir)); len(changes) > 0 {
				t.Fatalf("a cancelled wizard wrote: %v", changes)
			}
		})
	}
}
