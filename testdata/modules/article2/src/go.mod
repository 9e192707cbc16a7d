module github.com/rafaelfernandessilva

go 1.22.2
