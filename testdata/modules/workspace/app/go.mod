module example.com/ws/app

go 1.22.3
