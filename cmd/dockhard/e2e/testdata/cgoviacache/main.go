// Command cgoviacache serves a number computed in C by a dependency whose
// cgo use only its source in the module cache shows: detection must read
// the cache to build it with cgo, and a static build would not compile.
package main

import (
	"io"
	"log"
	"net/http"

	"example.com/cgoviacache/internal/answer"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, answer.Text())
	})
	srv := &http.Server{Addr: ":7071"}
	log.Fatal(srv.ListenAndServe())
}
