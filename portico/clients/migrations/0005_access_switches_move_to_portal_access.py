"""The portal-access switches of clients and contacts now live on PortalAccess.enabled."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_email_prefix_index"),
        ("access", "0009_portal_access_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="client", name="portal_access_enabled"),
        migrations.RemoveField(model_name="contact", name="portal_access_enabled"),
    ]
