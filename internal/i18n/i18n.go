// Package i18n holds the message catalogs (English and Japanese) and the
// request's locale. Every string a user reads goes through T.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Supported locales; the first is the fallback.
const (
	English  = "en"
	Japanese = "ja"
)

// Locales lists every supported locale.
var Locales = []string{English, Japanese}

//go:embed catalog/*.json
var catalogFS embed.FS

var catalogs = map[string]map[string]string{}

func init() {
	for _, loc := range Locales {
		b, err := catalogFS.ReadFile("catalog/" + loc + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", loc, err))
		}
		catalogs[loc] = m
	}
}

type ctxKey struct{}

// WithLocale returns ctx carrying locale.
func WithLocale(ctx context.Context, locale string) context.Context {
	return context.WithValue(ctx, ctxKey{}, locale)
}

// Locale returns the locale carried by ctx, English when none.
func Locale(ctx context.Context) string {
	if l, ok := ctx.Value(ctxKey{}).(string); ok && l != "" {
		return l
	}
	return English
}

// T translates key into ctx's locale; args fill %s-style verbs. A missing
// key shows itself, which the catalog tests keep from happening.
func T(ctx context.Context, key string, args ...any) string {
	return Translate(Locale(ctx), key, args...)
}

// Translate translates key into locale.
func Translate(locale, key string, args ...any) string {
	msg, ok := catalogs[locale][key]
	if !ok {
		msg, ok = catalogs[English][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Date formats t with the time layout the catalog holds under key
// ("format.month" and the like), so that each locale writes dates its
// own way without the code asking which locale it is.
func Date(locale, key string, t time.Time) string { return t.Format(Translate(locale, key)) }

// Has reports whether key exists in locale's catalog.
func Has(locale, key string) bool {
	_, ok := catalogs[locale][key]
	return ok
}

// Keys lists the keys of locale's catalog, sorted.
func Keys(locale string) []string {
	return slices.Sorted(maps.Keys(catalogs[locale]))
}

// Supported reports whether l is a supported locale.
func Supported(l string) bool { return l == English || l == Japanese }

// Negotiate picks the best supported locale from an Accept-Language header.
func Negotiate(header string) string {
	best, bestQ := English, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
