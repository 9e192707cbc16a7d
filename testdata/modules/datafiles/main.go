// A service that reads its data at run time, not from the binary: the
// image must carry products.json, static/ and templates/. It registers no
// health route, so the health check is tcp.
package main

import (
	_ "embed"
	"html/template"
	"log"
	"net/http"
	"os"
)

// version.txt is embedded: it is in the binary, not copied.
//
//go:embed version.txt
var version string

const productsFile = "products.json"

func main() {
	products, err := os.ReadFile(productsFile)
	if err != nil {
		log.Fatal(err)
	}
	pages := template.Must(template.ParseGlob("templates/*.html"))
	// A cache the program writes itself: not in the module, not copied.
	if cache, err := os.ReadFile("cache/state.db"); err == nil {
		log.Printf("cache: %d bytes", len(cache))
	}
	// A local override of the embedded version: the binary has it, so the
	// image needs no copy.
	if v, err := os.ReadFile("version.txt"); err == nil {
		version = string(v)
	}
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	http.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		_ = pages.Execute(w, version)
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(products)
	})
	addr := ":8080"
	if port := os.Getenv("PORT"); port != "" {
		addr = ":" + port
	}
	log.Fatal(http.ListenAndServe(addr, nil))
}
