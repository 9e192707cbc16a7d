package main

import _ "github.com/acme/store"

func main() {}
