//go:build cgo

package sqlite3

// #include <stdlib.h>
import "C"

// SQLiteDriver is a stand-in for the real driver.
type SQLiteDriver struct{}
