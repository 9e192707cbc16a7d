package main

import (
	"errors"
	"regexp"
	"strconv"
)

// decimal is what a number on dockhard's command line (or in a recorded
// header) may look like: base 10 only, no sign but '-', no leading zeros.
// pflag's IntVar reads 010 as octal 8 and 0x10 as 16.
var decimal = regexp.MustCompile(`^(0|-?[1-9][0-9]*)$`)

// decimalInt is an int flag that accepts only decimal numbers. The
// library's range checks (Options.Validate) judge the value; zeroMeans, when
// set, refuses 0, which the library reads as "the default".
type decimalInt struct {
	p         *int
	zeroMeans string
}

func newDecimalInt(p *int, value int, zeroMeans string) *decimalInt {
	*p = value
	return &decimalInt{p: p, zeroMeans: zeroMeans}
}

func (d *decimalInt) Set(s string) error {
	if !decimal.MatchString(s) {
		return errors.New("write a decimal number (digits only, no leading zeros)")
	}
	n, err := strconv.ParseInt(s, 10, strconv.IntSize)
	if err != nil {
		return errors.New("the number is out of range")
	}
	if n == 0 && d.zeroMeans != "" {
		return errors.New(d.zeroMeans)
	}
	*d.p = int(n)
	return nil
}

func (d *decimalInt) String() string { return strconv.Itoa(*d.p) }
func (d *decimalInt) Type() string   { return "int" }
