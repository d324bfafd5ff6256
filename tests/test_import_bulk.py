"""A county-scale roster import: every row's ID number is looked up in one query, the rows' forms share
their fields, and the people are written in bulk with their history rows and audit entries — with the
same messages, records and log as checking and saving them one by one."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.choices import AuditAction
from audit.context import acting_as
from audit.models import AuditEntry
from jobs.models import Job
from members import tasks
from members.choices import Gender, Status
from members.import_views import SESSION_KEY, MemberImporter
from members.models import Member
from records.imports import PROGRESS_ROWS, ImportResult, SharedFields
from tests.conftest import make_member
from tests.test_imports import CountyImporter, PersonImporter, workbook
from tests.test_members_import import CONFIRM, idn, login, upload, xlsx

HEADER = ["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "所在村"]


class RowByRowImporter(MemberImporter):
    """The import as it was: a form with its own copy of the fields and Member.clean's query per row."""

    share_form_fields = False

    def prepare_rows(self, result):
        self.active_id_numbers = None


def roster_rows(party, count: int) -> list[list]:
    return [HEADER] + [
        [f"人{n}", "", "", idn(datetime.date(1960, 1, 1) + datetime.timedelta(days=n)), "张庄村党支部", ""]
        for n in range(count)
    ]


def checked(importer: MemberImporter, rows: list[list]) -> ImportResult:
    return importer.run(xlsx(*rows))


def problems(result: ImportResult) -> list[tuple]:
    return [(p.row, str(p.column), str(p.message)) for p in result.problems]


def duplicates_roster(world, party) -> list[list]:
    """Numbers taken in the township, in another township, by a former member, twice in the file."""
    left = make_member(party.sibling_branch, "离开", birth=datetime.date(1970, 2, 2))
    Member.objects.filter(pk=left.pk).update(status=Status.DECEASED)
    born = datetime.date(1975, 3, 3)
    x_number = next(n for s in range(10, 999, 2) if (n := idn(born, sequence=s)).endswith("X"))
    with_x = Member(branch=party.sibling_branch, name="带X", id_number=x_number)
    with_x.full_clean()
    with_x.save()
    twice = idn(datetime.date(1984, 6, 7))
    return [
        HEADER,
        ["甲", "", "", party.member.id_number, "张庄村党支部", ""],  # 2: active in this township
        ["乙", "", "", x_number.lower(), "李楼村党支部", ""],  # 3: on record with X, written with x
        ["丙", "", "", party.far_member.id_number, "张庄村党支部", ""],  # 4: another township's person
        ["丁", "", "", left.id_number, "张庄村党支部", ""],  # 5: no longer active
        ["戊", "", "", twice, "张庄村党支部", ""],  # 6
        ["己", "", "", twice, "李楼村党支部", ""],  # 7: the same number as row 6
        ["庚", "男", "", idn(datetime.date(1985, 1, 1), Gender.FEMALE), "张庄村党支部", ""],  # 8
        ["辛", "", "", "123", "张庄村党支部", ""],  # 9: not a number at all
        ["壬", "", "", party.other_member.id_number, "东关社区党总支", "张庄"],  # 10: other office, same town
        ["癸", "", "", idn(datetime.date(1990, 1, 1)), "张庄村党支部", ""],  # 11: fine
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_duplicates_get_the_same_messages_per_row_as_before(world, party, language):
    rows = duplicates_roster(world, party)
    with translation.override(language):
        bulk = checked(MemberImporter(world.users["township"]), rows)
        before = checked(RowByRowImporter(world.users["township"]), rows)
    assert problems(bulk) == problems(before)
    assert [(row, column) for row, column, _ in problems(bulk)] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (6, "公民身份号码"),
        (7, "公民身份号码"),
        (8, "性别"),
        (9, "公民身份号码"),
        (10, "公民身份号码"),
    ]
    messages = {row: message for row, _, message in problems(bulk)}
    if language == "zh-hans":
        assert messages[2] == messages[3] == messages[10] == "本镇已有使用该公民身份号码的在册人员。"
    assert "7" in messages[6] and "6" in messages[7]


def test_the_lookup_is_split_for_sqlites_parameter_limit(world, party, monkeypatch):
    rows = duplicates_roster(world, party)
    expected = problems(checked(MemberImporter(world.users["township"]), rows))
    monkeypatch.setattr(connection.features, "max_query_params", 5)  # 1 township + 1: 3 numbers a query
    importer = MemberImporter(world.users["township"])
    result = importer.read(xlsx(*rows))
    with CaptureQueriesContext(connection) as queries:
        importer.validate(result)
    assert problems(result) == expected
    lookups = [q for q in queries.captured_queries if "members_member" in q["sql"]]
    assert len(lookups) == 3  # 9 distinct numbers


def validate_queries(world, party, count: int) -> int:
    importer = MemberImporter(world.users["office"])
    result = importer.read(xlsx(*roster_rows(party, count)))
    with CaptureQueriesContext(connection) as queries:
        importer.validate(result)
    assert result.is_valid, [str(p) for p in result.problems]
    return len(queries)


def test_checking_takes_as_many_queries_for_50_rows_as_for_10(world, party):
    assert validate_queries(world, party, 50) == validate_queries(world, party, 10) <= 2


def test_the_rows_forms_share_their_fields_only_where_the_importer_says_so(world, party):
    result = MemberImporter(world.users["office"]).run(xlsx(*roster_rows(party, 3)))
    first, second, _third = result.forms
    assert isinstance(first.fields, SharedFields) and first.fields is second.fields
    result = RowByRowImporter(world.users["office"]).run(xlsx(*roster_rows(party, 2)))
    assert result.forms[0].fields is not result.forms[1].fields
    # Other importers copy their fields per row as Django does.
    result = PersonImporter().run(workbook(["姓名"], ["王明"], ["李华"]))
    assert result.is_valid and result.forms[0].fields is not result.forms[1].fields


def save_queries(world, party, count: int) -> int:
    """The queries of saving `count` rows (while they fit in one INSERT each for SQLite's 999 values)."""
    importer = MemberImporter(world.users["office"])
    result = importer.run(xlsx(*roster_rows(party, count)))
    with acting_as(world.users["office"]), CaptureQueriesContext(connection) as queries:
        importer.save(result)
    Member.objects.filter(name__startswith="人").update(status=Status.TRANSFERRED_OUT)  # free the numbers
    return len(queries)


def test_saving_takes_as_many_queries_for_25_rows_as_for_5(world, party):
    ContentType.objects.get_for_model(Member)  # cached once per process
    # A savepoint, the people, their history rows, their audit entries, the scope check, the release.
    assert save_queries(world, party, 25) == save_queries(world, party, 5) == 6


def test_imported_people_have_their_history_and_audit_entries(world, party):
    client = login(world, "office")
    rows = roster_rows(party, 4)
    response = upload(client, xlsx(*rows))
    assert not response.context["problems"]
    pending = client.session[SESSION_KEY]
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    assert response.status_code == 302
    people = list(Member.objects.filter(name__startswith="人").order_by("pk"))
    assert [p.name for p in people] == ["人0", "人1", "人2", "人3"]
    office = world.users["office"]
    for person in people:
        # What Member.save() fills in.
        assert person.township == world.township and person.village == world.village
        assert person.name_pinyin == "ren" + person.name[1:] and person.stroke_key
        assert person.birth_date and person.gender == Gender.MALE
        [history] = person.history.all()
        assert history.history_type == "+" and history.history_user == office
        assert history.id_number == person.id_number
        [entry] = AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk))
        assert entry.object_type.model_class() is Member and entry.object_repr == person.name
        assert (entry.user, entry.username, entry.township) == (office, "office", world.township)
        assert entry.path == CONFIRM
        assert entry.detail == {"history_id": history.pk}
    # The entry's page shows the person's values from the history row, as for a person added by hand.
    entry = AuditEntry.objects.get(object_id=str(people[0].pk), action=AuditAction.CREATE)
    page = login(world, "township").get(reverse("audit:entry_detail", args=[entry.pk]))
    assert page.status_code == 200 and "人0" in page.content.decode()


def test_a_person_added_by_hand_gets_the_same_kind_of_entry(world, party):
    """The entry written one by one (post_save) and in bulk differ only in the record they name."""
    office = world.users["office"]
    with acting_as(office):
        by_hand = make_member(party.branch, "手工")
        importer = MemberImporter(office)
        importer.save(importer.run(xlsx(*roster_rows(party, 1))))
    imported = Member.objects.get(name="人0")

    def entry(person):
        found = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(person.pk))
        history = person.history.get()
        assert found.detail == {"history_id": history.pk}
        # Outside a request simple-history names no user, imported or not; the log names the actor.
        return (
            history.history_user,
            found.user,
            found.username,
            found.township,
            found.object_type,
            found.path,
            found.ip_address,
        )

    assert entry(by_hand) == entry(imported)


def test_the_worker_records_the_import_as_the_uploaders(world, party, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(world, "office")
    upload(client, xlsx(*roster_rows(party, 5)))
    call_command("run_jobs", "--once", verbosity=0)
    check = Job.objects.get(kind=tasks.CHECK)
    client.get(reverse("members:import_checked", args=[check.pk]))
    pending = client.session[SESSION_KEY]
    client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    call_command("run_jobs", "--once", verbosity=0)
    assert Job.objects.get(kind=tasks.SAVE).state == Job.State.DONE
    people = Member.objects.filter(name__startswith="人")
    assert people.count() == 5
    entries = AuditEntry.objects.filter(action=AuditAction.CREATE, object_id__in=[str(p.pk) for p in people])
    assert entries.count() == 5
    assert {(e.user, e.path) for e in entries} == {(world.users["office"], "")}
    assert all(p.history.count() == 1 for p in people)


def test_a_batch_that_breaks_the_database_rule_undoes_every_row(world, party, monkeypatch):
    """A person recorded between the check and the save: the unique rule refuses the batch, nothing stays."""
    importer = MemberImporter(world.users["office"])
    monkeypatch.setattr(MemberImporter, "save_batch_rows", 2)
    result = importer.run(xlsx(*roster_rows(party, 5)))
    clash = result.forms[3].instance
    Member.objects.create(
        branch=party.branch, name="抢先", id_number=clash.id_number, birth_date=clash.birth_date
    )
    before = (Member.objects.count(), Member.history.count(), AuditEntry.objects.count())
    with pytest.raises(IntegrityError), acting_as(world.users["office"]):
        importer.save(result)
    assert (Member.objects.count(), Member.history.count(), AuditEntry.objects.count()) == before


def test_other_importers_still_save_row_by_row_with_progress_every_hundred_rows(db):
    importer = CountyImporter()
    result = importer.run(workbook(["县名"], *[[f"县{n}"] for n in range(250)]))
    calls = []
    saved = importer.save(result, lambda done, total: calls.append((done, total)))
    assert [c.name for c in saved][:2] == ["县0", "县1"] and all(c.pk for c in saved)
    assert calls == [(0, 250), (PROGRESS_ROWS, 250), (2 * PROGRESS_ROWS, 250)]


def test_one_number_written_with_x_and_with_x_in_one_file_is_a_duplicate(world, party):
    born = datetime.date(1976, 4, 4)
    number = next(n for s in range(10, 999, 2) if (n := idn(born, sequence=s)).endswith("X"))
    rows = [
        HEADER,
        ["甲", "", "", number, "张庄村党支部", ""],
        ["乙", "", "", number.lower(), "李楼村党支部", ""],
    ]
    result = checked(MemberImporter(world.users["township"]), rows)
    assert [(row, column) for row, column, _ in problems(result)] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
    ]
    assert "3" in problems(result)[0][2] and "2" in problems(result)[1][2]
