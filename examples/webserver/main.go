// Command webserver is the second article's HTTP server: it listens on $PORT,
// 8080 by default.
package main

//go:generate go run github.com/dockhard/dockhard/cmd/dockhard generate

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Olá galerinha acessem https://blog.rafael.bhz.br/")
	})

	log.Printf("Servidor rodando na porta %s...", port)
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		log.Fatal(err)
	}
}
