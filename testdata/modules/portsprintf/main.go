package main

import (
	"fmt"
	"net/http"
)

const (
	defaultPort = 9000
	healthPath  = "/readyz"
)

func main() {
	http.HandleFunc(healthPath, func(w http.ResponseWriter, r *http.Request) {})
	addr := fmt.Sprintf(":%d", defaultPort)
	srv := &http.Server{}
	srv.Addr = addr
	srv.ListenAndServe()
}
