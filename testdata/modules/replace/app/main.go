package main

import _ "example.com/shared"

func main() {}
