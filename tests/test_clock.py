from datetime import date

import pytest

from pufa.shared import clock


@pytest.mark.parametrize("value, expected", [("2023-03-15", date(2023, 3, 15)), (" 2024-02-29 ", date(2024, 2, 29))])
def test_pufa_today_sets_the_date(value, expected):
    assert clock.today({"PUFA_TODAY": value}) == expected


@pytest.mark.parametrize("value", ["2023-13-01", "2023/03/15", "2023-3-5", "2023-02-30", "tomorrow"])
def test_a_bad_pufa_today_is_refused_with_its_name(value):
    with pytest.raises(clock.ClockError, match="PUFA_TODAY"):
        clock.today({"PUFA_TODAY": value})


def test_without_pufa_today_the_date_is_shanghai_today():
    from datetime import datetime
    assert clock.today({}) == datetime.now(clock.SHANGHAI).date()
