"""`fupin seed-demo` and `fupin demo` as an office would run them."""

import io

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.models import OrgUnit, User
from fupin.demo.department_files import FILES
from fupin.demo.management.commands import demo as demo_command
from fupin.registry.models import Household


def test_seed_demo_loads_the_township_and_prints_the_figures_and_the_logins(db):
    out = io.StringIO()
    # when
    call_command("seed_demo", "--seed", "5", "--households", "60", stdout=out)
    # then
    text = out.getvalue()
    assert Household.objects.count() == 60
    assert "脱贫户" in text and "of which 脱贫监测户" in text and "边缘户" in text
    assert "cadre_a" in text and "demo12345" in text and "凉风村 500110103201" in text


def test_seed_demo_refuses_a_database_that_already_has_households(db, household_a):
    # when
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--households", "40", stdout=io.StringIO())
    # then
    assert str(exc.value).startswith("demo_database_not_empty")
    assert Household.objects.count() == 1
    assert not OrgUnit.objects.filter(code="500110103208").exists()


def test_seed_demo_refuses_a_database_that_has_the_demo_units_without_households(org):
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--households", "40", stdout=io.StringIO())
    assert str(exc.value).startswith("demo_units_exist")
    assert not User.objects.filter(username="helper").exists()


def test_fupin_demo_no_serve_migrates_seeds_an_empty_database_and_prints_url_and_logins(
    db, monkeypatch, datahub_dir
):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("HOST", raising=False)
    out = io.StringIO()
    # when
    call_command("demo", "--no-serve", "--households", "40", stdout=out)
    # then
    text = out.getvalue()
    assert Household.objects.count() == 40
    assert "http://127.0.0.1:8123/" in text
    for username in ("admin", "township", "civil", "cadre_a", "helper", "leader", "county"):
        assert f"  {username} " in text
    assert "demo12345" in text
    # and the department files, with what is planted in each and how to try them
    folder = datahub_dir / "demo-files"
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [*FILES.values(), "planted.json"]
    )
    assert f"Department files to try the import with, in {folder}" in text
    housing = "3 × C/D appraisals of houses the registry grades A or B"
    assert f"{housing}  (rule appraisal_unsafe_registry_safe)" in text
    assert "1 × the 合计 line at the bottom (no ID number)  (import: rejected)" in text
    assert "fupin screen --date 2026-09-01" in text


def test_fupin_demo_on_a_database_with_households_says_where_the_demo_files_are(
    db, household_a, datahub_dir
):
    # given the files of an earlier `fupin demo`
    folder = datahub_dir / "demo-files"
    folder.mkdir(parents=True)
    (folder / "planted.json").write_text("{}", encoding="utf-8")
    out = io.StringIO()
    # when
    call_command("demo", "--no-serve", stdout=out)
    # then
    assert f"The demo's department files are in {folder}" in out.getvalue()
    assert Household.objects.count() == 1


def test_demo_files_writes_one_file_per_feed_and_lists_what_is_planted(db, tmp_path):
    # given
    call_command("seed_demo", "--seed", "5", "--households", "60", stdout=io.StringIO())
    out = io.StringIO()
    # when
    call_command("demo_files", str(tmp_path / "files"), "--seed", "9", stdout=out)
    # then
    text = out.getvalue()
    assert all((tmp_path / "files" / name).is_file() for name in FILES.values())
    for name in FILES.values():
        assert f"  {name}  [fupin import " in text
    assert "3 × certificates of people the registry records as not disabled" in text


def test_demo_files_refuses_an_empty_registry(db, tmp_path):
    with pytest.raises(CommandError, match="seed-demo"):
        call_command("demo_files", str(tmp_path / "files"), stdout=io.StringIO())
    assert not (tmp_path / "files").exists()


def test_fupin_demo_leaves_a_database_with_households_alone_and_serves_it(
    db, household_a, monkeypatch
):
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    calls = []

    def fake_call_command(name, *args, **kwargs):
        calls.append((name, kwargs))
        if name == "migrate":
            call_command(name, *args, **kwargs)

    monkeypatch.setattr(demo_command, "call_command", fake_call_command)
    out = io.StringIO()
    # when
    call_command("demo", stdout=out)
    # then
    assert Household.objects.count() == 1
    assert [name for name, _ in calls] == ["migrate", "serve"]
    assert calls[1][1] == {"host": "0.0.0.0", "port": 9001}
    assert "http://127.0.0.1:9001/" in out.getvalue()
    assert "No demo logins" in out.getvalue()
