module example.com/cgocache

go 1.23.0

require (
	github.com/Acme/USB v1.0.0
	github.com/acme/absent v1.0.0
	github.com/acme/pcap v0.3.0
	github.com/acme/purelib v1.0.0
)

replace github.com/acme/pcap => github.com/fork/pcap v0.4.1
