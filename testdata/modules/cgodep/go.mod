module example.com/cgodep

go 1.23.0
