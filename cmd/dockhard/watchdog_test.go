//go:build unix

package main

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A command blocked where no context reaches (lint - reading a standard
// input that never ends) still ends on SIGTERM with exit 130: the watchdog
// in main. Without it the run blocks until the test's own deadline.
func TestSIGTERMEndsABlockedCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := dockhardBinary(t)
	var stderr strings.Builder
	for attempt := 1; ; attempt++ {
		cmd := exec.Command(bin, "lint", "-")
		stdin, err := cmd.StdinPipe() // held open: no end of input
		if err != nil {
			t.Fatal(err)
		}
		stderr.Reset()
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(attempt) * 300 * time.Millisecond) // let main install its handler
		cmd.Process.Signal(syscall.SIGTERM)
		err = cmd.Wait()
		stdin.Close()
		ee, ok := err.(*exec.ExitError)
		if ok && ee.ExitCode() == -1 && attempt < 5 {
			continue // the signal came before the handler: try again, later
		}
		if !ok || ee.ExitCode() != exitInterrupted {
			t.Fatalf("err %v, stderr %q; want exit 130", err, stderr.String())
		}
		break
	}
	if !strings.HasPrefix(stderr.String(), "dockhard: interrupted") {
		t.Fatalf("stderr %q", stderr.String())
	}
}
