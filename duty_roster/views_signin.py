"""Sign-in pages: the day's QR code, the phone page it opens, manual sign-in (补签), the monthly statistics
(考核奖惩) and each secretary's own record. The rules are in duty_roster.signin; these views stay thin."""

import datetime

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.choices import Role
from accounts.scope import can_change
from duty_roster import signin as rules
from duty_roster.choices import DayKind
from duty_roster.forms_signin import ManualSignInForm, parse_month
from duty_roster.models import DutyDay, DutyMember, DutyPost, SignIn
from duty_roster.services import month_bounds
from members.forms import add_errors
from records.workbook import build_workbook, xlsx_response

QR_DAYS_AHEAD = 6  # a printed code can be made up to a week ahead


def scoped_post(user, pk: int, action: str = "view") -> DutyPost:
    """The post if the user may see it (else 404) and, for `change`, manage it (else 403)."""
    post = get_object_or_404(DutyPost.objects.for_user(user, "view").select_related("office"), pk=pk)
    if action == "change" and not can_change(user, post):
        raise PermissionDenied
    return post


def post_url(post: DutyPost) -> str:
    # The post page belongs to the roster pages; until they exist the breadcrumb is plain text.
    try:
        return post.get_absolute_url()
    except NoReverseMatch:
        return ""


def month_label(year: int, month: int) -> str:
    return _("%(year)d-%(month)02d") % {"year": year, "month": month}


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


# --- The day's QR code --------------------------------------------------------------------------


@require_GET
def signin_qr(request, pk: int):
    """The QR code of the post's day, for a screen or an A4 printout at the community office."""
    post = scoped_post(request.user, pk, "change")
    today = timezone.localdate()
    day = today
    if request.GET.get("day"):
        try:
            day = datetime.date.fromisoformat(request.GET["day"])
        except ValueError:
            day = None
        if day is None or not today <= day <= today + datetime.timedelta(days=QR_DAYS_AHEAD):
            messages.error(
                request,
                _("A QR code can be shown for today or the next %(days)d days; here is today's.")
                % {"days": QR_DAYS_AHEAD},
            )
            day = today
    url = request.build_absolute_uri(reverse("duty_roster:signin", args=[rules.make_token(post, day)]))
    svg = segno.make(url, error="m").svg_inline(scale=8, omitsize=True, svgclass="signin-qr-svg")
    duty = DutyDay.objects.for_user(request.user).filter(post=post, day=day).select_related("person").first()
    return render(
        request,
        "duty_roster/signin_qr.html",
        {
            "post": post,
            "post_url": post_url(post),
            "day": day,
            "today": today,
            "is_today": day == today,
            "url": url,
            "svg": svg,
            "duty": duty,
            "next_days": [today + datetime.timedelta(days=n) for n in range(QR_DAYS_AHEAD + 1)],
        },
    )


# --- Signing in with the phone ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signin(request, token: str):
    """The page the QR code opens: who he is, the post, his duty today, and one button."""
    now = timezone.now()
    today = timezone.localdate(now)
    context = {"today": today}

    def refuse(message: str, status: int, **extra):
        return render(
            request, "duty_roster/signin_page.html", {**context, **extra, "error": message}, status=status
        )

    try:
        post_id = rules.read_token(token, today)
    except rules.TokenRefused as refused:
        return refuse(refused.message, 400)
    if request.user.role != Role.VILLAGE_SECRETARY or request.user.is_superuser:
        return refuse(
            _(
                "Only village branch secretaries sign in here, each for himself. The office or the "
                "township records a sign-in for somebody else as a manual sign-in."
            ),
            403,
        )
    person = rules.person_for_user(request.user, today)
    if person is None:
        return refuse(
            _(
                "Your account is not linked to a village branch secretary: your village branch has no "
                "secretary on record. Ask the township party-building office."
            ),
            403,
        )
    context["person"] = person
    post = DutyPost.objects.for_user(request.user).filter(pk=post_id).select_related("office").first()
    member = (
        DutyMember.objects.for_user(request.user).filter(post=post, person=person, active=True).first()
        if post
        else None
    )
    if member is None:
        return refuse(
            _("You are not a member of the duty post of this QR code, so you cannot sign in here."), 403
        )
    context["post"] = post
    if request.method == "POST":
        record, created = rules.sign_in(post, person, now, request.user)
        time = f"{timezone.localtime(record.at):%H:%M}"
        if created:
            messages.success(request, _("Signed in at %(time)s. Thank you.") % {"time": time})
        else:
            messages.info(request, _("You already signed in today at %(time)s.") % {"time": time})
        return redirect(request.path)
    mine = [row for row in rules.day_outcomes(post, today, today, now) if row.person_id == person.pk]
    duty = DutyDay.objects.for_user(request.user).filter(post=post, day=today).first()
    context.update(
        {
            "duty_row": mine[0] if mine else None,
            "duty_day": duty,
            "sign_in": SignIn.objects.for_user(request.user)
            .filter(post=post, person=person, day=today)
            .first(),
            "on_time_until": post.on_time_until,
        }
    )
    return render(request, "duty_roster/signin_page.html", context)


# --- Manual sign-in (补签) ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signin_manual(request, pk: int):
    post = scoped_post(request.user, pk, "change")
    initial = {key: request.GET[key] for key in ("person", "day") if request.GET.get(key)}
    form = ManualSignInForm(request.POST or None, post=post, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = rules.record_manual_sign_in(
                post, data["person"], data["day"], data["time"], data["reason"], request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Manual sign-in recorded: %(person)s, %(day)s %(time)s.")
                % {
                    "person": record.person,
                    "day": f"{record.day:%Y-%m-%d}",
                    "time": f"{timezone.localtime(record.at):%H:%M}",
                },
            )
            return redirect(
                reverse("duty_roster:stats_month", args=[post.pk]) + f"?month={record.day:%Y-%m}#day-outcomes"
            )
    return render(
        request, "duty_roster/signin_manual.html", {"post": post, "post_url": post_url(post), "form": form}
    )


# --- Monthly statistics ---------------------------------------------------------------------------


@require_GET
def stats_month(request, pk: int):
    """Each member's month: duty days and what they came to, the score; the post's rates; Excel, print."""
    post = scoped_post(request.user, pk)
    today = timezone.localdate()
    picked = parse_month(request.GET.get("month"), today)
    if picked is None:
        messages.error(request, _("Give the month as year-month, for example 2026-10. Here is this month."))
        picked = (today.year, today.month)
    year, month = picked
    start, end = month_bounds(year, month)
    rows = rules.day_outcomes(post, start, end)
    members = rules.scores_from(post, rows)
    rates = rules.post_rates(members)
    names = {m.person.pk: m.person for m in members}
    names.update(
        (m.person_id, m.person)
        for m in DutyMember.objects.for_user(request.user).filter(post=post).select_related("person")
    )
    details = [
        {"row": row, "person": names.get(row.person_id), "taker": names.get(row.taken_by_id)} for row in rows
    ]
    title = _("%(post)s duty assessment, %(month)s") % {"post": post, "month": month_label(year, month)}
    if request.GET.get("export") == "xlsx":
        return stats_workbook(post, title, members, details, year, month)
    previous, following = shift_month(year, month, -1), shift_month(year, month, 1)
    return render(
        request,
        "duty_roster/stats_month.html",
        {
            "post": post,
            "post_url": post_url(post),
            "title": title,
            "month_value": f"{year}-{month:02d}",
            "month_label": month_label(year, month),
            "previous": f"{previous[0]}-{previous[1]:02d}",
            "following": f"{following[0]}-{following[1]:02d}",
            "members": members,
            "rates": rates,
            "details": details,
            "can_change": can_change(request.user, post),
            "today": today,
        },
    )


def stats_workbook(post: DutyPost, title: str, members, details, year: int, month: int) -> HttpResponse:
    summary_headers = [
        _("person"),
        _("Rotation days"),
        _("Concentrated office days"),
        _("On time"),
        _("Late"),
        _("Absent (rotation)"),
        _("On leave"),
        _("Swapped away"),
        _("Concentrated office attended"),
        _("Concentrated office missed"),
        _("Not yet decided"),
        _("Score"),
    ]
    summary = [
        [
            str(m.person),
            m.rotation_days,
            m.concentrated_days,
            m.on_time,
            m.late,
            m.absent,
            m.leave,
            m.swapped,
            m.concentrated_attended,
            m.concentrated_missed,
            m.pending,
            m.score,
        ]
        for m in members
    ]
    detail_headers = [
        _("date"),
        _("kind"),
        _("person"),
        _("Outcome"),
        _("signed in at"),
        _("signed in by hand"),
        _("reason"),
        _("Taken by"),
    ]
    kinds = dict(DayKind.choices)
    detail_rows = []
    for item in details:
        row, found = item["row"], item["row"].sign_in
        detail_rows.append(
            [
                row.day,
                str(kinds[row.kind]),
                str(item["person"] or ""),
                row.label,
                timezone.localtime(found.at).replace(tzinfo=None) if found else None,
                found.manual if found else None,
                found.reason if found else "",
                str(item["taker"] or ""),
            ]
        )
    unit = str(post.office)
    content = build_workbook(
        [
            {"title": title, "headers": summary_headers, "rows": summary, "unit": unit},
            {
                "title": _("Day by day, %(month)s") % {"month": month_label(year, month)},
                "headers": detail_headers,
                "rows": detail_rows,
                "unit": unit,
            },
        ]
    )
    return xlsx_response(content, title, dated=False)


# --- A secretary's own record ----------------------------------------------------------------------


@require_GET
def my_record(request):
    """A village secretary's own duty record: this month and last month, and his sign-ins."""
    if request.user.role != Role.VILLAGE_SECRETARY:
        return render(request, "duty_roster/my_record.html", {"not_a_secretary": True}, status=403)
    now = timezone.now()
    today = timezone.localdate(now)
    person = rules.person_for_user(request.user, today)
    memberships = (
        list(
            DutyMember.objects.for_user(request.user)
            .filter(person=person)
            .select_related("post__office")
            .order_by("-active", "post__pk")
        )
        if person
        else []
    )
    last = shift_month(today.year, today.month, -1)
    posts = []
    for membership in memberships:
        post = membership.post
        months = []
        for year, month in [(today.year, today.month), last]:
            start, end = month_bounds(year, month)
            rows = rules.day_outcomes(post, start, end, now)
            scores = {m.person.pk: m for m in rules.scores_from(post, rows)}
            months.append(
                {
                    "label": month_label(year, month),
                    "value": f"{year}-{month:02d}",
                    "score": scores.get(person.pk),
                    "rows": [row for row in rows if row.person_id == person.pk],
                    "current": (year, month) == (today.year, today.month),
                }
            )
        sign_ins = SignIn.objects.for_user(request.user).filter(
            post=post, person=person, day__gte=month_bounds(*last)[0]
        )
        posts.append(
            {
                "post": post,
                "active": membership.active,
                "months": months,
                "sign_ins": sign_ins.order_by("-day"),
            }
        )
    return render(
        request,
        "duty_roster/my_record.html",
        {"person": person, "posts": posts, "today": today, "can_view_stats": True},
    )
