package main

import "github.com/acme/pcap/capture"

func main() { capture.Open() }
