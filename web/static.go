package web

import "embed"

// Static holds the CSS, htmx and the small script the pages load.
//
//go:embed static
var Static embed.FS
