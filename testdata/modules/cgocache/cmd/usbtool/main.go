package main

import "example.com/cgocache/internal/device"

func main() { device.List() }
