package web

import (
	"context"
	"errors"
	"strings"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/present"
)

// refusals turns an error a person can correct (a *fault.Error or a
// fault.List, other than internal or unavailable) into its catalogued lines
// in the request's language. The cause a refusal wraps (the engine's or the
// parser's own words) is logged, never shown. Any other error is not theirs
// to read: ok is false, and the caller returns it for the logged 500 page.
func (p *Pages) refusals(ctx context.Context, err error) (lines []string, ok bool) {
	lang := i18n.LangFrom(ctx)
	var list fault.List
	if errors.As(err, &list) {
		out := make([]string, 0, len(list))
		for _, fe := range list {
			out = append(out, present.Message(p.Catalog, lang, fe))
		}
		return out, true
	}
	if fe, isFault := fault.As(err); isFault && fe.Code != fault.Internal && fe.Code != fault.Unavailable {
		if fe.Err != nil {
			p.Logger.InfoContext(ctx, "request refused", "code", string(fe.Code), "message", fe.MessageID, "cause", fe.Err.Error())
		}
		return []string{present.Message(p.Catalog, lang, fe)}, true
	}
	return nil, false
}

// refusal is refusals as one line.
func (p *Pages) refusal(ctx context.Context, err error) (string, bool) {
	lines, ok := p.refusals(ctx, err)
	return strings.Join(lines, " "), ok
}
