package store

import (
	"database/sql"

	_ "github.com/mattn/go-sqlite3"
)

func Open() { sql.Open("sqlite3", "app.db") }
