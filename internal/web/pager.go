package web

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Pager is where a page sits in a staff list longer than it: rows
// From–To (1-based) of Total, and plain links to the pages before and
// after that keep the list's filters ("" on the first or last page). The
// template "pager" shows it; ShowingKey words "showing 1–200 of N …" for
// what the list holds.
type Pager struct {
	ShowingKey         string
	Total, From, To    int64
	TotalText          string
	PrevHref, NextHref string
}

// maxPage bounds a page number read from an address: pages of up to 200
// rows (access.PageSize, the audit page's) then start at an offset of at
// most 1e8, the API's own bound, and a
// number past it can no longer overflow the offset. A page past the end
// lands on the last page.
const maxPage = 500_000

// pageParam reads a list's page number from the query parameter name: 1
// when absent or not a number, at most maxPage.
func pageParam(c echo.Context, name string) int {
	p, _ := strconv.Atoi(c.QueryParam(name))
	return min(max(p, 1), maxPage)
}

// pageOffset is the offset of page (1-based) in pages of size.
func pageOffset(page, size int) int { return (page - 1) * size }

// lastPage is the last page of total rows in pages of size: where a link
// kept while the list shrank, or a page past the end, lands.
func lastPage(total int64, size int) int {
	return max(int((total+int64(size)-1)/int64(size)), 1)
}

// pagerFor is the pager of page (1-based, of pages of size) showing rows
// of total. Its links go to path with the filters and param=page (absent
// on page 1); fragment, when set, takes the reader back to the list on a
// page that holds more than one.
func pagerFor(lang, showingKey, path string, filters url.Values, param, fragment string, page, size, rows int, total int64) Pager {
	p := Pager{ShowingKey: showingKey, Total: total, TotalText: fmtInt(total, lang)}
	if rows > 0 {
		p.From = int64(pageOffset(page, size)) + 1
		p.To = int64(pageOffset(page, size) + rows)
	}
	href := func(n int) string {
		v := url.Values{}
		for k, vs := range filters {
			v[k] = vs
		}
		v.Del(param)
		if n > 1 {
			v.Set(param, strconv.Itoa(n))
		}
		h := path
		if len(v) > 0 {
			h += "?" + v.Encode()
		}
		if fragment != "" {
			h += "#" + fragment
		}
		return h
	}
	if page > 1 {
		p.PrevHref = href(page - 1)
	}
	if p.To < total {
		p.NextHref = href(page + 1)
	}
	return p
}

// pageOrLast reads page *page of a list with get (given the page's offset
// in pages of size), or its last page when *page is past the end (a link
// kept while the list shrank), setting *page to the page read.
func pageOrLast[T any](page *int, size int, get func(offset int) ([]T, int64, error)) ([]T, int64, error) {
	rows, total, err := get(pageOffset(*page, size))
	if err == nil && len(rows) == 0 && total > 0 {
		*page = lastPage(total, size)
		rows, total, err = get(pageOffset(*page, size))
	}
	return rows, total, err
}
