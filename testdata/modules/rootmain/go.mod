module github.com/acme/rootmain

go 1.23.1
