module example.com/portvar

go 1.22
