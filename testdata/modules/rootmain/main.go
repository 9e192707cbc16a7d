package main

import (
	"net/http"

	"github.com/acme/rootmain/internal/hello"
)

func main() {
	http.HandleFunc("/", hello.Handler)
	http.ListenAndServe(":8080", nil)
}
