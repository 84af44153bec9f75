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

// Plural forms: a message that depends on a count is a family of keys, the
// base key with one suffix per plural category of CLDR. English has "one"
// (exactly 1) and "other"; Japanese has only "other", as its counters
// ("3 通", "1 件") do not change with the number.
const (
	PluralOne   = ".one"
	PluralOther = ".other"
)

// PluralSuffix is the suffix of the form locale uses for the count n, a
// decimal number as text ("1", "1.5", "12"): ".one" for English's 1 (not
// "1.0", as CLDR has it), ".other" otherwise.
func PluralSuffix(locale, n string) string {
	if locale == English && n == "1" {
		return PluralOne
	}
	return PluralOther
}

// N translates the plural family key for the count n into ctx's locale:
// the form the count asks for, filled with args (which usually include
// the count, written as the page writes numbers).
func N(ctx context.Context, key string, n int64, args ...any) string {
	return TranslateN(Locale(ctx), key, strconv.FormatInt(n, 10), args...)
}

// TranslateN is N for a locale and a count written as a decimal number
// (a usage of 1.5 minutes is plural in English).
func TranslateN(locale, key, n string, args ...any) string {
	k := key + PluralSuffix(locale, n)
	if !Has(locale, k) && !Has(English, k) {
		k = key + PluralOther
	}
	return Translate(locale, k, args...)
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
