module github.com/dockhard/dockhard/examples/webserver

go 1.26.1
