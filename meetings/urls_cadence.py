"""The cadence rules and the compliance table."""

urlpatterns = []
