package browsertest

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Page is one page a crawl reached.
type Page struct {
	Path   string // path and query, as linked
	Status int    // the document's HTTP status
}

// sidLike matches a path segment that names one thing: a SID, a number,
// a month. Pages that differ only there are the same page.
var sidLike = regexp.MustCompile(`^([A-Z]{2}[0-9a-f]{32}|[0-9]+|[0-9]{4}-[0-9]{2}(-[0-9]{2})?)$`)

// pageKey is what makes two links the same page: the path with its
// identifiers blanked and the names of its query parameters.
func pageKey(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if sidLike.MatchString(s) {
			segs[i] = "*"
		}
	}
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

// crawlable says whether a same-origin link leads to an HTML page worth a
// visit: not a download, not the development mailbox, not a static file.
func crawlable(u *url.URL) bool {
	p := u.Path
	for _, suffix := range []string{".csv", ".pdf", ".png", ".svg", "/pdf"} {
		if strings.HasSuffix(p, suffix) {
			return false
		}
	}
	return !strings.HasPrefix(p, "/static/") && !strings.HasPrefix(p, "/dev/")
}

// Crawl visits start and, breadth first, every same-origin page linked
// from the pages it visits (a[href], downloads aside), one page per kind:
// "/billing/receipts/12" and "/billing/receipts/13" are one page. It calls
// visit on each page once it has loaded, stops after max pages, and
// returns the pages in the order it visited them. A crawl meets what a
// user can reach, so pages added later are checked without a list to keep.
func (b *Browser) Crawl(start []string, max int, visit func(Page)) []Page {
	b.t.Helper()
	var queue []string
	seen := map[string]bool{}
	add := func(raw string) {
		u, err := b.base.Parse(raw)
		if err != nil || u.Host != b.base.Host || u.Scheme != b.base.Scheme || !crawlable(u) {
			return
		}
		u.Fragment = ""
		if k := pageKey(u); !seen[k] {
			seen[k] = true
			queue = append(queue, u.RequestURI())
		}
	}
	for _, s := range start {
		add(s)
	}
	var pages []Page
	for len(queue) > 0 && len(pages) < max {
		path := queue[0]
		queue = queue[1:]
		p := Page{Path: path, Status: b.Go(path)}
		pages = append(pages, p)
		if visit != nil {
			visit(p)
		}
		for _, href := range Eval[[]string](b, `Array.from(document.querySelectorAll("a[href]:not([download])"), a => a.href)`) {
			add(href)
		}
	}
	return pages
}
