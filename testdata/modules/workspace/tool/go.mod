module example.com/ws/tool

go 1.22.3
