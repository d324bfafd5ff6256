"""The access matrix helper: every view test says what each role gets, and this tries them all."""

from django.test import Client

# Who tries, in the shared `world` fixture: in scope, out of scope, read-only and anonymous.
ROLES = (
    "anonymous",
    "township",
    "other_township",
    "office",
    "other_office",
    "village",
    "other_village",
    "county",
)


def check_access(world, url: str, expected: dict[str, int], method: str = "get", data=None) -> None:
    """`expected` maps every role in ROLES to a status; a 302 for anonymous must go to the login page."""
    missing = set(ROLES) - set(expected)
    assert not missing, f"no expectation written down for {sorted(missing)}"
    failures = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = getattr(client, method)(url, data or {})
        if response.status_code != expected[role]:
            failures.append(f"{role}: expected {expected[role]}, got {response.status_code}")
        elif role == "anonymous" and response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), response["Location"]
    assert not failures, f"{method.upper()} {url}: " + "; ".join(failures)
