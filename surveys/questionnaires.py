"""The standard question sets the action plan needs, ready to use.

- The annual career development survey, with the motivation and ambition questions of 4D and
  the training-provision questions of 1E.
- The new starters' survey for people in their first months on an SO grade (4D: "survey
  incoming SOs about their reasons for pursuing this career pathway").
- The leaver questionnaire (4E), whose summary is presented at the careers event.
- Event feedback (1D, 2I).
- The programme evaluations (1B): the participant's, on completing a cohort, and their line
  manager's, about them (`participant_evaluation`, `manager_evaluation`).

Each question is a dict of `Question` fields; `surveys.services.survey_create(...,
standard_questions=True)` adds the set for the survey's kind.
"""

from typing import Any

from .models import Question, Survey

L, S, M, N, T = (
    Question.Kind.LIKERT,
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
    Question.Kind.NUMBER,
    Question.Kind.TEXT,
)

AMBITION_OPTIONS = "\n".join(
    [
        "Stay in my current role",
        "A higher grade in my field",
        "A management role",
        "A move into research",
        "A role outside research",
    ]
)
SUPPORT_OPTIONS = "Mentoring\nTraining courses\nSecondment or exchange\nProfessional registration\nTime for development"
REASONS_OPTIONS = (
    "Working in science\nHands-on laboratory work\nA route into research\nJob security\nLearning new techniques"
)
LEAVING_OPTIONS = "Career progression elsewhere\nPay\nEnd of fixed-term contract\nRelocation\nFurther study\nOther"
NEXT_OPTIONS = "\n".join(
    [
        "Technical role at another university or institute",
        "Technical role in industry",
        "PhD or further study",
        "A role outside science",
        "Not decided",
    ]
)

VALUABLE_THEME = "valuable"

STANDARD: dict[str, list[dict[str, Any]]] = {
    Survey.Kind.ANNUAL: [
        {"text": "I feel motivated in my current role.", "kind": L, "theme": "motivation"},
        {"text": "I can see a clear career path for myself at this institution.", "kind": L, "theme": "ambition"},
        {
            "text": "Where would you like to be in five years?",
            "kind": S,
            "options": AMBITION_OPTIONS,
            "theme": "ambition",
        },
        {
            "text": "Which support would help your career most?",
            "kind": M,
            "options": SUPPORT_OPTIONS,
            "required": False,
            "theme": "training",
        },
        {
            "text": "The training available to me meets my development needs.",
            "kind": L,
            "theme": "training",
        },
        {
            "text": "How many days of development did you have in the last twelve months?",
            "kind": N,
            "min_value": 0,
            "max_value": 60,
            "theme": "training",
        },
        {
            "text": "What would most improve your career development here?",
            "kind": T,
            "required": False,
            "max_length": 1000,
            "theme": "training",
        },
    ],
    Survey.Kind.NEW_STARTER: [
        {"text": "What drew you to a technical career?", "kind": M, "options": REASONS_OPTIONS, "theme": "motivation"},
        {"text": "I understand the career paths open to me as a technician.", "kind": L, "theme": "ambition"},
        {
            "text": "Where would you like to be in five years?",
            "kind": S,
            "options": AMBITION_OPTIONS,
            "theme": "ambition",
        },
        {"text": "Anything else you would like us to know?", "kind": T, "required": False, "max_length": 1000},
    ],
    # 1D ("80% of respondents found attendance valuable") and 2I ("meetings with positive
    # evaluation") read the "valuable" theme: agree or strongly agree counts as valuable.
    Survey.Kind.EVENT_FEEDBACK: [
        {"text": "Attending was valuable to me.", "kind": L, "theme": VALUABLE_THEME},
        {"text": "I would recommend events like this to a colleague.", "kind": L, "theme": "recommend"},
        {
            "text": "What would make the next one better?",
            "kind": T,
            "required": False,
            "max_length": 1000,
        },
    ],
    Survey.Kind.LEAVER: [
        {"text": "What is your main reason for leaving?", "kind": S, "options": LEAVING_OPTIONS, "theme": "leaving"},
        {"text": "Where are you going next?", "kind": S, "options": NEXT_OPTIONS, "theme": "leaving"},
        {"text": "I had good opportunities for career development here.", "kind": L, "theme": "training"},
        {"text": "I would recommend a technical career here to a friend.", "kind": L, "theme": "motivation"},
        {
            "text": "What could we have done to keep you?",
            "kind": T,
            "required": False,
            "max_length": 1000,
            "theme": "leaving",
        },
    ],
}


# 1B's measures read these themes: "Yes" to the participant's career question
# (programmes.participants_benefit) and to the manager's performance question
# (programmes.managers_benefit); "Yes" to the valuable question joins 1D's older answers.
CAREER_THEME = "career"
PERFORMANCE_THEME = "performance"
YES, NO = "Yes", "No"
YES_NO = f"{YES}\n{NO}"
EVALUATION_DAYS = 28  # each person's own time to answer, from the invitation that follows completion
COMMENT_LENGTH = 3000  # as long as the comment of the evaluation form these questions replace


def participant_evaluation(*, asks_career: bool = True, asks_valuable: bool = False) -> list[dict[str, Any]]:
    """The participant's questions: the career question of 1B (not for a one-day event, which 1D's
    "valuable" question covers), and `asks_valuable` for a programme opened to partner institutions."""
    questions: list[dict[str, Any]] = []
    if asks_career:
        questions.append(
            {
                "text": "Did the programme assist your career development?",
                "kind": S,
                "options": YES_NO,
                "theme": CAREER_THEME,
            }
        )
    if asks_valuable:
        questions.append(
            # Optional beside the career question (1B's measure); asked alone (a one-day event), required.
            {
                "text": "Was attending valuable to you?",
                "kind": S,
                "options": YES_NO,
                "theme": VALUABLE_THEME,
                "required": not asks_career,
            }
        )
    questions.append(
        {
            "text": "Anything you would like the organisers to know?",
            "kind": T,
            "required": False,
            "max_length": COMMENT_LENGTH,
        }
    )
    return questions


def manager_evaluation() -> list[dict[str, Any]]:
    """The line manager's questions, about one participant."""
    return [
        {
            "text": "Did the programme assist their performance at work?",
            "kind": S,
            "options": YES_NO,
            "theme": PERFORMANCE_THEME,
        },
        {
            "text": "Anything you would like the organisers to know?",
            "kind": T,
            "required": False,
            "max_length": COMMENT_LENGTH,
        },
    ]
