package main

var buildDate string // a test file's variable is not in the binary
