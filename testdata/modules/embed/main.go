package main

import _ "embed"

//go:embed certs/server.pem
var cert []byte

func main() { _ = cert }
