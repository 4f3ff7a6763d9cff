"""Working calendar and arrivals, computed by hand."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import numpy as np
import pytest

from workbench.simulation.arrivals import DEFAULT_SEASONS, Season, arrival_times, month_shares
from workbench.simulation.calendar import CalendarError, WorkCalendar, holiday_dates, parse_hours


def test_lower_saxony_2026_holidays_and_working_days() -> None:
    free = holiday_dates("NI", [2026])
    assert dt.date(2026, 10, 31) in free  # Reformationstag, a holiday in Niedersachsen
    assert dt.date(2026, 6, 4) not in free  # Fronleichnam is not
    assert len(free) == 10
    cal = WorkCalendar.build(2026)
    # 2026 starts on a Thursday: 52 weeks + 1 day = 261 weekdays; 3.10., 31.10. and 26.12.
    # are Saturdays, so 7 holidays fall on a weekday
    assert cal.working_days == 261 - 7
    fridays = sum(1 for j in range(cal.working_days)
                  if (dt.date(2026, 1, 1) + dt.timedelta(days=cal.open_day[j])).weekday() == 4)
    assert cal.period_work_minutes == (cal.working_days - fridays) * 510 + fridays * 330


def test_conversions_between_clocks() -> None:
    cal = WorkCalendar.build(2026)
    # 2 Jan 2026 is a Friday (1 Jan is a holiday): work starts 07:30 → working minute 0
    assert cal.to_calendar(0) == 1 * 1440 + 450
    assert cal.to_work(1 * 1440 + 450 + 100) == 100
    # Friday ends 13:00 (330 minutes); the next working minute is Monday 5 Jan 07:30
    assert cal.to_work(1 * 1440 + 14 * 60) == 330
    assert cal.to_calendar(331) == 4 * 1440 + 450 + 1
    # before opening on a working day → that day's start; a Sunday → Monday's start
    assert cal.to_work(4 * 1440 + 60) == 330
    assert cal.to_work(3 * 1440 + 600) == 330
    # a wait of 2 calendar days from Friday 12:00 ends Sunday 12:00 → Monday 07:30
    friday_noon = cal.to_work(1 * 1440 + 720)
    assert cal.after_calendar_delay(friday_noon, 2 * 1440) == 330
    for w in (0.0, 17.5, 329.0, 331.0, 5000.25, 100000.0):
        assert cal.to_work(cal.to_calendar(w)) == pytest.approx(w)


def test_bad_working_hours_are_german_errors() -> None:
    with pytest.raises(CalendarError, match="'xx' ist kein Wochentag"):
        parse_hours({"xx": "08:00-12:00"}, "s.yaml: arbeitszeit")
    with pytest.raises(CalendarError, match=r"arbeitszeit.mo: '8 bis 12' ist keine Zeitspanne"):
        parse_hours({"mo": "8 bis 12"}, "s.yaml: arbeitszeit")
    with pytest.raises(CalendarError, match="Ende muss nach dem Beginn"):
        parse_hours({"mo": "12:00-08:00"}, "s.yaml: arbeitszeit")
    with pytest.raises(CalendarError, match="an keinem Wochentag"):
        parse_hours({"mo": "frei"}, "s.yaml: arbeitszeit")
    with pytest.raises(CalendarError, match="Bundesland 'XY' ist unbekannt"):
        holiday_dates("XY", [2026])


def test_arrivals_count_season_and_determinism() -> None:
    cal = WorkCalendar.build(2026)
    times = arrival_times(1000, DEFAULT_SEASONS["briefwahl"], cal, np.random.default_rng(1))
    assert len(times) == 1000 and (np.diff(times) >= 0).all()
    dates = {dt.date(2026, 1, 1) + dt.timedelta(days=int(cal.to_calendar(w) // 1440))
             for w in times}
    assert min(dates) >= dt.date(2026, 8, 2) and max(dates) <= dt.date(2026, 9, 11)
    again = arrival_times(1000, DEFAULT_SEASONS["briefwahl"], cal, np.random.default_rng(1))
    assert (times == again).all()
    # a month profile of 3:1 puts three quarters of the January–February cases in January
    profile = Season(months=(3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    many = arrival_times(20000, profile, cal, np.random.default_rng(2))
    jan = np.mean([cal.to_calendar(w) < 31 * 1440 for w in many])
    minutes_jan = sum(cal.open_len[j] for j in range(cal.working_days) if cal.open_day[j] < 31)
    minutes_feb = sum(cal.open_len[j] for j in range(cal.working_days)
                      if 31 <= cal.open_day[j] < 59)
    expected = 3 * minutes_jan / (3 * minutes_jan + minutes_feb)
    assert jan == pytest.approx(expected, abs=0.015)


def test_report_part_preloads_the_holiday_tables_the_simulation_alone_does_not() -> None:
    """The batch's kernels are forked from a process that imported the report's simulation
    part: the holiday tables (every country of ``holidays``) are imported there once, not in
    each kernel; importing the simulation itself stays lean."""
    code = ("import sys\n"
            "import workbench.simulation.kommune\n"
            "print('holidays' in sys.modules)\n"
            "import workbench.report_content.simulation\n"
            "print('holidays.countries.germany' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_month_shares_by_hand() -> None:
    """Share of a season's arrivals per month: working minutes × season weight per day."""
    cal = WorkCalendar.build(2026)
    even = month_shares(Season(), cal)
    minutes = [0.0] * 12
    for j in range(cal.working_days):
        minutes[(dt.date(2026, 1, 1) + dt.timedelta(days=cal.open_day[j])).month - 1] += \
            cal.open_len[j]
    assert even.tolist() == pytest.approx([m / sum(minutes) for m in minutes], abs=1e-15)
    # January 2026: 21 working days (31 days, 9 weekend days, New Year), 5 of them Fridays
    assert minutes[0] == 16 * 510 + 5 * 330
    kita = month_shares(DEFAULT_SEASONS["kita_anmeldung"], cal)  # January to March three times
    first_quarter = sum(minutes[:3])
    assert kita[:3].sum() == pytest.approx(3 * first_quarter / (3 * first_quarter
                                                                 + sum(minutes[3:])))
    assert month_shares(Season(), cal) is even  # made once per season and calendar
    assert not even.flags.writeable
