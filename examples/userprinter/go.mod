module github.com/dockhard/dockhard/examples/userprinter

go 1.22.2
