package main

import "example.com/cgotwomains/internal/store"

func main() { store.Open() }
