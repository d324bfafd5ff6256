"""The monthly ledger (月清月结)."""

app_name = "ledger"
urlpatterns = []
