package main

import "net/http"

func init() { http.ListenAndServe(":9999", nil) }
