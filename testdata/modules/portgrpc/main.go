// A gRPC server on a flag's address, and metrics on loopback.
package main

import (
	"flag"
	"net"
	"net/http"

	"google.golang.org/grpc"
)

const metricsAddr = "127.0.0.1:9090"

var grpcAddr = flag.String("grpc-addr", ":50051", "gRPC listen address")

func main() {
	flag.Parse()
	go (&http.Server{Addr: metricsAddr}).ListenAndServe()
	lis, err := net.Listen("tcp", *grpcAddr)
	if err != nil {
		panic(err)
	}
	s := grpc.NewServer()
	s.Serve(lis)
}
