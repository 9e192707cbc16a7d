module example.com/cgoreplace

go 1.22

require example.com/cshim v0.0.0

replace example.com/cshim => ./cshim
