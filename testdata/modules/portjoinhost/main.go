// Two servers: the host comes from the environment, the ports from
// strconv.Itoa and a literal; both are exposed.
package main

import (
	"net"
	"net/http"
	"os"
	"strconv"
)

var adminPort = 9443

func main() {
	host := os.Getenv("HOST")
	go http.ListenAndServe(net.JoinHostPort(host, strconv.Itoa(adminPort)), nil)
	ln, _ := net.Listen("tcp", net.JoinHostPort(host, "8000"))
	http.Serve(ln, nil)
}
