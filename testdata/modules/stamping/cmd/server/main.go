package main

import (
	"fmt"
	"net/http"
	"os"

	"example.com/stamping/internal/cache"
	"example.com/stamping/internal/version"
)

var app_version = "dev" // app_version: "_" is folded, so this is appversion

var (
	builtBy = "unknown"
	date    string
)

func main() {
	f, err := os.CreateTemp("", "upload-*")
	if err != nil {
		panic(err)
	}
	defer os.Remove(f.Name())
	dir := cache.Dir()
	fmt.Println(version.String(), app_version, builtBy, date, dir)
	http.ListenAndServe(":8080", nil)
}
