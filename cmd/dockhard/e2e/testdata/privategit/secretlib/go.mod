module github.com/dockhard-e2e/secretlib

go 1.22
