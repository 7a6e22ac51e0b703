package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// The people the matrix walks. Each holds one role, plus the office's head
// (unit head of VP) and an officer holding the identity.read grant.
var matrixActors = []struct {
	name  string
	unit  string
	roles []access.Role
	grant bool
}{
	{"officer", "PQLXD", []access.Role{access.UnitOfficer}, false},
	{"head", "PQLXD", []access.Role{access.UnitHead}, false},
	{"office", "VP", []access.Role{access.Office}, false},
	{"leadership", "", []access.Role{access.Leadership}, false},
	{"admin", "", []access.Role{access.Admin}, false},
	{"auditor", "", []access.Role{access.Auditor}, false},
	{"officeHead", "VP", []access.Role{access.UnitHead}, false},
	{"granted", "PQLXD", []access.Role{access.UnitOfficer}, true},
}

const everyone = "officer head office leadership admin auditor officeHead granted"

// route is one matrix row: who may call it ("public": anyone, no account),
// and how the test calls it.
type route struct {
	allow string // space-separated actor names, or "public"
	// path with the parameters filled; {case}, {account}, {token}, {run}, {session} are
	// replaced by ids the test creates.
	path string
	// body: a form for pages, JSON for the API. Chosen to pass the guard but
	// change nothing that matters (validation fails, or the target is a
	// throwaway row).
	form url.Values
	json string
}

// staffMatrix is the authorization matrix: every route the server has.
// Adding a route without a row here fails TestAuthorizationMatrix.
func staffMatrix() map[string]route {
	staffReaders := "officer head office leadership officeHead granted"
	caseReaders := "officer head office leadership granted" // the case is PQLXD's
	return map[string]route{
		// Public pages, API and probes.
		"GET /":                                         {allow: "public"},
		"GET /units":                                    {allow: "public"},
		"GET /static/*":                                 {allow: "public", path: "/static/app.css"},
		"GET /healthz":                                  {allow: "public"},
		"GET /readyz":                                   {allow: "public"},
		"GET /metrics":                                  {allow: "public"},
		"GET /tinh-han":                                 {allow: "public"},
		"GET /admin/calendar":                           {allow: "public"},
		"GET /admin/calendar/:year":                     {allow: "public", path: "/admin/calendar/2031"},
		"GET /login":                                    {allow: "public"},
		"POST /login":                                   {allow: "public"},
		"GET /api/v1/openapi.yaml":                      {allow: "public"},
		"GET /api/v1/plans":                             {allow: "public"},
		"GET /api/v1/plans/:id":                         {allow: "public", path: "/api/v1/plans/1"},
		"GET /api/v1/units":                             {allow: "public"},
		"GET /api/v1/reception/days":                    {allow: "public"},
		"GET /api/v1/calendar/:year":                    {allow: "public", path: "/api/v1/calendar/2031"},
		"GET /api/v1/deadline/explain":                  {allow: "public", path: "/api/v1/deadline/explain?rule=pakn.answer&start=2026-11-27"},
		"GET /api/v1/deadline/rules":                    {allow: "public"},
		"GET /api/v1/deadline/overrides":                {allow: "public"},
		"GET /api/v1/topics":                            {allow: "public"},
		"POST /api/v1/petitions":                        {allow: "public"},
		"GET /api/v1/petitions/:code":                   {allow: "public"},
		"POST /api/v1/petitions/:code/rating":           {allow: "public"},
		"POST /api/v1/petitions/:code/dispute":          {allow: "public"},
		"GET /api/v1/petitions/:code/files/:id":         {allow: "public"},
		"GET /gui-phan-anh":                             {allow: "public"},
		"POST /gui-phan-anh":                            {allow: "public"},
		"GET /tra-cuu":                                  {allow: "public"},
		"POST /tra-cuu":                                 {allow: "public"},
		"POST /tra-cuu/danh-gia":                        {allow: "public"},
		"POST /tra-cuu/khong-dong-y":                    {allow: "public"},
		"POST /tra-cuu/tep":                             {allow: "public"},
		"POST /tra-cuu/thong-bao":                       {allow: "public"},
		"GET /tra-cuu/tat-thong-bao":                    {allow: "public"},
		"POST /tra-cuu/tat-thong-bao":                   {allow: "public"},
		"GET /lich-tiep-cong-dan":                       {allow: "public"},
		"GET /lich-tiep-cong-dan.ics":                   {allow: "public"},
		"GET /lich-tiep-cong-dan/dang-ky":               {allow: "public"},
		"POST /lich-tiep-cong-dan/dang-ky":              {allow: "public"},
		"GET /lich-tiep-cong-dan/danh-gia/:id/:sig":     {allow: "public", path: "/lich-tiep-cong-dan/danh-gia/{session}/x"},
		"POST /lich-tiep-cong-dan/danh-gia/:id/:sig":    {allow: "public", path: "/lich-tiep-cong-dan/danh-gia/{session}/x"},
		"GET /lich-tiep-cong-dan/huy-dang-ky/:id/:sig":  {allow: "public", path: "/lich-tiep-cong-dan/huy-dang-ky/1/x"},
		"POST /lich-tiep-cong-dan/huy-dang-ky/:id/:sig": {allow: "public", path: "/lich-tiep-cong-dan/huy-dang-ky/1/x"},

		// Staff pages.
		"GET /staff":                            {allow: everyone},
		"GET /staff/inbox":                      {allow: staffReaders},
		"GET /staff/inbox.csv":                  {allow: staffReaders},
		"GET /staff/inbox.xlsx":                 {allow: staffReaders},
		"POST /staff/views":                     {allow: staffReaders, form: url.Values{"list": {"inbox"}}},
		"POST /staff/views/:id/delete":          {allow: everyone, path: "/staff/views/0/delete", form: url.Values{}},
		"GET /staff/cases/:id":                  {allow: caseReaders, path: "/staff/cases/{case}"},
		"GET /staff/cases/:id/attachments/:att": {allow: caseReaders, path: "/staff/cases/{case}/attachments/{attachment}"},
		"POST /staff/cases/:id/identity":        {allow: "granted", path: "/staff/cases/{case}/identity", form: url.Values{"reason": {""}}},
		"GET /staff/password":                   {allow: everyone},
		"POST /staff/password":                  {allow: everyone, form: url.Values{"current": {"wrong"}}},
		"GET /staff/admin/users":                {allow: "admin"},
		"POST /staff/admin/users":               {allow: "admin", form: url.Values{}},
		"POST /staff/admin/users/:id":           {allow: "admin", path: "/staff/admin/users/{account}", form: url.Values{}},
		"POST /staff/admin/users/:id/password":  {allow: "admin", path: "/staff/admin/users/{account}/password", form: url.Values{}},
		"POST /staff/admin/tokens":              {allow: "admin", form: url.Values{}},
		"POST /staff/admin/tokens/:id/revoke":   {allow: "admin", path: "/staff/admin/tokens/{token}/revoke", form: url.Values{}},
		"GET /staff/grants":                     {allow: "officeHead"},
		"POST /staff/grants/:id":                {allow: "officeHead", path: "/staff/grants/{account}", form: url.Values{"grant": {"0"}}},
		"GET /staff/audit":                      {allow: "admin auditor", path: "/staff/audit?page=2&access_page=2"},
		"POST /admin/calendar/:year/confirm":    {allow: "office", path: "/admin/calendar/2031/confirm", form: url.Values{}},
		"POST /logout":                          {allow: everyone, form: url.Values{}},
		"POST /admin/calendar/:year/:op":        {allow: "office", path: "/admin/calendar/2031/remove", form: url.Values{"date": {"2031-01-01"}}},
		"GET /admin/rules":                      {allow: "public"},
		"POST /admin/rules":                     {allow: "admin", form: url.Values{"id": {"pakn.answer"}, "effective_from": {"x"}}},
		"POST /admin/rules/builtin":             {allow: "admin", form: url.Values{"item": {"pakn.answer"}, "decision": {"keep"}}},

		// Scheduled work and alerts.
		"GET /staff/alerts":                          {allow: everyone, path: "/staff/alerts?page=2"},
		"POST /staff/alerts/read":                    {allow: everyone, form: url.Values{}},
		"GET /staff/admin/jobs":                      {allow: "admin", path: "/staff/admin/jobs?dead_page=2"},
		"GET /staff/admin/topics":                    {allow: "office"},
		"GET /staff/admin/units":                     {allow: "office admin"},
		"GET /staff/admin/units.csv":                 {allow: "office admin"},
		"POST /staff/admin/units":                    {allow: "office admin", form: url.Values{}},
		"POST /staff/admin/units/import":             {allow: "office admin", form: url.Values{}},
		"POST /staff/admin/units/:code":              {allow: "office admin", path: "/staff/admin/units/NONE", form: url.Values{}},
		"POST /staff/admin/units/:code/:op":          {allow: "office admin", path: "/staff/admin/units/PQLXD/retire", form: url.Values{}},
		"GET /staff/reception":                       {allow: "office"},
		"GET /staff/reception/day":                   {allow: "office"},
		"POST /staff/reception/sessions":             {allow: "office", form: url.Values{"day": {"x"}}},
		"POST /staff/reception/sessions/:id/result":  {allow: "office", path: "/staff/reception/sessions/{session}/result", form: url.Values{}},
		"POST /staff/reception/no-visitor":           {allow: "office", form: url.Values{"day": {"x"}}},
		"GET /staff/reception/sessions/:id/receipt":  {allow: "office", path: "/staff/reception/sessions/{session}/receipt"},
		"POST /staff/reception/schedules":            {allow: "office", form: url.Values{"host": {""}}},
		"POST /staff/reception/schedules/:id":        {allow: "office", path: "/staff/reception/schedules/1", form: url.Values{"host": {""}}},
		"POST /staff/reception/schedules/:id/change": {allow: "office", path: "/staff/reception/schedules/1/change", form: url.Values{"day": {"x"}}},
		"POST /staff/admin/topics/:id":               {allow: "office", path: "/staff/admin/topics/1", form: url.Values{"name_vi": {"Thông tin quy hoạch"}, "active": {"on"}}},
		"POST /staff/admin/jobs/:name/run":           {allow: "admin", path: "/staff/admin/jobs/kpi-snapshot/run", form: url.Values{}},
		"GET /staff/admin/jobs/runs/:id":             {allow: "admin", path: "/staff/admin/jobs/runs/{run}"},
		"POST /staff/admin/outbox/:id/retry":         {allow: "admin", path: "/staff/admin/outbox/0/retry", form: url.Values{}},

		// KPIs: reports are the office's and leadership's; the
		// office alone marks answers publishable; the transparency page is
		// public. The export's body fails validation (nothing starts); the
		// unknown export and answer are refused by the handler, not the
		// guard.
		"GET /staff/reports":                  {allow: "office leadership"},
		"GET /staff/reports/table":            {allow: "office leadership"},
		"GET /staff/reports/table.csv":        {allow: "office leadership"},
		"GET /staff/reports/cases":            {allow: "office leadership", path: "/staff/reports/cases?figure=received"},
		"GET /staff/reports/cases.csv":        {allow: "office leadership", path: "/staff/reports/cases.csv?figure=received"},
		"GET /staff/reports/cases.xlsx":       {allow: "office leadership", path: "/staff/reports/cases.xlsx?figure=received"},
		"POST /staff/reports/exports":         {allow: "office leadership", form: url.Values{"from": {"x"}}},
		"GET /staff/reports/exports/:id":      {allow: "office leadership", path: "/staff/reports/exports/0"},
		"GET /staff/reports/exports/:id/file": {allow: "office leadership", path: "/staff/reports/exports/0/file"},
		"GET /staff/reports/answers":          {allow: "office leadership", path: "/staff/reports/answers?page=2"},
		"POST /staff/reports/answers/:id":     {allow: "office", path: "/staff/reports/answers/0", form: url.Values{"publishable": {"1"}}},
		"GET /minh-bach":                      {allow: "public"},

		// The case workflow. The test's case is a denunciation just
		// received, led by PQLXD: each body passes the guards and then fails
		// on the case's state (409) or on validation (422), so nothing
		// changes. Who passes is the action's row in petition.Machine,
		// asked again with the case (officeHead is no unit of this case).
		"GET /staff/cases/new":                          {allow: "office"},
		"POST /staff/cases":                             {allow: "office", form: url.Values{}},
		"POST /staff/inbox/assign":                      {allow: "office", form: url.Values{}},
		"POST /staff/inbox/chase":                       {allow: "office leadership", form: url.Values{}},
		"POST /staff/cases/:id/classify":                {allow: "office", path: "/staff/cases/{case}/classify", form: url.Values{}},
		"POST /staff/cases/:id/split":                   {allow: "office", path: "/staff/cases/{case}/split", form: url.Values{}},
		"POST /staff/cases/:id/accept":                  {allow: "office", path: "/staff/cases/{case}/accept", form: url.Values{}},
		"POST /staff/cases/:id/forward":                 {allow: "office", path: "/staff/cases/{case}/forward", form: url.Values{}},
		"POST /staff/cases/:id/guide":                   {allow: "office", path: "/staff/cases/{case}/guide", form: url.Values{}},
		"POST /staff/cases/:id/reject":                  {allow: "office", path: "/staff/cases/{case}/reject", form: url.Values{}},
		"POST /staff/cases/:id/file":                    {allow: "office", path: "/staff/cases/{case}/file", form: url.Values{}},
		"POST /staff/cases/:id/assign":                  {allow: "office", path: "/staff/cases/{case}/assign", form: url.Values{}},
		"POST /staff/cases/:id/answer":                  {allow: "officer head granted", path: "/staff/cases/{case}/answer", form: url.Values{}},
		"POST /staff/cases/:id/approve":                 {allow: "head", path: "/staff/cases/{case}/approve", form: url.Values{}},
		"POST /staff/cases/:id/contribute":              {allow: "officer head granted", path: "/staff/cases/{case}/contribute", form: url.Values{}},
		"POST /staff/cases/:id/extend":                  {allow: "officer head leadership granted", path: "/staff/cases/{case}/extend", form: url.Values{}},
		"POST /staff/cases/:id/suspend":                 {allow: "office", path: "/staff/cases/{case}/suspend", form: url.Values{}},
		"POST /staff/cases/:id/resume":                  {allow: "office", path: "/staff/cases/{case}/resume", form: url.Values{}},
		"POST /staff/cases/:id/withdraw":                {allow: "office", path: "/staff/cases/{case}/withdraw", form: url.Values{}},
		"POST /staff/cases/:id/terminate":               {allow: "office", path: "/staff/cases/{case}/terminate", form: url.Values{}},
		"POST /staff/cases/:id/close":                   {allow: "office", path: "/staff/cases/{case}/close", form: url.Values{}},
		"POST /staff/cases/:id/chase":                   {allow: "office leadership", path: "/staff/cases/{case}/chase", form: url.Values{}},
		"POST /staff/cases/:id/staff_reopen":            {allow: "office leadership", path: "/staff/cases/{case}/staff_reopen", form: url.Values{}},
		"POST /staff/cases/:id/notify_parties":          {allow: "office", path: "/staff/cases/{case}/notify_parties", form: url.Values{}},
		"POST /staff/cases/:id/suspension_sent":         {allow: "office", path: "/staff/cases/{case}/suspension_sent", form: url.Values{}},
		"POST /staff/cases/:id/conclusion_published":    {allow: "office", path: "/staff/cases/{case}/conclusion_published", form: url.Values{}},
		"POST /staff/cases/:id/report_requested":        {allow: "office", path: "/staff/cases/{case}/report_requested", form: url.Values{}},
		"POST /staff/cases/:id/report_sent":             {allow: "office", path: "/staff/cases/{case}/report_sent", form: url.Values{}},
		"POST /staff/cases/:id/reported_back":           {allow: "office", path: "/staff/cases/{case}/reported_back", form: url.Values{}},
		"POST /staff/cases/:id/refusal_notice_sent":     {allow: "office", path: "/staff/cases/{case}/refusal_notice_sent", form: url.Values{}},
		"POST /staff/cases/:id/refuse_reception":        {allow: "office", path: "/staff/cases/{case}/refuse_reception", form: url.Values{}},
		"POST /staff/cases/:id/schedule_dialogue":       {allow: "office", path: "/staff/cases/{case}/schedule_dialogue", form: url.Values{}},
		"POST /staff/cases/:id/dialogue_notice_sent":    {allow: "office", path: "/staff/cases/{case}/dialogue_notice_sent", form: url.Values{}},
		"POST /staff/cases/:id/record_dialogue":         {allow: "office", path: "/staff/cases/{case}/record_dialogue", form: url.Values{}},
		"GET /api/v1/cases":                             {allow: staffReaders},
		"POST /api/v1/cases":                            {allow: "office", json: `{}`},
		"GET /api/v1/cases/:code":                       {allow: caseReaders, path: "/api/v1/cases/{code}"},
		"POST /api/v1/cases/:code/classify":             {allow: "office", path: "/api/v1/cases/{code}/classify", json: `{}`},
		"POST /api/v1/cases/:code/split":                {allow: "office", path: "/api/v1/cases/{code}/split", json: `{}`},
		"POST /api/v1/cases/:code/accept":               {allow: "office", path: "/api/v1/cases/{code}/accept", json: `{}`},
		"POST /api/v1/cases/:code/forward":              {allow: "office", path: "/api/v1/cases/{code}/forward", json: `{}`},
		"POST /api/v1/cases/:code/guide":                {allow: "office", path: "/api/v1/cases/{code}/guide", json: `{}`},
		"POST /api/v1/cases/:code/reject":               {allow: "office", path: "/api/v1/cases/{code}/reject", json: `{}`},
		"POST /api/v1/cases/:code/file":                 {allow: "office", path: "/api/v1/cases/{code}/file", json: `{}`},
		"POST /api/v1/cases/:code/assign":               {allow: "office", path: "/api/v1/cases/{code}/assign", json: `{}`},
		"POST /api/v1/cases/:code/answer":               {allow: "officer head granted", path: "/api/v1/cases/{code}/answer", json: `{}`},
		"POST /api/v1/cases/:code/approve":              {allow: "head", path: "/api/v1/cases/{code}/approve", json: `{}`},
		"POST /api/v1/cases/:code/contribute":           {allow: "officer head granted", path: "/api/v1/cases/{code}/contribute", json: `{}`},
		"POST /api/v1/cases/:code/extend":               {allow: "officer head leadership granted", path: "/api/v1/cases/{code}/extend", json: `{}`},
		"POST /api/v1/cases/:code/suspend":              {allow: "office", path: "/api/v1/cases/{code}/suspend", json: `{}`},
		"POST /api/v1/cases/:code/resume":               {allow: "office", path: "/api/v1/cases/{code}/resume", json: `{}`},
		"POST /api/v1/cases/:code/withdraw":             {allow: "office", path: "/api/v1/cases/{code}/withdraw", json: `{}`},
		"POST /api/v1/cases/:code/terminate":            {allow: "office", path: "/api/v1/cases/{code}/terminate", json: `{}`},
		"POST /api/v1/cases/:code/close":                {allow: "office", path: "/api/v1/cases/{code}/close", json: `{}`},
		"POST /api/v1/cases/:code/chase":                {allow: "office leadership", path: "/api/v1/cases/{code}/chase", json: `{}`},
		"POST /api/v1/cases/:code/staff_reopen":         {allow: "office leadership", path: "/api/v1/cases/{code}/staff_reopen", json: `{}`},
		"POST /api/v1/cases/:code/notify_parties":       {allow: "office", path: "/api/v1/cases/{code}/notify_parties", json: `{}`},
		"POST /api/v1/cases/:code/suspension_sent":      {allow: "office", path: "/api/v1/cases/{code}/suspension_sent", json: `{}`},
		"POST /api/v1/cases/:code/conclusion_published": {allow: "office", path: "/api/v1/cases/{code}/conclusion_published", json: `{}`},
		"POST /api/v1/cases/:code/report_requested":     {allow: "office", path: "/api/v1/cases/{code}/report_requested", json: `{}`},
		"POST /api/v1/cases/:code/report_sent":          {allow: "office", path: "/api/v1/cases/{code}/report_sent", json: `{}`},
		"POST /api/v1/cases/:code/reported_back":        {allow: "office", path: "/api/v1/cases/{code}/reported_back", json: `{}`},
		"POST /api/v1/cases/:code/refusal_notice_sent":  {allow: "office", path: "/api/v1/cases/{code}/refusal_notice_sent", json: `{}`},
		"POST /api/v1/cases/:code/refuse_reception":     {allow: "office", path: "/api/v1/cases/{code}/refuse_reception", json: `{}`},
		"POST /api/v1/cases/:code/schedule_dialogue":    {allow: "office", path: "/api/v1/cases/{code}/schedule_dialogue", json: `{}`},
		"POST /api/v1/cases/:code/dialogue_notice_sent": {allow: "office", path: "/api/v1/cases/{code}/dialogue_notice_sent", json: `{}`},
		"POST /api/v1/cases/:code/record_dialogue":      {allow: "office", path: "/api/v1/cases/{code}/record_dialogue", json: `{}`},

		// Staff API.
		"GET /api/v1/me":                                         {allow: everyone},
		"GET /api/v1/audit":                                      {allow: "admin auditor", path: "/api/v1/audit?offset=100"},
		"GET /api/v1/audit/identity-access":                      {allow: "auditor", path: "/api/v1/audit/identity-access?offset=100"},
		"GET /api/v1/staff/cases":                                {allow: staffReaders, path: "/api/v1/staff/cases?offset=100"},
		"GET /api/v1/staff/cases/:id":                            {allow: caseReaders, path: "/api/v1/staff/cases/{case}"},
		"GET /api/v1/staff/cases/:id/attachments/:attachment_id": {allow: caseReaders, path: "/api/v1/staff/cases/{case}/attachments/{attachment}"},
		"POST /api/v1/staff/cases/:id/identity":                  {allow: "granted", path: "/api/v1/staff/cases/{case}/identity", json: `{"reason":""}`},
		"GET /api/v1/alerts":                                     {allow: everyone, path: "/api/v1/alerts?offset=100"},
		"POST /api/v1/alerts/read":                               {allow: everyone, json: `{"ids":[]}`},
		"GET /api/v1/admin/jobs":                                 {allow: "admin"},
		"GET /api/v1/admin/topics":                               {allow: "office"},
		"GET /api/v1/admin/reception/schedules":                  {allow: "office"},
		"POST /api/v1/admin/reception/schedules":                 {allow: "office", json: `{"host":""}`},
		"GET /api/v1/admin/reception/schedules/:id":              {allow: "office", path: "/api/v1/admin/reception/schedules/{schedule}"},
		"PUT /api/v1/admin/reception/schedules/:id":              {allow: "office", path: "/api/v1/admin/reception/schedules/{schedule}", json: `{"host":""}`},
		"POST /api/v1/admin/reception/schedules/:id/changes":     {allow: "office", path: "/api/v1/admin/reception/schedules/{schedule}/changes", json: `{"day":"x","reason":""}`},
		"GET /api/v1/admin/units":                                {allow: "office admin"},
		"POST /api/v1/admin/units":                               {allow: "office admin", json: `{"name":"","kind":"division"}`},
		"POST /api/v1/admin/units/import":                        {allow: "office admin", json: `{}`},
		"PUT /api/v1/admin/units/:code":                          {allow: "office admin", path: "/api/v1/admin/units/VP", json: `{"name":"","kind":"office"}`},
		"POST /api/v1/admin/units/:code/merge":                   {allow: "office admin", path: "/api/v1/admin/units/VP/merge", json: `{"into":"VP"}`},
		"POST /api/v1/admin/units/:code/retire":                  {allow: "office admin", path: "/api/v1/admin/units/PQLXD/retire", json: `{}`},
		"POST /api/v1/admin/units/:code/restore":                 {allow: "office admin", path: "/api/v1/admin/units/VP/restore", json: `{}`},
		"PUT /api/v1/admin/topics/:id":                           {allow: "office", path: "/api/v1/admin/topics/1", json: `{"name_vi":"Thông tin quy hoạch","active":true}`},
		"POST /api/v1/admin/jobs/:name/run":                      {allow: "admin", path: "/api/v1/admin/jobs/kpi-snapshot/run", json: `{}`},
		"PUT /api/v1/deadline/overrides":                         {allow: "admin", json: `{"rule_id":"complaint.resolve","scope":"","limit":1,"reason":"matrix"}`},
		"DELETE /api/v1/deadline/overrides":                      {allow: "admin", path: "/api/v1/deadline/overrides?rule_id=pakn.answer&scope=none"},
		"PUT /api/v1/calendar/:year":                             {allow: "office", path: "/api/v1/calendar/2031", json: `{"confirmed":true,"days_off":[{"date":"2030-12-31","name":"x"}],"working_saturdays":[]}`},
		"GET /api/v1/reports/on-time":                            {allow: "office leadership", path: "/api/v1/reports/on-time?from=2026-11-01&to=2026-11-30&by=unit"},
		"GET /api/v1/public/stats":                               {allow: "public"},
		"GET /api/v1/public/stats.csv":                           {allow: "public"},
		"POST /api/v1/deadline/rules":                            {allow: "admin", json: `{"id":"pakn.answer","limit":1,"unit":"working_days","effective_from":"x","legal_basis":"matrix","confidence":"?","reason":"matrix"}`},
	}
}

// outcome classifies a response: allowed, or refused (401, 403, 404 for a
// resource that exists, or a redirect to the login or password page).
func outcome(res *http.Response) (allowed bool, detail string) {
	loc := res.Header.Get("Location")
	detail = fmt.Sprintf("%d %s", res.StatusCode, loc)
	switch {
	case res.StatusCode == http.StatusUnauthorized, res.StatusCode == http.StatusForbidden, res.StatusCode == http.StatusNotFound:
		return false, detail
	case res.StatusCode == http.StatusSeeOther && (strings.HasPrefix(loc, "/login?next=") || loc == "/staff/password"):
		return false, detail
	}
	return true, detail
}

func TestAuthorizationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db)
		ctx := context.Background()
		matrix := staffMatrix()

		// Every registered route has a row, and every row a route.
		h := ta.handler
		seen := map[string]bool{}
		for _, r := range h.(*echo.Echo).Routes() {
			if r.Method == echo.RouteNotFound {
				continue
			}
			key := r.Method + " " + r.Path
			seen[key] = true
			if _, ok := matrix[key]; !ok {
				t.Errorf("route %s has no entry in the authorization matrix (cmd/phucdap/matrix_test.go): decide who may call it", key)
			}
		}
		for key := range matrix {
			if !seen[key] {
				t.Errorf("matrix entry %s matches no route", key)
			}
		}

		caseID, caseCode := ta.submitCase(t, "to_cao", "Trần Thị Ma Trận", "0987000111", "Tôi tố cáo cán bộ X nhận tiền của người dân khi làm thủ tục.", true)
		ta.assign(t, caseID, "PQLXD")
		throwaway := ta.addStaff(t, "throwaway@sxd.test", "PQLXD", access.UnitOfficer)
		tok, _, err := ta.accounts.CreateToken(ctx, access.System("test"), "throwaway@sxd.test", "throwaway", nil)
		if err != nil {
			t.Fatal(err)
		}
		attID := ta.attach(t, caseID, "Đơn tố cáo.pdf")
		jobRun := ta.runJob(t, "outbox", time.Time{})
		// A reception session answered at the desk: no dialogue, no case.
		sess, err := ta.reception.Record(ctx, ta.staffActor(t, "matrix-reception@sxd.test", "VP", access.Office), reception.SessionInput{
			Day: ta.reception.Today(), Receiver: "Chuyên viên Ma Trận", Kind: petition.KindPetition, Name: "Người Đến",
			Content: "Hỏi về thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ.", Outcome: reception.OutcomeGuided})
		if err != nil {
			t.Fatal(err)
		}
		sched, err := ta.reception.SaveSchedule(ctx, ta.staffActor(t, "matrix-schedule@sxd.test", "VP", access.Office), reception.Schedule{
			Kind: reception.KindDesk, Host: "Văn phòng Sở", Repeat: reception.RepeatWorkingDays, StartMin: 450, EndMin: 1020,
			Place: "Phòng tiếp công dân", From: ta.reception.Today(), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		fill := func(p string) string {
			r := strings.NewReplacer("{schedule}", itoa(sched.ID), "{case}", itoa(caseID), "{code}", caseCode, "{account}", itoa(throwaway.ID), "{token}", itoa(tok.ID),
				"{attachment}", itoa(attID), "{run}", itoa(jobRun.ID), "{session}", itoa(sess.ID))
			return r.Replace(p)
		}

		var keys []string
		for k := range matrix {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			// Logout last: it ends the session it is called with.
			if (keys[i] == "POST /logout") != (keys[j] == "POST /logout") {
				return keys[j] == "POST /logout"
			}
			return keys[i] < keys[j]
		})

		call := func(b *browser, key string, r route) *http.Response {
			method, p, _ := strings.Cut(key, " ")
			if r.path != "" {
				p = fill(r.path)
			}
			switch {
			case r.json != "":
				req, _ := http.NewRequest(method, ta.Server.URL+p, strings.NewReader(r.json))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-CSRF-Token", b.csrf())
				res, err := b.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res
			case method == http.MethodDelete:
				req, _ := http.NewRequest(method, ta.Server.URL+p, nil)
				req.Header.Set("X-CSRF-Token", b.csrf())
				res, err := b.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res
			case method == http.MethodPost:
				f := url.Values{}
				for k, v := range r.form {
					f[k] = v
				}
				res, _ := b.post(p, f)
				return res
			}
			res, _ := b.get(p)
			return res
		}

		// Public routes answer an anonymous GET without asking for an
		// account (their POSTs have their own form tokens and checks).
		anon := ta.browser(t)
		for _, key := range keys {
			r := matrix[key]
			method, _, _ := strings.Cut(key, " ")
			if r.allow == "public" {
				if method == http.MethodGet {
					// Not found is an answer, not a refusal: a tracking code
					// needs its secret.
					res := call(anon, key, r)
					if ok, d := outcome(res); !ok && res.StatusCode != http.StatusNotFound {
						t.Errorf("anonymous %s: refused (%s), but it is public", key, d)
					}
				}
				continue
			}
			if ok, d := outcome(call(anon, key, r)); ok {
				t.Errorf("anonymous %s: allowed (%s)", key, d)
			}
		}

		for i, a := range matrixActors {
			acc := ta.addStaff(t, fmt.Sprintf("m%d-%s@sxd.test", i, strings.ToLower(a.name)), a.unit, a.roles...)
			if a.grant {
				ta.grantIdentity(t, acc)
			}
			b := ta.browser(t)
			b.mustLogin(acc.Email)
			for _, key := range keys {
				r := matrix[key]
				if r.allow == "public" {
					continue
				}
				want := strings.Contains(" "+r.allow+" ", " "+a.name+" ")
				res := call(b, key, r)
				if res.StatusCode >= 500 {
					t.Errorf("%s %s: server error %d", a.name, key, res.StatusCode)
					continue
				}
				if got, d := outcome(res); got != want {
					t.Errorf("%s %s: allowed=%v (%s), want %v", a.name, key, got, d, want)
				}
			}
		}
	})
}
