module github.com/acme/pcap

go 1.21
