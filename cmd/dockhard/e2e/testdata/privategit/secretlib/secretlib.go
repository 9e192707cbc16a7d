// Package secretlib is the private module of the end-to-end suite: a git
// repository the suite serves on 127.0.0.1 only to requests with its
// credentials, as github.com/dockhard-e2e/secretlib.
package secretlib

// Answer is what the program built against it prints.
func Answer() string { return "answer from a private module: 42" }
