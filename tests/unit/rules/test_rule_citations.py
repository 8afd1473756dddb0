"""Citations point at the text that says the rule (issue #13's findings, one test each)."""

from __future__ import annotations

from datetime import date

from openimr.rules.clocks import load_clock_pack
from openimr.rules.reviewer_policy import reviewer_policy

POLICY = reviewer_policy(date(2024, 1, 1)).rules
PACK = load_clock_pack("ca_dwc")


def test_records_deadline_cites_the_regulation_not_lc_4610_5_i() -> None:
    for rule in PACK.clock("records").rules:
        assert "9792.10.5(a)(1)" in rule.citation
        assert "4610.5(i)" not in rule.citation


def test_years_and_hours_thresholds_are_contract_terms_not_lc_139_5() -> None:
    for threshold in (POLICY.min_years_active_practice, POLICY.min_hours_per_week):
        assert "contract" in threshold.citation
        assert "139.5" not in threshold.citation
        assert threshold.verified and threshold.sources  # the template, read in the seed letter


def test_reviewer_availability_is_not_cited_to_the_notice_of_assignment() -> None:
    assert "9792.10.4(b)" not in POLICY.availability.citation
    assert "9792.10.6(b)(1)" in POLICY.availability.citation


def test_prior_involvement_cites_neither_the_appeal_grounds_nor_the_mpn_rule() -> None:
    citation = POLICY.prior_involvement.citation
    assert "4610.6(h)(3)" not in citation and "9768.2" not in citation
    assert POLICY.prior_involvement.verified is False  # read only in secondary sources


def test_unread_statutes_are_marked_unverified() -> None:
    # LC 139.5 could not be found in the sources searched: nothing resting on it is verified.
    for rule in (POLICY.valid_licence, POLICY.board_certification, POLICY.conflicts):
        assert "139.5" in rule.citation and rule.verified is False
