// Package web holds the console's pages: the layout, the templ components
// and the embedded static assets. Components read the current user,
// project and locale only through the typed getters in this file.
package web

import (
	"context"
	"time"

	"console/internal/account"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/i18n"
	"console/internal/team"
)

// Viewer is who is looking at a page and in which project.
type Viewer struct {
	User *auth.User
	// Project is the master account of the project being viewed.
	Project *account.Account
	// Account is the account the console acts on: the project itself, or
	// the subaccount the user switched into.
	Account  *account.Account
	Role     string
	Projects []team.Project
	// Subaccounts are the project's first open subaccounts by name, for
	// the project menu; more than SubaccountMenuLimit means there are others.
	Subaccounts []*account.Account
	Pins        map[string]bool
	// Suspended is set while the project is suspended for lack of funds.
	Suspended bool
	// Balance is the project's balance as the request began.
	Balance billing.Money
}

// Flash is a one-time message shown on the next page.
type Flash struct {
	Kind string // "ok" or "error"
	Text string // already translated
}

type viewerKey struct{}
type flashKey struct{}

// WithViewer returns ctx carrying v.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerOf returns the viewer of the request, nil when signed out.
func ViewerOf(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// CurrentUser returns the signed-in user, nil when signed out.
func CurrentUser(ctx context.Context) *auth.User {
	if v := ViewerOf(ctx); v != nil {
		return v.User
	}
	return nil
}

// CurrentProject returns the master account being viewed, nil when signed out.
func CurrentProject(ctx context.Context) *account.Account {
	if v := ViewerOf(ctx); v != nil {
		return v.Project
	}
	return nil
}

// CurrentAccount returns the account the console acts on, nil when signed out.
func CurrentAccount(ctx context.Context) *account.Account {
	if v := ViewerOf(ctx); v != nil {
		return v.Account
	}
	return nil
}

// InSubaccount reports whether the console is switched into a subaccount.
func InSubaccount(ctx context.Context) bool {
	v := ViewerOf(ctx)
	return v != nil && v.Account != nil && v.Project != nil && v.Account.SID != v.Project.SID
}

// Pinned reports whether the current user pinned service.
func Pinned(ctx context.Context, service string) bool {
	if v := ViewerOf(ctx); v != nil {
		return v.Pins[service]
	}
	return false
}

// Can reports whether the viewer's role in the project allows p.
func Can(ctx context.Context, p team.Permission) bool {
	v := ViewerOf(ctx)
	return v != nil && team.Can(v.Role, p)
}

// WithFlash returns ctx carrying f.
func WithFlash(ctx context.Context, f *Flash) context.Context {
	return context.WithValue(ctx, flashKey{}, f)
}

// FlashOf returns the flash of the request, if any.
func FlashOf(ctx context.Context) *Flash {
	f, _ := ctx.Value(flashKey{}).(*Flash)
	return f
}

// t translates key in the request's locale.
func t(ctx context.Context, key string, args ...any) string { return i18n.T(ctx, key, args...) }

// tn translates the plural family key for the count n (see i18n.N).
func tn(ctx context.Context, key string, n int64, args ...any) string {
	return i18n.N(ctx, key, n, args...)
}

// lang is the request's locale, for the html lang attribute.
func lang(ctx context.Context) string { return i18n.Locale(ctx) }

// FieldErrors maps a form field to the catalog key of its error.
type FieldErrors map[string]string

// Add records an error for field unless one is there already.
func (e *FieldErrors) Add(field, key string) {
	if *e == nil {
		*e = FieldErrors{}
	}
	if _, ok := (*e)[field]; !ok {
		(*e)[field] = key
	}
}

// Any reports whether any field has an error.
func (e FieldErrors) Any() bool { return len(e) > 0 }

// when formats t in the project's time zone.
func when(ctx context.Context, t time.Time) string {
	loc := time.UTC
	if p := CurrentProject(ctx); p != nil {
		loc = p.Location()
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// monthTitle names a month in the request's language.
func monthTitle(ctx context.Context, t time.Time) string {
	return i18n.Date(lang(ctx), "format.month", t)
}
