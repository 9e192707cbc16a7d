// Command orders depends on two private modules, one on GitHub and one on
// a company's own git host: the fixture of dockhard's --private goldens.
// It is only detected and generated for, never built.
package main

import (
	"log"
	"net/http"

	"git.corp.example.com/platform/auth"
	"github.com/acme/billing"
)

func main() {
	http.Handle("/invoices", auth.Require(billing.Handler()))
	log.Fatal(http.ListenAndServe(":8080", nil))
}
