"""Lets the audit receivers know who is acting, and records every Excel workbook the product sends."""

import re
from urllib.parse import unquote

from django.core.exceptions import ImproperlyConfigured

from audit import context
from audit.checks import check_retention
from audit.choices import AuditAction
from audit.services import record
from records.workbook import XLSX_CONTENT_TYPE, rows_written

FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;]+)", re.IGNORECASE)
FILENAME = re.compile(r'filename="?([^";]+)"?', re.IGNORECASE)


def attachment_name(response) -> str:
    disposition = response.get("Content-Disposition", "")
    match = FILENAME_STAR.search(disposition) or FILENAME.search(disposition)
    return unquote(match.group(1)) if match else ""


class AuditMiddleware:
    def __init__(self, get_response):
        # The server does not start with a retention the law does not allow (gunicorn runs no checks).
        errors = check_retention()
        if errors:
            raise ImproperlyConfigured(errors[0].msg)
        self.get_response = get_response

    def __call__(self, request):
        rows_token = rows_written.set(0)
        note_token = context._export_note.set({})
        try:
            with context.in_request(request):
                response = self.get_response(request)
                if response.status_code == 200 and response.get("Content-Type", "").startswith(
                    XLSX_CONTENT_TYPE
                ):
                    self.record_export(request, response)
        finally:
            context._export_note.reset(note_token)
            rows_written.reset(rows_token)
        return response

    def record_export(self, request, response) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        note = dict(context._export_note.get() or {})
        action = note.pop("action", AuditAction.EXPORT)
        # A stored file (a background job's workbook) is sent as it was written: its rows were not counted.
        count = None if response.streaming else rows_written.get()
        record(
            action,
            user=user,
            request=request,
            count=count,
            detail={"filename": attachment_name(response), **note},
        )
