module github.com/Acme/USB

go 1.21
