// Command dockhard turns a Go module into a hardened, minimal, multi-stage
// Dockerfile. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Interrupts cancel the context instead of killing the process, so a
	// write in progress finishes its rename (old file or new, never a mix)
	// and the command exits 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], ioStreams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
