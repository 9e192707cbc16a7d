package main

import (
	"cmp"
	"net/http"
	"os"
)

func main() {
	addr := cmp.Or(os.Getenv("HTTP_ADDR"), ":3000")
	http.ListenAndServe(addr, nil)
}
