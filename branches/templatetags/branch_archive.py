from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def member_url(member) -> str:
    """The member's archive page, or "" while the members pages are not there (no dead links)."""
    try:
        return reverse("members:member_detail", args=[member.pk])
    except NoReverseMatch:
        return ""
