// Package capture stands in for a maintained fork of gopacket's pcap.
package capture

import "github.com/acme/pcap/internal/handle"

func Open() { handle.Open() }
