// Two servers: the host comes from the environment, the ports from
// strconv.Itoa and a literal; both are exposed. The router is chi's.
package main

import (
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/go-chi/chi/v5"
)

var adminPort = 9443

func main() {
	host := os.Getenv("HOST")
	r := chi.NewRouter()
	r.Method("GET", "/livez", http.NotFoundHandler())
	go http.ListenAndServe(net.JoinHostPort(host, strconv.Itoa(adminPort)), nil)
	ln, _ := net.Listen("tcp", net.JoinHostPort(host, "8000"))
	http.Serve(ln, r)
}
