"""Store each account's canonical e-mail address and make it unique (issue #28, fault 2).

Existing addresses are canonicalised here; if two accounts share a canonical form (e.g.
"Kai@…" and "kai@…", or a look-alike spelling) the migration stops and names them: an admin
merges or renames one, then migrates again. Nothing is changed silently.
"""

import unicodedata

from django.db import migrations, models


def canonical(value):
    # A copy of accounts.addresses.canonical_email as of this migration (migrations must not
    # change meaning when the app's code does); normalize_line's invisible characters included.
    from praevention.core.text import normalize_line

    folded = unicodedata.normalize("NFKC", normalize_line(str(value or ""))).casefold()
    return unicodedata.normalize("NFKC", folded)


def canonicalise(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    collisions = []
    for user in User.objects.order_by("pk").only("pk", "email"):
        form = canonical(user.email)
        if form in seen:
            collisions.append(f"#{seen[form][0]} {seen[form][1]!r} = #{user.pk} {user.email!r}")
            continue
        seen[form] = (user.pk, user.email)
        User.objects.filter(pk=user.pk).update(email_canonical=form)
    if collisions:
        raise RuntimeError(
            "Accounts whose e-mail addresses are the same address in canonical form "
            "(NFKC, case-folded); merge or rename one of each pair in the admin, then migrate "
            "again: " + "; ".join(collisions)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_canonical",
            field=models.CharField(
                editable=False,
                max_length=254,
                null=True,
                verbose_name="E-Mail-Adresse (Vergleichsform)",
            ),
        ),
        migrations.RunPython(canonicalise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email_canonical",
            field=models.CharField(
                editable=False,
                max_length=254,
                unique=True,
                verbose_name="E-Mail-Adresse (Vergleichsform)",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="user_email_ci_unique",
        ),
    ]
