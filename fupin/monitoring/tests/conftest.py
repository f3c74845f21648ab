import pytest
import time_machine

from fupin.monitoring.tests.steps import TODAY, Cast


@pytest.fixture
def today():
    """Cases are dated around the 2026 National Day; the clock stands a week after it."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def cast(village_cadre_a, work_team_a, township_officer, county_officer):
    return Cast(
        cadre=village_cadre_a, team=work_team_a, township=township_officer, county=county_officer
    )
