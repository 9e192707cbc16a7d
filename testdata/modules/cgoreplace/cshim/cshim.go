package cshim

// static void call(void) {}
import "C"

func Call() { C.call() }
