module example.com/vendorold

go 1.13

require github.com/acme/loadgen v1.4.0
