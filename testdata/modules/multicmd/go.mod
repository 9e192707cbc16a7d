module example.com/multicmd

go 1.24.0
