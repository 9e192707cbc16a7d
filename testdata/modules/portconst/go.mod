module example.com/portconst

go 1.22
