package access

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/phucdap/phucdap/internal/fault"
)

// SavedView is a staff user's named filters of a list: the list's query
// string, applied by opening the list with it.
type SavedView struct {
	ID        int64
	AccountID int64
	List      string
	Name      string
	Query     string
	CreatedAt time.Time
}

// The lists a view may be saved for, and what reading each needs.
const (
	ListInbox       = "inbox"
	ListReportCases = "report_cases"
)

var viewLists = map[string]Action{ListInbox: ActInboxRead, ListReportCases: ActReportRead}

// Limits of saved views.
const (
	MaxViewName  = 80
	MaxViewQuery = 2000
	MaxViews     = 50 // per user and list
)

// ViewStore keeps saved views. SaveView returns ErrViewNameTaken when the
// user already has a view of that name on that list.
type ViewStore interface {
	SaveView(ctx context.Context, v SavedView) (int64, error)
	ListViews(ctx context.Context, accountID int64, list string) ([]SavedView, error)
	// DeleteView deletes the account's view; false when it had none of
	// that id.
	DeleteView(ctx context.Context, accountID, id int64) (bool, error)
}

// Saved view errors.
var (
	// ErrViewNameTaken is the store's; Save words it for the user.
	ErrViewNameTaken = errors.New("saved view: name taken")
	ErrViewNotFound  = fault.New(fault.NotFound, "view.not_found")
)

// Views is the saved views of signed-in staff: each user sees, applies and
// deletes only their own.
type Views struct {
	store ViewStore
	now   func() time.Time
}

// NewViews returns the service over store.
func NewViews(store ViewStore, now func() time.Time) *Views { return &Views{store: store, now: now} }

func (v *Views) check(by Actor, list string) error {
	perm, ok := viewLists[list]
	if !ok {
		return fault.FieldError("list", "view.bad_list", nil)
	}
	if by.AccountID == 0 || !Can(by, perm, nil) {
		return ErrForbidden
	}
	return nil
}

// CleanViewName is a view's name as stored: NFC, control characters
// removed, spaces collapsed; diacritics kept.
func CleanViewName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, norm.NFC.String(s))
	return strings.Join(strings.Fields(s), " ")
}

// Save names the list's filters (query, the list's canonical query
// string) for the actor. A name is required, at most MaxViewName
// characters, and not already one of the actor's views of the list.
func (v *Views) Save(ctx context.Context, by Actor, list, name, query string) (SavedView, error) {
	if err := v.check(by, list); err != nil {
		return SavedView{}, err
	}
	var errs fault.List
	if !utf8.ValidString(name) {
		errs = append(errs, fault.FieldError("name", "view.name_not_utf8", nil))
	} else if name = CleanViewName(name); name == "" {
		errs = append(errs, fault.FieldError("name", "view.name_required", nil))
	} else if utf8.RuneCountInString(name) > MaxViewName {
		errs = append(errs, fault.FieldError("name", "view.name_too_long", map[string]any{"Max": MaxViewName}))
	}
	if len(query) > MaxViewQuery || !utf8.ValidString(query) {
		errs = append(errs, fault.FieldError("query", "view.query_too_long", map[string]any{"Max": MaxViewQuery}))
	}
	if len(errs) > 0 {
		return SavedView{}, errs
	}
	have, err := v.store.ListViews(ctx, by.AccountID, list)
	if err != nil {
		return SavedView{}, err
	}
	// The same view saved again (a double-clicked save): it is saved.
	if sv, ok := sameView(have, name, query); ok {
		return sv, nil
	}
	if len(have) >= MaxViews {
		return SavedView{}, fault.List{fault.FieldError("name", "view.too_many", map[string]any{"Max": MaxViews})}
	}
	sv := SavedView{AccountID: by.AccountID, List: list, Name: name, Query: query, CreatedAt: v.now().UTC()}
	if sv.ID, err = v.store.SaveView(ctx, sv); err != nil {
		if errors.Is(err, ErrViewNameTaken) {
			// Saved meanwhile by a concurrent request: the same view is
			// saved, another under the name is taken.
			if have, lerr := v.store.ListViews(ctx, by.AccountID, list); lerr == nil {
				if sv, ok := sameView(have, name, query); ok {
					return sv, nil
				}
			}
			return SavedView{}, fault.List{fault.FieldError("name", "view.name_taken", map[string]any{"Name": name})}
		}
		return SavedView{}, err
	}
	return sv, nil
}

// sameView finds the view of name with exactly query among have.
func sameView(have []SavedView, name, query string) (SavedView, bool) {
	for _, h := range have {
		if h.Name == name && h.Query == query {
			return h, true
		}
	}
	return SavedView{}, false
}

// List returns the actor's views of a list, by name.
func (v *Views) List(ctx context.Context, by Actor, list string) ([]SavedView, error) {
	if err := v.check(by, list); err != nil {
		return nil, err
	}
	return v.store.ListViews(ctx, by.AccountID, list)
}

// Delete deletes one of the actor's views; another user's is not found.
func (v *Views) Delete(ctx context.Context, by Actor, id int64) error {
	if by.AccountID == 0 {
		return ErrForbidden
	}
	ok, err := v.store.DeleteView(ctx, by.AccountID, id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrViewNotFound
	}
	return nil
}
