module example.com/datafiles

go 1.24
