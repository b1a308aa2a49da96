"""On PostgreSQL, enforce "every measure has exactly one lead" at commit time.

At most one lead is a partial unique index (0001). At least one cannot be a plain
constraint, because a measure and its participations are written in several statements;
a deferred constraint trigger checks each touched measure when the transaction commits.
SQLite (local demo only) relies on the form and service validation.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION measures_check_one_lead() RETURNS trigger AS $$
DECLARE
    mid bigint;
    leads integer;
BEGIN
    IF TG_TABLE_NAME = 'measures_measure' THEN
        mid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        mid := OLD.measure_id;
    ELSE
        mid := NEW.measure_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM measures_measure WHERE id = mid) THEN
        RETURN NULL;  -- the measure itself was deleted
    END IF;
    SELECT count(*) INTO leads FROM measures_participation
        WHERE measure_id = mid AND role = 'lead';
    IF leads <> 1 THEN
        RAISE EXCEPTION 'measure % must have exactly one lead department, has %', mid, leads
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER measure_has_one_lead
    AFTER INSERT ON measures_measure
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION measures_check_one_lead();

CREATE CONSTRAINT TRIGGER participation_keeps_one_lead
    AFTER INSERT OR UPDATE OR DELETE ON measures_participation
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION measures_check_one_lead();
"""

DROP = """
DROP TRIGGER IF EXISTS participation_keeps_one_lead ON measures_participation;
DROP TRIGGER IF EXISTS measure_has_one_lead ON measures_measure;
DROP FUNCTION IF EXISTS measures_check_one_lead();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
