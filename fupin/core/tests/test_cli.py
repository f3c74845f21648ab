import subprocess
import sys


def test_the_fupin_command_maps_hyphenated_names_to_management_commands(monkeypatch):
    seen = {}

    def fake_execute(argv):
        seen["argv"] = argv

    monkeypatch.setattr("django.core.management.execute_from_command_line", fake_execute)
    from fupin.__main__ import main

    main(["seed-demo", "--seed", "7"])
    assert seen["argv"] == ["fupin", "seed_demo", "--seed", "7"]


def test_python_dash_m_fupin_runs_django_checks():
    result = subprocess.run(
        [sys.executable, "-m", "fupin", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
