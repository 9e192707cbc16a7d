module example.com/cshim

go 1.22
