-- Topics the office edits (issue 18): a hint shown to citizens under the
-- topic on the petition form, in both languages, and the unit that leads a
-- case of this topic by default. NULL: the plan task's roles decide, as
-- before. The department's own fields of work are seeded by the app at
-- start (petition.DefaultTopics), which adds only missing slugs.
-- Keep in step with ../sqlite/00023_topic_fields.sql.

-- +goose Up
ALTER TABLE topics ADD COLUMN hint_vi TEXT NOT NULL DEFAULT '';
ALTER TABLE topics ADD COLUMN hint_en TEXT NOT NULL DEFAULT '';
ALTER TABLE topics ADD COLUMN lead_unit_id BIGINT REFERENCES units (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE topics DROP COLUMN lead_unit_id;
ALTER TABLE topics DROP COLUMN hint_en;
ALTER TABLE topics DROP COLUMN hint_vi;
