module example.com/privatemod

go 1.26.0

require github.com/dockhard-e2e/secretlib v1.0.0
