module example.com/cgotwomains

go 1.23.0

require github.com/mattn/go-sqlite3 v1.14.22
