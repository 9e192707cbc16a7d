// The unmaintained original: pure Go, but go.mod replaces it with the fork.
package capture

func Open() {}
