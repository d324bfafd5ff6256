"""The scoring templates' pages."""

urlpatterns = []
