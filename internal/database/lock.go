package database

import "github.com/pressly/goose/v3/lock"

// mustLocker makes two processes that start together apply migrations one
// after the other instead of both at once.
func mustLocker() lock.SessionLocker {
	l, err := lock.NewPostgresSessionLocker()
	if err != nil {
		panic(err) // only fails on invalid options, which are constant here
	}
	return l
}
