import pytest
from django.core.exceptions import ValidationError

from people.orcid import normalise_orcid, orcid_check_digit, validate_orcid


@pytest.mark.parametrize(
    "orcid",
    ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X", "https://orcid.org/0000-0002-1825-0097"],
)
def test_real_orcid_ids_are_accepted(orcid):
    validate_orcid(orcid)


def test_the_check_digit_follows_iso_7064_mod_11_2():
    assert orcid_check_digit("000000021825009") == "7"
    assert orcid_check_digit("000000021694233") == "X"


def test_a_typo_in_one_digit_is_refused_by_the_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_orcid("0000-0002-1825-0098")
    assert error.value.code == "orcid_checksum"


@pytest.mark.parametrize("orcid", ["0000-0002-1825", "0000000218250097", "0000-0002-1825-009Y", "abcd-efgh-ijkl-mnop"])
def test_malformed_orcid_ids_are_refused_with_the_expected_shape(orcid):
    with pytest.raises(ValidationError) as error:
        validate_orcid(orcid)
    assert "four groups of four characters" in error.value.messages[0]


def test_a_lower_case_x_and_the_orcid_url_are_normalised():
    assert normalise_orcid(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"
