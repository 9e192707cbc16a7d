// Command userprinter is the first article's program: it prints the user it
// runs as, every second. It calls user.Current(), so the image must know
// its uid (dockhard gives scratch and custom uids an account).
package main

//go:generate go run github.com/dockhard/dockhard/cmd/dockhard generate

import (
	"fmt"
	"os/user"
	"time"
)

func main() {
	u, err := user.Current()
	if err != nil {
		panic(err)
	}
	for {
		fmt.Println("user: " + u.Username + " id: " + u.Uid)
		time.Sleep(1 * time.Second)
	}
}
