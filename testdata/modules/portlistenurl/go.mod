module example.com/portlistenurl

go 1.22
