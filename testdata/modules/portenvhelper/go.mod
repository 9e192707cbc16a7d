module example.com/portenvhelper

go 1.22
