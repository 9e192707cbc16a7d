// tmpnotes keeps its working data in a temporary file where os.CreateTemp
// puts it (/tmp): under dockhard's settings it runs only because they give
// it a tmpfs there, the one writable place.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	f, err := os.CreateTemp("", "notes-*")
	if err != nil {
		log.Fatalf("notes: %v", err)
	}
	fmt.Fprintln(f, "notes")
	f.Close()
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "tmpnotes: notes in %s\n", f.Name()) })
	log.Fatal(http.ListenAndServe(":8095", nil))
}
