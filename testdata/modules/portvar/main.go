// A package var with a default, overridden by $PORT inside main.
package main

import (
	"net/http"
	"os"
)

var port = "8080"

func main() {
	if p := os.Getenv("PORT"); p != "" {
		port = p
	}
	http.ListenAndServe(":"+port, nil)
}
