// homestate keeps its state in its user's home directory, which that user
// owns: run as its user in a plain chroot it works, and under dockhard's
// settings, whose root file system is read-only, it fails at start. The
// suite uses it to show that the runtime-contract check can fail.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
)

func main() {
	u, err := user.Current()
	if err != nil {
		log.Fatal(err)
	}
	state := filepath.Join(u.HomeDir, "state")
	if err := os.WriteFile(state, []byte("started\n"), 0o600); err != nil {
		log.Fatalf("state: %v", err)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "homestate: state in %s\n", state) })
	log.Fatal(http.ListenAndServe(":8096", nil))
}
