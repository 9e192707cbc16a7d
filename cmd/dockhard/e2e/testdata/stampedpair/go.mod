module example.com/stampedpair

go 1.24
