from django import template

register = template.Library()


@register.inclusion_tag("records/change_log.html")
def show_change_log(entries, title=""):
    return {"entries": entries, "title": title}


@register.simple_tag(takes_context=True)
def scoped_url(context, obj, fallback: str = ""):
    """A link to `obj` only when the viewer may open it; else empty, so templates print plain text."""
    from accounts.scope import ScopedQuerySet

    user = context["request"].user
    manager = type(obj)._default_manager
    if isinstance(manager.all(), ScopedQuerySet) and manager.for_user(user).filter(pk=obj.pk).exists():
        return obj.get_absolute_url()
    return fallback


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()
