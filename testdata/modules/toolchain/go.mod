module example.com/toolchain

go 1.22.0

toolchain go1.26.2
