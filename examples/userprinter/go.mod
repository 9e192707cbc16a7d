module github.com/dockhard/dockhard/examples/userprinter

go 1.26.1
