"""Load the Charlottenburg-Wilmersdorf demo network: departments, core team, logins, measures.

The network is data, not code: `demo/data/demo-network.toml` holds it (see its header).
Measures are written through `measures.services` like any edit in the browser, so the rules
and the history are the same; the district's social spaces and MSS values are set up before
(`manage.py setup_district`, 04 when none is); in another district the demo's Charlottenburg-
Wilmersdorf spaces are left out of the measures.

Idempotent: every row is found by its natural key and written only when something differs, so a
second run changes no row count in any table, not even in the history tables. The demo logins'
passwords are reset on every run, so the password printed by `--print-logins` always works.
"""

import re
import tomllib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praevention.accounts import roles
from praevention.accounts.models import User
from praevention.catalog import districts
from praevention.catalog.models import (
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.demo.meetings import seed_demo_meetings
from praevention.measures.models import Measure, Participation
from praevention.measures.services import measure_create, measure_update, measures_set_public
from praevention.network.models import Department, Person

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo-network.toml"
DEMO_PASSWORD = "Praevention-2023"
DEMO_KERNTEAM_EMAIL = "kernteam@demo.praeventionsnetz.de"
DEMO_KOORDINATION_EMAIL = "koordination@demo.praeventionsnetz.de"
DEMO_ADMIN_EMAIL = "admin@demo.praeventionsnetz.de"
# (role, e-mail): exactly one login per role, all with DEMO_PASSWORD; the data file marks the
# same people with `demo_login = true` (checked on loading).
DEMO_LOGINS = [
    (roles.KERNTEAM, DEMO_KERNTEAM_EMAIL),
    (roles.KOORDINATION, DEMO_KOORDINATION_EMAIL),
    (roles.ADMIN, DEMO_ADMIN_EMAIL),
]
# The demo's edits are recorded in the history as the coordinator's.
DEMO_AUTHOR_EMAIL = DEMO_KOORDINATION_EMAIL
Role = Participation.Role
RELATIVE_DATE = re.compile(r"^(?P<sign>[+-])(?P<n>[0-9]+) (?P<unit>days|months)$")


def load_demo_data(path=None):
    """The parsed data file: {"department": [...], "person": [...], "strategic_goal": [...],
    "measure": [...]}; a syntax error becomes a CommandError naming the file."""
    path = path or DEMO_FILE
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CommandError(
            _("Die Demo-Daten %(path)s lassen sich nicht lesen: %(error)s")
            % {"path": path, "error": error}
        ) from error


def relative_date(value, today):
    """A date from "+120 days", "-38 months" (relative to `today`) or None for an empty value."""
    if not value:
        return None
    match = RELATIVE_DATE.match(value)
    if match is None:
        raise CommandError(
            _("„%(value)s“ ist kein relatives Datum wie „+120 days“ oder „-38 months“.")
            % {"value": value}
        )
    n = int(match["n"]) * (1 if match["sign"] == "+" else -1)
    if match["unit"] == "months":
        return today + relativedelta(months=n)
    return today + timedelta(days=n)


def upsert(model, lookup, values):
    """Create the row or save only the fields that differ: an unchanged row is not written,
    so a re-run adds no history records. Returns (object, created)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                changed.append(name)
        elif getattr(obj, name) != value:
            changed.append(name)
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
    return obj, False


def ensure_departments(data=None):
    """The demo departments by short name; seed_synthetic reuses them."""
    data = data or load_demo_data()
    return {
        row["short_name"]: upsert(
            Department,
            {"short_name": row["short_name"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "colour": row["colour"],
                "description": row.get("description", ""),
                "public_email": row.get("public_email", ""),
            },
        )[0]
        for row in data["department"]
    }


def _by_name(model, names, queryset=None, key="name"):
    """Look catalogue entries up by name; a missing one means the seed migration did not run."""
    queryset = queryset if queryset is not None else model.objects.all()
    found = {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": names})}
    missing = sorted(set(names) - set(found))
    if missing:
        raise CommandError(
            _(
                "Stammdaten fehlen (%(model)s: %(names)s). "
                "Bitte zuerst „manage.py migrate“ ausführen."
            )
            % {"model": model._meta.verbose_name_plural, "names": ", ".join(missing)}
        )
    return found


def _ensure_user(email, first_name, last_name, role, password):
    """A user in exactly one role group; demo logins get the demo password on every run,
    everyone else has no usable password and cannot log in."""
    try:
        group = Group.objects.get(name=role)
    except Group.DoesNotExist:
        raise CommandError(
            _("Die Rolle „%(role)s“ fehlt. Bitte zuerst „manage.py migrate“ ausführen.")
            % {"role": role}
        ) from None
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "is_active": True,
        "is_staff": role in (roles.KOORDINATION, roles.ADMIN),
        "is_superuser": role == roles.ADMIN,
    }
    user = User.objects.by_email(email).first()
    if user is None:
        user = User(email=email, **values)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    else:
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, values[name])
        if password:
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    user.groups.set([group])
    return user


def _catalog(measures):
    """All catalogue entries the measures name, one query per catalogue; a name the catalogue
    does not know is an error naming it."""

    def names(key):
        return sorted({name for data in measures for name in data.get(key, [])})

    return {
        "target_groups": _by_name(TargetGroup, names("target_groups")),
        "life_phases": _by_name(LifePhase, names("life_phases")),
        # The demo names Charlottenburg-Wilmersdorf's spaces; another district keeps none.
        "social_spaces": SocialSpace.objects.in_bulk(
            names("social_spaces"), field_name="lor_number"
        ),
        "fields_of_action": _by_name(FieldOfAction, names("fields_of_action")),
        "strategic_goals": _by_name(StrategicGoal, names("strategic_goals"), key="title"),
        "good_practice_criteria": _by_name(GoodPracticeCriterion, names("good_practice")),
        "evidence_levels": {level.level: level for level in EvidenceLevel.objects.all()},
    }


def _measure_values(data, today, persons, catalog):
    evidence = data.get("evidence_level")
    if evidence is not None and evidence not in catalog["evidence_levels"]:
        raise CommandError(_("Evidenzstufe %(level)s fehlt.") % {"level": evidence})
    budget = data.get("budget_eur")
    return {
        "summary": data.get("summary", ""),
        "description": data.get("description", ""),
        "status": data["status"],
        "start_date": relative_date(data.get("start"), today),
        "end_date": relative_date(data.get("end"), today),
        "poverty_focus": data["poverty_focus"],
        "reach_planned": data.get("reach_planned"),
        "reach_actual": data.get("reach_actual"),
        "budget_eur": Decimal(budget) if budget is not None else None,
        "funding_source": data.get("funding_source", ""),
        "funding_ends_on": relative_date(data.get("funding_ends"), today),
        "contact_person": persons[data["contact"]],
        "external_partners": data.get("external_partners", ""),
        "evidence_level": catalog["evidence_levels"].get(evidence),
        "evaluation_notes": data.get("evaluation_notes", ""),
        "links": data.get("links", ""),
        "is_archived": False,
    }


def _participations(data, departments):
    """[(Department, role)]: the lead, then partners, funders and advisers as the file lists."""
    wanted = [(departments[data["lead"]], Role.LEAD)]
    for role in (Role.PARTNER, Role.FUNDING, Role.ADVISORY):
        wanted += [(departments[short], role) for short in data.get(role.value, [])]
    return wanted


def _is_unchanged(measure, values, m2m, participations):
    """True when the stored measure already is what the file says (then nothing is written)."""
    for name, value in values.items():
        field = Measure._meta.get_field(name)
        current = getattr(measure, field.attname)
        if field.is_relation:
            value = value.pk if value is not None else None
        if current != value:
            return False
    for name, objects in m2m.items():
        stored = set(getattr(measure, name).values_list("pk", flat=True))
        if stored != {obj.pk for obj in objects}:
            return False
    stored = set(measure.participations.values_list("department_id", "role"))
    return stored == {(department.pk, role) for department, role in participations}


def write_measure(data, *, today, departments, persons, catalog, by):
    """Create or update one demo measure through the services users' edits go through.

    Returns "created", "changed" or "unchanged"; an unchanged measure is not written, so a
    re-run adds no history record.
    """
    values = _measure_values(data, today, persons, catalog)
    m2m = {
        name: [catalog[name][key] for key in data.get(source, []) if key in catalog[name]]
        for name, source in (
            ("target_groups", "target_groups"),
            ("life_phases", "life_phases"),
            ("social_spaces", "social_spaces"),
            ("fields_of_action", "fields_of_action"),
            ("strategic_goals", "strategic_goals"),
            ("good_practice_criteria", "good_practice"),
        )
    }
    participations = _participations(data, departments)
    measure = Measure.objects.filter(title=data["title"]).first()
    if measure is None:
        measure_create(
            measure=Measure(title=data["title"], **values),
            m2m=m2m,
            participations=participations,
            by=by,
        )
        return "created"
    if _is_unchanged(measure, values, m2m, participations):
        return "unchanged"
    for name, value in values.items():
        setattr(measure, name, value)
    measure_update(
        measure=measure,
        m2m=m2m,
        participations=participations,
        expected_version=measure.version,
        by=by,
    )
    return "changed"


def ensure_goals(data):
    """The strategic goals of the data file by title, under their fields of action."""
    fields = _by_name(FieldOfAction, [row["field_of_action"] for row in data["strategic_goal"]])
    goals = {}
    for row in data["strategic_goal"]:
        for title in row["titles"]:
            goals[title], _created = upsert(
                StrategicGoal,
                {"field_of_action": fields[row["field_of_action"]], "title": title},
                {},
            )
    return goals


def ensure_persons(data, departments):
    """The core team by e-mail: accounts in their role and their profiles; the demo logins
    (exactly DEMO_LOGINS, checked) get DEMO_PASSWORD."""
    flagged = {(p["role"], p["email"]) for p in data["person"] if p.get("demo_login")}
    if flagged != set(DEMO_LOGINS):
        raise CommandError(
            _("Die Demo-Zugänge in %(path)s passen nicht zu DEMO_LOGINS.") % {"path": DEMO_FILE}
        )
    persons = {}
    for row in data["person"]:
        password = DEMO_PASSWORD if row.get("demo_login") else None
        user = _ensure_user(
            row["email"], row["first_name"], row["last_name"], row["role"], password
        )
        joined = row.get("core_team_since")
        persons[row["email"]], _created = upsert(
            Person,
            {"user": user},
            {
                "department": departments[row["department"]],
                "function": row.get("function", ""),
                "phone": row.get("phone", ""),
                "is_core_team": joined is not None,
                "joined_on": joined,
            },
        )
    return persons


def write_measures(measures, *, today, departments, persons):
    """Write every demo measure (`write_measure`) as the demo coordinator, then publish the new
    ones the file marks `public` for the open-data API as a coordinator would, once: a later
    re-run keeps what the coordinators decided since."""
    catalog = _catalog(measures)
    author = persons[DEMO_AUTHOR_EMAIL].user
    created = []
    for row in measures:
        outcome = write_measure(
            row, today=today, departments=departments, persons=persons, catalog=catalog, by=author
        )
        if outcome == "created" and row.get("public"):
            created.append(row["title"])
    measures_set_public(
        measure_ids=Measure.objects.filter(title__in=created).values_list("pk", flat=True),
        public=True,
        by=persons[DEMO_KOORDINATION_EMAIL].user,
    )


class Command(BaseCommand):
    help = "Lädt das Demo-Netzwerk Charlottenburg-Wilmersdorf (mehrfach ausführbar)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Lädt die Demo-Daten und zeigt danach die Demo-Zugänge (nur im DEBUG-Modus).",
        )

    def handle(self, *args, print_logins=False, **options):
        with transaction.atomic():
            summary = self.seed()
        if print_logins:
            self.print_logins()
        else:
            self.stdout.write(
                _(
                    "Demo-Netzwerk geladen: %(departments)d Fachbereiche, %(persons)d Personen "
                    "(%(core)d im Kernteam), %(goals)d strategische Ziele, %(measures)d Maßnahmen "
                    "mit %(participations)d Beteiligungen."
                )
                % summary
            )

    def seed(self):
        """Runs inside handle's transaction: on PostgreSQL the lead trigger checks at commit."""
        if districts.current() is None:  # `make run` sets up $(DISTRICT) before
            districts.setup_district("04")
        data = load_demo_data()
        departments = ensure_departments(data)
        goals = ensure_goals(data)
        persons = ensure_persons(data, departments)
        measures = data["measure"]
        write_measures(
            measures, today=timezone.localdate(), departments=departments, persons=persons
        )

        # Demo data of other apps that refers to the network: one call per app, each reading
        # its own data file, inside this transaction.
        seed_demo_meetings()  # two past core-team meetings

        return {
            "departments": len(departments),
            "persons": len(persons),
            "core": sum(1 for row in data["person"] if row.get("core_team_since")),
            "goals": len(goals),
            "measures": len(measures),
            "participations": sum(len(_participations(row, departments)) for row in measures),
        }

    def print_logins(self):
        """The demo password is public, but it is only shown on a local DEBUG run."""
        if not settings.DEBUG:
            self.stdout.write(
                _("Demo-Zugänge werden nur im DEBUG-Modus angezeigt (DEBUG=1 in .env setzen).")
            )
            return
        headers = (_("Rolle"), _("E-Mail"), _("Passwort"))
        rows = [(str(roles.LABELS[role]), email, DEMO_PASSWORD) for role, email in DEMO_LOGINS]
        widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(3)]

        def line(cells):
            cells = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return "  ".join(cells).rstrip()

        self.stdout.write(_("Demo-Zugänge (nur für die lokale Vorführung):"))
        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
