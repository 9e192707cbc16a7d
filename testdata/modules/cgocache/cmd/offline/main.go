// offline imports a module that is not in the module cache.
package main

import "github.com/acme/absent"

func main() { absent.Do() }
