import pytest

from ptplan.core.case import Case
from ptplan.errors import InputError
from ptplan.render.fhir_in import case_to_questionnaire_response, questionnaire_response_to_case

SELF_CHECK = {
    "assessed_on": "2026-11-20",
    "demographics": {"age": 67, "sex": "female", "height_cm": 152.0, "weight_kg": 61.5},
    "pain": [{"site": "low_back", "nrs": 5}, {"site": "knee", "side": "right", "nrs": 4, "nrs_worst": 7}],
    "history": {"onset_order": "knee_first", "back_duration_weeks": 30},
    "symptoms": {"worse_sitting": True, "worse_stairs": True, "helps": ["heat", "walking"]},
    "red_flags": {"saddle_numbness": "no"},
    "conditions": ["osteoporosis"],
    "questionnaires": {"start_back": [1, 0, 1, 0, 0, 1, 0, 1, 2], "nrs": [5]},
    "activity": {"can_get_to_floor": False},
}


def test_it_reads_back_the_case_it_wrote():
    qr = case_to_questionnaire_response(SELF_CHECK)
    assert qr["questionnaire"] == "urn:ptplan:questionnaire:self-check"
    back = questionnaire_response_to_case(qr)
    assert Case.model_validate(back) == Case.model_validate(SELF_CHECK)
    assert back["pain"][1] == {"site": "knee", "side": "right", "nrs": 4, "nrs_worst": 7}
    assert back["symptoms"]["helps"] == ["heat", "walking"]
    assert back["questionnaires"]["start_back"] == [1, 0, 1, 0, 0, 1, 0, 1, 2]


def test_it_validates_as_a_fhir_questionnaire_response():
    qr_model = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")
    model = qr_model.QuestionnaireResponse.model_validate(case_to_questionnaire_response(SELF_CHECK))
    assert model.status == "completed"


def test_it_reads_booleans_for_red_flags_and_keeps_gaps_in_questionnaires():
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "red_flags.saddle_numbness", "answer": [{"valueBoolean": True}]},
        {"linkId": "questionnaires.nrs", "item": [{"linkId": "1"}]},
        {"linkId": "demographics.age", "answer": [{"valueInteger": 50}]}]}
    case = questionnaire_response_to_case(qr)
    assert case == {"red_flags": {"saddle_numbness": "yes"}, "questionnaires": {"nrs": [None]},
                    "demographics": {"age": 50}}


def test_it_names_the_item_when_an_answer_is_out_of_range():
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed",
          "item": [{"linkId": "demographics.age", "answer": [{"valueInteger": 300}]}]}
    with pytest.raises(InputError) as err:
        questionnaire_response_to_case(qr)
    assert err.value.problems[0].path == "item[demographics.age]"


def test_it_refuses_other_resources():
    with pytest.raises(InputError) as err:
        questionnaire_response_to_case({"resourceType": "Patient"})
    assert err.value.problems[0].path == "resourceType"
