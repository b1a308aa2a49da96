"""Catalogue entries in use are archived or merged, never deleted (issue #12, fault 12)."""

import re

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from praevention.catalog.models import (
    ActionGoal,
    EvidenceLevel,
    FieldOfAction,
    GoodPracticeCriterion,
    LifePhase,
    SocialSpace,
    StrategicGoal,
    TargetGroup,
)
from praevention.measures.history import measure_history
from praevention.measures.models import Measure
from tests.factories import (
    ActionGoalFactory,
    MeasureFactory,
    StrategicGoalFactory,
    TargetGroupFactory,
)
from tests.measures.forms_data import existing_participations, measure_post_data

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


# (catalogue model, how a measure links to an entry)
USES = {
    "target group": (TargetGroup, lambda m, e: m.target_groups.add(e)),
    "life phase": (LifePhase, lambda m, e: m.life_phases.add(e)),
    "social space": (SocialSpace, lambda m, e: m.social_spaces.add(e)),
    "field of action": (FieldOfAction, lambda m, e: m.fields_of_action.add(e)),
    "strategic goal": (StrategicGoal, lambda m, e: m.strategic_goals.add(e)),
    "action goal": (ActionGoal, lambda m, e: m.action_goals.add(e)),
    "criterion": (GoodPracticeCriterion, lambda m, e: m.good_practice_criteria.add(e)),
    "evidence level": (
        EvidenceLevel,
        lambda m, e: Measure.objects.filter(pk=m.pk).update(evidence_level=e),
    ),
}

# Catalogues the migrations leave empty: their factory makes the entry.
EMPTY_CATALOGUES = {StrategicGoal: StrategicGoalFactory, ActionGoal: ActionGoalFactory}


@pytest.fixture
def coordinator(client, koordination):
    client.force_login(koordination)
    return client


@pytest.mark.parametrize("kind", sorted(USES))
def test_an_entry_in_use_cannot_be_deleted_in_the_admin(client, admin_user, jugendamt, kind):
    model, link = USES[kind]
    entry = model.objects.order_by("pk").last() or EMPTY_CATALOGUES[model]()
    measure = MeasureFactory(lead=jugendamt)
    link(measure, entry)
    client.force_login(admin_user)

    page = client.get(admin_url(model, "delete", entry.pk))
    response = client.post(admin_url(model, "delete", entry.pk), {"post": "yes"})

    assert "bitte archivieren oder zusammenführen" in page.text
    assert response.status_code == 200
    assert model.objects.filter(pk=entry.pk).exists()


def test_coordinator_deleting_a_used_target_group_keeps_it_and_its_links(coordinator, jugendamt):
    group = TargetGroupFactory(name="Alleinerziehende Väter")
    measure = MeasureFactory(lead=jugendamt, target_groups=[group])

    response = coordinator.post(admin_url(TargetGroup, "delete", group.pk), {"post": "yes"})

    assert response.status_code == 200
    assert list(measure.target_groups.all()) == [group]


def test_bulk_delete_refuses_entries_in_use(coordinator, jugendamt):
    used, unused = TargetGroupFactory(), TargetGroupFactory()
    MeasureFactory(lead=jugendamt, target_groups=[used])

    response = coordinator.post(
        admin_url(TargetGroup, "changelist"),
        {
            "action": "delete_selected",
            helpers.ACTION_CHECKBOX_NAME: [used.pk, unused.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 200
    assert TargetGroup.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_an_unused_entry_can_be_deleted(coordinator):
    unused = TargetGroupFactory()
    response = coordinator.post(admin_url(TargetGroup, "delete", unused.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not TargetGroup.objects.filter(pk=unused.pk).exists()


def test_archived_entry_is_no_new_choice_but_stays_on_its_measures(
    client, coordinator, kernteam_jug, jugendamt
):
    group = TargetGroupFactory(name="Familien in Notunterkünften")
    measure = MeasureFactory(lead=jugendamt, target_groups=[group])
    response = coordinator.post(
        admin_url(TargetGroup, "changelist"),
        {"action": "archive", helpers.ACTION_CHECKBOX_NAME: [group.pk]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.is_archived

    client.force_login(kernteam_jug)
    new_form = client.get(reverse("measures:create")).context["form"]
    assert group not in new_form.fields["target_groups"].queryset
    edit_form = client.get(reverse("measures:edit", args=[measure.pk])).context["form"]
    assert group in edit_form.fields["target_groups"].queryset

    data = measure_post_data(measure, existing_participations(measure), summary="Weiter")
    assert client.post(reverse("measures:edit", args=[measure.pk]), data).status_code == 302
    assert list(measure.target_groups.all()) == [group]

    data = measure_post_data(participations=[(jugendamt, "lead", None)], title="Neu")
    data["target_groups"] = [str(group.pk)]
    response = client.post(reverse("measures:create"), data)
    assert response.status_code == 400
    assert "target_groups" in response.context["form"].errors


def test_archived_entry_is_no_new_choice_in_the_admin(client, admin_user, jugendamt):
    group = TargetGroupFactory(is_archived=True)
    client.force_login(admin_user)
    form = client.get(reverse("admin:measures_measure_add")).context["adminform"].form
    assert group not in form.fields["target_groups"].queryset


def test_merging_moves_the_links_and_writes_the_measures_history(
    coordinator, koordination, jugendamt
):
    duplicate = TargetGroupFactory(name="Kinder Alleinerziehender")
    kept = TargetGroupFactory(name="Kinder von Alleinerziehenden")
    only_duplicate = MeasureFactory(lead=jugendamt, target_groups=[duplicate])
    both = MeasureFactory(lead=jugendamt, target_groups=[duplicate, kept])
    only_kept = MeasureFactory(lead=jugendamt, target_groups=[kept])
    selection = {"action": "merge", helpers.ACTION_CHECKBOX_NAME: [duplicate.pk, kept.pk]}

    page = coordinator.post(admin_url(TargetGroup, "changelist"), selection)
    assert page.status_code == 200
    assert "Welcher Eintrag bleibt?" in page.text
    response = coordinator.post(
        admin_url(TargetGroup, "changelist"), {**selection, "post": "yes", "target": kept.pk}
    )

    assert response.status_code == 302
    assert not TargetGroup.objects.filter(pk=duplicate.pk).exists()
    for measure in (only_duplicate, both, only_kept):
        assert list(measure.target_groups.all()) == [kept]
    latest = measure_history(only_duplicate)[-1]
    assert latest.user == koordination
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes["Zielgruppen"] == ("Kinder Alleinerziehender", "Kinder von Alleinerziehenden")
    only_duplicate.refresh_from_db()
    assert only_duplicate.version == 2
    only_kept.refresh_from_db()
    assert only_kept.version == 1


def test_merge_needs_two_entries(coordinator):
    group = TargetGroupFactory()
    response = coordinator.post(
        admin_url(TargetGroup, "changelist"),
        {"action": "merge", helpers.ACTION_CHECKBOX_NAME: [group.pk]},
        follow=True,
    )
    assert "mindestens zwei Einträge" in response.text
    assert TargetGroup.objects.filter(pk=group.pk).exists()


def test_core_team_members_cannot_merge(client, kernteam_jug):
    a, b = TargetGroupFactory(), TargetGroupFactory()
    client.force_login(kernteam_jug)
    response = client.post(
        admin_url(TargetGroup, "changelist"),
        {"action": "merge", helpers.ACTION_CHECKBOX_NAME: [a.pk, b.pk], "post": "yes"},
    )
    assert response.status_code in (302, 403)
    assert TargetGroup.objects.filter(pk__in=[a.pk, b.pk]).count() == 2


def test_a_merge_that_would_create_duplicates_changes_nothing(coordinator):
    first = FieldOfAction.objects.create(name="Teilhabe A", position=90)
    second = FieldOfAction.objects.create(name="Teilhabe B", position=91)
    StrategicGoal.objects.create(field_of_action=first, title="Teilhabe sichern")
    StrategicGoal.objects.create(field_of_action=second, title="Teilhabe sichern")

    response = coordinator.post(
        admin_url(FieldOfAction, "changelist"),
        {
            "action": "merge",
            helpers.ACTION_CHECKBOX_NAME: [first.pk, second.pk],
            "post": "yes",
            "target": second.pk,
        },
        follow=True,
    )

    assert "lassen sich nicht zusammenführen" in response.text
    assert FieldOfAction.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert first.strategic_goals.count() == 1


def test_an_archived_social_space_is_no_option_in_the_grouped_select_but_stays_on_its_measure(
    client, kernteam_jug, jugendamt
):
    """Safety's archive and the map's grouped select together: what the user sees offered."""
    archived = SocialSpace.objects.get(lor_number="04100102")
    kept = SocialSpace.objects.get(lor_number="04100101")
    SocialSpace.objects.filter(pk=archived.pk).update(is_archived=True)
    measure = MeasureFactory(lead=jugendamt, social_spaces=[archived])
    client.force_login(kernteam_jug)

    def spaces_select(url):
        # Only the social spaces' select: other selects' option values are other ids.
        page = client.get(url).content.decode()
        return re.search(r'<select name="social_spaces".*?</select>', page, re.S).group(0)

    new_page = spaces_select(reverse("measures:create"))
    edit_page = spaces_select(reverse("measures:edit", args=[measure.pk]))

    # Only the social-space select: another select's option may carry the same number.
    spaces = new_page.split('name="social_spaces"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{kept.pk}"' in spaces
    assert f'<option value="{archived.pk}"' not in spaces
    assert f'<option value="{archived.pk}" selected>' in edit_page
    assert "<optgroup" in new_page


def test_the_social_space_admin_keeps_the_archive_field_and_shows_the_mss_values(
    client, admin_user
):
    space = SocialSpace.objects.get(lor_number="04100102")
    client.force_login(admin_user)
    page = client.get(admin_url(SocialSpace, "change", space.pk))
    form = page.context["adminform"].form
    assert "is_archived" in form.fields
    assert "mss_status_class" not in form.fields
    assert [
        formset.opts.model._meta.model_name for formset in page.context["inline_admin_formsets"]
    ] == ["socialmonitoring"]
    assert "2021" in page.content.decode()
