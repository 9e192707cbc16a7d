module example.com/portjoinhost

go 1.22
