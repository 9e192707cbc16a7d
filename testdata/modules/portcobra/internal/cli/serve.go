// Package cli holds the serve subcommand: its port flag's default, in a
// non-main package, is the port. The database and cache addresses are
// where it dials, not ports.
package cli

import (
	"fmt"
	"net"
	"net/http"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
)

var (
	port   int
	dbAddr string
)

var serveCmd = &cobra.Command{
	Use: "serve",
	RunE: func(cmd *cobra.Command, args []string) error {
		net.Dial("tcp", "localhost:6379")
		http.Get("http://localhost:9999/config")
		http.Get("/ping")
		redis.NewClient(&redis.Options{Addr: "localhost:6380"})
		return http.ListenAndServe(fmt.Sprintf(":%d", port), nil)
	},
}

func init() {
	serveCmd.Flags().IntVarP(&port, "port", "p", 8081, "port to listen on")
	serveCmd.Flags().StringVar(&dbAddr, "db-addr", "localhost:5432", "database address")
}

func Execute() { serveCmd.Execute() }
