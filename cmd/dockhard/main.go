// Command dockhard turns a Go module into a hardened, minimal, multi-stage
// Dockerfile. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/dockhard/dockhard/generator/write"
)

func main() {
	// Interrupts cancel the context instead of killing the process, so a
	// write in progress finishes its rename (old file or new, never a mix)
	// and the command exits 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go exitWhenStuck(ctx, os.Stderr)
	os.Exit(run(ctx, os.Args[1:], ioStreams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

// stuckGrace is how long a command may take to notice an interrupt.
const stuckGrace = 500 * time.Millisecond

// writing is held while a set of files is written; an interrupted process
// is never ended inside it.
var writing sync.Mutex

// writeFiles is write.WriteFiles inside the write section.
func writeFiles(states []write.FileState, force bool) ([]string, error) {
	writing.Lock()
	defer writing.Unlock()
	return write.WriteFiles(states, force)
}

// exitWhenStuck ends the process with exit 130 when a command has not
// returned shortly after an interrupt. Long loops check the context; this
// is the promise for whatever cannot (a blocking system call). It waits for
// a write in progress to finish, so files stay whole.
func exitWhenStuck(ctx context.Context, stderr io.Writer) {
	<-ctx.Done()
	time.Sleep(stuckGrace)
	writing.Lock()
	fmt.Fprintln(stderr, "dockhard: interrupted; each file on disk is whole, the old one or the new one")
	os.Exit(exitInterrupted)
}
