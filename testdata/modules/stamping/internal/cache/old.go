//go:build ignore

package cache

import "io/ioutil"

func old() { ioutil.TempFile("", "x") }
