// The worker shares the module but never touches the database: it must
// build without cgo even though go.mod requires go-sqlite3.
package main

import "example.com/cgotwomains/internal/queue"

func main() { queue.Run() }
