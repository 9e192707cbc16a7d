module example.com/timezone

go 1.22
