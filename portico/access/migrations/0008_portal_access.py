"""PortalAccess: one row per person who may act for a client; links point at it.

Schema only; 0008 moves the data and 0009 drops what it replaced.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0007_link_self_service"),
        ("clients", "0004_email_prefix_index"),
        ("practices", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ended_reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("superseded", "A newer link was sent"),
                            ("email_changed", "The email address was changed"),
                            ("access_disabled", "Portal access was turned off"),
                            ("dob_failures", "Too many wrong dates of birth"),
                            ("revoked_by_staff", "Cancelled by staff"),
                            ("password_changed", "The password was changed"),
                            ("contact_removed", "The contact was removed"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_accesses",
                        to="clients.client",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_accesses",
                        to="clients.contact",
                    ),
                ),
                (
                    "practice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="practices.practice",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="portal_accesses",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["user", "client"], name="access_user_client")],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("client"),
                        condition=models.Q(("contact__isnull", True), ("ended_at__isnull", True)),
                        name="one_own_access_per_client",
                    ),
                    models.UniqueConstraint(
                        models.F("contact"),
                        condition=models.Q(("contact__isnull", False), ("ended_at__isnull", True)),
                        name="one_live_access_per_contact",
                    ),
                    models.UniqueConstraint(
                        models.F("user"),
                        models.F("client"),
                        condition=models.Q(("ended_at__isnull", True), ("user__isnull", False)),
                        name="one_live_access_per_user_client",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="accesslink",
            name="access",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="links",
                to="access.portalaccess",
            ),
        ),
    ]
