// The port comes from the program's own helper: an environment variable
// with a default.
package main

import (
	"log"
	"net/http"
)

func main() {
	port := getEnv("APP_PORT", "80")
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
