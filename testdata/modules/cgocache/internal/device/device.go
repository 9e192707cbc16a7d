package device

import usb "github.com/Acme/USB"

func List() { usb.Open() }
