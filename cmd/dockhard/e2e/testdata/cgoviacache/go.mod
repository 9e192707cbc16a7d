module example.com/cgoviacache

go 1.26.0

require example.com/cgolib v1.0.0
