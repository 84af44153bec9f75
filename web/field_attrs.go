package web

import (
	"strings"

	"github.com/a-h/templ"
)

// describe ties a field to the text about it, for screen readers: its help
// (the element with id field+"-hint", when hint is set) and its error (id
// field+"-error", as fieldError writes it) become its description, and a
// field with an error is marked invalid.
func describe(errs FieldErrors, field string, hint bool) templ.Attributes {
	var ids []string
	if hint {
		ids = append(ids, field+"-hint")
	}
	attrs := templ.Attributes{}
	if _, bad := errs[field]; bad {
		ids = append(ids, field+"-error")
		attrs["aria-invalid"] = "true"
	}
	if len(ids) > 0 {
		attrs["aria-describedby"] = strings.Join(ids, " ")
	}
	return attrs
}
