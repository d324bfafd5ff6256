"""The duty log (值班日志)."""

urlpatterns = []
