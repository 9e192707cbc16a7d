package main

import (
	"flag"

	"example.com/portlistenurl/internal/server"
)

func main() {
	urls := flag.String("listen-client-urls", "http://localhost:2379", "URLs to listen on for client traffic")
	peers := flag.String("initial-cluster", "http://10.0.0.2:2380", "peers to dial")
	flag.Parse()
	server.Run(*urls, *peers)
}
