package mail

import (
	"time"

	"console/internal/i18n"
)

// Language is the language a mail to a reader is written in: the reader's
// own setting when they chose one, else fallback (the language of whoever
// or whatever speaks for the project), else English.
func Language(reader, fallback string) string {
	switch {
	case i18n.Supported(reader):
		return reader
	case i18n.Supported(fallback):
		return fallback
	}
	return i18n.English
}

// Time is t as a mail in locale shows it: in the project's time zone
// (an IANA name; UTC when it cannot be loaded), written as the console
// writes dates, with the zone's name, since a mail is read away from the
// page that would say which zone it means. Mails are few: the zone is
// loaded each time rather than cached.
func Time(locale, zone string, t time.Time) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return i18n.Date(locale, "format.mail_time", t.In(loc))
}
