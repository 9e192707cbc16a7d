// Package usb stands in for google/gousb: a cgo library the known list
// does not name.
package usb

// #cgo pkg-config: libusb-1.0
// #include <stdlib.h>
import "C"

func Open() {}
