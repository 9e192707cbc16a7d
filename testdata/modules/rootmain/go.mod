module github.com/acme/rootmain

go 1.26.1
