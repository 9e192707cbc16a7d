package main

import _ "example.com/ws/lib"

func main() {}
