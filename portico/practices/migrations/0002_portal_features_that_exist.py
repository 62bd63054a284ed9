"""Portal features: only the ones that exist, plus the intake and profile-review settings.

"demographics" (update contact details) became "profile" and "insurance"; the
switches for features not built yet (appointments, telehealth, billing) are
dropped so no practice lists something that does not work.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import portico.practices.models

RENAMED = {"demographics": ["profile", "insurance"], "forms": ["forms"], "messages": ["messages"]}


def keep_existing_features(apps: Any, schema_editor: Any) -> None:
    Practice = apps.get_model("practices", "Practice")
    for practice in Practice.objects.only("pk", "portal_features"):
        features: list[str] = []
        for old in practice.portal_features or []:
            for new in RENAMED.get(old, []):
                if new not in features:
                    features.append(new)
        Practice.objects.filter(pk=practice.pk).update(portal_features=features)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="practice",
            name="portal_features",
            field=models.JSONField(
                blank=True, default=portico.practices.models.default_features
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="intake_auto_assign",
            field=models.BooleanField(
                default=True, verbose_name="give every new client the practice's intake forms"
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="profile_changes_reviewed",
            field=models.BooleanField(
                default=True,
                verbose_name=(
                    "changes clients make to their profile or insurance wait for staff review"
                ),
            ),
        ),
        migrations.RunPython(keep_existing_features, migrations.RunPython.noop),
    ]
