"""Campaign sources: a YAML of kind campaign read into a canonical campaign frame, or refused."""

import pytest

from aftersales import capabilities, datasets
from aftersales import columns as C
from aftersales.errors import (
    ControlArmError,
    DataValidationError,
    EmptyArmError,
    OutcomeValueError,
    ParameterError,
)

ROWS = "id,arm,bought,amount,age,channel\n" + "\n".join(
    [
        "1,No E-Mail,no,0,30,web",
        "2,E-Mail,yes,25.5,41,phone",
        "3,E-Mail,no,0,35,web",
        "4,No E-Mail,yes,10,50,web",
    ]
)
COLUMNS = "{customer_id: id, treatment: arm, outcome: bought, spend: amount}"


def _source(tmp_path, rows=ROWS, extra='control: "No E-Mail"'):
    (tmp_path / "mailing.csv").write_text(rows + "\n")
    source = tmp_path / "mailing.yaml"
    source.write_text(f"kind: campaign\npath: mailing.csv\ncolumns: {COLUMNS}\n{extra}\n")
    return source


def test_a_campaign_source_reads_into_a_canonical_frame(tmp_path, isolated_data):
    source = datasets.read_source(_source(tmp_path))
    assert source.kind == "campaign" and source.control == "No E-Mail"
    frame = datasets.load(str(_source(tmp_path)))
    assert frame[C.OUTCOME].tolist() == [0.0, 1.0, 0.0, 1.0]  # yes/no read as 1/0
    assert frame[C.SPEND].tolist() == [0.0, 25.5, 0.0, 10.0]
    assert list(frame.columns) == [C.CUSTOMER, C.TREATMENT, C.OUTCOME, C.SPEND, "age", "channel"]
    assert datasets.spec(str(_source(tmp_path))).control == "No E-Mail"


def test_a_campaign_supports_04_01_only():
    table = capabilities.capabilities("campaign", {C.TREATMENT, C.OUTCOME})
    assert [n for n, gap in table.items() if not gap] == ["04.01"]
    assert table["01.00"] == ("kind: ratings or transactions",)
    described = capabilities.describe("campaign", {C.TREATMENT, C.OUTCOME}).set_index("notebook")
    assert described.loc["04.01", "note"] == ""  # a campaign has no dates, and needs none
    retail = capabilities.capabilities("transactions", {C.CUSTOMER, C.ITEM})
    assert retail["04.01"] == ("kind: campaign",)


def test_a_campaign_without_control_key_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="needs `control:`"):
        datasets.read_source(_source(tmp_path, extra=""))


def test_a_control_arm_absent_from_the_data_is_refused(tmp_path, isolated_data):
    source = _source(tmp_path, extra='control: "Control"')
    with pytest.raises(ControlArmError, match=r"'Control'.*\['E-Mail', 'No E-Mail'\]"):
        datasets.load(str(source))


def test_an_empty_arm_of_the_design_is_refused(tmp_path, isolated_data):
    extra = 'control: "No E-Mail"\ndesign: {"No E-Mail": 1, "E-Mail": 1, "SMS": 1}'
    with pytest.raises(EmptyArmError, match=r"\['SMS'\]"):
        datasets.load(str(_source(tmp_path, extra=extra)))


def test_an_outcome_that_is_no_number_nor_yes_no_is_refused_with_its_values(
    tmp_path, isolated_data
):
    rows = ROWS.replace("No E-Mail,yes,10", "No E-Mail,unknown,10")
    with pytest.raises(OutcomeValueError, match=r"`bought`.*\['unknown'\]"):
        datasets.load(str(_source(tmp_path, rows=rows)))


def test_a_repeated_customer_and_a_missing_arm_are_refused(tmp_path, isolated_data):
    with pytest.raises(DataValidationError, match="repeats"):
        datasets.load(str(_source(tmp_path, rows=ROWS.replace("\n2,", "\n1,"))))
    with pytest.raises(DataValidationError, match="treatment column `arm` is empty"):
        datasets.load(str(_source(tmp_path, rows=ROWS.replace("2,E-Mail", "2,"))))


def test_control_and_design_belong_to_campaigns_only(tmp_path):
    (tmp_path / "orders.csv").write_text("customer_id,item_id\n1,a\n")
    source = tmp_path / "orders.yaml"
    source.write_text('kind: transactions\npath: orders.csv\ncontrol: "x"\n')
    with pytest.raises(ParameterError, match="campaign only"):
        datasets.read_source(source)
