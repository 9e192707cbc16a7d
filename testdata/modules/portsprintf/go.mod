module example.com/portsprintf

go 1.22
