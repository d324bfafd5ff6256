"""The login lockout (django-axes) as the first authentication backend."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username or address before any password is checked.

    Every sign-in through the web (the login page, the admin's) passes its request, and the lockout
    counts by address. A call without a request (`manage.py shell`, the test client's `login`) has no
    address to count: axes would raise ValueError, so it is left to the password check alone.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
