package main

import "example.com/portcobra/internal/cli"

func main() { cli.Execute() }
