"""Build the POST data of the measure form the way a browser would send it."""

from praevention.measures.forms import MeasureForm


def measure_post_data(measure=None, participations=(), **overrides):
    """Form fields of `measure` (or a blank one) with participations [(department, role, id)]."""
    data = {
        "title": "",
        "summary": "",
        "description": "",
        "status": "planned",
        "start_date": "",
        "end_date": "",
        "poverty_focus": "both",
        "reach_planned": "",
        "reach_actual": "",
        "budget_eur": "",
        "funding_source": "",
        "funding_ends_on": "",
        "contact_person": "",
        "external_partners": "",
        "evidence_level": "",
        "evaluation_notes": "",
        "links": "",
        "version": "",
    }
    if measure is not None:
        form = MeasureForm(instance=measure)
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list):
                data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
            elif value is None:
                data[name] = ""
            else:
                data[name] = str(value)
    rows = list(participations)
    data.update(
        {
            "participations-TOTAL_FORMS": str(len(rows)),
            "participations-INITIAL_FORMS": str(sum(1 for row in rows if row[2])),
            "participations-MIN_NUM_FORMS": "0",
            "participations-MAX_NUM_FORMS": "1000",
        }
    )
    for i, (department, role, pk) in enumerate(rows):
        data[f"participations-{i}-department"] = str(department.pk) if department else ""
        data[f"participations-{i}-role"] = role
        data[f"participations-{i}-id"] = str(pk or "")
    data.update(overrides)
    return data


def existing_participations(measure):
    return [(p.department, p.role, p.pk) for p in measure.participations.all()]
