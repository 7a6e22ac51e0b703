package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
)

// taskOption is a plan task the office can map a topic to.
type taskOption struct {
	ID    int64
	Label string // "55/KH-SXD · II.1 — Đảm bảo 100% …"
}

// topicForm is one topic's form: what is stored, or what was typed when
// the edit was refused (Failed).
type topicForm struct {
	ID     int64
	Slug   string
	Edit   petition.TopicEdit
	Failed bool
	// Unit and Task name the stored mapping in the card's summary.
	Unit, Task string
}

type topicsData struct {
	Topics []topicForm
	Units  []org.Unit
	Tasks  []taskOption
	Notice string
	Errors []string
}

// refused shows the typed edit of topic id, with its errors, in place of
// the stored one.
func (d *topicsData) refused(id int64, e petition.TopicEdit, errs []string) {
	d.Errors = errs
	for i := range d.Topics {
		if d.Topics[i].ID == id {
			d.Topics[i].Edit, d.Topics[i].Failed = e, true
		}
	}
}

func (s *Staff) topicsData(c echo.Context) (topicsData, error) {
	ctx := c.Request().Context()
	var d topicsData
	var err error
	topics, err := s.Pages.Intake.Service.AllTopics(ctx, accesshttp.Actor(c))
	if err != nil {
		return d, err
	}
	units, err := s.Units.ListUnits(ctx)
	if err != nil {
		return d, err
	}
	unitName := map[int64]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
		if !u.IsGroup() && u.Active {
			d.Units = append(d.Units, u)
		}
	}
	plans, err := s.Pages.Plans.List(ctx)
	if err != nil {
		return d, err
	}
	taskKey := map[int64]string{}
	for _, sum := range plans {
		rec, err := s.Pages.Plans.Get(ctx, sum.ID)
		if err != nil {
			return d, err
		}
		for _, dim := range rec.Plan.Dimensions {
			for _, t := range dim.Tasks {
				text := []rune(t.Text)
				if len(text) > 90 {
					text = append(text[:90], '…')
				}
				d.Tasks = append(d.Tasks, taskOption{ID: rec.TaskIDs[t.Key], Label: sum.Number + " · " + t.Key + " — " + string(text)})
				taskKey[rec.TaskIDs[t.Key]] = sum.Number + " · " + t.Key
			}
		}
	}
	for _, t := range topics {
		d.Topics = append(d.Topics, topicForm{ID: t.ID, Slug: t.Slug, Edit: petition.TopicEdit{NameVI: t.NameVI, NameEN: t.NameEN,
			HintVI: t.HintVI, HintEN: t.HintEN, LeadUnitID: t.LeadUnitID, PlanTaskID: t.PlanTaskID, Active: t.Active},
			Unit: unitName[t.LeadUnitID], Task: taskKey[t.PlanTaskID]})
	}
	return d, nil
}

func (s *Staff) topicsPage(c echo.Context) error {
	d, err := s.topicsData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_topics", "topics.title", d)
}

// formID reads an optional id from a select: "" is none (0); anything that
// is not a positive number is refused as field.
func formID(c echo.Context, field, id string) (int64, *fault.Error) {
	v := strings.TrimSpace(c.FormValue(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fault.FieldError(field, id, nil)
	}
	return n, nil
}

// topicFieldLabels name each field of the topic form in its errors.
var topicFieldLabels = map[string]string{"name_vi": "topics.name_vi", "name_en": "topics.name_en", "hint_vi": "topics.hint_vi",
	"hint_en": "topics.hint_en", "lead_unit_id": "topics.lead_unit", "plan_task_id": "topics.plan_task"}

// topicErrors words a refused edit, each line led by the field it is about.
func (s *Staff) topicErrors(c echo.Context, opErr error) ([]string, error) {
	var list fault.List
	if !errors.As(opErr, &list) {
		return s.messages(c, opErr)
	}
	lang := i18n.LangFrom(c.Request().Context())
	out := make([]string, 0, len(list))
	for _, fe := range list {
		line := present.Message(s.Pages.Catalog, lang, fe)
		if id, ok := topicFieldLabels[fe.Field]; ok {
			line = s.Pages.Catalog.T(lang, id, nil) + ": " + line
		}
		out = append(out, line)
	}
	return out, nil
}

func (s *Staff) updateTopic(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return petition.ErrNoSuchTopic
	}
	e := petition.TopicEdit{NameVI: c.FormValue("name_vi"), NameEN: c.FormValue("name_en"), HintVI: c.FormValue("hint_vi"),
		HintEN: c.FormValue("hint_en"), Active: c.FormValue("active") != ""}
	var bad fault.List
	unit, fe := formID(c, "lead_unit_id", "topic.unit_unknown")
	if fe != nil {
		bad = append(bad, fe)
	}
	task, fe := formID(c, "plan_task_id", "topic.task_unknown")
	if fe != nil {
		bad = append(bad, fe)
	}
	e.LeadUnitID, e.PlanTaskID = unit, task
	var opErr error
	if len(bad) > 0 {
		// Name every wrong field at once, the text ones first, as the form
		// reads.
		_, textErrs := e.Check()
		opErr = append(textErrs, bad...)
	} else {
		_, opErr = s.Pages.Intake.Service.UpdateTopic(c.Request().Context(), accesshttp.Actor(c), id, e)
	}
	d, err := s.topicsData(c)
	if err != nil {
		return err
	}
	if opErr != nil {
		errs, err := s.topicErrors(c, opErr)
		if err != nil {
			return err
		}
		d.refused(id, e, errs)
		return s.render(c, present.Status(opErr), "admin_topics", "topics.title", d)
	}
	d.Notice = "topics.saved"
	return s.render(c, http.StatusOK, "admin_topics", "topics.title", d)
}

func (s *Staff) mountTopics(e *echo.Echo) {
	req := s.Auth.Require
	e.GET("/staff/admin/topics", s.topicsPage, req(access.ActTopicManage))
	e.POST("/staff/admin/topics/:id", s.updateTopic, req(access.ActTopicManage))
}
