module example.com/orders

go 1.26.0

require (
	git.corp.example.com/platform/auth v0.9.1
	github.com/acme/billing v1.4.0
)
