from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from portico.clients import contact_views, views

app_name = "clients"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.client_list, name="list"),
    path("add/", views.add_client, name="add"),
    path("reviews/", contact_views.review_list, name="reviews"),
    path("<uuid:public_id>/", views.client_detail, name="detail"),
    path(
        "<uuid:public_id>/personal-information/",
        views.personal_information,
        name="personal_information",
    ),
    path("<uuid:public_id>/archive/", views.archive, name="archive"),
    path("<uuid:public_id>/emails/add/", views.add_email, name="add_email"),
    path("<uuid:public_id>/emails/<int:email_id>/change/", views.change_email, name="change_email"),
    path("<uuid:public_id>/emails/<int:email_id>/remove/", views.remove_email, name="remove_email"),
    path(
        "<uuid:public_id>/emails/<int:email_id>/make-default/",
        views.make_default_email,
        name="make_default_email",
    ),
    path(
        "<uuid:public_id>/emails/<int:email_id>/confirm/",
        views.confirm_email,
        name="confirm_email",
    ),
    # The People tab: contacts, their consent; the coming-of-age review.
    path("<uuid:public_id>/people/", contact_views.people, name="people"),
    path("<uuid:public_id>/people/add/", contact_views.add_contact, name="add_contact"),
    path(
        "<uuid:public_id>/people/<uuid:contact_id>/",
        contact_views.edit_contact,
        name="edit_contact",
    ),
    path(
        "<uuid:public_id>/people/<uuid:contact_id>/remove/",
        contact_views.remove_contact,
        name="remove_contact",
    ),
    path(
        "<uuid:public_id>/people/<uuid:contact_id>/consent/",
        contact_views.contact_consent,
        name="contact_consent",
    ),
    path(
        "<uuid:public_id>/coming-of-age/",
        contact_views.coming_of_age_review,
        name="coming_of_age_review",
    ),
]
