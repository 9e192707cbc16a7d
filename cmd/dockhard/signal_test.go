//go:build unix

package main

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalsNeverLeaveAHalfWrittenFile interrupts real runs at random
// moments. Whatever the moment, the Dockerfile on disk is the old one or the
// new one, whole; a caught signal (INT, TERM) also leaves no temporary file,
// and even SIGKILL cannot produce a mix.
func TestSignalsNeverLeaveAHalfWrittenFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary many times")
	}
	bin := dockhardBinary(t)
	dir := copyFixture(t, "rootmain")
	df := filepath.Join(dir, "Dockerfile")
	// A run re-uses the options recorded in the header it replaces, so each
	// variant sets every option either one sets: what a run writes then
	// depends on its variant only, not on which run came before.
	variants := [][]string{{"--runtime", "alpine", "--uid", "65532"}, {"--runtime", "scratch", "--uid", "10001"}}
	wrote := make([]string, len(variants))
	for round := 0; round < 2; round++ {
		for i, v := range variants {
			if r := runCmd(t, append([]string{"generate", dir, "-q"}, v...)...); r.code != 0 {
				t.Fatal(r.err)
			}
			got := readFile(t, df)
			if round > 0 && got != wrote[i] {
				t.Fatalf("variant %v wrote a different file after variant %v:\n%s\nthen:\n%s", v, variants[(i+len(variants)-1)%len(variants)], wrote[i], got)
			}
			wrote[i] = got
		}
	}
	whole := map[string]bool{}
	for _, w := range wrote {
		whole[w] = true
	}
	if len(whole) != len(variants) {
		t.Fatal("the variants write the same file: the test could not tell old from new")
	}
	rng := rand.New(rand.NewSource(1))
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL}
	for i := 0; i < 60; i++ {
		sig := signals[i%len(signals)]
		cmd := exec.Command(bin, append([]string{"generate", dir, "-q"}, variants[i%2]...)...)
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(15000)) * time.Microsecond)
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		// 0: finished first; 130: caught; -1: the signal came before main
		// installed its handler, when nothing can have been written yet.
		if ee, ok := err.(*exec.ExitError); ok && sig != syscall.SIGKILL {
			if code := ee.ExitCode(); code != 130 && code != -1 {
				t.Fatalf("run %d (%v): exit %d", i, sig, code)
			}
		}
		if !whole[readFile(t, df)] {
			t.Fatalf("run %d (%v): the Dockerfile is neither the old nor the new one", i, sig)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".dockhard-") {
				if sig != syscall.SIGKILL {
					t.Fatalf("run %d (%v): temporary file %s left behind", i, sig, e.Name())
				}
				os.Remove(filepath.Join(dir, e.Name())) // only SIGKILL may leave one
			}
		}
	}
}
