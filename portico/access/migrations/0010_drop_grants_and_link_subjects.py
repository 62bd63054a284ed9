"""Drop what PortalAccess replaced: PortalGrant and the links' client/contact pair."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("access", "0009_portal_access_data")]

    operations = [
        migrations.RemoveIndex(model_name="accesslink", name="link_client_recent"),
        migrations.RemoveField(model_name="accesslink", name="client"),
        migrations.RemoveField(model_name="accesslink", name="contact"),
        migrations.AddIndex(
            model_name="accesslink",
            index=models.Index(
                fields=["access", "purpose", "-created_at"], name="link_access_recent"
            ),
        ),
        migrations.DeleteModel(name="PortalGrant"),
    ]
