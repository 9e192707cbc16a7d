module example.com/vendorstale

go 1.22

require (
	github.com/acme/loadgen v1.4.0
	github.com/acme/report v0.2.0
)
