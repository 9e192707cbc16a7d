package handle

// #cgo linux LDFLAGS: -lpcap
// #include <stdlib.h>
import "C"

func Open() {}
