module github.com/acme/purelib

go 1.21
