package main

import (
	"net/http"

	"example.com/cgodep/internal/clib"
)

func main() {
	_ = clib.Answer()
	srv := &http.Server{Addr: ":7070"}
	srv.ListenAndServe()
}
