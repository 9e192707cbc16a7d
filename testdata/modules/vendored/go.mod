module example.com/vendored

go 1.22.5

require github.com/acme/store v1.0.0
