package petition

import (
	"strconv"
	"strings"
)

// FillFromForm copies the text fields of a submitted form (the web page's,
// urlencoded or multipart, or the API's multipart body) into si; value
// returns a field by its name, "" when absent (Form.Value, url.Values.Get).
// A topic id that is not a number becomes -1, which fails validation as
// "choose a topic".
func (si *SubmitInput) FillFromForm(value func(name string) string) {
	si.Kind = Kind(strings.TrimSpace(value(FieldKind)))
	if v := strings.TrimSpace(value(FieldTopic)); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = -1
		}
		si.TopicID = id
	}
	si.Title, si.Content, si.Place = value(FieldTitle), value(FieldContent), value(FieldPlace)
	si.Name, si.Phone, si.Email, si.Address = value(FieldName), value(FieldPhone), value(FieldEmail), value(FieldAddress)
	si.Consent = formTrue(value(FieldConsent))
}

// formTrue reads a checkbox or a yes/no field as people and forms write it.
func formTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "on", "yes", "co", "có":
		return true
	}
	return false
}
