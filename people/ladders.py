"""The sector's usual job families and grade ladders, copied to every new institution.

Levels make grades comparable across families and institutions: every level-3 grade is "HSO
or equivalent", which is how a cohort's eligibility (`min_level`, `max_level`) admits a
partner's Research Manager or Analytical Scientist alongside an HSO. An institution's
administrator edits its own copy afterwards (the admin's job families and grades pages).
"""

# (family, description, [(short name, name, level, welcome new starters)])
SECTOR_LADDERS = [
    (
        "Scientific Officer",
        "Laboratory scientists on the Scientific Officer ladder.",
        [
            ("APP", "Apprentice Laboratory Technician", 1, False),
            ("SO", "Scientific Officer", 2, True),
            ("HSO", "Higher Scientific Officer", 3, False),
            ("SSO", "Senior Scientific Officer", 4, False),
            ("PSO", "Principal Scientific Officer", 5, False),
        ],
    ),
    (
        "Research Management",
        "Clinical trials, data management and centralised services management.",
        [
            ("RM1", "Research Administrator", 2, False),
            ("RM2", "Research Manager", 3, False),
            ("RM3", "Senior Research Manager", 4, False),
            ("RM4", "Head of Research Management", 5, False),
        ],
    ),
    (
        "Analytical Scientists",
        "Bioinformaticians, statisticians, epidemiologists, data scientists, computational chemists and "
        "physicists, and research software developers.",
        [
            ("AS1", "Analytical Scientist", 3, False),
            ("AS2", "Senior Analytical Scientist", 4, False),
            ("AS3", "Principal Analytical Scientist", 5, False),
        ],
    ),
    (
        "Biological Services Unit",
        "Animal technicians and the unit's managers.",
        [
            ("AT", "Animal Technician", 2, False),
            ("SAT", "Senior Animal Technician", 3, False),
            ("US", "Unit Supervisor", 4, False),
            ("UM", "Unit Manager", 5, False),
        ],
    ),
]
