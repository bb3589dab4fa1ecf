"""Salesforce Ids: 15 to 18 characters, and 18-character Ids in any letter case."""

from __future__ import annotations

import pytest

from planning_kit.model import InvalidSalesforceId, salesforce_id_18


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("001bm00001ZL8U9", "001bm00001ZL8U9AAL"),
        ("001bm00001ZL8UA", "001bm00001ZL8UAAA1"),
        ("001bm00001ZL8UAAA1", "001bm00001ZL8UAAA1"),
        ("001bm00001zl8uaaa1", "001bm00001ZL8UAAA1"),  # lower-cased on the way: case restored
        ("001BM00001ZL8UAAA1", "001bm00001ZL8UAAA1"),
        ("001bm00001ZMa9pAAD".lower(), "001bm00001ZMa9pAAD"),
        (" 003bm00000zapth ", "003bm00000zapthAAA"),
    ],
)
def test_ids_normalise_to_18_characters(given, expected):
    assert salesforce_id_18(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("001bm00001ZL8UAAA2", "'001bm00001ZL8UAAA2' has a wrong checksum (expected ...AA1)"),
        ("001bm00001ZL8", "'001bm00001ZL8' is not a Salesforce Id (15 or 18 letters and digits)"),
        ("<script>", "'<script>' is not a Salesforce Id (15 or 18 letters and digits)"),
    ],
)
def test_bad_ids_are_refused_with_the_reason(given, message):
    with pytest.raises(InvalidSalesforceId) as caught:
        salesforce_id_18(given)
    assert str(caught.value) == message
