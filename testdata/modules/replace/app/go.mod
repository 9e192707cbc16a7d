module example.com/app

go 1.22.3

require example.com/shared v0.0.0

replace example.com/shared => ../shared
